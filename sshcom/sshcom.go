// Package sshcom reads and writes ssh.com (Tectia) SSH-2 private key files,
// `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`, unencrypted or encrypted
// with 3des-cbc, byte for byte as `puttygen -O private-sshcom` (PuTTY 0.78)
// writes them. The format holds RSA and DSA keys; RSA is read and written,
// DSA is refused by name (ErrUnsupportedKeyType).
//
// # Layout
//
// Between the armour lines come RFC 4716-style headers (`Comment: "…"`,
// continued with a trailing backslash; PuTTY breaks the comment after 60
// and then every 70 characters and does not escape quotes) and base64
// (70 columns) of a blob in SSH wire encoding:
//
//	uint32 0x3f6ff9eb                magic
//	uint32 total                     length of the whole blob, these 8 bytes included
//	string key type                  "if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}" for RSA
//	                                 ("dl-modp{sign{dsa-nist-sha1},dh{plain}}" for DSA)
//	string cipher                    "none" or "3des-cbc"
//	string encrypted                 string payload, then random padding to 8 bytes when encrypted
//
// The RSA payload is six integers e, d, n, u, p, q where p < q and
// u = p⁻¹ mod q, each as a bit count (uint32) followed by (bits+7)/8 bytes,
// not as SSH mpints. The 3des-cbc key is the first 24 bytes of
// MD5(passphrase) ‖ MD5(passphrase ‖ MD5(passphrase)), the IV zero: there is
// no salt and no work factor, so encryption here protects little.
//
// Passphrases follow packages pemenc and ppk: nil means none given
// (ErrPassphraseRequired for an encrypted file), a non-nil empty one is
// tried; Marshal encrypts only with a non-empty passphrase, as puttygen does.
package sshcom

import (
	"crypto"
	"errors"
)

// Sentinel errors, for errors.Is. Messages never contain passphrases or key
// material.
var (
	// ErrMalformed: the input is not a well-formed ssh.com private key.
	ErrMalformed = errors.New("sshcom: malformed key file")
	// ErrUnsupportedKeyType: a key type other than RSA (DSA is named), or a
	// cipher other than none and 3des-cbc.
	ErrUnsupportedKeyType = errors.New("sshcom: unsupported key type")
	// ErrPassphraseRequired: the file is encrypted and the passphrase is nil.
	ErrPassphraseRequired = errors.New("sshcom: key is encrypted and no passphrase was given")
	// ErrIncorrectPassphrase: the decrypted payload is not a consistent key.
	ErrIncorrectPassphrase = errors.New("sshcom: incorrect passphrase")
)

// Armour lines.
const (
	BeginLine = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
	EndLine   = "---- END SSH2 ENCRYPTED PRIVATE KEY ----"
)

// Key types and ciphers as they appear in the file.
const (
	TypeRSA     = "if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}"
	TypeDSA     = "dl-modp{sign{dsa-nist-sha1},dh{plain}}"
	CipherNone  = "none"
	Cipher3DES  = "3des-cbc"
	magicNumber = 0x3f6ff9eb
)

// MaxComment is the longest comment Marshal writes: puttygen 0.78 keeps only
// the first 255 bytes of an ssh.com comment (Parse reads any length).
const MaxComment = 255

// MaxInput bounds the file size Parse reads.
const MaxInput = 1 << 20

// Key is a decoded file.
type Key struct {
	PrivateKey crypto.Signer // *rsa.PrivateKey
	Comment    string
	Cipher     string // CipherNone or Cipher3DES
}

// ParseOptions configures Parse; nil means the defaults. The format has
// no KDF, so there is nothing to bound today.
type ParseOptions struct{}
