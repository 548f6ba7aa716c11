package pemenc

import (
	"crypto/rsa"
	"encoding/asn1"
	"math/big"

	"github.com/keyforge/keyforge/internal/sshwire"
)

var bigOne = big.NewInt(1)

// MinRSABits is the smallest RSA modulus pemenc reads or writes, as
// ssh-keygen 9.2 (SSH_RSA_MINIMUM_MODULUS_SIZE).
const MinRSABits = 1024

// newRSAKey builds a normalised RSA key from the numbers a file carries
// (sshwire.NewRSAPrivateKey: stored CRT values are ignored, p/q order and
// d ≥ n repaired), refusing moduli below MinRSABits.
func newRSAKey(n, e, d, p, q *big.Int) (*rsa.PrivateKey, error) {
	pub, err := sshwire.NewRSAPublicKey(n, e)
	if err != nil {
		return nil, wrapWire(err)
	}
	// ssh-keygen 9.2 refuses RSA keys below 1024 bits (SSH_RSA_MINIMUM_MODULUS_SIZE).
	if n.BitLen() < MinRSABits {
		return nil, malformed("RSA modulus of %d bits is below the %d-bit minimum", n.BitLen(), MinRSABits)
	}
	key, err := sshwire.NewRSAPrivateKey(pub, d, p, q)
	return key, wrapWire(err)
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

// checkRSASize refuses RSA keys below MinRSABits, as ssh-keygen 9.2 does
// for every key it reads or writes.
func checkRSASize(pub any) error {
	if k, ok := pub.(*rsa.PublicKey); ok && k.N != nil && k.N.BitLen() < MinRSABits {
		return malformed("RSA modulus of %d bits is below the %d-bit minimum", k.N.BitLen(), MinRSABits)
	}
	return nil
}

// parsePublicBlob is sshwire.ParsePublicKey plus the RSA size floor.
func parsePublicBlob(blob []byte) (any, error) {
	pub, err := sshwire.ParsePublicKey(blob)
	if err != nil {
		return nil, err
	}
	if err := checkRSASize(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// marshalPublicBlob is sshwire.MarshalPublicKey plus the RSA size floor.
func marshalPublicBlob(pub any) ([]byte, error) {
	if err := checkRSASize(pub); err != nil {
		return nil, err
	}
	return sshwire.MarshalPublicKey(pub)
}
