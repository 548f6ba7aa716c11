// Package sshwire reads and writes the SSH wire encoding of RFC 4251
// section 5: uint32, string and mpint. Key types (the public-key blobs that
// use this encoding) live in internal/keytype.
//
// Readers are strict: a Reader records the first error and every later call
// returns zero values, so decoders check Err once at the end. Errors carry
// no package prefix; the format package that reads wraps them once.
package sshwire

import (
	"encoding/binary"
	"fmt"
	"math/big"
)

// Builder appends SSH wire values to a byte slice.
type Builder struct{ B []byte }

func (b *Builder) Uint32(v uint32) { b.B = binary.BigEndian.AppendUint32(b.B, v) }

func (b *Builder) String(s []byte) {
	b.Uint32(uint32(len(s)))
	b.B = append(b.B, s...)
}

func (b *Builder) StringS(s string) { b.String([]byte(s)) }

// MPInt appends a non-negative integer as a minimal mpint: no leading zero
// bytes except one 0x00 when the top bit of the first byte is set.
func (b *Builder) MPInt(x *big.Int) {
	b.String(MPIntBytes(x))
}

// MPIntBytes returns the mpint body (without its length) of a non-negative x.
func MPIntBytes(x *big.Int) []byte {
	if x.Sign() == 0 {
		return nil
	}
	raw := x.Bytes()
	if raw[0]&0x80 != 0 {
		return append([]byte{0}, raw...)
	}
	return raw
}

// Reader consumes SSH wire values from a byte slice.
type Reader struct {
	b   []byte
	err error
}

func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err returns the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Rest returns the unread bytes.
func (r *Reader) Rest() []byte { return r.b }

// Len returns the number of unread bytes.
func (r *Reader) Len() int { return len(r.b) }

func (r *Reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, a...)
	}
	r.b = nil
}

func (r *Reader) Uint32() uint32 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 4 {
		r.fail("truncated uint32")
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

// Bytes returns the next n raw bytes.
func (r *Reader) Bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.fail("truncated data")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// String returns the next length-prefixed string; the result aliases the input.
func (r *Reader) String() []byte {
	n := r.Uint32()
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(r.b)) {
		r.fail("string length %d exceeds the %d bytes left", n, len(r.b))
		return nil
	}
	return r.Bytes(int(n))
}

// MPInt reads an mpint. Negative values are refused; non-minimal encodings
// are accepted, as OpenSSH and PuTTY read them.
func (r *Reader) MPInt() *big.Int {
	s := r.String()
	if r.err != nil {
		return nil
	}
	if len(s) > 0 && s[0]&0x80 != 0 {
		r.fail("negative mpint")
		return nil
	}
	return new(big.Int).SetBytes(s)
}

// Finished reports an error when unread bytes remain.
func (r *Reader) Finished(what string) {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d trailing bytes after %s", len(r.b), what)
	}
}
