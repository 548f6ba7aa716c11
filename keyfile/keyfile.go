// Package keyfile opens any key file keyforge knows, private or public, with
// one call: Parse detects the format, reads the key with the format's
// package (pemenc, ppk, sshcom, dropbear, sshcert) and says which format it
// was, as x/crypto/ssh's
// ParseRawPrivateKey does for the formats it knows.
//
//	k, err := keyfile.Parse(data, &keyfile.ParseOptions{Passphrase: pass})
//	var missing *keyfile.PassphraseMissingError
//	if errors.As(err, &missing) {
//		// encrypted: missing.PublicKey is set when the format keeps it in clear
//	}
//
// Private forms: OpenSSH (openssh-key-v1, including FIDO key handles),
// PKCS#1, PKCS#8, encrypted PKCS#8 (PEM or bare DER; PBES2 with PBKDF2 or
// scrypt, and the legacy PKCS#12 PBE and PBES1 schemes), SEC1, legacy
// Proc-Type/DEK-Info encrypted PEM, bare DER of PKCS#8/PKCS#1/SEC1, PuTTY PPK
// v2 and v3, ssh.com/Tectia (package sshcom) and Dropbear (package dropbear).
// Public forms: authorized_keys lines (FIDO security keys included), OpenSSH
// certificates (package sshcert; the CA signature is checked), RFC 4716
// blocks, PKIX SubjectPublicKeyInfo (PEM, DER or one base64 token, EC2
// ImportKeyPair's third form) and PKCS#1 RSA PUBLIC KEY.
//
// Detection looks only at the armour (PEM type and headers, the PPK and
// RFC 4716 first lines, the outer DER structure), never by trying parsers
// one after another, so a file is decoded once and its format's own error
// is reported. Errors keep the format package's text and also match this
// package's sentinels with errors.Is (ErrMalformed, ErrIncorrectPassphrase,
// ErrUnsupported, ErrUnsafeKDF), so callers need not know which package read
// the file.
//
// ParseOptions.Formats restricts what is read: a service that takes public
// keys lists the public formats, and no KDF can then run. Files that
// keyforge recognises but does not read, SSH-1 rsa1 keys and PKCS#12, are
// named in their errors (ErrSSH1Key, ErrPKCS12, both ErrUnsupportedFormat).
//
// Adding a format: one file holding a *format value (its match and parse
// functions) and one line in the formats list of registry.go.
package keyfile

import (
	"crypto"
	"errors"
	"fmt"
	"slices"

	"github.com/keyforge/keyforge/dropbear"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
	"github.com/keyforge/keyforge/sshcert"
	"github.com/keyforge/keyforge/sshcom"
)

// Format names a key-file format.
type Format string

// Encoding is how a format's bytes are laid out in the file.
type Encoding string

const (
	EncodingPEM    Encoding = "pem"    // RFC 7468 armour ("-----BEGIN …-----")
	EncodingDER    Encoding = "der"    // bare DER
	EncodingBase64 Encoding = "base64" // one base64 token of DER
	EncodingText   Encoding = "text"   // the format's own text layout (PPK, authorized_keys, RFC 4716)
	EncodingBinary Encoding = "binary" // the format's own binary layout (Dropbear's SSH wire encoding)
)

// Key is a parsed key file.
type Key struct {
	Format   Format
	Encoding Encoding
	// PrivateKey is *rsa.PrivateKey, ed25519.PrivateKey or *ecdsa.PrivateKey;
	// nil for a public-key file.
	PrivateKey crypto.Signer
	// PublicKey is *rsa.PublicKey, ed25519.PublicKey or *ecdsa.PublicKey.
	PublicKey crypto.PublicKey
	// Comment is empty for formats that carry none.
	Comment string
	// Encrypted reports that the file was encrypted (and was decrypted).
	Encrypted bool
	// Certificate is set for an OpenSSH certificate (its signature checked);
	// PublicKey is then the certified key.
	Certificate *sshcert.Certificate
}

// ParseOptions controls Parse. The zero value (or nil) reads every format,
// with no passphrase and the format packages' default KDF ceilings.
type ParseOptions struct {
	// Passphrase decrypts an encrypted file. Nil means none given (an
	// encrypted file then gives *PassphraseMissingError); a non-nil empty
	// passphrase is tried as such.
	Passphrase []byte
	// Formats, when not empty, is the only formats Parse reads; any other
	// input is ErrUnknownFormat. A service reading public keys lists the
	// public formats, so that no private-key KDF ever runs.
	Formats []Format
	// PEM bounds the KDF work of pemenc's formats (OpenSSH, PKCS#8).
	PEM pemenc.ParseOptions
	// PPK bounds the Argon2 work of PPK v3 files.
	PPK ppk.ParseOptions
}

// MaxInputSize is the largest input Parse reads; no key file keyforge
// knows comes near it.
const MaxInputSize = 1 << 20

// Sentinel errors. Every error from Parse matches one of them with
// errors.Is, except *PassphraseMissingError.
var (
	// ErrUnknownFormat: the input is in none of the formats read (or none of
	// ParseOptions.Formats).
	ErrUnknownFormat = errors.New("keyfile: not a key file in a format keyforge reads")
	// ErrMalformed: the format was recognised but the file is damaged or
	// inconsistent (including a PPK MAC mismatch on an intact key).
	ErrMalformed = errors.New("keyfile: malformed key file")
	// ErrIncorrectPassphrase: the passphrase does not decrypt the file.
	ErrIncorrectPassphrase = errors.New("keyfile: incorrect passphrase")
	// ErrUnsupported: a key type, cipher or KDF keyforge does not handle.
	ErrUnsupported = errors.New("keyfile: unsupported key type or encryption")
	// ErrUnsafeKDF: the file asks for more KDF work than the ceilings allow.
	ErrUnsafeKDF = errors.New("keyfile: KDF cost above the configured ceiling")
)

// PassphraseMissingError is returned for an encrypted file when no
// passphrase was given. PublicKey (and Comment) are set when the format keeps
// them in clear: OpenSSH keeps the public key, PPK both.
type PassphraseMissingError struct {
	Format    Format
	PublicKey crypto.PublicKey
	Comment   string
}

func (e *PassphraseMissingError) Error() string {
	return fmt.Sprintf("keyfile: %s key is encrypted and no passphrase was given", e.Format)
}

// Parse reads a private or public key in any format keyforge knows.
func Parse(data []byte, opts *ParseOptions) (*Key, error) {
	if opts == nil {
		opts = &ParseOptions{}
	}
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrMalformed, MaxInputSize)
	}
	in := sniff(data)
	for _, f := range formats {
		if len(opts.Formats) > 0 && !slices.Contains(opts.Formats, f.name) {
			continue
		}
		if f.match(in) {
			k, err := f.parse(in, opts)
			if err != nil {
				return nil, classify(err)
			}
			if k.Format == "" {
				k.Format = f.name
			}
			return k, nil
		}
	}
	if len(opts.Formats) > 0 {
		return nil, fmt.Errorf("%w (looked for %v)", ErrUnknownFormat, opts.Formats)
	}
	if in.pemType != "" {
		return nil, fmt.Errorf("%w: PEM type %s", ErrUnknownFormat, keytype.Quote(in.pemType))
	}
	return nil, ErrUnknownFormat
}

// Formats lists the formats Parse reads, in detection order.
func Formats() []Format {
	out := make([]Format, 0, len(formats))
	for _, f := range formats {
		if !slices.Contains(out, f.name) {
			out = append(out, f.name)
		}
	}
	return out
}

// kindError keeps a format package's error text and adds one of this
// package's sentinels for errors.Is.
type kindError struct {
	err, kind error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// classify maps the format packages' sentinels onto this package's.
func classify(err error) error {
	var pm *PassphraseMissingError
	if errors.As(err, &pm) {
		return err
	}
	if errors.Is(err, ErrUnsupportedFormat) {
		return &kindError{err: err, kind: ErrUnsupported}
	}
	for _, k := range []error{ErrUnknownFormat, ErrMalformed, ErrIncorrectPassphrase, ErrUnsupported, ErrUnsafeKDF} {
		if errors.Is(err, k) {
			return err
		}
	}
	kind := ErrMalformed
	switch {
	case errors.Is(err, pemenc.ErrIncorrectPassphrase), errors.Is(err, ppk.ErrIncorrectPassphrase),
		errors.Is(err, sshcom.ErrIncorrectPassphrase):
		kind = ErrIncorrectPassphrase
	case errors.Is(err, pemenc.ErrUnsupportedKeyType), errors.Is(err, ppk.ErrUnsupportedKeyType),
		errors.Is(err, pemenc.ErrUnsupportedEncryption), errors.Is(err, ppk.ErrUnsupportedEncryption),
		errors.Is(err, sshcom.ErrUnsupportedKeyType), errors.Is(err, dropbear.ErrUnsupportedKeyType),
		errors.Is(err, sshcert.ErrUnsupportedKeyType):
		kind = ErrUnsupported
	case errors.Is(err, pemenc.ErrUnsafeKDF), errors.Is(err, ppk.ErrUnsafeKDF):
		kind = ErrUnsafeKDF
	}
	return &kindError{err: err, kind: kind}
}
