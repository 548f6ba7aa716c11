package sshwire

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
)

func TestMPInt(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want []byte
	}{
		{0, nil},
		{1, []byte{1}},
		{0x7f, []byte{0x7f}},
		{0x80, []byte{0, 0x80}},
		{0x1234, []byte{0x12, 0x34}},
		{0xdeadbeef, []byte{0, 0xde, 0xad, 0xbe, 0xef}},
	} {
		if got := MPIntBytes(big.NewInt(c.in)); !bytes.Equal(got, c.want) {
			t.Errorf("MPIntBytes(%#x) = %x, want %x", c.in, got, c.want)
		}
		var b Builder
		b.MPInt(big.NewInt(c.in))
		r := NewReader(b.B)
		if got := r.MPInt(); r.Err() != nil || got.Int64() != c.in {
			t.Errorf("MPInt round trip of %#x = %v, %v", c.in, got, r.Err())
		}
	}
	r := NewReader([]byte{0, 0, 0, 1, 0x80})
	if r.MPInt(); r.Err() == nil || strings.HasPrefix(r.Err().Error(), "sshwire") {
		t.Errorf("negative mpint: err = %v", r.Err())
	}
}

func TestReaderErrorsStick(t *testing.T) {
	r := NewReader([]byte{0, 0, 0, 9, 'a'})
	if s := r.String(); s != nil || r.Err() == nil {
		t.Fatalf("overlong string: %q, %v", s, r.Err())
	}
	if r.Uint32() != 0 || r.String() != nil || r.MPInt() != nil {
		t.Fatal("reads after an error must return zero values")
	}
}
