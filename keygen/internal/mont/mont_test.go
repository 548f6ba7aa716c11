package mont

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

var sizes = []int{16, 24, 32, 2, 17, 33}

func toBig(x []uint64) *big.Int {
	b := make([]byte, 8*len(x))
	for i, w := range x {
		for k := range 8 {
			b[len(b)-1-8*i-k] = byte(w >> (8 * k))
		}
	}
	return new(big.Int).SetBytes(b)
}

func fromBig(v *big.Int, n int) []uint64 {
	z := make([]uint64, n)
	b := v.Bytes()
	for i := range b {
		z[(len(b)-1-i)/8] |= uint64(b[i]) << (8 * ((len(b) - 1 - i) % 8))
	}
	return z
}

func randNat(r *rand.Rand, n int) []uint64 {
	z := make([]uint64, n)
	for i := range z {
		z[i] = r.Uint64()
	}
	return z
}

// moduli returns edge-case and random odd moduli of n limbs.
func moduli(r *rand.Rand, n int) [][]uint64 {
	var ms [][]uint64
	all := make([]uint64, n)
	for i := range all {
		all[i] = ^uint64(0)
	}
	ms = append(ms, all) // 2^(64n) - 1
	low := make([]uint64, n)
	low[0], low[n-1] = 1, 1<<63
	ms = append(ms, low) // 2^(64n-1) + 1
	small := make([]uint64, n)
	small[0], small[n-1] = 3, 1
	ms = append(ms, small) // short top limb
	for range 6 {
		m := randNat(r, n)
		m[0] |= 1
		if m[n-1] == 0 {
			m[n-1] = 1
		}
		ms = append(ms, m)
		m2 := append([]uint64(nil), m...)
		m2[n-1] |= 3 << 62 // like det-keygen candidates
		ms = append(ms, m2)
	}
	return ms
}

// operands returns edge-case and random values below m.
func operands(r *rand.Rand, m *big.Int, n int) []*big.Int {
	one := big.NewInt(1)
	R := new(big.Int).Lsh(one, uint(64*n))
	vs := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2),
		new(big.Int).Sub(m, one),
		new(big.Int).Sub(m, big.NewInt(2)),
		new(big.Int).Mod(R, m),
		new(big.Int).Rsh(m, 1),
	}
	for range 4 {
		vs = append(vs, new(big.Int).Mod(toBig(randNat(r, n)), m))
	}
	return vs
}

func TestMulSqr(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range sizes {
		R := new(big.Int).Lsh(big.NewInt(1), uint(64*n))
		for _, mv := range moduli(r, n) {
			M := New(n)
			if err := M.Set(mv); err != nil {
				t.Fatal(err)
			}
			mb := toBig(mv)
			Rinv := new(big.Int).ModInverse(R, mb)
			if got := toBig(M.One()); got.Cmp(new(big.Int).Mod(R, mb)) != 0 {
				t.Fatalf("n=%d: R mod m wrong", n)
			}
			ops := operands(r, mb, n)
			z := make([]uint64, n)
			for _, x := range ops {
				xs := fromBig(x, n)
				for _, y := range ops {
					ys := fromBig(y, n)
					M.Mul(z, xs, ys)
					want := new(big.Int).Mul(x, y)
					want.Mul(want, Rinv).Mod(want, mb)
					if toBig(z).Cmp(want) != 0 {
						t.Fatalf("n=%d m=%x: Mul(%x, %x) = %x, want %x", n, mb, x, y, toBig(z), want)
					}
				}
				M.Sqr(z, xs)
				want := new(big.Int).Mul(x, x)
				want.Mul(want, Rinv).Mod(want, mb)
				if toBig(z).Cmp(want) != 0 {
					t.Fatalf("n=%d m=%x: Sqr(%x) = %x, want %x", n, mb, x, toBig(z), want)
				}
				// Aliasing: z = x.
				zz := append([]uint64(nil), xs...)
				M.Mul(zz, zz, xs)
				M.Sqr(z, xs)
				M.Mul(z, xs, xs)
				if !Equal(z, zz) {
					t.Fatalf("n=%d: aliased Mul differs", n)
				}
				M.Double(z, xs)
				want = new(big.Int).Lsh(x, 1)
				if toBig(z).Cmp(want.Mod(want, mb)) != 0 {
					t.Fatalf("n=%d: Double wrong", n)
				}
				M.ToMont(z, xs)
				want = new(big.Int).Mul(x, R)
				if toBig(z).Cmp(want.Mod(want, mb)) != 0 {
					t.Fatalf("n=%d: ToMont wrong", n)
				}
				M.FromMont(z, z)
				if toBig(z).Cmp(x) != 0 {
					t.Fatalf("n=%d: FromMont(ToMont(x)) != x", n)
				}
			}
		}
	}
}

func TestExp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range sizes {
		for _, mv := range moduli(r, n)[:5] {
			M := New(n)
			if err := M.Set(mv); err != nil {
				t.Fatal(err)
			}
			mb := toBig(mv)
			for _, ebits := range []int{1, 2, W, W + 1, 64*n - 1, 64 * n} {
				e := randNat(r, n)
				eb := new(big.Int).And(toBig(e), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(ebits)), big.NewInt(1)))
				for _, b := range operands(r, mb, n)[:6] {
					bm := make([]uint64, n)
					M.ToMont(bm, fromBig(b, n))
					z := make([]uint64, n)
					M.Exp(z, bm, e, ebits)
					M.FromMont(z, z)
					if want := new(big.Int).Exp(b, eb, mb); toBig(z).Cmp(want) != 0 {
						t.Fatalf("n=%d ebits=%d: %x^%x = %x, want %x", n, ebits, b, eb, toBig(z), want)
					}
				}
				z := make([]uint64, n)
				M.Exp2(z, e, ebits)
				M.FromMont(z, z)
				if want := new(big.Int).Exp(big.NewInt(2), eb, mb); toBig(z).Cmp(want) != 0 {
					t.Fatalf("n=%d ebits=%d: Exp2 wrong", n, ebits)
				}
			}
		}
	}
}

func TestSetRejects(t *testing.T) {
	M := New(16)
	for _, v := range [][]uint64{make([]uint64, 16), make([]uint64, 15), append(make([]uint64, 15), 2)} {
		if M.Set(v) == nil {
			t.Errorf("Set(%x) accepted", v)
		}
	}
	even := make([]uint64, 16)
	even[0], even[15] = 2, 1
	if M.Set(even) == nil {
		t.Error("even modulus accepted")
	}
}

func TestNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{16, 24, 32, 17} {
		M := New(n)
		m := moduli(r, n)[4]
		e := randNat(r, n)
		z := make([]uint64, n)
		if a := testing.AllocsPerRun(3, func() {
			M.Set(m)
			M.Exp2(z, e, 64*n-1)
			M.ToMont(z, z)
			M.Exp(z, z, e, 64*n)
		}); a != 0 {
			t.Errorf("n=%d: %v allocations", n, a)
		}
	}
}

// FuzzMul checks every kernel against math/big on arbitrary moduli and operands.
func FuzzMul(f *testing.F) {
	f.Add(uint8(0), []byte{0xff, 0x01}, []byte{0x02}, []byte{0x03})
	f.Add(uint8(1), []byte{0x80, 0, 0, 0, 0, 0, 0, 0x01}, []byte{0xff, 0xff}, []byte{0x7f})
	f.Add(uint8(2), []byte{0xff}, []byte{}, []byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, sz uint8, mb, xb, yb []byte) {
		n := []int{16, 24, 32, 3}[sz%4]
		// Expand the fuzz bytes to full-size numbers so the top limbs vary.
		expand := func(b []byte) *big.Int {
			out := make([]byte, 8*n)
			for i := range out {
				if len(b) > 0 {
					out[i] = b[i%len(b)] ^ byte(i*0x9d)
				}
			}
			return new(big.Int).SetBytes(out)
		}
		m := expand(mb)
		m.SetBit(m, 0, 1)
		if sz&4 != 0 {
			m.SetBit(m, 64*n-1, 1)
		}
		if m.BitLen() <= 64*(n-1) {
			m.SetBit(m, 64*(n-1), 1)
		}
		x, y := expand(xb), expand(yb)
		x.Mod(x, m)
		y.Mod(y, m)
		M := New(n)
		if err := M.Set(fromBig(m, n)); err != nil {
			t.Fatal(err)
		}
		R := new(big.Int).Lsh(big.NewInt(1), uint(64*n))
		Rinv := new(big.Int).ModInverse(R, m)
		z := make([]uint64, n)
		M.Mul(z, fromBig(x, n), fromBig(y, n))
		want := new(big.Int).Mul(x, y)
		want.Mul(want, Rinv).Mod(want, m)
		if toBig(z).Cmp(want) != 0 {
			t.Fatalf("Mul: got %x want %x", toBig(z), want)
		}
		M.Sqr(z, fromBig(x, n))
		want = new(big.Int).Mul(x, x)
		want.Mul(want, Rinv).Mod(want, m)
		if toBig(z).Cmp(want) != 0 {
			t.Fatalf("Sqr: got %x want %x", toBig(z), want)
		}
	})
}

func benchMod(n int) (*Modulus, []uint64, []uint64) {
	r := rand.New(rand.NewPCG(7, 8))
	m := randNat(r, n)
	m[0] |= 1
	m[n-1] |= 3 << 62
	M := New(n)
	M.Set(m)
	x := randNat(r, n)
	x[n-1] >>= 2
	return M, x, randNat(r, n)
}

func BenchmarkMul(b *testing.B) {
	for _, n := range []int{16, 24, 32} {
		b.Run(itoa(64*n), func(b *testing.B) {
			M, x, _ := benchMod(n)
			z := make([]uint64, n)
			b.ReportAllocs()
			for b.Loop() {
				M.Mul(z, x, x)
			}
		})
	}
}

func BenchmarkSqr(b *testing.B) {
	for _, n := range []int{16, 24, 32} {
		b.Run(itoa(64*n), func(b *testing.B) {
			M, x, _ := benchMod(n)
			z := make([]uint64, n)
			b.ReportAllocs()
			for b.Loop() {
				M.Sqr(z, x)
			}
		})
	}
}

func BenchmarkExp2(b *testing.B) {
	for _, n := range []int{16, 24, 32} {
		b.Run(itoa(64*n), func(b *testing.B) {
			M, _, e := benchMod(n)
			z := make([]uint64, n)
			b.ReportAllocs()
			for b.Loop() {
				M.Exp2(z, e, 64*n-1)
			}
		})
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func TestEqualBit(t *testing.T) {
	for _, n := range []int{1, 16, 32} {
		x := make([]uint64, n)
		y := make([]uint64, n)
		if EqualBit(x, y) != 1 || !Equal(x, y) {
			t.Fatalf("n=%d: zeros differ", n)
		}
		for j := range n {
			for _, bit := range []uint{0, 1, 31, 62, 63} {
				copy(y, x)
				y[j] ^= 1 << bit
				if EqualBit(x, y) != 0 || Equal(x, y) {
					t.Fatalf("n=%d: limb %d bit %d flip reads equal", n, j, bit)
				}
			}
		}
	}
}
