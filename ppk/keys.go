package ppk

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// unsupported returns an ErrUnsupportedKeyType error naming alg (quoted and
// cut short: it comes from untrusted input).
func unsupported(alg string) error {
	return fmt.Errorf("%w %s", ErrUnsupportedKeyType, sshwire.Quote(alg))
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}

func supportedAlg(alg string) bool {
	switch alg {
	case sshwire.RSA, sshwire.Ed25519, sshwire.ECDSAP256, sshwire.ECDSAP384, sshwire.ECDSAP521:
		return true
	}
	return false
}

// marshalKey returns the algorithm, public blob and (unpadded) private blob
// of key, as puttygen writes them.
func marshalKey(key crypto.Signer) (alg string, pub, priv []byte, err error) {
	var b sshwire.Builder
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if len(k.Primes) != 2 {
			return "", nil, nil, fmt.Errorf("%w: RSA key with %d primes", ErrUnsupportedKeyType, len(k.Primes))
		}
		// PPK private blob: mpint d, p, q, iqmp with p > q, iqmp = q^-1 mod p.
		p, q := k.Primes[0], k.Primes[1]
		if p.Cmp(q) < 0 {
			p, q = q, p
		}
		iqmp := new(big.Int).ModInverse(q, p)
		if iqmp == nil {
			return "", nil, nil, fmt.Errorf("%w: invalid RSA primes", ErrMalformed)
		}
		b.MPInt(k.D)
		b.MPInt(p)
		b.MPInt(q)
		b.MPInt(iqmp)
		alg = sshwire.RSA
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return "", nil, nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrMalformed, len(k))
		}
		b.String(k.Seed()) // the 32-byte seed, as PuTTY 0.75 and later write it
		alg = sshwire.Ed25519
	case *ed25519.PrivateKey:
		return marshalKey(*k)
	case *ecdsa.PrivateKey:
		a, _, err := sshwire.ECDSACurveName(k.Curve)
		if err != nil {
			return "", nil, nil, fmt.Errorf("%w: %v", ErrUnsupportedKeyType, err)
		}
		raw, err := k.Bytes()
		if err != nil {
			return "", nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		b.MPInt(new(big.Int).SetBytes(raw))
		alg = a
	default:
		return "", nil, nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, key)
	}
	pub, err = sshwire.MarshalPublicKey(key.Public())
	if err != nil {
		return "", nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
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
	// Bytes after the key's fields are ignored, as PuTTY does (in Decode
	// the MAC covers them).
	pub, err := sshwire.ParsePublicKeyLenient(blob)
	if err != nil {
		var u *sshwire.UnsupportedKeyTypeError
		if errors.As(err, &u) {
			return nil, unsupported(u.Type)
		}
		return nil, malformed("public blob: %v", err)
	}
	return pub, nil
}

// parsePrivate decodes the private blob for pub and checks that the two
// halves belong together (the MAC proves integrity, not consistency).
// Bytes after the key fields (padding) are ignored, as PuTTY does.
func parsePrivate(pub crypto.PublicKey, blob []byte) (crypto.Signer, error) {
	r := sshwire.NewReader(blob)
	switch pk := pub.(type) {
	case *rsa.PublicKey:
		d := r.MPInt()
		p := r.MPInt()
		q := r.MPInt()
		r.MPInt() // iqmp: recomputed below, as PuTTY's rsa_verify does
		if r.Err() != nil {
			return nil, malformed("RSA private blob: %v", r.Err())
		}
		return rsaKey(pk, d, p, q)
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
		k := ed25519.NewKeyFromSeed(seed)
		if !pk.Equal(k.Public()) {
			return nil, malformed("ed25519 private key does not match the public key")
		}
		return k, nil
	case *ecdsa.PublicKey:
		kInt := r.MPInt()
		if r.Err() != nil {
			return nil, malformed("ECDSA private blob: %v", r.Err())
		}
		size := (pk.Curve.Params().BitSize + 7) / 8
		if kInt.BitLen() > size*8 {
			return nil, malformed("ECDSA private scalar out of range")
		}
		k, err := ecdsa.ParseRawPrivateKey(pk.Curve, kInt.FillBytes(make([]byte, size)))
		if err != nil {
			return nil, malformed("ECDSA private scalar out of range")
		}
		if !pk.Equal(k.Public()) {
			return nil, malformed("ECDSA private key does not match the public key")
		}
		return k, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, pub)
}

// rsaKey checks d, p, q against pub the way PuTTY's rsa_verify does and
// repairs what PuTTY tolerates (sshwire.NewRSAPrivateKey).
func rsaKey(pub *rsa.PublicKey, d, p, q *big.Int) (*rsa.PrivateKey, error) {
	k, err := sshwire.NewRSAPrivateKey(pub, d, p, q)
	if err != nil {
		return nil, malformed("RSA private key does not match the public key: %v", err)
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
