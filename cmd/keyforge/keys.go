package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// loadedKey is a key file read by any of the format packages.
type loadedKey struct {
	Private crypto.Signer    // nil when only the public half could be read
	Public  crypto.PublicKey // always set
	Comment string
	Format  string // "ppk" or "pem" (pemenc's formats)
}

var errNeedPassphrase = errors.New("the key is encrypted: give its passphrase with --passphrase-file")

func isPPK(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PuTTY-User-Key-File-"))
}

// loadKey reads a private or public key in any format keyforge reads. With
// needPrivate false, an encrypted key without a passphrase yields its public
// half when the format keeps that in the clear (PPK, OpenSSH), as
// `puttygen -l` and `ssh-keygen -l` do.
// lim sets the KDF ceilings (nil: the defaults).
func loadKey(data, passphrase []byte, needPrivate bool, lim *kdfLimits) (*loadedKey, error) {
	if lim == nil {
		lim = defaultKDFLimits
	}
	if isPPK(data) {
		return loadPPK(data, passphrase, needPrivate, lim)
	}
	priv, comment, err := pemenc.ParsePrivateKeyWithOptions(data, passphrase, &lim.pem)
	if err == nil {
		return &loadedKey{Private: priv, Public: priv.Public(), Comment: comment, Format: "pem"}, nil
	}
	if errors.Is(err, pemenc.ErrPassphraseRequired) {
		if !needPrivate {
			if pub, c, perr := pemenc.ParsePublicKey(data); perr == nil {
				return &loadedKey{Public: pub, Comment: c, Format: "pem"}, nil
			}
		}
		return nil, errNeedPassphrase
	}
	if errors.Is(err, pemenc.ErrUnsafeKDF) {
		return nil, fmt.Errorf("%w (raise the ceilings with --max-kdf-work)", err)
	}
	if errors.Is(err, pemenc.ErrIncorrectPassphrase) || errors.Is(err, pemenc.ErrUnsupportedKeyType) ||
		errors.Is(err, pemenc.ErrUnsupportedEncryption) ||
		errors.Is(err, pemenc.ErrUnsupportedFormat) {
		return nil, err
	}
	pub, comment, perr := pemenc.ParsePublicKey(data)
	if perr == nil {
		if needPrivate {
			return nil, errors.New("this is a public key; a private key is needed")
		}
		return &loadedKey{Public: pub, Comment: comment, Format: "pem"}, nil
	}
	if bytes.Contains(data, []byte("PRIVATE KEY")) {
		return nil, err
	}
	return nil, perr
}

func loadPPK(data, passphrase []byte, needPrivate bool, lim *kdfLimits) (*loadedKey, error) {
	pk, err := ppk.DecodePublic(data)
	if err != nil {
		return nil, err
	}
	encrypted := pk.Encryption != ppk.EncryptionNone
	if encrypted && passphrase == nil {
		if needPrivate {
			return nil, errNeedPassphrase
		}
		return &loadedKey{Public: pk.PublicKey, Comment: pk.Comment, Format: "ppk"}, nil
	}
	k, err := ppk.Decode(data, passphrase, &lim.ppk)
	if errors.Is(err, ppk.ErrUnsafeKDF) {
		return nil, fmt.Errorf("%w (raise the ceilings with --max-kdf-work)", err)
	}
	if err != nil {
		return nil, err
	}
	return &loadedKey{Private: k.PrivateKey, Public: k.PublicKey, Comment: k.Comment, Format: "ppk"}, nil
}

// keyTypeBits returns ssh-keygen's type label and size of a public key.
func keyTypeBits(pub crypto.PublicKey) (string, int, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen(), nil
	case ed25519.PublicKey:
		return "ED25519", 256, nil
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize, nil
	}
	return "", 0, fmt.Errorf("unsupported key type %T", pub)
}
