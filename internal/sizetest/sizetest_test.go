package sizetest

import (
	"bytes"
	"testing"
)

// TestDetectsQuadratic: the checks tell a decoder that joins strings per
// line (quadratic) from one that appends to a buffer (linear).
func TestDetectsQuadratic(t *testing.T) {
	quadratic := func(b []byte) {
		s := ""
		for _, l := range bytes.Split(b, []byte("\n")) {
			s = s + string(l)
		}
		_ = s
	}
	linearDecode := func(b []byte) {
		var out []byte
		for _, l := range bytes.Split(b, []byte("\n")) {
			out = append(out, l...)
		}
		_ = out
	}
	small, large := Repeat("", "ab\n", "", 2<<10), Repeat("", "ab\n", "", 32<<10)
	q1, q2 := Measure(small, quadratic), Measure(large, quadratic)
	if linear(q1, q2) == nil {
		t.Errorf("quadratic growth not detected: %+v → %+v", q1, q2)
	}
	l1, l2 := Measure(small, linearDecode), Measure(large, linearDecode)
	if err := linear(l1, l2); err != nil {
		t.Errorf("linear decoder flagged: %v", err)
	}
	if b := Repeat("h", "xy", "t", 10); len(b) > 10 || len(b) < 9 || b[0] != 'h' || b[len(b)-1] != 't' {
		t.Errorf("Repeat = %q", b)
	}
}
