package keytype

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
	"math/big"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// ECDSACurveName returns the SSH algorithm and curve identifier of c.
func ECDSACurveName(c elliptic.Curve) (alg, curve string, err error) {
	switch c {
	case elliptic.P256():
		return ECDSAP256, "nistp256", nil
	case elliptic.P384():
		return ECDSAP384, "nistp384", nil
	case elliptic.P521():
		return ECDSAP521, "nistp521", nil
	}
	name := "ECDSA"
	if c != nil && c.Params() != nil {
		name = "ECDSA " + c.Params().Name
	}
	return "", "", unsupported(name)
}

// ECDSACurve returns the curve of an SSH ECDSA algorithm name, or nil.
func ECDSACurve(alg string) elliptic.Curve {
	switch alg {
	case ECDSAP256:
		return elliptic.P256()
	case ECDSAP384:
		return elliptic.P384()
	case ECDSAP521:
		return elliptic.P521()
	}
	return nil
}

// ParseECDSAPoint decodes an uncompressed SEC1 point (the only form the SSH
// wire carries, RFC 5656 section 3.1) on the curve of alg.
func ParseECDSAPoint(alg string, pt []byte) (*ecdsa.PublicKey, error) {
	curve := ECDSACurve(alg)
	if curve == nil {
		return nil, unsupported(alg)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, pt)
	if err != nil {
		return nil, fmt.Errorf("invalid %s point", alg)
	}
	return pub, nil
}

// ParseECPoint decodes a SEC1 point on curve, uncompressed (0x04) or
// compressed (0x02, 0x03: `openssl ec -conv_form compressed`), as openssl
// and ssh-keygen read them in the PEM and DER forms. The SSH wire keeps
// uncompressed points only (ParseECDSAPoint), as OpenSSH does.
func ParseECPoint(curve elliptic.Curve, b []byte) (*ecdsa.PublicKey, error) {
	if _, _, err := ECDSACurveName(curve); err != nil {
		return nil, err
	}
	if len(b) > 0 && (b[0] == 2 || b[0] == 3) {
		x, y := elliptic.UnmarshalCompressed(curve, b)
		if x == nil {
			return nil, fmt.Errorf("invalid compressed %s point", curve.Params().Name)
		}
		size := (curve.Params().BitSize + 7) / 8
		u := make([]byte, 1+2*size)
		u[0] = 4
		x.FillBytes(u[1 : 1+size])
		y.FillBytes(u[1+size:])
		b = u
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, b)
	if err != nil {
		return nil, fmt.Errorf("invalid %s point", curve.Params().Name)
	}
	return pub, nil
}

// NewECDSAPrivateKey builds the key of scalar d on curve and, when pub is
// not nil, checks that it is pub's. d must be in 1 … order−1.
func NewECDSAPrivateKey(curve elliptic.Curve, d *big.Int, pub *ecdsa.PublicKey) (*ecdsa.PrivateKey, error) {
	if _, _, err := ECDSACurveName(curve); err != nil {
		return nil, err
	}
	size := (curve.Params().BitSize + 7) / 8
	if d == nil || d.Sign() <= 0 || d.BitLen() > size*8 {
		return nil, errors.New("ECDSA private scalar out of range")
	}
	key, err := ecdsa.ParseRawPrivateKey(curve, d.FillBytes(make([]byte, size)))
	if err != nil {
		return nil, errors.New("ECDSA private scalar out of range")
	}
	if pub != nil && !key.PublicKey.Equal(pub) {
		return nil, errors.New("ECDSA public point does not match the private scalar")
	}
	return key, nil
}

// ECDSAScalar returns the private scalar of k as an integer.
func ECDSAScalar(k *ecdsa.PrivateKey) (*big.Int, error) {
	d, err := k.Bytes()
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(d), nil
}

func appendECDSAPublic(b *sshwire.Builder, k *ecdsa.PublicKey) error {
	alg, curve, err := ECDSACurveName(k.Curve)
	if err != nil {
		return err
	}
	pt, err := k.Bytes()
	if err != nil {
		return err
	}
	b.StringS(alg)
	b.StringS(curve)
	b.String(pt)
	return nil
}

func readECDSAPublic(r *sshwire.Reader, alg string) (*ecdsa.PublicKey, error) {
	curve := string(r.String())
	pt := r.String()
	if r.Err() != nil {
		return nil, r.Err()
	}
	if "ecdsa-sha2-"+curve != alg {
		return nil, fmt.Errorf("curve %s does not match %s", Quote(curve), alg)
	}
	return ParseECDSAPoint(alg, pt)
}
