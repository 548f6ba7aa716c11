// Package fido holds OpenSSH's FIDO/U2F security-key types,
// sk-ssh-ed25519@openssh.com and sk-ecdsa-sha2-nistp256@openssh.com
// (OpenSSH's PROTOCOL.u2f), as values usable wherever keyforge takes a
// crypto.PublicKey: fingerprints, authorized_keys and RFC 4716 lines.
//
// A security key's public half is an Ed25519 or P-256 key plus the FIDO
// application string (the relying party, "ssh:" by default) that the
// authenticator signs over:
//
//	sk-ssh-ed25519@openssh.com:          string alg, string pk (32 bytes), string application
//	sk-ecdsa-sha2-nistp256@openssh.com:  string alg, string "nistp256", string Q, string application
//
// The private half that ssh-keygen -t ed25519-sk stores in an openssh-key-v1
// file is not a private key but a handle the authenticator needs: after the
// public fields come uint8 flags, string key_handle and string reserved.
// PrivateKey holds it; it cannot sign without the authenticator, so its Sign
// returns ErrNeedsAuthenticator.
//
// The package depends on the standard library only, so that the wire and
// format packages can all use it.
package fido

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Algorithm names as they appear on the wire.
const (
	AlgEd25519   = "sk-ssh-ed25519@openssh.com"
	AlgECDSAP256 = "sk-ecdsa-sha2-nistp256@openssh.com"
)

// Flags of a key handle (OpenSSH's SSH_SK_*).
const (
	FlagUserPresenceRequired     = 0x01
	FlagUserVerificationRequired = 0x04
	FlagResidentKey              = 0x20
)

// Sentinel errors.
var (
	// ErrMalformed: a blob is not a well-formed security-key blob.
	ErrMalformed = errors.New("fido: malformed security-key data")
	// ErrNeedsAuthenticator: signing needs the FIDO authenticator.
	ErrNeedsAuthenticator = errors.New("fido: signing needs the FIDO authenticator holding the key")
)

// MaxApplication bounds the application string read (OpenSSH keeps it
// short; FIDO relying-party ids are host names).
const MaxApplication = 1024

// Ed25519PublicKey is an sk-ssh-ed25519@openssh.com public key.
type Ed25519PublicKey struct {
	Key         ed25519.PublicKey
	Application string
}

// ECDSAPublicKey is an sk-ecdsa-sha2-nistp256@openssh.com public key.
type ECDSAPublicKey struct {
	Key         *ecdsa.PublicKey // P-256
	Application string
}

// Equal reports whether x is the same security key.
func (k *Ed25519PublicKey) Equal(x crypto.PublicKey) bool {
	o, ok := x.(*Ed25519PublicKey)
	return ok && k.Key.Equal(o.Key) && k.Application == o.Application
}

// Equal reports whether x is the same security key.
func (k *ECDSAPublicKey) Equal(x crypto.PublicKey) bool {
	o, ok := x.(*ECDSAPublicKey)
	return ok && k.Key.Equal(o.Key) && k.Application == o.Application
}

// PrivateKey is a security key's handle as an OpenSSH private key file
// stores it. PublicKey is *Ed25519PublicKey or *ECDSAPublicKey.
type PrivateKey struct {
	PublicKey crypto.PublicKey
	Flags     byte
	KeyHandle []byte
	Reserved  []byte
}

// Public returns the security key's public half.
func (k *PrivateKey) Public() crypto.PublicKey { return k.PublicKey }

// Sign always fails: the key lives in the authenticator.
func (k *PrivateKey) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, ErrNeedsAuthenticator
}

// Algorithm returns the SSH name of a security key, or "" for other keys.
func Algorithm(pub crypto.PublicKey) string {
	switch pub.(type) {
	case *Ed25519PublicKey:
		return AlgEd25519
	case *ECDSAPublicKey:
		return AlgECDSAP256
	}
	return ""
}

// MarshalPublicKey returns the SSH wire blob of a security key.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	var b []byte
	str := func(s []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	switch k := pub.(type) {
	case *Ed25519PublicKey:
		if len(k.Key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrMalformed, len(k.Key))
		}
		str([]byte(AlgEd25519))
		str(k.Key)
		str([]byte(k.Application))
	case *ECDSAPublicKey:
		if k.Key == nil || k.Key.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: security-key ECDSA must be P-256", ErrMalformed)
		}
		pt, err := k.Key.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		str([]byte(AlgECDSAP256))
		str([]byte("nistp256"))
		str(pt)
		str([]byte(k.Application))
	default:
		return nil, fmt.Errorf("%w: %T is not a security key", ErrMalformed, pub)
	}
	return b, nil
}

// ReadPublicFields reads the fields after the algorithm name (the same in a
// public blob and in a private section) with next, which returns the next
// wire string or an error.
func ReadPublicFields(alg string, next func() ([]byte, error)) (crypto.PublicKey, error) {
	switch alg {
	case AlgEd25519:
		pk, err := next()
		if err != nil {
			return nil, err
		}
		if len(pk) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrMalformed, len(pk))
		}
		app, err := application(next)
		if err != nil {
			return nil, err
		}
		return &Ed25519PublicKey{Key: append(ed25519.PublicKey(nil), pk...), Application: app}, nil
	case AlgECDSAP256:
		curve, err := next()
		if err != nil {
			return nil, err
		}
		if string(curve) != "nistp256" {
			return nil, fmt.Errorf("%w: curve %.32q for %s", ErrMalformed, curve, alg)
		}
		pt, err := next()
		if err != nil {
			return nil, err
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pt)
		if err != nil {
			return nil, fmt.Errorf("%w: invalid P-256 point", ErrMalformed)
		}
		app, err := application(next)
		if err != nil {
			return nil, err
		}
		return &ECDSAPublicKey{Key: pub, Application: app}, nil
	}
	return nil, fmt.Errorf("%w: %.64q is not a security-key algorithm", ErrMalformed, alg)
}

func application(next func() ([]byte, error)) (string, error) {
	app, err := next()
	if err != nil {
		return "", err
	}
	if len(app) > MaxApplication {
		return "", fmt.Errorf("%w: application of %d bytes", ErrMalformed, len(app))
	}
	return string(app), nil
}
