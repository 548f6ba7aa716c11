package pemenc

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

const (
	rfc4716Begin = "---- BEGIN SSH2 PUBLIC KEY ----"
	rfc4716End   = "---- END SSH2 PUBLIC KEY ----"
	// The longest header line ssh-keygen 9.2's -i reads (its line buffer is
	// 1024 bytes with the newline and NUL). RFC 4716 section 3 asks for 72
	// with "\" continuations, which puttygen 0.78 misreads.
	rfc4716MaxHeader = 1022
)

// MarshalRFC4716PublicKey returns pub as an RFC 4716 "SSH2 PUBLIC KEY" block,
// as `ssh-keygen -e` writes it: a `Comment: "…"` header when comment is not
// empty, a 70-column body, final "\n". The header is one line with `"` and
// `\` escaped by a backslash, as `puttygen -O public` writes it: puttygen
// misreads RFC 4716 "\" continuation lines, and ssh-keygen -i reads lines
// of up to rfc4716MaxHeader bytes, so longer comments are refused.
func MarshalRFC4716PublicKey(pub crypto.PublicKey, comment string) ([]byte, error) {
	blob, err := marshalPublicBlob(pub)
	if err != nil {
		return nil, unsupportedGo(pub)
	}
	if strings.ContainsAny(comment, "\r\n") {
		return nil, fmt.Errorf("pemenc: RFC 4716 comment contains a line break")
	}
	var buf bytes.Buffer
	buf.WriteString(rfc4716Begin + "\n")
	if comment != "" {
		h := `Comment: "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(comment) + `"`
		if len(h) > rfc4716MaxHeader {
			return nil, fmt.Errorf("pemenc: RFC 4716 comment header of %d bytes exceeds the %d ssh-keygen reads", len(h), rfc4716MaxHeader)
		}
		buf.WriteString(h + "\n")
	}
	writeWrapped(&buf, base64.StdEncoding.EncodeToString(blob), 70)
	buf.WriteString(rfc4716End + "\n")
	return buf.Bytes(), nil
}

// ParseRFC4716PublicKey reads an RFC 4716 block: headers (with "\"
// continuations) are skipped except Comment, whose surrounding quotes are
// removed; the body may have any line width.
func ParseRFC4716PublicKey(data []byte) (crypto.PublicKey, string, error) {
	if len(data) > maxArmoredInput {
		return nil, "", malformed("input larger than %d bytes", maxArmoredInput)
	}
	r := newLineReader(data)
	l, ok := r.next()
	for ok && len(bytes.TrimSpace(l)) == 0 {
		l, ok = r.next()
	}
	if !ok || string(bytes.TrimSpace(l)) != rfc4716Begin {
		return nil, "", malformed("no %q line", rfc4716Begin)
	}
	var comment string
	var body []byte
	done := false
	for l, ok = r.next(); ok; l, ok = r.next() {
		l = bytes.TrimSpace(l)
		if string(l) == rfc4716End {
			done = true
			break
		}
		if bytes.IndexByte(l, ':') >= 0 {
			// A header, possibly continued by lines ending in "\". The tag is
			// on the first line; only a Comment's value is collected (in one
			// buffer: joining strings per line was quadratic).
			tag, val, _ := bytes.Cut(l, []byte(":"))
			isComment := strings.EqualFold(string(bytes.TrimSpace(tag)), "Comment")
			var h []byte
			for bytes.HasSuffix(l, []byte("\\")) {
				if isComment {
					h = append(h, val[:len(val)-1]...)
				}
				if l, ok = r.next(); !ok {
					break
				}
				l = bytes.TrimSpace(l)
				val = l
			}
			if !isComment {
				continue
			}
			if ok {
				h = append(h, val...)
			}
			v := string(bytes.TrimSpace(h))
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = unescapeRFC4716(v[1 : len(v)-1])
			}
			comment = v
			if !ok {
				break
			}
			continue
		}
		body = append(body, l...)
	}
	if !done {
		return nil, "", malformed("no %q line", rfc4716End)
	}
	blob := make([]byte, base64.StdEncoding.DecodedLen(len(body)))
	n, err := base64.StdEncoding.Decode(blob, body)
	blob = blob[:n]
	if err != nil {
		return nil, "", malformed("bad base64 in RFC 4716 body")
	}
	pub, err := parsePublicBlob(blob)
	if err != nil {
		return nil, "", wrapKey(err)
	}
	return pub, comment, nil
}

// MarshalPKIXPublicKey returns pub as a PKIX "PUBLIC KEY" (SubjectPublicKeyInfo)
// PEM block, 64 columns, as `openssl pkey -pubout` writes it.
func MarshalPKIXPublicKey(pub crypto.PublicKey) ([]byte, error) {
	if _, err := marshalPublicBlob(pub); err != nil {
		return nil, unsupportedGo(pub)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	return encodeArmor("PUBLIC KEY", nil, der, 64), nil
}

type spki struct {
	Algo pkix.AlgorithmIdentifier
	Key  asn1.BitString
}

// parsePKIXDER reads SubjectPublicKeyInfo DER for the supported key types.
func parsePKIXDER(der []byte) (crypto.PublicKey, error) {
	var s spki
	if rest, err := asn1.Unmarshal(der, &s); err != nil || len(rest) != 0 {
		return nil, malformed("bad SubjectPublicKeyInfo")
	}
	switch {
	case s.Algo.Algorithm.Equal(oidRSA), s.Algo.Algorithm.Equal(oidEd25519):
	case s.Algo.Algorithm.Equal(oidEC):
		var curve asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(s.Algo.Parameters.FullBytes, &curve); err != nil {
			return nil, malformed("bad ECDSA curve parameters")
		}
		c := curveFromOID(curve)
		if c == nil {
			return nil, unsupported(oidName(curve))
		}
		if pt := s.Key.Bytes; len(pt) > 0 && pt[0] != 4 {
			// crypto/x509 reads uncompressed points only.
			pub, err := parseECPoint(c, pt)
			if err != nil {
				return nil, err
			}
			return checkPublic(pub)
		}
	default:
		return nil, unsupported(oidName(s.Algo.Algorithm))
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, malformed("bad public key: %v", err)
	}
	return checkPublic(pub)
}

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

// parsePKCS1PublicDER reads a PKCS#1 RSAPublicKey.
func parsePKCS1PublicDER(der []byte) (crypto.PublicKey, error) {
	var k pkcs1Public
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 {
		return nil, malformed("bad PKCS#1 RSAPublicKey")
	}
	if k.N.Sign() <= 0 || k.E.Sign() <= 0 {
		return nil, malformed("bad PKCS#1 RSAPublicKey")
	}
	pub, err := keytype.NewRSAPublicKey(k.N, k.E)
	if err != nil {
		return nil, wrapKey(err)
	}
	return pub, nil
}

// checkPublic applies the same bounds as the SSH wire parser.
func checkPublic(pub crypto.PublicKey) (crypto.PublicKey, error) {
	blob, err := marshalPublicBlob(pub)
	if err != nil {
		return nil, unsupportedGo(pub)
	}
	p, err := parsePublicBlob(blob)
	return p, wrapKey(err)
}

type pkcs1Public struct {
	N *big.Int
	E *big.Int
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

// opensshPublic returns the envelope public key of an OpenSSH private key,
// with the comment when the key is not encrypted (and then fully checked).
func opensshPublic(raw []byte) (crypto.PublicKey, string, error) {
	if !bytes.HasPrefix(raw, []byte(opensshMagic)) {
		return nil, "", malformed("missing openssh-key-v1 magic")
	}
	r := sshwire.NewReader(raw[len(opensshMagic):])
	cipherName := string(r.String())
	r.String()
	r.String()
	nkeys := r.Uint32()
	pubBlob := r.String()
	if r.Err() != nil {
		return nil, "", wrapKey(r.Err())
	}
	if nkeys != 1 {
		return nil, "", malformed("%d keys in file, want 1", nkeys)
	}
	if cipherName == "none" {
		k, c, err := parseOpenSSHBinary(raw, nil, nil)
		if err != nil {
			return nil, "", err
		}
		return k.Public(), c, nil
	}
	pub, err := parsePublicBlob(pubBlob)
	return pub, "", wrapKey(err)
}

// unescapeRFC4716 undoes the backslash escapes puttygen writes (and reads)
// in a quoted header value: `\"` is `"` and `\\` is `\`.
func unescapeRFC4716(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
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
