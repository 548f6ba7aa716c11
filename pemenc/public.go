package pemenc

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"encoding/base64"

	"github.com/keyforge/keyforge/internal/keytype"
)

// parsePublicDER reads bare DER of a SubjectPublicKeyInfo or a PKCS#1
// RSAPublicKey (`openssl rsa -RSAPublicKey_out -outform DER`), and names
// private keys given where a public key is wanted.
func parsePublicDER(der []byte) (crypto.PublicKey, error) {
	var s spki
	if rest, err := asn1.Unmarshal(der, &s); err == nil && len(rest) == 0 {
		return parsePKIXDER(der)
	}
	var k pkcs1Public
	if rest, err := asn1.Unmarshal(der, &k); err == nil && len(rest) == 0 {
		return parsePKCS1PublicDER(der)
	}
	if isEncryptedPKCS8(der) {
		return nil, malformed("DER is an encrypted PKCS#8 private key, not a public key")
	}
	var p8 pkcs8Key
	var p1 pkcs1PrivateKey
	var ec sec1Key
	for _, v := range []any{&p8, &p1, &ec} {
		if rest, err := asn1.Unmarshal(der, v); err == nil && len(rest) == 0 {
			return nil, malformed("DER is a private key, not a public key")
		}
	}
	return nil, malformed("DER is neither a SubjectPublicKeyInfo nor a PKCS#1 RSAPublicKey")
}

// isPublicDER reports whether der has the shape of a SubjectPublicKeyInfo
// or a PKCS#1 RSAPublicKey.
func isPublicDER(der []byte) bool {
	var s spki
	var k pkcs1Public
	for _, v := range []any{&s, &k} {
		if rest, err := asn1.Unmarshal(der, v); err == nil && len(rest) == 0 {
			return true
		}
	}
	return false
}

// isText reports whether data looks like text: no NUL and no other
// control characters than blanks and line breaks in its first kilobyte.
func isText(data []byte) bool {
	for _, c := range data[:min(len(data), 1024)] {
		if c < ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			return false
		}
	}
	return true
}

// ParsePublicKey reads a public key in any form this package knows: an
// authorized_keys line (blank and # lines around it ignored; one key only),
// an RFC 4716 block, a PKIX "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY" PEM
// block, base64 or bare DER of a SubjectPublicKeyInfo (EC2 ImportKeyPair's
// third form), or the public key stored unencrypted in an OpenSSH private
// key's envelope (no passphrase needed; the comment is returned only when
// the key is unencrypted).
func ParsePublicKey(data []byte) (crypto.PublicKey, string, error) {
	if len(data) > maxArmoredInput {
		return nil, "", malformed("input larger than %d bytes", maxArmoredInput)
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, "", malformed("empty input")
	case bytes.HasPrefix(trimmed, []byte(rfc4716Begin)):
		return ParseRFC4716PublicKey(data)
	case bytes.Contains(data, []byte("-----BEGIN ")):
		return parsePublicPEM(data)
	case data[0] == 0x30:
		// Bare DER, which must not be trimmed: its last byte may be a blank.
		pub, err := parsePublicDER(data)
		return pub, "", err
	case !isText(data):
		return nil, "", malformed("binary data that is not DER (not a public key format this package reads)")
	}
	// authorized_keys: the one key line among blank and # lines.
	var keyLine []byte
	for r := newLineReader(data); ; {
		l, ok := r.next()
		if !ok {
			break
		}
		if t := bytes.TrimSpace(l); len(t) == 0 || t[0] == '#' {
			continue
		}
		if keyLine != nil {
			return nil, "", malformed("more than one key")
		}
		keyLine = l // untrimmed: trailing blanks belong to the comment
	}
	if !bytes.ContainsAny(bytes.TrimSpace(keyLine), " \t") {
		// A single base64 token: SubjectPublicKeyInfo DER.
		der, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(keyLine)))
		if err != nil || len(der) == 0 || der[0] != 0x30 {
			return nil, "", malformed("not a public key")
		}
		pub, err := parsePKIXDER(der)
		return pub, "", err
	}
	return ParseAuthorizedKey(keyLine)
}

func parsePublicPEM(data []byte) (crypto.PublicKey, string, error) {
	b, err := decodeArmor(data)
	if err != nil {
		return nil, "", err
	}
	switch b.Type {
	case "PUBLIC KEY":
		pub, err := parsePKIXDER(b.Bytes)
		return pub, "", err
	case "RSA PUBLIC KEY":
		pub, err := parsePKCS1PublicDER(b.Bytes)
		return pub, "", err
	case opensshPEMType:
		if len(b.Headers) != 0 {
			return nil, "", errOpenSSHHeaders
		}
		return opensshPublic(b.Bytes)
	}
	return nil, "", malformed("PEM type %s is not a public key", keytype.Quote(b.Type))
}

// parsePublicBlob parses an SSH public-key blob under keyforge's key-type
// checks (keytype: RSA size policy, curves).
func parsePublicBlob(blob []byte) (crypto.PublicKey, error) {
	pub, err := keytype.ParsePublicKey(blob)
	return pub, wrapKey(err)
}

// marshalPublicBlob is the SSH public-key blob of a supported key.
func marshalPublicBlob(pub crypto.PublicKey) ([]byte, error) {
	b, err := keytype.MarshalPublicKey(pub)
	return b, wrapKey(err)
}
