package bcryptpbkdf

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// Vectors from OpenBSD's bcrypt_pbkdf regression tests.
func TestKnownVectors(t *testing.T) {
	for _, v := range []struct {
		pass, salt string
		rounds     int
		want       string
	}{
		{"password", "salt", 12, "1ae42c05d487bc02f64921a4ebe4ea93bcacfe135fda99974c06b7b01fae149a"},
		{"passwordy\x00PASSWORD\x00", "salty\x00SALT\x00", 3, "7f310bd3e78c3280c59ce4595211a2928e8d4ec744c1ed2efc9f764e3388e0ad"},
	} {
		want, _ := hex.DecodeString(v.want)
		got, err := Key([]byte(v.pass), []byte(v.salt), v.rounds, len(want))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Key(%q, %q, %d) = %x, %v; want %x", v.pass, v.salt, v.rounds, got, err, want)
		}
	}
}

func TestBcryptHashVector(t *testing.T) {
	var pass, salt [64]byte
	for i := range pass {
		pass[i], salt[i] = byte(i), byte(i+64)
	}
	var out [32]byte
	bcryptHash(&out, pass[:], salt[:])
	want, _ := hex.DecodeString("87904870eef9deddf8e7611a140106e6aaf1a363d9a2c504db356443721eb555")
	if !bytes.Equal(out[:], want) {
		t.Fatalf("bcrypt_hash = %x", out)
	}
}

func TestBadParams(t *testing.T) {
	for _, c := range []struct {
		rounds, n int
		salt      string
	}{{0, 32, "s"}, {1, 0, "s"}, {1, 2000, "s"}, {1, 32, ""}} {
		if _, err := Key([]byte("p"), []byte(c.salt), c.rounds, c.n); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func BenchmarkKey16Rounds48(b *testing.B) {
	for b.Loop() {
		Key([]byte("password"), make([]byte, 16), 16, 48)
	}
}
