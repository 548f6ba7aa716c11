package bench

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	filippo "filippo.io/keygen"
	"github.com/keyforge/keyforge/keygen"
)

// BenchmarkRSA2048Interleaved is the fair comparison: every iteration makes one
// key with each generator, in rotated order, so noise hits all alike. It
// reports each generator's mean ms/key and the ratios to crypto/rsa; ns/op is
// the time for all three keys. Use -benchtime 100x for means over 100 keys,
// and -cpu 1,2 for one and two cores.
//
//	go test -run '^$' -bench Interleaved -benchtime 100x -cpu 1,2
func BenchmarkRSA2048Interleaved(b *testing.B) {
	r := NewRun(2048, Generators())
	for b.Loop() {
		if err := r.Round(); err != nil {
			b.Fatal(err)
		}
	}
	r.Finish()
	if r.Mismatches > 0 {
		b.Errorf("%d rounds where keyforge and filippo.io/keygen differed for the same seed", r.Mismatches)
	}
	for _, res := range r.Results {
		name := metricName(res.Name)
		b.ReportMetric(res.Mean, name+"-ms/key")
		if res.Name != CryptoRSA {
			b.ReportMetric(res.RatioVsCryptoRSA, name+"-ratio-vs-crypto/rsa")
		}
	}
	if k := r.Get(Keyforge); k != nil {
		b.ReportMetric(k.RatioVsFilippo, "keyforge-ratio-vs-filippo")
	}
}

func metricName(s string) string {
	s = strings.ReplaceAll(s, "/", "-")
	return strings.ReplaceAll(s, ".", "-")
}

// BenchmarkRSA2048 measures each generator alone, with -benchmem showing the
// allocations per key. Not interleaved: use for allocations, not for ratios.
func BenchmarkRSA2048(b *testing.B) {
	for _, g := range Generators() {
		b.Run(metricName(g.Name), func(b *testing.B) {
			b.ReportAllocs()
			seed := make([]byte, 32)
			for b.Loop() {
				rand.Read(seed)
				if _, err := g.Gen(seed, 2048); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRSAFromSeed uses a fixed seed, so every iteration does exactly the
// same search: low-noise, and allocs/op is exact for that search.
func BenchmarkRSAFromSeed(b *testing.B) {
	seed := []byte("keyforge benchmark fixed seed 32")
	for _, bits := range []int{2048, 3072} {
		b.Run(itoa(bits)+"/keyforge", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := keygen.RSAFromSeed(seed, bits); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(itoa(bits)+"/filippo-io-keygen", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := filippo.RSA(bits, seed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func BenchmarkEd25519(b *testing.B) {
	b.Run("keyforge", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := keygen.Ed25519(nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("crypto-ed25519", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := ed25519.GenerateKey(nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSameKeysAsFilippo guards the comparison itself: keyforge and
// filippo.io/keygen must do the same work for a seed, i.e. make the same key.
func TestSameKeysAsFilippo(t *testing.T) {
	for i := 0; i < 3; i++ {
		seed := make([]byte, 32)
		rand.Read(seed)
		a, err := keygen.RSAFromSeed(seed, 2048)
		if err != nil {
			t.Fatal(err)
		}
		b, err := filippo.RSA(2048, seed)
		if err != nil {
			t.Fatal(err)
		}
		if a.N.Cmp(b.N) != 0 {
			t.Fatalf("seed %x: keyforge and filippo.io/keygen moduli differ", seed)
		}
	}
	var _ *rsa.PrivateKey
}
