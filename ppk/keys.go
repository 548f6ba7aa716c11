package ppk

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"math/big"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// unsupported returns an ErrUnsupportedKeyType error naming alg (quoted and
// cut short: it comes from untrusted input).
func unsupported(alg string) error {
	return fmt.Errorf("%w %s", ErrUnsupportedKeyType, keytype.Quote(alg))
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}

// wrapKey puts an error of the key-type layer or the wire reader under this
// package's sentinels, once.
func wrapKey(err error) error {
	return keytype.Wrap(err, ErrMalformed, ErrUnsupportedKeyType)
}

// marshalKey returns the algorithm, public blob and (unpadded) private blob
// of key, as puttygen writes them.
func marshalKey(key crypto.Signer) (alg string, pub, priv []byte, err error) {
	if key, err = keytype.CheckSigner(key); err != nil {
		return "", nil, nil, wrapKey(err)
	}
	var b sshwire.Builder
	switch k := key.(type) {
	case *rsa.PrivateKey:
		// PPK private blob: mpint d, p, q, iqmp with p > q, iqmp = q⁻¹ mod p.
		p, q, iqmp := keytype.RSAPrimes(k)
		b.MPInt(k.D)
		b.MPInt(p)
		b.MPInt(q)
		b.MPInt(iqmp)
	case ed25519.PrivateKey:
		b.String(k.Seed()) // the 32-byte seed, as PuTTY 0.75 and later write it
	case *ecdsa.PrivateKey:
		d, err := keytype.ECDSAScalar(k)
		if err != nil {
			return "", nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		b.MPInt(d)
	}
	if alg, err = keytype.Algorithm(key.Public()); err != nil {
		return "", nil, nil, wrapKey(err)
	}
	if pub, err = keytype.MarshalPublicKey(key.Public()); err != nil {
		return "", nil, nil, wrapKey(err)
	}
	return alg, pub, b.B, nil
}

// parsePublic parses the public blob and checks it names alg.
func parsePublic(alg string, blob []byte) (crypto.PublicKey, error) {
	r := sshwire.NewReader(blob)
	name := string(r.String())
	if r.Err() != nil {
		return nil, malformed("public blob: %v", r.Err())
	}
	if name != alg {
		return nil, malformed("public blob algorithm does not match the header")
	}
	// Bytes after the key's fields are ignored, as PuTTY does (in Parse
	// the MAC covers them).
	pub, err := keytype.ParsePublicKeyLenient(blob)
	if err != nil {
		return nil, wrapKey(fmt.Errorf("public blob: %w", err))
	}
	return pub, nil
}

// parsePrivate decodes the private blob for pub and checks that the two
// halves belong together (the MAC proves integrity, not consistency).
// Bytes after the key fields (padding) are ignored, as PuTTY does.
func parsePrivate(pub crypto.PublicKey, blob []byte) (crypto.Signer, error) {
	r := sshwire.NewReader(blob)
	var k crypto.Signer
	var err error
	switch pk := pub.(type) {
	case *rsa.PublicKey:
		d := r.MPInt()
		p := r.MPInt()
		q := r.MPInt()
		r.MPInt() // iqmp: recomputed, as PuTTY's rsa_verify does
		if r.Err() != nil {
			return nil, malformed("RSA private blob: %v", r.Err())
		}
		// What PuTTY tolerates (p < q, a wrong iqmp, d ≥ n) is repaired.
		k, err = keytype.NewRSAPrivateKey(pk.N, big.NewInt(int64(pk.E)), d, p, q)
	case ed25519.PublicKey:
		s := r.String()
		if r.Err() != nil {
			return nil, malformed("ed25519 private blob: %v", r.Err())
		}
		// PuTTY 0.68-0.74 stored the seed as a little-endian integer,
		// dropping trailing zero bytes: zero-extend.
		seed := make([]byte, ed25519.SeedSize)
		if len(s) > ed25519.SeedSize {
			for _, c := range s[ed25519.SeedSize:] {
				if c != 0 {
					return nil, malformed("ed25519 private key longer than 32 bytes")
				}
			}
			s = s[:ed25519.SeedSize]
		}
		copy(seed, s)
		k, err = keytype.NewEd25519PrivateKey(seed, pk)
	case *ecdsa.PublicKey:
		d := r.MPInt()
		if r.Err() != nil {
			return nil, malformed("ECDSA private blob: %v", r.Err())
		}
		k, err = keytype.NewECDSAPrivateKey(pk.Curve, d, pk)
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, pub)
	}
	if err != nil {
		return nil, wrapKey(err)
	}
	return k, nil
}

// kdfName canonicalises a KDF name given in any case.
func kdfName(s string) (string, bool) {
	for _, n := range []string{Argon2id, Argon2i, Argon2d} {
		if strings.EqualFold(s, n) {
			return n, true
		}
	}
	return "", false
}
