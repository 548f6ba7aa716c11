package pemenc

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// MarshalAuthorizedKey returns pub as an authorized_keys line
// "<alg> <base64 blob>[ <comment>]\n".
func MarshalAuthorizedKey(pub crypto.PublicKey, comment string) ([]byte, error) {
	if strings.ContainsAny(comment, "\r\n") {
		return nil, fmt.Errorf("pemenc: authorized_keys comment contains a line break")
	}
	blob, err := marshalPublicBlob(pub)
	if err != nil {
		return nil, unsupportedGo(pub)
	}
	alg, _ := keytype.Algorithm(pub)
	line := alg + " " + base64.StdEncoding.EncodeToString(blob)
	if comment != "" {
		line += " " + comment
	}
	return []byte(line + "\n"), nil
}

// ParseAuthorizedKey reads one authorized_keys line "[options] <alg>
// <base64> [comment]" (surrounding whitespace and a final newline allowed)
// and returns the key and the comment. Options are skipped, as sshd does
// when a line does not start with a key. The comment is the rest of the
// line after the blanks that follow the key, trailing blanks included, as
// `ssh-keygen -l` shows it (the CR of a CRLF line end is dropped, where
// ssh-keygen keeps it).
func ParseAuthorizedKey(line []byte) (crypto.PublicKey, string, error) {
	if len(line) > maxArmoredInput {
		return nil, "", malformed("line too long")
	}
	s := trimLine(string(line))
	if strings.ContainsAny(s, "\n") {
		return nil, "", malformed("more than one line")
	}
	pub, comment, err := parseKeyFields(s)
	if errors.Is(err, ErrMalformed) {
		if rest, ok := skipOptions(s); ok {
			if p, c, err2 := parseKeyFields(rest); err2 == nil || errors.Is(err2, ErrUnsupportedKeyType) {
				return p, c, err2
			}
		}
	}
	return pub, comment, err
}

// skipOptions drops an authorized_keys options field: everything up to the
// first blank outside double quotes (a backslash escapes a quote).
func skipOptions(s string) (string, bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted && i+1 < len(s):
			i++
		case c == '"':
			quoted = !quoted
		case (c == ' ' || c == '\t') && !quoted:
			return strings.TrimLeft(s[i:], " \t"), true
		}
	}
	return "", false
}

func parseKeyFields(s string) (crypto.PublicKey, string, error) {
	alg, rest := cutBlank(s)
	b64, comment := cutBlank(rest)
	if alg == "" || b64 == "" {
		return nil, "", malformed("authorized_keys line needs an algorithm and a key")
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, "", malformed("bad base64 in authorized_keys line")
	}
	r := sshwire.NewReader(blob)
	blobAlg := r.String()
	if r.Err() != nil {
		return nil, "", wrapKey(r.Err())
	}
	if !bytes.Equal(blobAlg, []byte(alg)) {
		if keytype.ECDSACurve(alg) == nil && alg != keytype.RSA && alg != keytype.Ed25519 {
			return nil, "", unsupported(alg)
		}
		return nil, "", malformed("line says %s but the key is %s", keytype.Quote(alg), keytype.Quote(string(blobAlg)))
	}
	pub, err := parsePublicBlob(blob)
	if err != nil {
		return nil, "", wrapKey(err)
	}
	return pub, comment, nil
}

// trimLine drops white space around a line's content, except blanks
// (spaces, tabs) that end the content line: they belong to the comment.
func trimLine(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	n := len(strings.TrimRightFunc(s, unicode.IsSpace))
	if i := strings.IndexAny(s[n:], "\r\n"); i >= 0 {
		n += i
	} else {
		n = len(s)
	}
	return s[:n]
}

// cutBlank splits s at its first space or tab, trimming blanks after it.
func cutBlank(s string) (string, string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}
