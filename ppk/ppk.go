// Package ppk reads and writes PuTTY private key files (PPK), versions 2 and
// 3, unencrypted or encrypted with aes256-cbc, byte for byte as puttygen 0.78
// writes them, for ssh-rsa, ssh-ed25519 and ecdsa-sha2-nistp256/384/521 keys.
//
// A PPK file is a sequence of "Name: value" header lines in a fixed order:
//
//	PuTTY-User-Key-File-3: <algorithm>
//	Encryption: none | aes256-cbc
//	Comment: <verbatim>
//	Public-Lines: N        then N lines of base64 (64 columns) of the SSH public blob
//	Key-Derivation: ...    five Argon2 lines, version 3 and encrypted only
//	Private-Lines: M       then M lines of base64 of the (encrypted) private blob
//	Private-MAC: <hex>     HMAC over algorithm, encryption, comment, public and private blob
//
// Version 3 derives the AES key, IV and MAC key with Argon2 (id, i or d; this
// package carries its own RFC 9106 implementation because x/crypto exports no
// Argon2d). Version 2 derives them with SHA-1. Version 1 files (PuTTY
// before 0.52) are refused with an explicit error: a deliberate choice, as
// no supported tool writes them and their SHA-1 MAC variants are obsolete.
//
// Passphrases: for an encrypted file a nil passphrase means "none given"
// (ErrPassphraseRequired) and a non-nil empty one is tried as the
// passphrase; package pemenc follows the same rule.
//
// # Errors
//
// Every error from Parse and ParsePublic wraps one of the sentinel errors
// below, usable with errors.Is (Marshal's own argument errors may not).
// A MAC mismatch on an unencrypted file is ErrMAC. On an encrypted file
// PuTTY reports any MAC mismatch as a wrong passphrase; this package first
// decrypts anyway: when the private blob then decodes to the key whose public
// half is in the file, the passphrase was right and the file was altered
// (comment, MAC line, padding), so the error is ErrMAC; otherwise it is
// ErrIncorrectPassphrase. A damaged public blob or ciphertext therefore reads
// as a wrong passphrase, as in PuTTY.
//
// # Untrusted input
//
// Parse checks every Argon2 parameter against PuTTY 0.85's rules and against
// the ceilings of ParseOptions before allocating anything for the KDF, so a
// hostile file can neither exhaust memory nor make the decoder run for
// minutes: at the defaults (DefaultMaxMemory 256 MiB, DefaultMaxWork 512 MiB
// × passes) the worst file costs about 1.5 s of CPU and 256 MiB, measured
// with BenchmarkHostileKDF on a shared 2-core VM. Files made with larger
// puttygen --ppk-param choices need a caller's higher ceilings. Files
// larger than PuTTY's own limit and line counts above PuTTY's are refused
// before they are read; below them, decoding is linear in the file's size
// (the size-growth tests check it).
//
// Encryption other than aes256-cbc, and key derivations other than
// Argon2id/i/d, are refused with ErrUnsupportedEncryption.
package ppk

import (
	"crypto"
	"errors"
	"io"
)

// Sentinel errors. Messages never contain passphrases or key material.
var (
	// ErrMalformed: the file is not a well-formed PPK file, or its key
	// fields are inconsistent.
	ErrMalformed = errors.New("ppk: malformed key file")
	// ErrIncorrectPassphrase: an encrypted file's MAC does not verify and the
	// decrypted private blob is not the file's key.
	ErrIncorrectPassphrase = errors.New("ppk: incorrect passphrase")
	// ErrMAC: the MAC does not verify although the key itself is intact (or
	// the file is unencrypted): the file was altered.
	ErrMAC = errors.New("ppk: MAC verification failed")
	// ErrUnsupportedKeyType: the key algorithm is not ssh-rsa, ssh-ed25519 or
	// ecdsa-sha2-nistp256/384/521 (for example ssh-dss, ssh-ed448 or a
	// certificate).
	ErrUnsupportedKeyType = errors.New("ppk: unsupported key type")
	// ErrUnsafeKDF: the file's (or the caller's) Argon2 parameters break
	// PuTTY's rules or exceed the configured ceilings.
	ErrUnsafeKDF = errors.New("ppk: unsafe key-derivation parameters")
	// ErrUnsupportedEncryption: the Encryption or Key-Derivation header
	// names a cipher or KDF other than aes256-cbc and Argon2id/i/d (PuTTY
	// knows no others); the message names it.
	ErrUnsupportedEncryption = errors.New("ppk: unsupported encryption")
	// ErrPassphraseRequired: the file is encrypted and the passphrase is nil.
	ErrPassphraseRequired = errors.New("ppk: passphrase required")
)

// KDF names as they appear in the Key-Derivation header.
const (
	Argon2id = "Argon2id"
	Argon2i  = "Argon2i"
	Argon2d  = "Argon2d"
)

// Encryption names.
const (
	EncryptionNone = "none"
	EncryptionAES  = "aes256-cbc"
)

// Defaults used by Marshal, as puttygen's.
const (
	DefaultVersion     = 3
	DefaultKDF         = Argon2id
	DefaultMemory      = 8192 // KiB
	DefaultParallelism = 1
	// DefaultPassesMillis is the time a calibrated pass count must reach.
	DefaultPassesMillis = 100
)

// MarshalOptions controls Marshal. The zero value (or nil) writes an
// unencrypted version 3 file with an empty comment.
type MarshalOptions struct {
	Version    int    // 2 or 3; 0 means 3
	Comment    string // written verbatim; must not contain CR, LF or NUL
	Passphrase []byte // empty means Encryption: none

	// Version 3 encrypted files only.
	KDF         string    // Argon2id (default), Argon2i or Argon2d; case-insensitive
	Memory      uint32    // KiB; 0 means 8192
	Passes      uint32    // 0 means calibrated like puttygen (first of 1,2,3,5,8,… taking ≥ 100 ms)
	Parallelism uint32    // 0 means 1
	Salt        []byte    // nil means 16 bytes from Rand
	Rand        io.Reader // source of the salt; nil means crypto/rand
}

// ParseOptions sets the ceilings Parse applies to a file's Argon2
// parameters, on top of PuTTY's own rules. Zero fields take the defaults.
type ParseOptions struct {
	MaxMemory      uint32 // KiB; default DefaultMaxMemory (256 MiB)
	MaxPasses      uint32 // default DefaultMaxPasses
	MaxParallelism uint32 // default DefaultMaxParallelism
	// MaxWork bounds Memory × Passes (KiB·passes), which is what the KDF's
	// running time is proportional to; default DefaultMaxWork.
	MaxWork uint64
}

// Default ceilings of ParseOptions, which bound a hostile file to about
// 2 s of CPU and 256 MiB of memory. Argon2's time is proportional to
// memory × passes. Measured with BenchmarkHostileKDF on a shared 2-core VM
// (CPU time; wall time grows with the machine's load): the worst file at
// the ceilings, 256 MiB × 2 passes, costs 1.5 s and allocates 256 MiB;
// 8 MiB × 64 passes 0.8 s and 8 MiB. (The ceilings were 1 GiB and 1 GiB·pass
// before: 7 s and 1 GiB for one hostile file.) puttygen's defaults (Argon2id, 8 MiB, passes calibrated to
// 100 ms, typically 8-30) are far below; larger --ppk-param choices need
// the caller (keyforge's --max-kdf-work) to raise the ceilings.
const (
	DefaultMaxMemory      = 1 << 18 // KiB = 256 MiB
	DefaultMaxPasses      = 1 << 16
	DefaultMaxParallelism = 1 << 10
	DefaultMaxWork        = 1 << 19 // KiB × passes = 512 MiB·passes
)

// Key is a decoded PPK file.
type Key struct {
	Version    int    // 2 or 3
	Algorithm  string // e.g. "ssh-ed25519"
	Encryption string // "none" or "aes256-cbc"
	Comment    string
	PublicKey  crypto.PublicKey // *rsa.PublicKey, ed25519.PublicKey or *ecdsa.PublicKey
	PrivateKey crypto.Signer    // nil from ParsePublic

	// Argon2 parameters of a version 3 encrypted file (zero otherwise);
	// Marshal with the same values and passphrase reproduces the file.
	KDF         string
	Memory      uint32
	Passes      uint32
	Parallelism uint32
	Salt        []byte
}
