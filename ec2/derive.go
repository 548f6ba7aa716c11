package ec2

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
)

// deriver turns a request seed into independent byte streams, one per
// purpose: stream(purpose) block i = HMAC-SHA256(seed, label ‖ string
// KeyName ‖ string KeyType ‖ string KeyFormat ‖ string purpose ‖ uint32 i).
// A deriver without a seed gives crypto/rand's bytes for every purpose.
// Because the request fields are inputs, a seeded Service gives each
// request the same bytes whatever order concurrent requests run in.
type deriver struct {
	seed   []byte
	fields []byte
}

const deriveLabel = "keyforge/ec2 request v1"

func newDeriver(seed []byte, fields ...string) *deriver {
	b := appendString(nil, deriveLabel)
	for _, f := range fields {
		b = appendString(b, f)
	}
	return &deriver{seed: seed, fields: b}
}

func (d *deriver) stream(purpose string) io.Reader {
	if d.seed == nil {
		return rand.Reader // unseeded: HMAC of a random seed would add nothing but cost
	}
	prefix := appendString(append([]byte(nil), d.fields...), purpose)
	return &hmacStream{mac: hmac.New(sha256.New, d.seed), prefix: prefix}
}

// bytes returns the first n bytes of stream(purpose).
func (d *deriver) bytes(purpose string, n int) []byte {
	out := make([]byte, n)
	io.ReadFull(d.stream(purpose), out) // hmacStream never fails
	return out
}

type hmacStream struct {
	mac    hash.Hash
	prefix []byte
	ctr    uint32
	buf    []byte
}

func (h *hmacStream) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(h.buf) == 0 {
			h.mac.Reset()
			h.mac.Write(h.prefix)
			h.mac.Write(binary.BigEndian.AppendUint32(nil, h.ctr))
			h.ctr++
			h.buf = h.mac.Sum(nil)
		}
		c := copy(p[n:], h.buf)
		h.buf = h.buf[c:]
		n += c
	}
	return n, nil
}

// keyPairIDs returns the id source for commit: each call renders the next 8
// bytes of the "key-pair-id" stream.
func (d *deriver) keyPairIDs() func() string {
	ids := d.stream("key-pair-id")
	return func() string {
		b := make([]byte, 8)
		io.ReadFull(ids, b) // hmacStream never fails; crypto/rand panics rather than fail
		return keyPairID(b)
	}
}

// keyPairID renders 8 bytes as an EC2 id: "key-0" + 16 lowercase hex digits.
func keyPairID(b []byte) string { return "key-0" + hex.EncodeToString(b[:8]) }

// appendString appends s with a uint32 length prefix (the SSH "string"
// framing), so that no two field lists frame to the same bytes.
func appendString(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
}
