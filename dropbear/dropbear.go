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
// Decode is strict (no trailing bytes, every value checked against the
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
	"strings"

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

// MaxInput bounds the input Decode reads: a 16384-bit RSA key, the largest
// any tool reads, is under 5 KiB.
const MaxInput = 64 << 10

// minRSABits is the smallest RSA modulus read or written, as ssh-keygen 9.2.
const minRSABits = 1024

// EncodeOptions configures Encode; nil means the defaults. The format has
// nothing to configure today: the type keeps the API uniform with the other
// format packages.
type EncodeOptions struct{}

// DecodeOptions configures Decode; nil means the defaults.
type DecodeOptions struct{}

// Encode returns key in Dropbear's native format, byte for byte as
// dropbearkey writes it (RSA primes in the order of key.Primes).
func Encode(key crypto.Signer, _ *EncodeOptions) ([]byte, error) {
	var b sshwire.Builder
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if len(k.Primes) != 2 {
			return nil, fmt.Errorf("%w: RSA key with %d primes", ErrUnsupportedKeyType, len(k.Primes))
		}
		if k.N.BitLen() < minRSABits || k.N.BitLen() > sshwire.MaxRSABits {
			return nil, fmt.Errorf("%w: RSA key of %d bits", ErrUnsupportedKeyType, k.N.BitLen())
		}
		b.StringS(sshwire.RSA)
		b.MPInt(big.NewInt(int64(k.E)))
		b.MPInt(k.N)
		b.MPInt(k.D)
		b.MPInt(k.Primes[0])
		b.MPInt(k.Primes[1])
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrMalformed, len(k))
		}
		b.StringS(sshwire.Ed25519)
		b.String(k)
	case *ed25519.PrivateKey:
		return Encode(*k, nil)
	case *ecdsa.PrivateKey:
		alg, curve, err := sshwire.ECDSACurveName(k.Curve)
		if err != nil {
			return nil, fmt.Errorf("%w: ECDSA %s", ErrUnsupportedKeyType, k.Curve.Params().Name)
		}
		pt, err := k.PublicKey.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		d, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		b.StringS(alg)
		b.StringS(curve)
		b.String(pt)
		b.MPInt(new(big.Int).SetBytes(d))
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

// Decode reads a Dropbear private key file.
func Decode(data []byte, _ *DecodeOptions) (crypto.Signer, error) {
	if len(data) > MaxInput {
		return nil, fmt.Errorf("%w: input of %d bytes exceeds %d", ErrMalformed, len(data), MaxInput)
	}
	r := sshwire.NewReader(data)
	alg := string(r.String())
	if r.Err() != nil {
		return nil, wrap(r.Err())
	}
	var key crypto.Signer
	switch alg {
	case sshwire.RSA:
		e, n, d, p, q := r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt()
		if r.Err() != nil {
			return nil, wrap(r.Err())
		}
		pub, err := sshwire.NewRSAPublicKey(n, e)
		if err != nil {
			return nil, wrap(err)
		}
		if n.BitLen() < minRSABits {
			return nil, fmt.Errorf("%w: RSA key of %d bits (minimum %d)", ErrUnsupportedKeyType, n.BitLen(), minRSABits)
		}
		k, err := sshwire.NewRSAPrivateKey(pub, d, p, q)
		if err != nil {
			return nil, wrap(err)
		}
		key = k
	case sshwire.Ed25519:
		kb := r.String()
		if r.Err() != nil {
			return nil, wrap(r.Err())
		}
		if len(kb) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrMalformed, len(kb))
		}
		k := ed25519.NewKeyFromSeed(kb[:ed25519.SeedSize])
		if !bytes.Equal(k[ed25519.SeedSize:], kb[ed25519.SeedSize:]) {
			return nil, fmt.Errorf("%w: ed25519 public key does not match the seed", ErrMalformed)
		}
		key = k
	case sshwire.ECDSAP256, sshwire.ECDSAP384, sshwire.ECDSAP521:
		pubAny, err := sshwire.ReadPublicKeyFields(r, alg)
		if err != nil {
			return nil, wrap(err)
		}
		d := r.MPInt()
		if r.Err() != nil {
			return nil, wrap(r.Err())
		}
		pub := pubAny.(*ecdsa.PublicKey)
		size := (pub.Curve.Params().BitSize + 7) / 8
		if d.Sign() <= 0 || d.BitLen() > 8*size {
			return nil, fmt.Errorf("%w: ECDSA private scalar out of range", ErrMalformed)
		}
		k, err := ecdsa.ParseRawPrivateKey(pub.Curve, d.FillBytes(make([]byte, size)))
		if err != nil {
			return nil, fmt.Errorf("%w: ECDSA private scalar out of range", ErrMalformed)
		}
		if !k.PublicKey.Equal(pub) {
			return nil, fmt.Errorf("%w: ECDSA public point does not match the private scalar", ErrMalformed)
		}
		key = k
	case "ssh-dss":
		return nil, fmt.Errorf("%w: DSA (ssh-dss)", ErrUnsupportedKeyType)
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedKeyType, sshwire.Quote(alg))
	}
	r.Finished("key")
	if r.Err() != nil {
		return nil, wrap(r.Err())
	}
	return key, nil
}

// wrap turns an sshwire error into this package's sentinels, once.
func wrap(err error) error {
	var ut *sshwire.UnsupportedKeyTypeError
	if errors.As(err, &ut) {
		return fmt.Errorf("%w: %s", ErrUnsupportedKeyType, sshwire.Quote(ut.Type))
	}
	return fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), sshwire.ErrMalformed.Error()+": "))
}
