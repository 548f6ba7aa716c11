package pemenc

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// block is one PEM-style armoured block. Unlike encoding/pem, the reader
// tolerates CRLF, any line width, a missing final newline, and keeps RFC 1421
// headers in order.
type block struct {
	Type    string
	Headers [][2]string
	Bytes   []byte
}

func (b *block) header(name string) (string, bool) {
	for _, h := range b.Headers {
		if strings.EqualFold(h[0], name) {
			return h[1], true
		}
	}
	return "", false
}

// maxArmoredInput bounds what decoders read, to keep allocation bounded.
const maxArmoredInput = 1 << 20

// splitLines splits on LF, dropping a trailing CR from each line.
func splitLines(data []byte) []string {
	s := string(data)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	return lines
}

// decodeArmor returns the first "-----BEGIN T-----" … "-----END T-----"
// block in data. Text before BEGIN and after END is ignored.
func decodeArmor(data []byte) (*block, error) {
	b, _, err := decodeArmorFrom(data, 0)
	return b, err
}

// decodeArmorSkip is decodeArmor ignoring blocks of the given types, such
// as the "EC PARAMETERS" block `openssl ecparam -genkey` writes first.
func decodeArmorSkip(data []byte, skip ...string) (*block, error) {
	from := 0
	for {
		b, next, err := decodeArmorFrom(data, from)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(skip, b.Type) {
			return b, nil
		}
		from = next
	}
}

// decodeArmorFrom decodes the first block starting at line index from, and
// returns the index of the line after its END line.
func decodeArmorFrom(data []byte, from int) (*block, int, error) {
	if len(data) > maxArmoredInput {
		return nil, 0, malformed("input larger than %d bytes", maxArmoredInput)
	}
	lines := splitLines(data)
	start := -1
	var typ string
	for i := from; i < len(lines); i++ {
		l := lines[i]
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "-----BEGIN ") && strings.HasSuffix(l, "-----") && len(l) > 16 {
			typ = l[len("-----BEGIN ") : len(l)-5]
			start = i
			break
		}
	}
	if start < 0 {
		return nil, 0, malformed("no BEGIN line")
	}
	end := "-----END " + typ + "-----"
	b := &block{Type: typ}
	var body strings.Builder
	i := start + 1
	// RFC 1421 headers: "Name: value" lines, ended by a blank line.
	if i < len(lines) && strings.Contains(lines[i], ":") {
		for ; i < len(lines); i++ {
			l := strings.TrimSpace(lines[i])
			if l == "" {
				i++
				break
			}
			if l == end {
				break
			}
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				return nil, 0, malformed("bad header line in %s block", sshwire.Quote(typ))
			}
			b.Headers = append(b.Headers, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
	}
	found := false
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == end {
			found = true
			break
		}
		body.WriteString(l)
	}
	if !found {
		return nil, 0, malformed("no %s line", sshwire.Quote(end))
	}
	raw, err := base64.StdEncoding.DecodeString(body.String())
	if err != nil {
		return nil, 0, malformed("bad base64 in %s block", sshwire.Quote(typ))
	}
	b.Bytes = raw
	return b, i + 1, nil
}

// encodeArmor writes a block with width-column base64 lines, LF, final "\n".
func encodeArmor(typ string, headers [][2]string, der []byte, width int) []byte {
	var buf bytes.Buffer
	buf.WriteString("-----BEGIN " + typ + "-----\n")
	for _, h := range headers {
		buf.WriteString(h[0] + ": " + h[1] + "\n")
	}
	if len(headers) > 0 {
		buf.WriteString("\n")
	}
	writeWrapped(&buf, base64.StdEncoding.EncodeToString(der), width)
	buf.WriteString("-----END " + typ + "-----\n")
	return buf.Bytes()
}

func writeWrapped(buf *bytes.Buffer, s string, width int) {
	for len(s) > width {
		buf.WriteString(s[:width])
		buf.WriteByte('\n')
		s = s[width:]
	}
	if len(s) > 0 {
		buf.WriteString(s)
		buf.WriteByte('\n')
	}
}
