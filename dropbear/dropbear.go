// Package dropbear reads and writes Dropbear's native private-key files, the
// format `dropbearkey` writes and `dropbearconvert` converts to and from
// OpenSSH's (Dropbear 2022.83).
//
// A Dropbear key file is the bare SSH wire encoding of one key, with no
// armour, no comment and no encryption:
//
//	ssh-rsa:              string "ssh-rsa", mpint e, mpint n, mpint d, mpint p, mpint q
//	ssh-ed25519:          string "ssh-ed25519", string (32-byte seed ‖ 32-byte public key)
//	ecdsa-sha2-nistpNNN:  string alg, string "nistpNNN", string Q (uncompressed), mpint d
//
// Keys travel as the standard library's types: *rsa.PrivateKey,
// ed25519.PrivateKey and *ecdsa.PrivateKey on P-256, P-384 and P-521. DSA
// (ssh-dss) files, which dropbearkey also writes, are refused by name.
//
// Parse is strict (no trailing bytes, every value checked against the
// others) and refuses inputs larger than MaxInput before reading them.
package dropbear

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// Sentinel errors, for errors.Is. Messages never contain key material.
var (
	// ErrMalformed: the input is not a well-formed Dropbear key.
	ErrMalformed = errors.New("dropbear: malformed key file")
	// ErrUnsupportedKeyType: a key type other than RSA, Ed25519 and ECDSA
	// P-256/384/521 (the message names it, e.g. ssh-dss).
	ErrUnsupportedKeyType = errors.New("dropbear: unsupported key type")
)

// MaxInput bounds the input Parse reads: a 16384-bit RSA key, the largest
// any tool reads, is under 5 KiB.
const MaxInput = 64 << 10

// MarshalOptions configures Marshal; nil means the defaults. The format has
// nothing to configure today: the type keeps the API uniform with the other
// format packages.
type MarshalOptions struct{}

// ParseOptions configures Parse; nil means the defaults.
type ParseOptions struct{}

// Marshal returns key in Dropbear's native format, byte for byte as
// dropbearkey writes it (RSA primes in the order of key.Primes).
func Marshal(key crypto.Signer, _ *MarshalOptions) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: nil key", ErrUnsupportedKeyType)
	}
	// CheckSigner applies keyforge's size policy and reduces every accepted
	// form to one of the types below; an RSA key's own prime order is kept
	// (dropbearkey writes its primes in no fixed order).
	s, err := keytype.CheckSigner(key)
	if err != nil {
		return nil, wrap(err)
	}
	if r, ok := key.(*rsa.PrivateKey); ok {
		s = r
	}
	var b sshwire.Builder
	switch k := s.(type) {
	case *rsa.PrivateKey:
		b.StringS(keytype.RSA)
		b.MPInt(big.NewInt(int64(k.E)))
		b.MPInt(k.N)
		b.MPInt(k.D)
		b.MPInt(k.Primes[0])
		b.MPInt(k.Primes[1])
	case ed25519.PrivateKey:
		b.StringS(keytype.Ed25519)
		b.String(k)
	case *ecdsa.PrivateKey:
		blob, err := keytype.MarshalPublicKey(&k.PublicKey)
		if err != nil {
			return nil, wrap(err)
		}
		d, err := keytype.ECDSAScalar(k)
		if err != nil {
			return nil, wrap(err)
		}
		b.B = append(b.B, blob...) // name, curve, point: the public blob's fields
		b.MPInt(d)
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, key)
	}
	return b.B, nil
}

// Sniff reports whether data starts like a Dropbear key file: a wire string
// naming an SSH key algorithm. It reads at most the first 40 bytes.
func Sniff(data []byte) bool {
	r := sshwire.NewReader(data)
	n := r.Uint32()
	if r.Err() != nil || n < 7 || n > 32 || int(n) > r.Len() {
		return false
	}
	alg := r.Bytes(int(n))
	return bytes.HasPrefix(alg, []byte("ssh-")) || bytes.HasPrefix(alg, []byte("ecdsa-sha2-"))
}

// Parse reads a Dropbear private key file.
func Parse(data []byte, _ *ParseOptions) (crypto.Signer, error) {
	if len(data) > MaxInput {
		return nil, fmt.Errorf("%w: input of %d bytes exceeds %d", ErrMalformed, len(data), MaxInput)
	}
	r := sshwire.NewReader(data)
	alg := string(r.String())
	if r.Err() != nil {
		return nil, wrap(r.Err())
	}
	var key crypto.Signer
	var err error
	switch alg {
	case keytype.RSA:
		e, n, d, p, q := r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt()
		if r.Err() != nil {
			return nil, wrap(r.Err())
		}
		key, err = keytype.NewRSAPrivateKey(n, e, d, p, q)
	case keytype.Ed25519:
		kb := r.String()
		if r.Err() != nil {
			return nil, wrap(r.Err())
		}
		if len(kb) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrMalformed, len(kb))
		}
		key, err = keytype.NewEd25519PrivateKey(kb[:ed25519.SeedSize], kb[ed25519.SeedSize:])
	case keytype.ECDSAP256, keytype.ECDSAP384, keytype.ECDSAP521:
		pub, perr := keytype.ReadPublicKeyFields(r, alg)
		if perr != nil {
			return nil, wrap(perr)
		}
		d := r.MPInt()
		if r.Err() != nil {
			return nil, wrap(r.Err())
		}
		ep := pub.(*ecdsa.PublicKey)
		key, err = keytype.NewECDSAPrivateKey(ep.Curve, d, ep)
	case "ssh-dss":
		return nil, fmt.Errorf("%w: DSA (ssh-dss)", ErrUnsupportedKeyType)
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedKeyType, keytype.Quote(alg))
	}
	if err != nil {
		return nil, wrap(err)
	}
	r.Finished("key")
	if r.Err() != nil {
		return nil, wrap(r.Err())
	}
	return key, nil
}

// wrap puts a wire or key-type error under this package's sentinels, once.
func wrap(err error) error {
	return keytype.Wrap(err, ErrMalformed, ErrUnsupportedKeyType)
}
