package pemenc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/asn1"
	"fmt"

	"github.com/keyforge/keyforge/internal/keytype"
)

// sec1Key is the head of RFC 5915 ECPrivateKey, enough to name the curve.
type sec1Key struct {
	Version    int
	PrivateKey []byte
	Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// parseSEC1DER reads an "EC PRIVATE KEY" (RFC 5915) on P-256/384/521,
// checking the embedded public key, when present, against the scalar.
func parseSEC1DER(der []byte) (crypto.Signer, error) {
	var k sec1Key
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil || len(rest) != 0 {
		return nil, malformed("bad SEC1 ECPrivateKey")
	}
	if curveFromOID(k.Curve) == nil {
		if len(k.Curve) == 0 {
			return nil, malformed("SEC1 key without a named curve")
		}
		return nil, unsupported(oidName(k.Curve))
	}
	key, err := x509.ParseECPrivateKey(der)
	if err != nil {
		return nil, malformed("bad SEC1 key: %v", err)
	}
	if len(k.PublicKey.Bytes) > 0 {
		want, err := parseECPoint(key.Curve, k.PublicKey.Bytes)
		if err != nil || !want.Equal(&key.PublicKey) {
			return nil, malformed("SEC1 public key does not match the private scalar")
		}
	}
	return checkSigner(key)
}

// parseECPoint decodes a SEC1 point on curve, uncompressed (0x04) or
// compressed (0x02, 0x03: `openssl ec -conv_form compressed`), as openssl
// and ssh-keygen read them in PEM and DER forms. (The SSH wire format keeps
// uncompressed points only, as OpenSSH does.)
func parseECPoint(curve elliptic.Curve, b []byte) (*ecdsa.PublicKey, error) {
	pub, err := keytype.ParseECPoint(curve, b)
	return pub, wrapKey(err)
}

// MarshalSEC1PrivateKey returns an ECDSA key as a SEC1 "EC PRIVATE KEY"
// PEM block (the form `openssl ec` writes).
func MarshalSEC1PrivateKey(key *ecdsa.PrivateKey) ([]byte, error) {
	if _, err := checkSigner(key); err != nil {
		return nil, err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	return encodeArmor("EC PRIVATE KEY", nil, der, 64), nil
}
