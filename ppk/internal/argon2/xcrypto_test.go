// This file compares the package with golang.org/x/crypto/argon2.

package argon2

import (
	"bytes"
	"math/rand/v2"
	"testing"

	xargon2 "golang.org/x/crypto/argon2"
)

// TestAgainstXCrypto: Argon2i and Argon2id agree with x/crypto for random
// passwords, salts, key lengths and parameters, parallelism > 1 included.
func TestAgainstXCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		p := uint32(1 + r.IntN(8))
		m := 8*p + uint32(r.IntN(300))
		passes := uint32(1 + r.IntN(4))
		keyLen := uint32(4 + r.IntN(200))
		pw := make([]byte, r.IntN(40))
		salt := make([]byte, 8+r.IntN(24))
		for i := range pw {
			pw[i] = byte(r.Uint32())
		}
		for i := range salt {
			salt[i] = byte(r.Uint32())
		}
		for _, mode := range []Mode{I, ID} {
			got, err := Key(mode, pw, salt, passes, m, p, keyLen)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			if mode == I {
				want = xargon2.Key(pw, salt, passes, m, uint8(p), keyLen)
			} else {
				want = xargon2.IDKey(pw, salt, passes, m, uint8(p), keyLen)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("mode %d t=%d m=%d p=%d len=%d: %x, x/crypto %x", mode, passes, m, p, keyLen, got, want)
			}
		}
	}
}

func BenchmarkXCryptoID8MiB(b *testing.B) {
	for b.Loop() {
		xargon2.IDKey([]byte("pw"), make([]byte, 16), 1, 8192, 1, 80)
	}
}
