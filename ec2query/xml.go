package ec2query

import (
	"sync"
	"time"
	"unicode/utf8"

	"github.com/keyforge/keyforge/ec2"
)

// XML framing, byte for byte as EC2 sends it: success documents follow the
// declaration directly, error documents after a newline.
const (
	xmlDecl      = `<?xml version="1.0" encoding="UTF-8"?>`
	xmlNamespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
	// APIVersion is the only EC2 API version the Handler accepts.
	APIVersion = "2016-11-15"
	// createTimeLayout is how EC2 renders createTime: UTC, milliseconds.
	createTimeLayout = "2006-01-02T15:04:05.000Z"
)

// xmlWriter builds one response document. Text is never padded or
// indented; key material keeps its "\n" line ends.
type xmlWriter struct{ b []byte }

func (w *xmlWriter) put(s string)      { w.b = append(w.b, s...) }
func (w *xmlWriter) putByte(c byte)    { w.b = append(w.b, c) }
func (w *xmlWriter) putBytes(p []byte) { w.b = append(w.b, p...) }
func (w *xmlWriter) Bytes() []byte     { return w.b }
func (w *xmlWriter) String() string    { return string(w.b) }

// bufs recycles response buffers: a describe of 5,000 key pairs is 1.6 MB,
// and allocating (and zeroing) that anew for every request is most of its
// cost. ServeHTTP releases each body once written.
var bufs sync.Pool // of *[]byte

const maxPooledBuffer = 8 << 20

func newWriter(hint int) *xmlWriter {
	if p, _ := bufs.Get().(*[]byte); p != nil && cap(*p) >= hint {
		return &xmlWriter{(*p)[:0]}
	}
	return &xmlWriter{make([]byte, 0, max(hint, 1024))}
}

// release gives a body from newWriter back for reuse.
func release(b []byte) {
	if cap(b) <= maxPooledBuffer {
		b = b[:0]
		bufs.Put(&b)
	}
}

func newResponse(action, requestID string, hint int) *xmlWriter {
	w := newWriter(hint + 256)
	w.put(xmlDecl)
	w.put("<" + action + "Response xmlns=\"" + xmlNamespace + "\">")
	w.elem("requestId", requestID)
	return w
}

func (w *xmlWriter) end(action string) []byte {
	w.put("</" + action + "Response>")
	return w.Bytes()
}

func (w *xmlWriter) open(name string) {
	w.putByte('<')
	w.put(name)
	w.putByte('>')
}

func (w *xmlWriter) close(name string) {
	w.put("</")
	w.put(name)
	w.putByte('>')
}

func (w *xmlWriter) elem(name, text string) {
	w.open(name)
	w.text(text)
	w.close(name)
}

// text escapes s as XML character data: &, < and > as entities, CR as a
// character reference (a parser would turn a raw CR into LF), and anything
// XML 1.0 cannot carry (other control characters, invalid UTF-8) as U+FFFD.
// The request parser refuses such characters, so only values that did not
// come from a request can meet the last rule.
func (w *xmlWriter) text(s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainText[c] {
			i++
			continue
		}
		var rep string
		size := 1
		switch {
		case c == '&':
			rep = "&amp;"
		case c == '<':
			rep = "&lt;"
		case c == '>':
			rep = "&gt;"
		case c == '\r':
			rep = "&#xD;"
		case c == '\n' || c == '\t':
			i++
			continue
		case c < 0x20:
			rep = "\uFFFD"
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if r == utf8.RuneError && n == 1 || !xmlChar(r) {
				rep = "\uFFFD"
			} else {
				i += n
				continue
			}
		}
		w.put(s[last:i])
		w.put(rep)
		i += size
		last = i
	}
	w.put(s[last:])
}

// plainText marks the bytes text copies as they are: printable ASCII
// other than &, < and >.
var plainText = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '&' && c != '<' && c != '>'
	}
	return t
}()

// xmlChar reports whether XML 1.0 allows r (for r ≥ 0x80).
func xmlChar(r rune) bool {
	return r <= 0xD7FF || 0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
}

// tagSet writes <tagSet> with one <item> a tag; an empty set is <tagSet/>.
func (w *xmlWriter) tagSet(tags []ec2.Tag) {
	if len(tags) == 0 {
		w.put("<tagSet/>")
		return
	}
	w.open("tagSet")
	for _, t := range tags {
		w.open("item")
		w.elem("key", t.Key)
		w.elem("value", t.Value)
		w.close("item")
	}
	w.close("tagSet")
}

// createKeyPairXML renders CreateKeyPair's response. An untagged create has
// no <tagSet> at all (boto3 would show an empty one as Tags: []).
func createKeyPairXML(requestID string, out *ec2.CreateKeyPairOutput) []byte {
	const action = "CreateKeyPair"
	w := newResponse(action, requestID, len(out.KeyMaterial)+512)
	w.elem("keyFingerprint", out.KeyFingerprint)
	w.elem("keyMaterial", out.KeyMaterial)
	w.elem("keyName", out.KeyName)
	w.elem("keyPairId", out.KeyPairId)
	if len(out.Tags) > 0 {
		w.tagSet(out.Tags)
	}
	return w.end(action)
}

// importKeyPairXML renders ImportKeyPair's response: create's members less
// keyMaterial.
func importKeyPairXML(requestID string, out *ec2.ImportKeyPairOutput) []byte {
	const action = "ImportKeyPair"
	w := newResponse(action, requestID, 512)
	w.elem("keyFingerprint", out.KeyFingerprint)
	w.elem("keyName", out.KeyName)
	w.elem("keyPairId", out.KeyPairId)
	if len(out.Tags) > 0 {
		w.tagSet(out.Tags)
	}
	return w.end(action)
}

// createTime writes <createTime> as EC2 renders it (createTimeLayout),
// without time.Format's cost: describe writes one per item.
func (w *xmlWriter) createTime(t time.Time) {
	t = t.UTC()
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	if year < 0 || year > 9999 {
		w.elem("createTime", t.Format(createTimeLayout))
		return
	}
	var b [24]byte
	put := func(i, v, n int) {
		for j := i + n - 1; j >= i; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, hour, 2)
	b[13] = ':'
	put(14, min, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	put(20, t.Nanosecond()/1e6, 3)
	b[23] = 'Z'
	w.put("<createTime>")
	w.putBytes(b[:])
	w.put("</createTime>")
}

// errorXML renders an EC2 error document. It has no namespace, a newline
// after the declaration, and RequestID spelt exactly so (aws-sdk-go-v2
// reads no other spelling).
func errorXML(requestID, code, message string) []byte {
	w := newWriter(256 + len(message))
	w.put(xmlDecl)
	w.put("\n<Response><Errors><Error>")
	w.elem("Code", code)
	w.elem("Message", message)
	w.put("</Error></Errors>")
	w.elem("RequestID", requestID)
	w.put("</Response>")
	return w.Bytes()
}
