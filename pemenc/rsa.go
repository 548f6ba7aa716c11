package pemenc

import (
	"crypto/rsa"
	"encoding/asn1"
	"math/big"

	"github.com/keyforge/keyforge/internal/sshwire"
)

var bigOne = big.NewInt(1)

// newRSAKey builds a normalised RSA key from the numbers a file carries.
// It checks n = p·q and d·e ≡ 1, but ignores stored CRT values (iqmp, dP,
// dQ): files with p and q swapped or a wrong iqmp are repaired, as
// ssh-keygen and openssl do.
func newRSAKey(n, e, d, p, q *big.Int) (*rsa.PrivateKey, error) {
	pub, err := sshwire.NewRSAPublicKey(n, e)
	if err != nil {
		return nil, wrapWire(err)
	}
	// Bound p and q before multiplying: hostile files may carry huge ones.
	if p.BitLen() > n.BitLen() || q.BitLen() > n.BitLen() {
		return nil, malformed("RSA prime larger than the modulus")
	}
	if p.Cmp(bigOne) <= 0 || q.Cmp(bigOne) <= 0 || d.Sign() <= 0 || d.Cmp(n) >= 0 {
		return nil, malformed("RSA private values out of range")
	}
	if new(big.Int).Mul(p, q).Cmp(n) != 0 {
		return nil, malformed("RSA modulus is not p·q")
	}
	if p.Cmp(q) < 0 {
		p, q = q, p
	}
	key := &rsa.PrivateKey{
		PublicKey: *pub,
		D:         new(big.Int).Set(d),
		Primes:    []*big.Int{new(big.Int).Set(p), new(big.Int).Set(q)},
	}
	if err := key.Validate(); err != nil {
		return nil, malformed("inconsistent RSA key: %v", err)
	}
	key.Precompute()
	return key, nil
}

// normaliseRSA returns a copy of k with Primes[0] > Primes[1], precomputed.
func normaliseRSA(k *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if len(k.Primes) != 2 {
		return nil, unsupported("multi-prime RSA")
	}
	return newRSAKey(k.N, big.NewInt(int64(k.E)), k.D, k.Primes[0], k.Primes[1])
}

// pkcs1PrivateKey is RFC 8017 appendix A.1.2 RSAPrivateKey.
type pkcs1PrivateKey struct {
	Version int
	N, E, D *big.Int
	P, Q    *big.Int
	Dp, Dq  *big.Int
	Qinv    *big.Int
	Other   []asn1.RawValue `asn1:"optional"`
}

// parsePKCS1DER parses RSAPrivateKey DER itself instead of with crypto/x509,
// which since Go 1.24 refuses (rather than repairs) a wrong CRT value.
func parsePKCS1DER(der []byte) (*rsa.PrivateKey, error) {
	var k pkcs1PrivateKey
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil {
		return nil, malformed("bad PKCS#1 RSAPrivateKey")
	}
	if len(rest) != 0 {
		return nil, malformed("trailing data after PKCS#1 RSAPrivateKey")
	}
	if k.Version != 0 || len(k.Other) != 0 {
		return nil, unsupported("multi-prime RSA")
	}
	for _, v := range []*big.Int{k.N, k.E, k.D, k.P, k.Q} {
		if v.Sign() < 0 {
			return nil, malformed("negative RSA value")
		}
	}
	return newRSAKey(k.N, k.E, k.D, k.P, k.Q)
}

// marshalPKCS1DER encodes a normalised key's RSAPrivateKey DER.
func marshalPKCS1DER(k *rsa.PrivateKey) []byte {
	p, q := k.Primes[0], k.Primes[1]
	pm1 := new(big.Int).Sub(p, bigOne)
	qm1 := new(big.Int).Sub(q, bigOne)
	der, err := asn1.Marshal(pkcs1PrivateKey{
		N: k.N, E: big.NewInt(int64(k.E)), D: k.D, P: p, Q: q,
		Dp:   new(big.Int).Mod(k.D, pm1),
		Dq:   new(big.Int).Mod(k.D, qm1),
		Qinv: new(big.Int).ModInverse(q, p),
	})
	if err != nil {
		panic("pemenc: marshal PKCS#1: " + err.Error())
	}
	return der
}
