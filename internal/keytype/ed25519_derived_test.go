package keytype

import (
	"bytes"
	"crypto/ed25519"
	"testing"
)

// A DerivedEd25519 is taken as it is; one of the wrong length is still
// refused.
func TestDerivedEd25519(t *testing.T) {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	got, err := CheckSigner(DerivedEd25519{k})
	if err != nil || !bytes.Equal(got.(ed25519.PrivateKey), k) {
		t.Fatalf("CheckSigner(DerivedEd25519) = %v, %v", got, err)
	}
	if _, err := CheckSigner(DerivedEd25519{k[:40]}); err == nil {
		t.Fatal("a 40-byte DerivedEd25519 was accepted")
	}
}
