// Package pemenc reads and writes SSH key pairs in the text formats that
// ssh-keygen 9.2, openssl 3.0 and AWS EC2 use: OpenSSH "openssh-key-v1"
// private keys (unencrypted and bcrypt-encrypted), PKCS#1, SEC1, PKCS#8
// (plain and PBES2-encrypted), legacy Proc-Type/DEK-Info PEM, and the public
// forms authorized_keys, RFC 4716 and PKIX.
//
// Keys travel as standard-library types: *rsa.PrivateKey, ed25519.PrivateKey
// and *ecdsa.PrivateKey (P-256, P-384, P-521) and their public halves. Every
// RSA key this package returns is normalised (Primes[0] > Primes[1],
// Precompute done), so every encoding of it carries the same numbers.
//
// Readers follow ../shared/SPEC.md section 4: they refuse what ssh-keygen
// refuses for structural reasons (checkint mismatch, zero padding, unaligned
// private section, envelope key differing from the private key, several
// keys, short ed25519 sk, negative mpints, n ≠ p·q) and also an ed25519 sk
// whose second half is not the public key; they accept any line width, any
// 1,2,3… padding, text after END, CRLF, a missing final newline, and RSA keys
// with p and q swapped or a wrong iqmp (repaired). Errors wrap the exported
// sentinels below and never contain passphrases or key bytes.
package pemenc

import (
	"errors"
	"fmt"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// Sentinel errors, for errors.Is.
var (
	// ErrMalformed: the input is not a well-formed key in any format read.
	ErrMalformed = errors.New("pemenc: malformed key")
	// ErrPassphraseRequired: the key is encrypted and no passphrase was given.
	ErrPassphraseRequired = errors.New("pemenc: key is encrypted and no passphrase was given")
	// ErrIncorrectPassphrase: decryption failed (wrong passphrase or corrupt key).
	ErrIncorrectPassphrase = errors.New("pemenc: incorrect passphrase")
	// ErrUnsupportedKeyType: a key type other than RSA, Ed25519 and ECDSA
	// P-256/384/521 (the message names it), or an unsupported cipher or KDF.
	ErrUnsupportedKeyType = errors.New("pemenc: unsupported key type")
	// ErrUnsafeKDF: the file asks for more KDF work than the configured ceiling.
	ErrUnsafeKDF = errors.New("pemenc: KDF cost above the configured ceiling")
)

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}

func unsupported(name string) error {
	return fmt.Errorf("%w %q", ErrUnsupportedKeyType, name)
}

// wrapWire turns an sshwire error into one of this package's sentinels.
func wrapWire(err error) error {
	if err == nil {
		return nil
	}
	var ut *sshwire.UnsupportedKeyTypeError
	if errors.As(err, &ut) {
		return unsupported(ut.Type)
	}
	if errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnsupportedKeyType) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}
