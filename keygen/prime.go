package keygen

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math/bits"
	"sync"

	"github.com/keyforge/keyforge/keygen/internal/mont"
)

// Step 13 only asks that primality testing be reliable for random
// candidates; it does not change which candidates are prime, so the choices
// below are invisible in the generated key.
//
//  1. Trial division by every odd prime below sieveLimit(bits) (det-keygen suggests
//     primes up to 1619; far more pay off because each survivor costs a full
//     exponentiation). Primes are packed into 64-bit products and the
//     candidate is reduced once per product, several products at a time.
//  2. A base-2 strong-probable-prime test, constant time, which rejects
//     nearly every remaining composite.
//  3. The spec's Miller-Rabin rounds with bases that look random (see
//     mrBase).

// sieveLimit bounds the trial-division primes for a key size. The best
// bound grows with the cost of an exponentiation: with the size (that cost
// grows as the cube of the limb count, trial division only linearly) and
// without the assembly kernels (twice the cost). These are the optima
// measured by BenchmarkSieveLimit (a flat minimum: a factor of two either
// way costs a few percent).
func sieveLimit(keyBits int) uint64 {
	var l uint64
	switch {
	case keyBits <= 2048:
		l = 1 << 15
	case keyBits <= 3072:
		l = 1 << 16
	default:
		l = 1 << 17
	}
	if !mont.Assembly && l < 1<<17 {
		l <<= 1
	}
	return l
}

// fold is how many products one pass over the candidate's limbs reduces by.
const fold = 8

type divisor struct {
	inv, lim uint64 // p⁻¹ mod 2⁶⁴ and ⌊(2⁶⁴−1)/p⌋: n ≡ 0 mod p ⟺ n·inv ≤ lim
}

type product struct {
	m, negInv  uint64 // product of primes and −m⁻¹ mod 2⁶⁴
	start, end int32  // its primes: divisors[start:end]
}

type sieveTables struct {
	products []product
	divisors []divisor
}

var sieves = [...]func() *sieveTables{
	sync.OnceValue(func() *sieveTables { return buildSieve(1 << 15) }),
	sync.OnceValue(func() *sieveTables { return buildSieve(1 << 16) }),
	sync.OnceValue(func() *sieveTables { return buildSieve(1 << 17) }),
}

// sieve returns the shared tables for a key size.
func sieve(keyBits int) *sieveTables {
	return sieves[bits.Len64(sieveLimit(keyBits))-16]()
}

// buildSieve makes the tables for the odd primes below limit.
func buildSieve(limit uint64) *sieveTables {
	composite := make([]bool, limit)
	st := &sieveTables{}
	cur := product{m: 1}
	for p := uint64(3); p < limit; p += 2 {
		if composite[p] {
			continue
		}
		for k := p * p; k < limit; k += 2 * p {
			composite[k] = true
		}
		hi, lo := bits.Mul64(cur.m, p)
		if hi != 0 || lo >= 1<<64-2 {
			st.products = append(st.products, cur)
			cur = product{m: 1, start: int32(len(st.divisors))}
			lo = p
		}
		cur.m = lo
		st.divisors = append(st.divisors, divisor{inv: inverse64(p), lim: ^uint64(0) / p})
		cur.end = int32(len(st.divisors))
	}
	st.products = append(st.products, cur)
	for i := range st.products {
		st.products[i].negInv = -inverse64(st.products[i].m)
	}
	// Whole groups keep the interleaved loop simple.
	for len(st.products)%fold != 0 {
		st.products = st.products[:len(st.products)-1]
	}
	return st
}

// inverse64 returns x⁻¹ mod 2⁶⁴ for odd x (Newton iteration).
func inverse64(x uint64) uint64 {
	inv := x
	for range 5 {
		inv *= 2 - x*inv
	}
	return inv
}

// redcFold folds the little-endian limbs c into s[k] ≡ c·2^(−64·len(c))
// (mod p[k].m), s[k] ≤ m+1, by one Montgomery word step per limb. The power
// of two does not change which odd primes divide the result. Each step is a
// serial chain (add, multiply, multiply-high, add), so eight independent
// products are interleaved to keep the multiplier busy.
func redcFold(c []uint64, p *[fold]product) (s [fold]uint64) {
	m0, m1, m2, m3, m4, m5, m6, m7 := p[0].m, p[1].m, p[2].m, p[3].m, p[4].m, p[5].m, p[6].m, p[7].m
	n0, n1, n2, n3, n4, n5, n6, n7 := p[0].negInv, p[1].negInv, p[2].negInv, p[3].negInv, p[4].negInv, p[5].negInv, p[6].negInv, p[7].negInv
	var s0, s1, s2, s3, s4, s5, s6, s7 uint64
	for _, w := range c {
		var t, cy, cz, hi, lo uint64
		t, cy = bits.Add64(s0, w, 0)
		hi, lo = bits.Mul64(t*n0, m0)
		_, cz = bits.Add64(lo, t, 0)
		s0, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s1, w, 0)
		hi, lo = bits.Mul64(t*n1, m1)
		_, cz = bits.Add64(lo, t, 0)
		s1, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s2, w, 0)
		hi, lo = bits.Mul64(t*n2, m2)
		_, cz = bits.Add64(lo, t, 0)
		s2, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s3, w, 0)
		hi, lo = bits.Mul64(t*n3, m3)
		_, cz = bits.Add64(lo, t, 0)
		s3, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s4, w, 0)
		hi, lo = bits.Mul64(t*n4, m4)
		_, cz = bits.Add64(lo, t, 0)
		s4, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s5, w, 0)
		hi, lo = bits.Mul64(t*n5, m5)
		_, cz = bits.Add64(lo, t, 0)
		s5, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s6, w, 0)
		hi, lo = bits.Mul64(t*n6, m6)
		_, cz = bits.Add64(lo, t, 0)
		s6, _ = bits.Add64(hi, cy, cz)
		t, cy = bits.Add64(s7, w, 0)
		hi, lo = bits.Mul64(t*n7, m7)
		_, cz = bits.Add64(lo, t, 0)
		s7, _ = bits.Add64(hi, cy, cz)
	}
	return [fold]uint64{s0, s1, s2, s3, s4, s5, s6, s7}
}

// hasSmallFactor reports whether an odd prime in st divides c.
// It exits at the first factor found (candidates are not secret until they
// pass, and a passing candidate always runs the whole loop).
func hasSmallFactor(c []uint64, st *sieveTables) bool {
	ps, ds := st.products, st.divisors
	for i := 0; i+fold <= len(ps); i += fold {
		g := (*[fold]product)(ps[i : i+fold])
		s := redcFold(c, g)
		for k := range fold {
			r := s[k]
			for _, d := range ds[g[k].start:g[k].end] {
				if r*d.inv <= d.lim {
					return true
				}
			}
		}
	}
	return false
}

// tester checks candidates of one size. It owns all its scratch space, so
// testing a candidate allocates nothing; it is not safe for concurrent use.
type tester struct {
	keyBits, primeBits, n int
	rounds                int
	sieve                 *sieveTables
	mod                   *mont.Modulus
	c, d, x, b, minusOne  []uint64
	h                     hash.Hash
	hbuf                  []byte
	sum                   [sha256.Size]byte
}

func newTester(keyBits int) *tester {
	primeBits := keyBits / 2
	n := (primeBits + 63) / 64
	t := &tester{
		keyBits: keyBits, primeBits: primeBits, n: n,
		sieve: sieve(keyBits),
		mod:   mont.New(n),
		h:     sha256.New(),
		hbuf:  make([]byte, 0, primeBits/8+64),
	}
	buf := make([]uint64, 5*n)
	t.c, t.d, t.x, t.b, t.minusOne = buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n], buf[4*n:]
	// Miller-Rabin iterations per det-keygen step 13.
	switch {
	case keyBits < 2690:
		t.rounds = 5
	case keyBits < 7494:
		t.rounds = 4
	default:
		t.rounds = 3
	}
	return t
}

// setCandidate loads the big-endian candidate bytes (step 12, OS2IP).
func (t *tester) setCandidate(temp []byte) {
	clear(t.c)
	for i, j := len(temp), 0; i > 0; i, j = i-8, j+1 {
		var w uint64
		if i >= 8 {
			w = binary.BigEndian.Uint64(temp[i-8 : i])
		} else {
			for _, b := range temp[:i] {
				w = w<<8 | uint64(b)
			}
		}
		t.c[j] = w
	}
}

// isPrime tests the candidate loaded by setCandidate.
func (t *tester) isPrime() bool {
	if hasSmallFactor(t.c, t.sieve) {
		return false
	}
	if t.mod.Set(t.c) != nil {
		return false
	}
	// t − 1 = 2^s·d. det-keygen candidates are ≡ 7 mod 8, so s = 1, but the
	// general form costs nothing.
	s := bits.TrailingZeros64(t.c[0] &^ 1)
	if s >= 64 {
		return false // not a det-keygen candidate (those end in 0b111)
	}
	var carry uint64
	for j := t.n - 1; j >= 0; j-- {
		w := t.c[j]
		if j == 0 {
			w &^= 1
		}
		t.d[j] = w>>s | carry
		carry = w << (64 - s)
	}
	dBits := t.primeBits - s
	one := t.mod.One()
	// −1 in Montgomery form is m − R mod m.
	var b uint64
	for j := range t.n {
		t.minusOne[j], b = bits.Sub64(t.c[j], one[j], b)
	}
	t.mod.Exp2(t.x, t.d, dBits)
	if !t.strongTail(s) {
		return false
	}
	for round := range t.rounds {
		t.mrBase(round)
		t.mod.ToMont(t.b, t.b)
		t.mod.Exp(t.x, t.b, t.d, dBits)
		if !t.strongTail(s) {
			return false
		}
	}
	return true
}

// strongTail finishes a strong-probable-prime test given x = a^d (Montgomery).
// It always does all s−1 squarings and combines the comparisons with bit
// operations, so its time depends only on s (public), not on x. Once x
// reaches 1 it stays 1 and never becomes −1, so accumulating the −1 hits is
// the textbook test.
func (t *tester) strongTail(s int) bool {
	pass := mont.EqualBit(t.x, t.mod.One()) | mont.EqualBit(t.x, t.minusOne)
	for range s - 1 {
		t.mod.Sqr(t.x, t.x)
		pass |= mont.EqualBit(t.x, t.minusOne)
	}
	return pass == 1
}

// mrBase sets t.b to the base of the given Miller-Rabin round. Bases cannot
// come from the det-keygen DRBG (drawing from it would shift the candidate
// stream), so they come from SHA-256 keyed by the candidate: reproducible,
// and as good as random for candidates an attacker does not choose. Clearing
// the two top bits puts the base below the candidate (whose two top bits are
// set); values below 2 are lifted to 2.
func (t *tester) mrBase(round int) {
	clear(t.b)
	nbytes := t.primeBits / 8
	pos := 0
	for block := uint32(0); pos < nbytes; block++ {
		t.hbuf = append(t.hbuf[:0], "keyforge det-keygen MR base"...)
		t.hbuf = binary.BigEndian.AppendUint32(t.hbuf, uint32(round))
		t.hbuf = binary.BigEndian.AppendUint32(t.hbuf, block)
		for _, w := range t.c {
			t.hbuf = binary.LittleEndian.AppendUint64(t.hbuf, w)
		}
		t.h.Reset()
		t.h.Write(t.hbuf)
		t.h.Sum(t.sum[:0])
		for _, v := range t.sum {
			if pos == nbytes {
				break
			}
			t.b[pos/8] |= uint64(v) << (8 * (pos % 8))
			pos++
		}
	}
	top := (t.primeBits - 1) / 64
	t.b[top] &^= 3 << ((t.primeBits - 2) % 64)
	var high uint64
	for _, w := range t.b[1:] {
		high |= w
	}
	if high == 0 && t.b[0] < 2 {
		t.b[0] = 2
	}
}
