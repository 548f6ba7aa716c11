package argon2

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestBLAKE2b(t *testing.T) {
	// RFC 7693 appendix A, and the empty-message value of the reference code.
	for in, want := range map[string]string{
		"abc": "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
		"":    "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
	} {
		if got := hex.EncodeToString(blake2b(64, []byte(in))); got != want {
			t.Errorf("BLAKE2b-512(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestRFC9106Vectors: section 5 of RFC 9106 (m = 32 KiB, t = 3, p = 4,
// with secret and associated data), one per variant.
func TestRFC9106Vectors(t *testing.T) {
	pass := bytes.Repeat([]byte{1}, 32)
	salt := bytes.Repeat([]byte{2}, 16)
	secret := bytes.Repeat([]byte{3}, 8)
	ad := bytes.Repeat([]byte{4}, 12)
	for mode, want := range map[Mode]string{
		D:  "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb",
		I:  "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8",
		ID: "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
	} {
		got, err := DeriveKey(mode, pass, salt, secret, ad, 3, 32, 4, 32)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != want {
			t.Errorf("mode %d: %x, want %s", mode, got, want)
		}
	}
}

// BenchmarkKey8MiB is one pass over PuTTY's default 8 MiB, per variant.
func BenchmarkKey8MiB(b *testing.B) {
	for _, m := range []struct {
		name string
		mode Mode
	}{{"d", D}, {"i", I}, {"id", ID}} {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Key(m.mode, []byte("pw"), make([]byte, 16), 1, 8192, 1, 80); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
