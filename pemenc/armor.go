package pemenc

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
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

// maxPEMHeaders bounds the RFC 1421 header lines of a block: real files
// carry at most two (Proc-Type, DEK-Info); each kept header costs memory.
const maxPEMHeaders = 64

// lineReader yields the LF-separated lines of data without copying; a
// trailing CR is dropped from each. Every decoder walks its input once with
// it: splitting the whole input per block or per item made parsing
// quadratic.
type lineReader struct {
	data []byte
	pos  int
	done bool
}

func newLineReader(data []byte) *lineReader { return &lineReader{data: data} }

// next returns the next line and false after the last one. Like
// strings.Split, input ending in "\n" yields a final empty line.
func (r *lineReader) next() ([]byte, bool) {
	if r.done {
		return nil, false
	}
	rest := r.data[r.pos:]
	i := bytes.IndexByte(rest, '\n')
	var l []byte
	if i < 0 {
		l, r.done, r.pos = rest, true, len(r.data)
	} else {
		l, r.pos = rest[:i], r.pos+i+1
	}
	return bytes.TrimSuffix(l, []byte("\r")), true
}

// decodeArmor returns the first "-----BEGIN T-----" … "-----END T-----"
// block in data. Text before BEGIN and after END is ignored.
func decodeArmor(data []byte) (*block, error) {
	return decodeArmorSkip(data)
}

// decodeArmorSkip is decodeArmor ignoring blocks of the given types, such
// as the "EC PARAMETERS" block `openssl ecparam -genkey` writes first. The
// input is read once, however many blocks are skipped.
func decodeArmorSkip(data []byte, skip ...string) (*block, error) {
	if len(data) > maxArmoredInput {
		return nil, malformed("input larger than %d bytes", maxArmoredInput)
	}
	r := newLineReader(data)
	var body []byte // reused across skipped blocks
	for {
		b, err := decodeArmorNext(r, &body)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(skip, b.Type) {
			return b, nil
		}
	}
}

// decodeArmorNext decodes the next block from r, leaving r after its END
// line. body is scratch space for the base64 text.
func decodeArmorNext(r *lineReader, body *[]byte) (*block, error) {
	var typ string
	for {
		l, ok := r.next()
		if !ok {
			return nil, malformed("no BEGIN line")
		}
		l = bytes.TrimSpace(l)
		if bytes.HasPrefix(l, []byte("-----BEGIN ")) && bytes.HasSuffix(l, []byte("-----")) && len(l) > 16 {
			typ = string(l[len("-----BEGIN ") : len(l)-5])
			break
		}
	}
	end := []byte("-----END " + typ + "-----")
	b := &block{Type: typ}
	*body = (*body)[:0]
	l, ok := r.next()
	// RFC 1421 headers: "Name: value" lines, ended by a blank line.
	if ok && bytes.Contains(l, []byte(":")) {
		for ; ok; l, ok = r.next() {
			l = bytes.TrimSpace(l)
			if len(l) == 0 {
				l, ok = r.next()
				break
			}
			if bytes.Equal(l, end) {
				break
			}
			k, v, found := bytes.Cut(l, []byte(":"))
			if !found {
				return nil, malformed("bad header line in %s block", keytype.Quote(typ))
			}
			if len(b.Headers) == maxPEMHeaders {
				return nil, malformed("more than %d header lines in %s block", maxPEMHeaders, keytype.Quote(typ))
			}
			b.Headers = append(b.Headers, [2]string{string(bytes.TrimSpace(k)), string(bytes.TrimSpace(v))})
		}
	}
	found := false
	for ; ok; l, ok = r.next() {
		l = bytes.TrimSpace(l)
		if bytes.Equal(l, end) {
			found = true
			break
		}
		*body = append(*body, l...)
	}
	if !found {
		return nil, malformed("no %s line", keytype.Quote(string(end)))
	}
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(*body)))
	n, err := base64.StdEncoding.Decode(raw, *body)
	if err != nil {
		return nil, malformed("bad base64 in %s block", keytype.Quote(typ))
	}
	b.Bytes = raw[:n:n]
	return b, nil
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
