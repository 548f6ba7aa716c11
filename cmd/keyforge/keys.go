package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/keyforge/keyforge/keyfile"
)

var errNeedPassphrase = errors.New("the key is encrypted: give its passphrase with --passphrase-file")

// openKey reads the key file at path ("-": stdin) and loads it with
// loadKey; errors name the file.
func openKey(path string, stdin io.Reader, passphrase []byte, needPrivate bool, lim *kdfLimits) (*keyfile.Key, error) {
	data, err := readInput(path, stdin)
	if err != nil {
		return nil, err
	}
	k, err := loadKey(data, passphrase, needPrivate, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// loadKey reads a private or public key in any format keyforge reads. With
// needPrivate false, an encrypted key without a passphrase yields its public
// half when the format keeps that in the clear (PPK, OpenSSH), as
// `puttygen -l` and `ssh-keygen -l` do. lim sets the KDF ceilings (nil: the
// defaults).
func loadKey(data, passphrase []byte, needPrivate bool, lim *kdfLimits) (*keyfile.Key, error) {
	if lim == nil {
		lim = defaultKDFLimits
	}
	k, err := keyfile.Parse(data, &keyfile.ParseOptions{Passphrase: passphrase, PEM: lim.pem, PPK: lim.ppk})
	var missing *keyfile.PassphraseMissingError
	if errors.As(err, &missing) {
		if needPrivate || missing.PublicKey == nil {
			return nil, errNeedPassphrase
		}
		return &keyfile.Key{Format: missing.Format, PublicKey: missing.PublicKey, Comment: missing.Comment, Encrypted: true}, nil
	}
	if errors.Is(err, keyfile.ErrUnsafeKDF) {
		return nil, fmt.Errorf("%w; raise the ceilings with --max-kdf-work", err)
	}
	if err != nil {
		return nil, err
	}
	if needPrivate && k.PrivateKey == nil {
		return nil, errors.New("this is a public key; a private key is needed")
	}
	return k, nil
}
