package pemenc

import (
	"bytes"
	"crypto"
	"errors"

	"github.com/keyforge/keyforge/internal/keytype"
)

// ParsePrivateKey reads a private key in the PEM and DER forms of this
// package, detected from its PEM type or DER structure: OpenSSH (encrypted
// or not), PKCS#1, SEC1, PKCS#8, encrypted PKCS#8, legacy
// Proc-Type/DEK-Info encrypted PEM, or bare PKCS#8/PKCS#1/SEC1 DER.
// passphrase is used only when the key is encrypted; opts bounds the KDF
// work (nil: the default ceilings). The comment is empty for formats that
// carry none. To open a key file of any format (PPK too), use package
// keyfile.
func ParsePrivateKey(data, passphrase []byte, opts *ParseOptions) (crypto.Signer, string, error) {
	if len(data) > maxArmoredInput {
		return nil, "", malformed("input larger than %d bytes", maxArmoredInput)
	}
	if !bytes.Contains(data, []byte("-----BEGIN ")) {
		if len(data) > 0 && data[0] == 0x30 {
			k, err := parsePrivateDER(data, passphrase, opts)
			return k, "", err
		}
		return nil, "", malformed("no PEM or OpenSSH armour found")
	}
	b, err := decodeArmorSkip(data, "EC PARAMETERS")
	if err != nil {
		return nil, "", err
	}
	if b.Type == opensshPEMType {
		return parseOpenSSHBlock(b, passphrase, opts)
	}
	der := b.Bytes
	if _, ok := b.header("Proc-Type"); ok {
		if der, err = decryptLegacyPEM(b, passphrase); err != nil {
			return nil, "", err
		}
	}
	var k crypto.Signer
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err = parsePKCS1DER(der)
	case "EC PRIVATE KEY":
		k, err = parseSEC1DER(der)
	case "PRIVATE KEY":
		k, err = parsePKCS8DER(der)
	case "ENCRYPTED PRIVATE KEY":
		k, err = parseEncryptedPKCS8DER(der, passphrase, opts)
	case "DSA PRIVATE KEY":
		err = unsupported("DSA")
	default:
		err = malformed("PEM type %s is not a private key", keytype.Quote(b.Type))
	}
	if err != nil {
		if _, enc := b.header("Proc-Type"); enc && errors.Is(err, ErrMalformed) {
			err = ErrIncorrectPassphrase
		}
		return nil, "", err
	}
	return k, "", nil
}

// parseEncryptedPKCS8DER decrypts and reads an EncryptedPrivateKeyInfo.
func parseEncryptedPKCS8DER(der, passphrase []byte, opts *ParseOptions) (crypto.Signer, error) {
	der, err := decryptPKCS8(der, passphrase, opts)
	if err != nil {
		return nil, err
	}
	k, err := parsePKCS8DER(der)
	if errors.Is(err, ErrMalformed) {
		// Valid-looking padding under a wrong passphrase (1 in 256).
		err = ErrIncorrectPassphrase
	}
	return k, err
}

// parsePrivateDER tries bare DER as encrypted PKCS#8 (as `openssl pkcs8
// -topk8 -outform DER` writes it), PKCS#8, PKCS#1 and SEC1.
func parsePrivateDER(der, passphrase []byte, opts *ParseOptions) (crypto.Signer, error) {
	if isEncryptedPKCS8(der) {
		return parseEncryptedPKCS8DER(der, passphrase, opts)
	}
	k, err := parsePKCS8DER(der)
	if err == nil || errors.Is(err, ErrUnsupportedKeyType) {
		return k, err
	}
	if k, err := parsePKCS1DER(der); err == nil {
		return k, nil
	}
	if k, err := parseSEC1DER(der); err == nil || errors.Is(err, ErrUnsupportedKeyType) {
		return k, err
	}
	if isPublicDER(der) {
		return nil, malformed("DER is a public key, not a private key")
	}
	return nil, malformed("DER is not a PKCS#8, PKCS#1 or SEC1 private key")
}
