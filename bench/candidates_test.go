package bench

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"testing"

	"github.com/keyforge/keyforge/keygen"
)

// drbg is HMAC_DRBG-SHA256 (NIST SP 800-90A) as c2sp.org/det-keygen uses it,
// written here independently so the benchmark can count the candidates a
// seed makes RSAFromSeed test. Each Generate call is one request: the size
// of a request changes the output, so it is not an io.Reader.
type drbg struct {
	k, v  []byte
	first bool
	extra []byte // entropy || personalization, mixed into the first request
}

func newDRBG(entropy, pers []byte) *drbg {
	d := &drbg{k: make([]byte, 32), v: make([]byte, 32), first: true}
	for i := range d.v {
		d.v[i] = 1
	}
	d.extra = append(append([]byte(nil), entropy...), pers...)
	// Instantiate's HMAC_DRBG_Update runs its first half here; its second
	// half (the 0x01 step) is the first thing generate does.
	d.k = d.mac(d.v, []byte{0}, d.extra)
	d.v = d.mac(d.v)
	return d
}

func (d *drbg) mac(parts ...[]byte) []byte {
	h := hmac.New(sha256.New, d.k)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// generate fills b. The Update that SP 800-90A runs after each request is
// run before the next one instead, which yields the same stream.
func (d *drbg) generate(b []byte) {
	if d.first {
		d.k = d.mac(d.v, []byte{1}, d.extra)
		d.first = false
	} else {
		d.k = d.mac(d.v, []byte{0})
	}
	d.v = d.mac(d.v)
	for n := 0; n < len(b); {
		d.v = d.mac(d.v)
		n += copy(b[n:], d.v)
	}
}

// countCandidates returns how many DRBG candidates det-keygen draws for seed
// before it has its key (math/big primality, independent of keyforge).
func countCandidates(seed []byte, bits int) (n int, modulus *big.Int) {
	pers := binary.BigEndian.AppendUint16([]byte("det RSA key gen"), uint16(bits))
	d := newDRBG(seed, pers)
	prime := func() *big.Int {
		b := make([]byte, bits/16)
		for {
			d.generate(b)
			n++
			b[0] |= 0xC0 // top two bits
			b[len(b)-1] |= 7
			if x := new(big.Int).SetBytes(b); x.ProbablyPrime(0) {
				return x
			}
		}
	}
	one := big.NewInt(1)
	for {
		p, q := prime(), prime()
		pm, qm := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		g := new(big.Int).GCD(nil, nil, pm, qm)
		if g.BitLen() > 32 {
			continue
		}
		lambda := new(big.Int).Div(new(big.Int).Mul(pm, qm), g)
		if new(big.Int).ModInverse(big.NewInt(65537), lambda) == nil {
			continue
		}
		return n, new(big.Int).Mul(p, q)
	}
}

// TestCandidateCounter checks the independent counter against keyforge: the
// primes it finds must be the key's factors.
func TestCandidateCounter(t *testing.T) {
	for i := 0; i < 3; i++ {
		seed := fmt.Appendf(nil, "keyforge candidate counter seed %d", i)
		n, N := countCandidates(seed, 2048)
		k, err := keygen.RSAFromSeed(seed, 2048)
		if err != nil {
			t.Fatal(err)
		}
		if k.N.Cmp(N) != 0 {
			t.Fatalf("seed %q: the counter's primes are not keyforge's key", seed)
		}
		t.Logf("seed %q: %d candidates", seed, n)
	}
}

// BenchmarkRSAAllocsPerCandidate measures keyforge's heap allocations for
// seeds with very different candidate counts and reports the slope,
// allocations per extra candidate, which must stay 0.
func BenchmarkRSAAllocsPerCandidate(b *testing.B) {
	type point struct{ cands, allocs float64 }
	var pts []point
	for i := 0; i < 8; i++ {
		seed := []byte(fmt.Sprintf("keyforge allocs per candidate %02d", i))
		c, _ := countCandidates(seed, 2048)
		a := testing.AllocsPerRun(1, func() {
			if _, err := keygen.RSAFromSeed(seed, 2048); err != nil {
				b.Fatal(err)
			}
		})
		pts = append(pts, point{float64(c), a})
	}
	for b.Loop() {
	}
	var mc, ma float64
	for _, p := range pts {
		mc += p.cands
		ma += p.allocs
	}
	mc /= float64(len(pts))
	ma /= float64(len(pts))
	var sxy, sxx float64
	for _, p := range pts {
		sxy += (p.cands - mc) * (p.allocs - ma)
		sxx += (p.cands - mc) * (p.cands - mc)
	}
	b.ReportMetric(sxy/sxx, "allocs/candidate")
	b.ReportMetric(ma, "allocs/key")
	b.ReportMetric(mc, "candidates/key")
}
