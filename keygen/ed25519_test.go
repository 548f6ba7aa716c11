package keygen

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"testing"
)

func TestEd25519(t *testing.T) {
	// RFC 8032 section 7.1, TEST 1.
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	k, err := Ed25519(bytes.NewReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public().(ed25519.PublicKey)
	if hex.EncodeToString(pub) != "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a" {
		t.Fatalf("public key %x", pub)
	}
	if _, err := Ed25519(bytes.NewReader(seed[:31])); err == nil {
		t.Fatal("short reader: no error")
	}
	a, _ := Ed25519(nil)
	b, _ := Ed25519(nil)
	if len(a) != ed25519.PrivateKeySize || a.Equal(b) {
		t.Fatal("Ed25519(nil) keys are not fresh")
	}
}
