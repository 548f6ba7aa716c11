// Package mont is fixed-size Montgomery arithmetic for testing RSA prime
// candidates: 1024-, 1536- and 2048-bit moduli (16, 24 and 32 64-bit limbs)
// get dedicated kernels, other sizes a slice-based generic path.
//
// Numbers are little-endian []uint64 limbs of exactly the modulus's length.
// Every operation is constant time in the values (moduli, operands and
// exponents): carries are folded with masks, table lookups scan the whole
// table, and nothing allocates once a Modulus exists.
//
// The kernels, montMulN(z, x, y, m *[N]uint64, m0inv uint64) and
// montSqrN(z, x, m *[N]uint64, m0inv uint64) for N = 16, 24, 32, are the
// only place assembly needs to go (kernels_amd64.go); their pure-Go
// versions are in the generated kernels_generic.go and stay in use under
// -tags purego.
package mont

import (
	"errors"
	"math/bits"
)

//go:generate go run gen.go

// W is the fixed exponentiation window.
const W = 5

// Modulus is an odd modulus with its Montgomery constants and scratch space.
// It is reused across candidates with Set; it is not safe for concurrent use.
type Modulus struct {
	n     int
	m     []uint64
	m0inv uint64   // -m⁻¹ mod 2⁶⁴
	one   []uint64 // R mod m, R = 2^(64n)
	rr    []uint64 // R² mod m, computed on first use after Set
	rrOK  bool
	t     []uint64 // generic kernel scratch
	table []uint64 // 1<<W window entries
	tmp   []uint64
	unit  []uint64 // the integer 1
}

// New returns a Modulus for numbers of n limbs.
func New(n int) *Modulus {
	buf := make([]uint64, n*(6+(1<<W))+2*n+1)
	take := func(k int) []uint64 {
		s := buf[:k:k]
		buf = buf[k:]
		return s
	}
	m := &Modulus{n: n}
	m.m, m.one, m.rr, m.tmp, m.unit = take(n), take(n), take(n), take(n), take(n)
	m.table = take(n << W)
	m.t = take(2*n + 1)
	m.unit[0] = 1
	return m
}

// Limbs is the size of the numbers m works with.
func (m *Modulus) Limbs() int { return m.n }

// Nat returns the modulus limbs (read only).
func (m *Modulus) Nat() []uint64 { return m.m }

// One returns R mod m, the Montgomery form of 1 (read only).
func (m *Modulus) One() []uint64 { return m.one }

var errModulus = errors.New("mont: modulus must be odd, > 1 and have the configured number of limbs")

// Set makes m work modulo v (little-endian limbs, len(v) == Limbs(), v odd).
// Its cost is a few dozen word operations plus one doubling per unused top
// bit; R² mod m is deferred to the first ToMont.
func (m *Modulus) Set(v []uint64) error {
	if len(v) != m.n || v[0]&1 == 0 || v[m.n-1] == 0 {
		return errModulus
	}
	copy(m.m, v)
	// Newton iteration for m⁻¹ mod 2⁶⁴: each step doubles the correct bits.
	inv := v[0] // correct to 3 bits for odd v
	for range 5 {
		inv *= 2 - v[0]*inv
	}
	m.m0inv = -inv
	// R mod m: start from 2^(L-1) < m and double up to 2^(64n).
	l := bits.Len64(v[m.n-1]) + 64*(m.n-1)
	clear(m.one)
	m.one[(l-1)/64] = 1 << ((l - 1) % 64)
	for range 64*m.n - l + 1 {
		m.Double(m.one, m.one)
	}
	m.rrOK = false
	return nil
}

// Double sets z = 2x mod m for x < m.
func (m *Modulus) Double(z, x []uint64) {
	s := m.t[:m.n]
	var c, b uint64
	for j := range m.n {
		xj := x[j]
		s[j] = xj<<1 | c
		c = xj >> 63
	}
	for j := range m.n {
		z[j], b = bits.Sub64(s[j], m.m[j], b)
	}
	// Keep the doubled value when it did not overflow and was below m.
	keep := -(b &^ c)
	for j := range m.n {
		z[j] ^= (z[j] ^ s[j]) & keep
	}
}

// Mul sets z = x·y/R mod m. z may alias x or y.
func (m *Modulus) Mul(z, x, y []uint64) {
	switch m.n {
	case 16:
		montMul16((*[16]uint64)(z), (*[16]uint64)(x), (*[16]uint64)(y), (*[16]uint64)(m.m), m.m0inv)
	case 24:
		montMul24((*[24]uint64)(z), (*[24]uint64)(x), (*[24]uint64)(y), (*[24]uint64)(m.m), m.m0inv)
	case 32:
		montMul32((*[32]uint64)(z), (*[32]uint64)(x), (*[32]uint64)(y), (*[32]uint64)(m.m), m.m0inv)
	default:
		montMulSlice(z, x, y, m.m, m.m0inv, m.t)
	}
}

// Sqr sets z = x²/R mod m. z may alias x.
func (m *Modulus) Sqr(z, x []uint64) {
	switch m.n {
	case 16:
		montSqr16((*[16]uint64)(z), (*[16]uint64)(x), (*[16]uint64)(m.m), m.m0inv)
	case 24:
		montSqr24((*[24]uint64)(z), (*[24]uint64)(x), (*[24]uint64)(m.m), m.m0inv)
	case 32:
		montSqr32((*[32]uint64)(z), (*[32]uint64)(x), (*[32]uint64)(m.m), m.m0inv)
	default:
		montMulSlice(z, x, x, m.m, m.m0inv, m.t)
	}
}

// ToMont sets z = x·R mod m for x < m.
func (m *Modulus) ToMont(z, x []uint64) {
	if !m.rrOK {
		copy(m.rr, m.one)
		for range 64 * m.n {
			m.Double(m.rr, m.rr)
		}
		m.rrOK = true
	}
	m.Mul(z, x, m.rr)
}

// FromMont sets z = x/R mod m.
func (m *Modulus) FromMont(z, x []uint64) { m.Mul(z, x, m.unit) }

// Exp sets z = b^e with b and z in Montgomery form, scanning the low ebits
// bits of e (ebits is public; the values are not). z must not alias b.
func (m *Modulus) Exp(z, b, e []uint64, ebits int) {
	n := m.n
	copy(m.table[:n], m.one)
	copy(m.table[n:2*n], b)
	for i := 2; i < 1<<W; i++ {
		m.Mul(m.table[i*n:(i+1)*n], m.table[(i-1)*n:i*n], b)
	}
	m.expTable(z, e, ebits)
}

// Exp2 sets z = 2^e in Montgomery form (left to right, one bit at a time).
// Multiplying by the base 2 is a doubling, far cheaper than a Montgomery
// multiplication, so every bit costs one squaring plus one doubling that is
// always computed and kept or dropped with a mask.
func (m *Modulus) Exp2(z, e []uint64, ebits int) {
	copy(z, m.one)
	for i := ebits - 1; i >= 0; i-- {
		if i != ebits-1 { // squaring 1 is a no-op
			m.Sqr(z, z)
		}
		m.condDouble(z, (e[i/64]>>(i%64))&1)
	}
}

// condDouble sets z = 2^bit·z mod m for bit ∈ {0, 1}: a shift by bit (a
// shift by 64 is 0 in Go, and the compiler masks variable shifts without
// branching), then the usual masked subtraction of m.
func (m *Modulus) condDouble(z []uint64, bit uint64) {
	switch m.n {
	case 16:
		condDouble16((*[16]uint64)(z), (*[16]uint64)(m.m), bit)
		return
	case 24:
		condDouble24((*[24]uint64)(z), (*[24]uint64)(m.m), bit)
		return
	case 32:
		condDouble32((*[32]uint64)(z), (*[32]uint64)(m.m), bit)
		return
	}
	n := m.n
	s, mm := m.t[:n], m.m[:n]
	d := m.t[n : 2*n]
	z = z[:n]
	var prev, b uint64
	for j := range n {
		zj := z[j]
		dj := zj<<bit | prev>>(64-bit)
		prev = zj
		d[j] = dj
		s[j], b = bits.Sub64(dj, mm[j], b)
	}
	c := prev >> (64 - bit) // bit shifted out of the top (0 when bit = 0)
	keep := -(b &^ c)       // all ones when 2^bit·z < m: keep it unreduced
	for j := range n {
		z[j] = s[j] ^ ((s[j] ^ d[j]) & keep)
	}
}

// expTable is fixed-window exponentiation over m.table: W squarings and one
// multiplication by a constant-time-selected entry per window.
func (m *Modulus) expTable(z, e []uint64, ebits int) {
	nw := (ebits + W - 1) / W
	for i := nw - 1; i >= 0; i-- {
		d := window(e, i*W, ebits)
		if i == nw-1 {
			m.sel(z, d)
			continue
		}
		for range W {
			m.Sqr(z, z)
		}
		m.sel(m.tmp, d)
		m.Mul(z, z, m.tmp)
	}
}

// window returns bits [pos, min(pos+W, ebits)) of e.
func window(e []uint64, pos, ebits int) uint64 {
	w := e[pos/64] >> (pos % 64)
	if pos%64+W > 64 && pos/64+1 < len(e) {
		w |= e[pos/64+1] << (64 - pos%64)
	}
	width := min(W, ebits-pos)
	return w & (1<<width - 1)
}

// sel sets z = table[d] reading every entry.
func (m *Modulus) sel(z []uint64, d uint64) {
	n := m.n
	clear(z)
	for i := range 1 << W {
		x := uint64(i) ^ d
		mask := -((x - 1) >> 63) // all ones iff i == d (x < 2^63)
		row := m.table[i*n : (i+1)*n]
		for j := range n {
			z[j] |= row[j] & mask
		}
	}
}

// Equal reports whether x == y in constant time.
func Equal(x, y []uint64) bool { return EqualBit(x, y) == 1 }

// EqualBit returns 1 if x == y and 0 otherwise, in constant time, for
// callers that combine several comparisons without branching.
func EqualBit(x, y []uint64) uint64 {
	var acc uint64
	for j := range x {
		acc |= x[j] ^ y[j]
	}
	return 1 ^ (acc|-acc)>>63
}

// montMulSlice is the generic-size CIOS kernel; t has 2n+1 words of scratch.
func montMulSlice(z, x, y, m []uint64, m0inv uint64, t []uint64) {
	n := len(m)
	t = t[:n+1]
	clear(t)
	var c uint64
	for i := range n {
		yi := y[i]
		h1, l1 := bits.Mul64(x[0], yi)
		l1, c = bits.Add64(l1, t[0], 0)
		h1 += c
		u := l1 * m0inv
		h2, l2 := bits.Mul64(m[0], u)
		_, c = bits.Add64(l2, l1, 0)
		h2 += c
		c1, c2 := h1, h2
		for j := 1; j < n; j++ {
			h1, l1 := bits.Mul64(x[j], yi)
			l1, c = bits.Add64(l1, t[j], 0)
			h1 += c
			l1, c = bits.Add64(l1, c1, 0)
			c1 = h1 + c
			h2, l2 := bits.Mul64(m[j], u)
			l2, c = bits.Add64(l2, l1, 0)
			h2 += c
			l2, c = bits.Add64(l2, c2, 0)
			c2 = h2 + c
			t[j-1] = l2
		}
		s, ca := bits.Add64(t[n], c1, 0)
		s, cb := bits.Add64(s, c2, 0)
		t[n-1] = s
		t[n] = ca + cb
	}
	var b uint64
	s := t[n+1 : 2*n+1]
	for j := range n {
		s[j], b = bits.Sub64(t[j], m[j], b)
	}
	_, b = bits.Sub64(t[n], 0, b)
	keep := -b
	for j := range n {
		z[j] = s[j] ^ ((s[j] ^ t[j]) & keep)
	}
}
