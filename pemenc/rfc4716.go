package pemenc

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"fmt"
	"strings"
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
