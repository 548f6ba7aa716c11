package pemenc

import (
	"crypto"
	"crypto/rsa"
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/keyforge/keyforge/internal/keytype"
)

// MarshalPKCS1PrivateKey returns k as a PKCS#1 "RSA PRIVATE KEY" PEM block
// with 64-column base64 lines, ending in "\n" (EC2 drops that final newline).
// It writes p > q like every encoder (keytype.NormaliseRSA).
func MarshalPKCS1PrivateKey(k *rsa.PrivateKey) ([]byte, error) {
	n, err := checkSigner(k)
	if err != nil {
		return nil, err
	}
	return encodeArmor("RSA PRIVATE KEY", nil, marshalPKCS1DER(n.(*rsa.PrivateKey)), 64), nil
}

// ParsePKCS1PrivateKey reads an unencrypted PKCS#1 "RSA PRIVATE KEY" PEM block.
// Swapped primes and wrong CRT values are repaired; n ≠ p·q is refused.
func ParsePKCS1PrivateKey(data []byte) (*rsa.PrivateKey, error) {
	b, err := decodeArmor(data)
	if err != nil {
		return nil, err
	}
	if b.Type != "RSA PRIVATE KEY" {
		return nil, malformed("PEM type %s, want RSA PRIVATE KEY", keytype.Quote(b.Type))
	}
	if _, ok := b.header("Proc-Type"); ok {
		// This function takes no passphrase: point to the one that does.
		return nil, fmt.Errorf("%w (legacy Proc-Type encryption: use ParsePrivateKey with the passphrase)", ErrPassphraseRequired)
	}
	return parsePKCS1DER(b.Bytes)
}

var bigOne = big.NewInt(1)

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
	key, err := keytype.NewRSAPrivateKey(k.N, k.E, k.D, k.P, k.Q)
	return key, wrapKey(err)
}

// marshalPKCS1DER encodes a normalised key's RSAPrivateKey DER.
func marshalPKCS1DER(k *rsa.PrivateKey) []byte {
	p, q, qinv := keytype.RSAPrimes(k)
	pm1 := new(big.Int).Sub(p, bigOne)
	qm1 := new(big.Int).Sub(q, bigOne)
	der, err := asn1.Marshal(pkcs1PrivateKey{
		N: k.N, E: big.NewInt(int64(k.E)), D: k.D, P: p, Q: q,
		Dp:   new(big.Int).Mod(k.D, pm1),
		Dq:   new(big.Int).Mod(k.D, qm1),
		Qinv: qinv,
	})
	if err != nil {
		panic("pemenc: marshal PKCS#1: " + err.Error())
	}
	return der
}

// parsePKCS1PublicDER reads a PKCS#1 RSAPublicKey.
func parsePKCS1PublicDER(der []byte) (crypto.PublicKey, error) {
	var k pkcs1Public
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 {
		return nil, malformed("bad PKCS#1 RSAPublicKey")
	}
	if k.N.Sign() <= 0 || k.E.Sign() <= 0 {
		return nil, malformed("bad PKCS#1 RSAPublicKey")
	}
	pub, err := keytype.NewRSAPublicKey(k.N, k.E)
	if err != nil {
		return nil, wrapKey(err)
	}
	return pub, nil
}

type pkcs1Public struct {
	N *big.Int
	E *big.Int
}
