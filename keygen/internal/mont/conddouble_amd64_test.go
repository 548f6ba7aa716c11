//go:build amd64 && !purego

package mont

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// condDoubleKernels are the assembly doublings and their generic twins.
var condDoubleKernels = []struct {
	n        int
	asm, go_ func(z, m []uint64, bit uint64)
}{
	{16, func(z, m []uint64, b uint64) { condDouble16Asm(a16(z), a16(m), b) },
		func(z, m []uint64, b uint64) { condDouble16Generic(a16(z), a16(m), b) }},
	{24, func(z, m []uint64, b uint64) { condDouble24Asm(a24(z), a24(m), b) },
		func(z, m []uint64, b uint64) { condDouble24Generic(a24(z), a24(m), b) }},
	{32, func(z, m []uint64, b uint64) { condDouble32Asm(a32(z), a32(m), b) },
		func(z, m []uint64, b uint64) { condDouble32Generic(a32(z), a32(m), b) }},
}

// checkCondDouble compares both kernels with math/big for x < m.
func checkCondDouble(t *testing.T, k int, m, x []uint64) {
	t.Helper()
	kd := condDoubleKernels[k]
	M, X := toBig(m), toBig(x)
	for bit := range uint64(2) {
		want := new(big.Int).Lsh(X, uint(bit))
		want.Mod(want, M)
		za, zg := slices.Clone(x), slices.Clone(x)
		kd.asm(za, m, bit)
		kd.go_(zg, m, bit)
		if toBig(za).Cmp(want) != 0 || toBig(zg).Cmp(want) != 0 {
			t.Fatalf("n=%d bit=%d m=%x x=%x: asm %x generic %x want %x", kd.n, bit, M, X, toBig(za), toBig(zg), want)
		}
	}
}

func TestCondDoubleAsm(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for k, kd := range condDoubleKernels {
		for _, m := range edgeModuli(r, kd.n) {
			M := toBig(m)
			ops := edgeOperands(r, M, kd.n)
			// Just below and at the doubling threshold, and m − 1.
			h := new(big.Int).Rsh(M, 1)
			ops = append(ops, h, new(big.Int).Add(h, big.NewInt(1)), new(big.Int).Sub(M, big.NewInt(1)), big.NewInt(0))
			for range 50 {
				ops = append(ops, new(big.Int).Mod(toBig(randNat(r, kd.n)), M))
			}
			for _, x := range ops {
				checkCondDouble(t, k, m, fromBig(x, kd.n))
			}
		}
	}
}

func FuzzCondDoubleAsm(f *testing.F) {
	f.Add(uint8(0), uint64(1), uint64(3))
	f.Add(uint8(1), ^uint64(0), uint64(1)<<63)
	f.Add(uint8(2), uint64(0x8000000000000001), ^uint64(0))
	f.Fuzz(func(t *testing.T, sel uint8, ms, xs uint64) {
		k := int(sel) % len(condDoubleKernels)
		n := condDoubleKernels[k].n
		r := rand.New(rand.NewPCG(ms, xs))
		m := make([]uint64, n)
		for i := range m {
			m[i] = r.Uint64()
		}
		m[0] |= 1
		switch sel >> 4 {
		case 1:
			m[n-1] |= 1 << 63
		case 2:
			m[n-1] = 1
		}
		if m[n-1] == 0 {
			m[n-1] = 1
		}
		x := make([]uint64, n)
		for i := range x {
			x[i] = r.Uint64()
		}
		checkCondDouble(t, k, m, fromBig(new(big.Int).Mod(toBig(x), toBig(m)), n))
	})
}
