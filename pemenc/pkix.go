package pemenc

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// MarshalPKIXPublicKey returns pub as a PKIX "PUBLIC KEY" (SubjectPublicKeyInfo)
// PEM block, 64 columns, as `openssl pkey -pubout` writes it.
func MarshalPKIXPublicKey(pub crypto.PublicKey) ([]byte, error) {
	der, err := MarshalPKIXPublicKeyDER(pub)
	if err != nil {
		return nil, err
	}
	return encodeArmor("PUBLIC KEY", nil, der, 64), nil
}

type spki struct {
	Algo pkix.AlgorithmIdentifier
	Key  asn1.BitString
}

// parsePKIXDER reads SubjectPublicKeyInfo DER for the supported key types.
func parsePKIXDER(der []byte) (crypto.PublicKey, error) {
	var s spki
	if rest, err := asn1.Unmarshal(der, &s); err != nil || len(rest) != 0 {
		return nil, malformed("bad SubjectPublicKeyInfo")
	}
	switch {
	case s.Algo.Algorithm.Equal(oidRSA), s.Algo.Algorithm.Equal(oidEd25519):
	case s.Algo.Algorithm.Equal(oidEC):
		var curve asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(s.Algo.Parameters.FullBytes, &curve); err != nil {
			return nil, malformed("bad ECDSA curve parameters")
		}
		c := curveFromOID(curve)
		if c == nil {
			return nil, unsupported(oidName(curve))
		}
		if pt := s.Key.Bytes; len(pt) > 0 && pt[0] != 4 {
			// crypto/x509 reads uncompressed points only.
			pub, err := parseECPoint(c, pt)
			if err != nil {
				return nil, err
			}
			return checkPublic(pub)
		}
	default:
		return nil, unsupported(oidName(s.Algo.Algorithm))
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, malformed("bad public key: %v", err)
	}
	return checkPublic(pub)
}

// checkPublic applies the same bounds as the SSH wire parser.
func checkPublic(pub crypto.PublicKey) (crypto.PublicKey, error) {
	blob, err := marshalPublicBlob(pub)
	if err != nil {
		return nil, unsupportedGo(pub)
	}
	p, err := parsePublicBlob(blob)
	return p, wrapKey(err)
}
