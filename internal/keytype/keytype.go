// Package keytype is keyforge's one place per key type: the checks,
// assembly and repair, normalisation and SSH public-key blobs of RSA,
// Ed25519 and ECDSA (P-256/384/521) keys and of FIDO security keys' public
// halves (package fido), shared by every format package. Each key type has
// its own file (rsa.go, ed25519.go, ecdsa.go, fido.go); this file
// dispatches on the Go type or the SSH algorithm name.
//
// Errors carry no package prefix: the format package that calls in wraps
// them once with its own sentinel (see Wrap). *UnsupportedError names a key
// type keyforge does not handle; every other error means malformed input.
//
// Adding a key type: a new file here with its checks, constructor and blob
// fields, one case in each switch of this file, then the per-format fields
// in the format packages (pemenc's OpenSSH private section, ppk's private
// blob).
package keytype

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// SSH algorithm names (RFC 4253, RFC 8709, RFC 5656).
const (
	RSA       = "ssh-rsa"
	Ed25519   = "ssh-ed25519"
	ECDSAP256 = "ecdsa-sha2-nistp256"
	ECDSAP384 = "ecdsa-sha2-nistp384"
	ECDSAP521 = "ecdsa-sha2-nistp521"
)

// UnsupportedError names a key type (an SSH algorithm name, an OID's name
// or a Go type) that keyforge does not handle.
type UnsupportedError struct{ Type string }

func (e *UnsupportedError) Error() string { return "unsupported key type " + Quote(e.Type) }

func unsupported(name string) error { return &UnsupportedError{Type: name} }

func unsupportedGo(v any) error { return &UnsupportedError{Type: fmt.Sprintf("%T", v)} }

// Wrap returns err under one of the caller's sentinels: unsupported (then
// the type's name, quoted) for *UnsupportedError, malformed otherwise. An
// error already wrapping either sentinel is returned as is.
func Wrap(err, malformed, unsupportedSentinel error) error {
	if err == nil || errors.Is(err, malformed) || errors.Is(err, unsupportedSentinel) {
		return err
	}
	var u *UnsupportedError
	if errors.As(err, &u) {
		return fmt.Errorf("%w %s", unsupportedSentinel, Quote(u.Type))
	}
	return fmt.Errorf("%w: %v", malformed, err)
}

// MaxQuoted bounds how many bytes of a file-derived string Quote keeps.
const MaxQuoted = 64

// Quote returns s for an error message: Go-quoted, cut to MaxQuoted bytes
// with an ellipsis, so a hostile file cannot make errors arbitrarily long.
func Quote(s string) string {
	if len(s) <= MaxQuoted {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q...", s[:MaxQuoted])
}

// Algorithm returns the SSH algorithm name of a supported public key.
func Algorithm(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return RSA, nil
	case ed25519.PublicKey:
		return Ed25519, nil
	case *ecdsa.PublicKey:
		alg, _, err := ECDSACurveName(k.Curve)
		return alg, err
	case *fido.Ed25519PublicKey, *fido.ECDSAPublicKey:
		return fido.Algorithm(k), nil
	}
	return "", unsupportedGo(pub)
}

// CheckPublicKey applies the checks every reader and writer applies to a
// public key (RSA size policy, Ed25519 length, supported curve) and returns
// it in its canonical Go form.
func CheckPublicKey(pub crypto.PublicKey) (crypto.PublicKey, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if err := CheckRSAPublicKey(k); err != nil {
			return nil, err
		}
		return k, nil
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ed25519 public key of %d bytes", len(k))
		}
		return k, nil
	case *ed25519.PublicKey:
		if k == nil {
			return nil, unsupportedGo(pub)
		}
		return CheckPublicKey(*k)
	case *ecdsa.PublicKey:
		if _, _, err := ECDSACurveName(k.Curve); err != nil {
			return nil, err
		}
		return k, nil
	case *fido.Ed25519PublicKey, *fido.ECDSAPublicKey:
		if _, err := fido.MarshalPublicKey(k); err != nil {
			return nil, err
		}
		return k, nil
	}
	return nil, unsupportedGo(pub)
}

// CheckSigner is CheckPublicKey for private keys, and normalises them: RSA
// keys come back with Primes[0] > Primes[1] and precomputed CRT values (so
// every encoder writes the same numbers), an *ed25519.PrivateKey as the
// value. Encoders call it first, readers last.
func CheckSigner(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return NormaliseRSA(k)
	case ed25519.PrivateKey:
		return CheckEd25519(k)
	case DerivedEd25519:
		if len(k.PrivateKey) != ed25519.PrivateKeySize {
			return CheckEd25519(k.PrivateKey)
		}
		return k.PrivateKey, nil
	case *ed25519.PrivateKey:
		if k == nil {
			return nil, unsupportedGo(key)
		}
		return CheckEd25519(*k)
	case *ecdsa.PrivateKey:
		if _, _, err := ECDSACurveName(k.Curve); err != nil {
			return nil, err
		}
		return k, nil
	}
	return nil, unsupportedGo(key)
}

// MarshalPublicKey returns the SSH wire blob of a supported public key.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	pub, err := CheckPublicKey(pub)
	if err != nil {
		return nil, err
	}
	var b sshwire.Builder
	switch k := pub.(type) {
	case *rsa.PublicKey:
		b.StringS(RSA)
		appendRSAPublic(&b, k)
	case ed25519.PublicKey:
		b.StringS(Ed25519)
		b.String(k)
	case *ecdsa.PublicKey:
		if err := appendECDSAPublic(&b, k); err != nil {
			return nil, err
		}
	case *fido.Ed25519PublicKey, *fido.ECDSAPublicKey:
		return fido.MarshalPublicKey(k)
	}
	return b.B, nil
}

// ParsePublicKey parses an SSH wire public-key blob; bytes after the key's
// fields are refused.
func ParsePublicKey(blob []byte) (crypto.PublicKey, error) {
	r := sshwire.NewReader(blob)
	pub, err := ReadPublicKey(r)
	if err != nil {
		return nil, err
	}
	r.Finished("public key")
	if r.Err() != nil {
		return nil, r.Err()
	}
	return pub, nil
}

// ParsePublicKeyLenient is ParsePublicKey but ignores bytes after the key's
// fields, as PuTTY does for the MAC-covered public blob of a PPK file.
func ParsePublicKeyLenient(blob []byte) (crypto.PublicKey, error) {
	return ReadPublicKey(sshwire.NewReader(blob))
}

// ReadPublicKey reads the algorithm name and the fields of a public key.
func ReadPublicKey(r *sshwire.Reader) (crypto.PublicKey, error) {
	alg := string(r.String())
	if r.Err() != nil {
		return nil, r.Err()
	}
	return ReadPublicKeyFields(r, alg)
}

// ReadPublicKeyFields reads the fields that follow the algorithm name in a
// public-key blob (or in an OpenSSH private section, where they are the same
// for ECDSA).
func ReadPublicKeyFields(r *sshwire.Reader, alg string) (crypto.PublicKey, error) {
	switch alg {
	case RSA:
		return readRSAPublic(r)
	case Ed25519:
		return readEd25519Public(r)
	case ECDSAP256, ECDSAP384, ECDSAP521:
		return readECDSAPublic(r, alg)
	case SKEd25519, SKECDSAP256:
		return readSKPublic(r, alg)
	}
	return nil, unsupported(alg)
}

// Supported reports whether alg names a key type keyforge handles.
func Supported(alg string) bool {
	switch alg {
	case RSA, Ed25519, ECDSAP256, ECDSAP384, ECDSAP521:
		return true
	}
	return false
}

// Describe returns ssh-keygen's type label and size of a public key, as
// `ssh-keygen -l` prints them ("RSA" 2048, "ED25519" 256, "ECDSA" 384,
// "ED25519-SK" 256).
func Describe(pub crypto.PublicKey) (string, int, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen(), nil
	case ed25519.PublicKey:
		return "ED25519", 256, nil
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize, nil
	case *fido.Ed25519PublicKey:
		return "ED25519-SK", 256, nil
	case *fido.ECDSAPublicKey:
		return "ECDSA-SK", 256, nil
	}
	return "", 0, unsupportedGo(pub)
}
