// Package pemenc reads and writes SSH key pairs in the text formats that
// ssh-keygen 9.2, openssl 3.0 and AWS EC2 use.
//
// Private keys (crypto.Signer: *rsa.PrivateKey, ed25519.PrivateKey,
// *ecdsa.PrivateKey on P-256/384/521):
//
//   - OpenSSH openssh-key-v1: MarshalOpenSSHPrivateKey writes it as ssh-keygen
//     does (70 columns, padding 1,2,3…, checkints from OpenSSHOptions.Rand,
//     optionally encrypted with bcrypt_pbkdf and aes256-ctr or any other
//     cipher of OpenSSHCiphers); ParseOpenSSHPrivateKey reads every cipher
//     `ssh-keygen -Z` offers in OpenSSH 9.2.
//   - PKCS#1 (MarshalPKCS1PrivateKey, ParsePKCS1PrivateKey), SEC1
//     (MarshalSEC1PrivateKey), PKCS#8 (MarshalPKCS8PrivateKey).
//   - Encrypted PKCS#8: MarshalEncryptedPKCS8PrivateKey writes PBES2 with
//     PBKDF2-HMAC-SHA256 and AES-256-CBC (`openssl pkcs8 -topk8 -v2
//     aes-256-cbc`); DER forms: MarshalPKCS1PrivateKeyDER,
//     MarshalPKCS8PrivateKeyDER, MarshalEncryptedPKCS8PrivateKeyDER,
//     MarshalPKIXPublicKeyDER, MarshalPKCS1PublicKeyDER, and PEMToDER for any
//     block; MarshalPKCS1PublicKey writes "RSA PUBLIC KEY"; EncryptLegacyPEM
//     encrypts a PKCS#1 or SEC1 block as `ssh-keygen -p -m PEM` does.
//   - ParsePrivateKey reads any of this package's private forms, told apart
//     by PEM type or DER structure: all of the above plus encrypted PKCS#8
//     (PBES2 with PBKDF2-HMAC-SHA1/SHA2 or scrypt, AES-CBC, DES-EDE3-CBC;
//     the legacy PKCS#12 PBE schemes with SHA-1 and 3DES, RC2 or RC4, and
//     PBES1 with MD5 or SHA-1 and DES or RC2, as OpenSSL 1.0 and Java wrote
//     them), legacy Proc-Type/DEK-Info PEM (AES-*-CBC, DES-EDE3-CBC,
//     DES-CBC) and bare DER (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1).
//
// Public keys: MarshalAuthorizedKey/ParseAuthorizedKey (options prefix
// skipped), MarshalRFC4716PublicKey/ParseRFC4716PublicKey, MarshalPKIXPublicKey,
// and ParsePublicKey, which also reads PKCS#1 "RSA PUBLIC KEY" (PEM or bare
// DER), base64 or bare SubjectPublicKeyInfo DER (EC2 ImportKeyPair's third
// form) and the public key in an OpenSSH private key's envelope (no
// passphrase needed). An authorized_keys comment is the rest of the line
// after the key, trailing blanks included, as `ssh-keygen -l` prints it.
//
// EC points may be compressed (`openssl ec -conv_form compressed`) in SEC1,
// PKCS#8 and PKIX, as openssl and ssh-keygen read them; the SSH wire forms
// keep uncompressed points only, as OpenSSH does.
//
// To open a key file of any format keyforge knows (PPK, ssh.com and
// Dropbear too), detected from its contents, use package keyfile, which
// calls the functions here; it also names the files of other producers that
// keyforge does not read. Encryption this package does not implement (PBES1
// with MD2, Camellia, ARIA, SM4, single DES, RC2 or AES-GCM/OFB/CFB under
// PBES2; unknown DEK-Info or OpenSSH ciphers) is named in an
// ErrUnsupportedEncryption error.
//
// Passphrases: for an encrypted key a nil passphrase means "none given"
// (ErrPassphraseRequired), while a non-nil empty one is tried as the
// passphrase, as in package ppk: `openssl pkcs8 -topk8 -passout pass:`
// encrypts with the empty password. Unencrypted keys ignore the passphrase.
//
// RSA keys below 1024 bits (and above 16384) are refused in every form, read
// or written, as ssh-keygen 9.2 does (one policy for every package, in
// internal/keytype); RSA factors must be within 32 bits of
// half the modulus (every tool writes exactly half), which bounds the cost
// of checking forged keys. A private exponent d ≥ n, which ssh-keygen and
// openssl accept, is replaced by the equivalent e⁻¹ mod λ(n).
//
// Every RSA key returned is normalised (Primes[0] > Primes[1], Precompute
// done), so every encoding of it carries the same numbers.
//
// Readers match ssh-keygen 9.2: they refuse what ssh-keygen
// refuses for structural reasons (checkint mismatch, zero padding, unaligned
// private section, envelope key differing from the private key, several
// keys, short ed25519 sk, negative mpints, trailing bytes) and also n ≠ p·q
// and an ed25519 sk whose second half is not the public key; they accept any
// line width, any 1,2,3… padding, text before BEGIN and after END, CRLF, a
// missing final newline, and RSA keys with p and q swapped or wrong CRT
// values (repaired: crypto/x509 refuses those since Go 1.24, so PKCS#1 and
// the RSA part of PKCS#8 are parsed here). FIDO security keys
// (sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com) are read
// and written as package fido's types: public keys in every SSH public form,
// key handles (*fido.PrivateKey, which cannot sign) in OpenSSH private key
// files. Other key types (DSA, Ed448, X25519, P-224, secp256k1) are refused
// with ErrUnsupportedKeyType and their name.
//
// KDF work is bounded before it starts: ParseOptions (the trailing argument
// of the readers; nil means the defaults) sets ceilings on bcrypt rounds,
// PBKDF2 (and PKCS#12/PBES1) iterations and scrypt memory and work:
// DefaultMaxBcryptRounds (200), DefaultMaxPBKDF2Iterations (2,000,000),
// DefaultMaxScryptMemory (256 MiB of 128·N·r) and DefaultMaxScryptWork
// (N·r·p ≤ 2²¹) otherwise; above them the error is ErrUnsafeKDF. At the
// defaults a hostile file costs at most about 1.9 s of CPU (bcrypt) or
// 1.8 s (PBKDF2-HMAC-SHA512) and a few KiB of memory, measured with
// BenchmarkHostileKDF on a shared 2-core VM; scrypt at its ceiling about
// 1.2 s and 256 MiB. Errors wrap the exported sentinels and never contain
// passphrases or key bytes.
//
// Inputs larger than 1 MiB are refused, and every reader walks its input
// once: a hostile 1 MiB input costs under a millisecond of CPU and
// allocates a small multiple of its size (the size-growth tests check it).
//
// Files are named after the formats they hold: openssh.go (with
// opensshcipher.go), pkcs1.go, pkcs8.go (pkcs8_encrypt.go the writer,
// pkcs8_legacy.go the PKCS#12 PBE, PBES1 and scrypt readers, rc2.go),
// sec1.go, pemcrypt.go (legacy PEM encryption), authorizedkeys.go,
// rfc4716.go, pkix.go, fido.go (security-key handles); private.go and
// public.go read any of them by PEM type; the reference for each is in doc/.
package pemenc

import (
	"errors"
	"fmt"

	"github.com/keyforge/keyforge/internal/keytype"
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
	// P-256/384/521 (the message names it).
	ErrUnsupportedKeyType = errors.New("pemenc: unsupported key type")
	// ErrUnsupportedEncryption: an encrypted key whose encryption scheme,
	// KDF, PRF or cipher this package does not implement (the message
	// names it: Camellia, single DES, PBES1 with MD2, …).
	ErrUnsupportedEncryption = errors.New("pemenc: unsupported encryption")
	// ErrUnsafeKDF: the file asks for more KDF work than the configured ceiling.
	ErrUnsafeKDF = errors.New("pemenc: KDF cost above the configured ceiling")
)

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}

func unsupported(name string) error {
	// Names come from untrusted files: keep messages short.
	return fmt.Errorf("%w %s", ErrUnsupportedKeyType, keytype.Quote(name))
}

// wrapKey puts an error of the key-type layer or the wire reader under this
// package's sentinels, once.
func wrapKey(err error) error {
	return keytype.Wrap(err, ErrMalformed, ErrUnsupportedKeyType)
}
