//go:build amd64 && !purego

package mont

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// kernel is one assembly kernel and its generic twin behind slice
// signatures, so one test body covers every size.
type kernel struct {
	n      int
	name   string
	mulAsm func(z, x, y, m []uint64, inv uint64)
	mulGo  func(z, x, y, m []uint64, inv uint64)
	sqrAsm func(z, x, m []uint64, inv uint64)
	sqrGo  func(z, x, m []uint64, inv uint64)
	// exp2 is the base-2 exponentiation loop kernel.
	exp2 func(z, m []uint64, inv uint64, e []uint64, top int)
}

func a16(s []uint64) *[16]uint64 { return (*[16]uint64)(s) }
func a24(s []uint64) *[24]uint64 { return (*[24]uint64)(s) }
func a32(s []uint64) *[32]uint64 { return (*[32]uint64)(s) }

var asmKernels = []kernel{
	{16, "ADX",
		func(z, x, y, m []uint64, inv uint64) { montMul16ADX(a16(z), a16(x), a16(y), a16(m), inv) },
		func(z, x, y, m []uint64, inv uint64) { montMul16Generic(a16(z), a16(x), a16(y), a16(m), inv) },
		func(z, x, m []uint64, inv uint64) { montSqr16ADX(a16(z), a16(x), a16(m), inv) },
		func(z, x, m []uint64, inv uint64) { montSqr16Generic(a16(z), a16(x), a16(m), inv) },
		func(z, m []uint64, inv uint64, e []uint64, top int) {
			montExp2Steps16ADX(a16(z), a16(m), inv, a16(e), top)
		}},
	{24, "ADX",
		func(z, x, y, m []uint64, inv uint64) { montMul24ADX(a24(z), a24(x), a24(y), a24(m), inv) },
		func(z, x, y, m []uint64, inv uint64) { montMul24Generic(a24(z), a24(x), a24(y), a24(m), inv) },
		func(z, x, m []uint64, inv uint64) { montSqr24ADX(a24(z), a24(x), a24(m), inv) },
		func(z, x, m []uint64, inv uint64) { montSqr24Generic(a24(z), a24(x), a24(m), inv) },
		func(z, m []uint64, inv uint64, e []uint64, top int) {
			montExp2Steps24ADX(a24(z), a24(m), inv, a24(e), top)
		}},
	{32, "ADX",
		func(z, x, y, m []uint64, inv uint64) { montMul32ADX(a32(z), a32(x), a32(y), a32(m), inv) },
		func(z, x, y, m []uint64, inv uint64) { montMul32Generic(a32(z), a32(x), a32(y), a32(m), inv) },
		func(z, x, m []uint64, inv uint64) { montSqr32ADX(a32(z), a32(x), a32(m), inv) },
		func(z, x, m []uint64, inv uint64) { montSqr32Generic(a32(z), a32(x), a32(m), inv) },
		func(z, m []uint64, inv uint64, e []uint64, top int) {
			montExp2Steps32ADX(a32(z), a32(m), inv, a32(e), top)
		}},
}

func requireADX(t testing.TB) {
	if !useADX {
		t.Skip("CPU lacks BMI2/ADX")
	}
}

// m0inv returns -m⁻¹ mod 2⁶⁴ as Set computes it.
func m0inv(t testing.TB, m []uint64) uint64 {
	M := New(len(m))
	if err := M.Set(m); err != nil {
		t.Fatal(err)
	}
	return M.m0inv
}

// checkKernel runs k's multiplication and squaring on x, y (< m) and
// compares the results with the generic kernel, math/big and the aliased
// forms the contract allows (z == x, z == y, z == x == y).
func checkKernel(t *testing.T, k kernel, m, x, y []uint64) {
	t.Helper()
	n := k.n
	inv := m0inv(t, m)
	mb := toBig(m)
	Rinv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), uint(64*n)), mb)
	xb, yb := toBig(x), toBig(y)
	got, ref := make([]uint64, n), make([]uint64, n)

	k.mulAsm(got, x, y, m, inv)
	k.mulGo(ref, x, y, m, inv)
	want := new(big.Int).Mul(xb, yb)
	want.Mul(want, Rinv).Mod(want, mb)
	if !Equal(got, ref) || toBig(got).Cmp(want) != 0 {
		t.Fatalf("n=%d %s mul\nm=%x\nx=%x\ny=%x\ngot  %x\ngo   %x\nwant %x", n, k.name, mb, xb, yb, toBig(got), toBig(ref), want)
	}
	zx := append([]uint64(nil), x...)
	k.mulAsm(zx, zx, y, m, inv)
	zy := append([]uint64(nil), y...)
	k.mulAsm(zy, x, zy, m, inv)
	if !Equal(zx, got) || !Equal(zy, got) {
		t.Fatalf("n=%d %s: aliased mul differs", n, k.name)
	}

	k.sqrAsm(got, x, m, inv)
	k.sqrGo(ref, x, m, inv)
	want.Mul(xb, xb)
	want.Mul(want, Rinv).Mod(want, mb)
	if !Equal(got, ref) || toBig(got).Cmp(want) != 0 {
		t.Fatalf("n=%d %s sqr\nm=%x\nx=%x\ngot  %x\ngo   %x\nwant %x", n, k.name, mb, xb, toBig(got), toBig(ref), want)
	}
	zx = append(zx[:0], x...)
	k.sqrAsm(zx, zx, m, inv)
	zxx := append([]uint64(nil), x...)
	k.mulAsm(zxx, zxx, zxx, m, inv)
	if !Equal(zx, got) || !Equal(zxx, got) {
		t.Fatalf("n=%d %s: aliased sqr or x·x differs", n, k.name)
	}

	// The exponentiation loop against squarings and doublings one at a
	// time, with y as the exponent bits.
	for _, top := range []int{0, 1, 63, 64, 130} {
		z := append([]uint64(nil), x...)
		k.exp2(z, m, inv, y, top)
		ref := append([]uint64(nil), x...)
		for i := top; i >= 0; i-- {
			k.sqrGo(ref, ref, m, inv)
			if (y[i/64]>>(i%64))&1 == 1 {
				rb := new(big.Int).Lsh(toBig(ref), 1)
				copy(ref, fromBig(rb.Mod(rb, mb), n))
			}
		}
		if !Equal(z, ref) {
			t.Fatalf("n=%d %s exp2 steps top=%d\nm=%x\nx=%x\ne=%x\ngot  %x\nwant %x", n, k.name, top, mb, xb, yb, toBig(z), toBig(ref))
		}
	}
}

// edgeModuli adds to moduli() the shapes that stress the carries: all-ones
// limbs with a low bit pattern, the largest odd values, and 2^(64n) - 2^k + 1.
func edgeModuli(r *rand.Rand, n int) [][]uint64 {
	ms := moduli(r, n)
	for _, k := range []int{1, 63, 64, 65, 64*n - 2} {
		v := new(big.Int).Lsh(big.NewInt(1), uint(64*n))
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(k)))
		v.Add(v, big.NewInt(1))
		ms = append(ms, fromBig(v, n))
	}
	top := make([]uint64, n) // 2^(64n-64) + 1: the smallest top limb
	top[0], top[n-1] = 1, 1
	ms = append(ms, top)
	return ms
}

// edgeOperands adds all-ones-limb values (reduced) to operands().
func edgeOperands(r *rand.Rand, mb *big.Int, n int) []*big.Int {
	vs := operands(r, mb, n)
	ones := make([]uint64, n)
	for i := range ones {
		ones[i] = ^uint64(0)
	}
	vs = append(vs, new(big.Int).Mod(toBig(ones), mb))
	alt := make([]uint64, n)
	for i := range alt {
		alt[i] = 0xffffffff00000000 | uint64(i&1)*0xffffffff
	}
	vs = append(vs, new(big.Int).Mod(toBig(alt), mb))
	return vs
}

func TestAsmKernelsEdgeCases(t *testing.T) {
	requireADX(t)
	r := rand.New(rand.NewPCG(11, 12))
	for _, k := range asmKernels {
		for _, m := range edgeModuli(r, k.n) {
			ops := edgeOperands(r, toBig(m), k.n)
			for _, x := range ops {
				for _, y := range ops {
					checkKernel(t, k, m, fromBig(x, k.n), fromBig(y, k.n))
				}
			}
		}
	}
}

func TestAsmKernelsRandom(t *testing.T) {
	requireADX(t)
	r := rand.New(rand.NewPCG(13, 14))
	for _, k := range asmKernels {
		for range 300 {
			m := randNat(r, k.n)
			m[0] |= 1
			m[k.n-1] |= 1 << 63 >> (r.Uint64() % 64) // every top-limb length
			mb := toBig(m)
			x := fromBig(new(big.Int).Mod(toBig(randNat(r, k.n)), mb), k.n)
			y := fromBig(new(big.Int).Mod(toBig(randNat(r, k.n)), mb), k.n)
			checkKernel(t, k, m, x, y)
		}
	}
}

// TestAsmChain runs long multiplication/squaring chains, so any result not
// fully reduced or off by m shows up in the next step.
func TestAsmChain(t *testing.T) {
	requireADX(t)
	r := rand.New(rand.NewPCG(15, 16))
	for _, k := range asmKernels {
		m := randNat(r, k.n)
		m[0] |= 1
		m[k.n-1] |= 3 << 62
		inv := m0inv(t, m)
		a, b := randNat(r, k.n), randNat(r, k.n)
		a[k.n-1] >>= 2
		b[k.n-1] >>= 2
		ga, gb := append([]uint64(nil), a...), append([]uint64(nil), b...)
		for i := range 2000 {
			k.sqrAsm(a, a, m, inv)
			k.mulAsm(b, b, a, m, inv)
			k.sqrGo(ga, ga, m, inv)
			k.mulGo(gb, gb, ga, m, inv)
			if !Equal(a, ga) || !Equal(b, gb) {
				t.Fatalf("n=%d: chain diverges at step %d", k.n, i)
			}
		}
	}
}

// TestCPUFeatureDispatch checks the feature bits the dispatch uses against
// the kernel's view of the CPU, where Linux publishes it.
func TestCPUFeatureDispatch(t *testing.T) {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo: %v", err)
	}
	var flags []string
	for line := range strings.Lines(string(info)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			flags = strings.Fields(v)
			break
		}
	}
	want := slices.Contains(flags, "bmi2") && slices.Contains(flags, "adx")
	if useADX != want {
		t.Fatalf("useADX = %v, /proc/cpuinfo says bmi2+adx = %v", useADX, want)
	}
	t.Logf("BMI2+ADX: %v", useADX)
}

// FuzzAsmKernels compares every assembly kernel with its generic twin on
// arbitrary moduli and operands.
func FuzzAsmKernels(f *testing.F) {
	f.Add(uint8(0), []byte{0xff}, []byte{0xff, 0xfe}, []byte{0x01})
	f.Add(uint8(1), []byte{0x80, 0, 1}, []byte{0}, []byte{0xff})
	f.Add(uint8(2), []byte{0x01}, []byte{0x7f, 0xff}, []byte{})
	f.Add(uint8(6), []byte{0xff, 0xff, 0xff, 0xfe}, []byte{0xff}, []byte{0xff})
	f.Fuzz(func(t *testing.T, sel uint8, mb, xb, yb []byte) {
		requireADX(t)
		k := asmKernels[int(sel)%len(asmKernels)]
		n := k.n
		// Stretch the bytes over all limbs so the top limbs vary too.
		words := func(b []byte) []uint64 {
			w := make([]uint64, n)
			if len(b) == 0 {
				return w
			}
			var buf [8]byte
			for i := range w {
				for j := range buf {
					p := 8*i + j
					buf[j] = b[p%len(b)] ^ byte(p/len(b))
				}
				w[i] = binary.LittleEndian.Uint64(buf[:])
			}
			return w
		}
		m := words(mb)
		m[0] |= 1
		if sel&8 != 0 {
			m[n-1] |= 1 << 63
		}
		if m[n-1] == 0 {
			m[n-1] = 1
		}
		M := toBig(m)
		x := fromBig(new(big.Int).Mod(toBig(words(xb)), M), n)
		y := fromBig(new(big.Int).Mod(toBig(words(yb)), M), n)
		if sel&16 != 0 {
			copy(x, fromBig(new(big.Int).Sub(M, big.NewInt(1)), n))
		}
		checkKernel(t, k, m, x, y)
	})
}

// BenchmarkKernels times each assembly kernel against its generic twin.
func BenchmarkKernels(b *testing.B) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, k := range asmKernels {
		n := k.n
		m := randNat(r, n)
		m[0] |= 1
		m[n-1] |= 3 << 62
		inv := m0inv(b, m)
		x := randNat(r, n)
		x[n-1] >>= 2
		y := randNat(r, n)
		y[n-1] >>= 2
		z := make([]uint64, n)
		b.Run(fmt.Sprintf("mul%d/%s", 64*n, k.name), func(b *testing.B) {
			requireADX(b)
			for b.Loop() {
				k.mulAsm(z, x, y, m, inv)
			}
		})
		b.Run(fmt.Sprintf("mul%d/generic", 64*n), func(b *testing.B) {
			for b.Loop() {
				k.mulGo(z, x, y, m, inv)
			}
		})
		b.Run(fmt.Sprintf("sqr%d/%s", 64*n, k.name), func(b *testing.B) {
			requireADX(b)
			for b.Loop() {
				k.sqrAsm(z, x, m, inv)
			}
		})
		b.Run(fmt.Sprintf("sqr%d/generic", 64*n), func(b *testing.B) {
			for b.Loop() {
				k.sqrGo(z, x, m, inv)
			}
		})
	}
}

// TestGenericFallback runs the Modulus operations with the assembly turned
// off, as on a CPU without BMI2/ADX, and checks them against the assembly.
func TestGenericFallback(t *testing.T) {
	requireADX(t)
	r := rand.New(rand.NewPCG(19, 20))
	for _, n := range []int{16, 24, 32} {
		m := randNat(r, n)
		m[0] |= 1
		m[n-1] |= 1 << 63
		e := randNat(r, n)
		run := func(asm bool) []uint64 {
			defer func(old bool) { useADX = old }(useADX)
			useADX = asm
			M := New(n)
			if err := M.Set(m); err != nil {
				t.Fatal(err)
			}
			z := make([]uint64, n)
			M.Exp2(z, e, 64*n)
			M.Exp(z, append([]uint64(nil), z...), e, 64*n)
			return z
		}
		if a, g := run(true), run(false); !Equal(a, g) {
			t.Fatalf("n=%d: assembly and generic exponentiations differ", n)
		}
	}
}
