package sshcert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// Verify checks the CA's signature over the certificate with SignatureKey
// (the signature algorithm must suit the CA key, as OpenSSH requires).
func (c *Certificate) Verify() error {
	data := c.raw[:c.signed]
	s := c.Signature
	bad := func(why string) error { return fmt.Errorf("%w: %s", ErrBadSignature, why) }
	switch k := c.SignatureKey.(type) {
	case *rsa.PublicKey:
		var h crypto.Hash
		switch s.Format {
		case "ssh-rsa":
			h = crypto.SHA1
		case "rsa-sha2-256":
			h = crypto.SHA256
		case "rsa-sha2-512":
			h = crypto.SHA512
		default:
			return fmt.Errorf("%w: signature %s by an RSA CA", ErrUnsupportedKeyType, keytype.Quote(s.Format))
		}
		if len(s.Rest) != 0 {
			return bad("trailing bytes")
		}
		if rsa.VerifyPKCS1v15(k, h, digest(h, data), s.Blob) != nil {
			return bad(s.Format)
		}
	case ed25519.PublicKey:
		if s.Format != keytype.Ed25519 || len(s.Rest) != 0 {
			return fmt.Errorf("%w: signature %s by an Ed25519 CA", ErrBadSignature, keytype.Quote(s.Format))
		}
		if !ed25519.Verify(k, data, s.Blob) {
			return bad(s.Format)
		}
	case *ecdsa.PublicKey:
		alg, _, _ := keytype.ECDSACurveName(k.Curve)
		if s.Format != alg || len(s.Rest) != 0 {
			return fmt.Errorf("%w: signature %s by an %s CA", ErrBadSignature, keytype.Quote(s.Format), alg)
		}
		if !verifyECDSA(k, digest(curveHash(k.Curve), data), s.Blob) {
			return bad(s.Format)
		}
	case *fido.Ed25519PublicKey, *fido.ECDSAPublicKey:
		// PROTOCOL.u2f: the authenticator signs SHA-256(application) ‖
		// flags ‖ counter ‖ SHA-256(data); flags and counter follow the
		// signature blob.
		if s.Format != fido.Algorithm(k) || len(s.Rest) != 5 {
			return fmt.Errorf("%w: signature %s by a %s CA", ErrBadSignature, keytype.Quote(s.Format), fido.Algorithm(k))
		}
		var app string
		switch sk := k.(type) {
		case *fido.Ed25519PublicKey:
			app = sk.Application
		case *fido.ECDSAPublicKey:
			app = sk.Application
		}
		appHash := sha256.Sum256([]byte(app))
		dataHash := sha256.Sum256(data)
		msg := append(appHash[:], s.Rest...)
		msg = append(msg, dataHash[:]...)
		switch sk := k.(type) {
		case *fido.Ed25519PublicKey:
			if !ed25519.Verify(sk.Key, msg, s.Blob) {
				return bad(s.Format)
			}
		case *fido.ECDSAPublicKey:
			d := sha256.Sum256(msg)
			if !verifyECDSA(sk.Key, d[:], s.Blob) {
				return bad(s.Format)
			}
		}
	default:
		return fmt.Errorf("%w: CA key %T", ErrUnsupportedKeyType, c.SignatureKey)
	}
	return nil
}

// Flags and counter of a FIDO CA's signature (zero for other CAs).
func (s Signature) SKFlagsCounter() (flags byte, counter uint32) {
	if len(s.Rest) != 5 {
		return 0, 0
	}
	return s.Rest[0], binary.BigEndian.Uint32(s.Rest[1:])
}

func verifyECDSA(k *ecdsa.PublicKey, h, blob []byte) bool {
	r := sshwire.NewReader(blob)
	rr, ss := r.MPInt(), r.MPInt()
	r.Finished("ECDSA signature")
	if r.Err() != nil || rr.Sign() <= 0 || ss.Sign() <= 0 {
		return false
	}
	return ecdsa.Verify(k, h, rr, ss)
}

func curveHash(c elliptic.Curve) crypto.Hash {
	switch c {
	case elliptic.P384():
		return crypto.SHA384
	case elliptic.P521():
		return crypto.SHA512
	}
	return crypto.SHA256
}

func digest(h crypto.Hash, data []byte) []byte {
	var d hash.Hash
	switch h {
	case crypto.SHA1:
		d = sha1.New()
	case crypto.SHA256:
		d = sha256.New()
	case crypto.SHA384:
		d = sha512.New384()
	default:
		d = sha512.New()
	}
	d.Write(data)
	return d.Sum(nil)
}
