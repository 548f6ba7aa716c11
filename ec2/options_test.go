package ec2

import (
	"errors"
	"testing"

	"github.com/keyforge/keyforge/keygen"
)

func TestNewValidatesOptions(t *testing.T) {
	for _, o := range []Options{{PPKVersion: 4}, {PPKVersion: 1}, {RSABits: 1000}, {RSABits: 2050}, {MaxKeyPairs: -1}} {
		if s, err := New(o); err == nil || s != nil {
			t.Errorf("New(%+v) = %v, %v; want an error", o, s, err)
		}
	}
	if _, err := New(Options{RSABits: 512}); !errors.Is(err, keygen.ErrKeySize) {
		t.Errorf("RSABits 512: %v", err)
	}
	for _, o := range []Options{{}, {PPKVersion: 2, RSABits: 3072, MaxKeyPairs: 10}} {
		if s, err := New(o); err != nil || s == nil {
			t.Errorf("New(%+v): %v", o, err)
		}
	}
}
