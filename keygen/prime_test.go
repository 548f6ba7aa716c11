package keygen

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestIsPrimeMatchesBig checks the tester against math/big on primes,
// composites that pass trial division, and moduli with t−1 = 2^s·d for
// s > 1 (det-keygen candidates always have s = 1, the general strong test
// must still be right).
func TestIsPrimeMatchesBig(t *testing.T) {
	for _, bits := range []int{2048} {
		tst := newTester(bits)
		pb := bits / 2
		check := func(v *big.Int) {
			t.Helper()
			buf := v.FillBytes(make([]byte, pb/8))
			tst.setCandidate(buf)
			if got, want := tst.isPrime(), v.ProbablyPrime(20); got != want {
				t.Fatalf("%d-bit %x: isPrime %v, math/big %v", pb, v, got, want)
			}
		}
		for i := 0; i < 6; i++ {
			p, err := rand.Prime(rand.Reader, pb)
			if err != nil {
				t.Fatal(err)
			}
			check(p)
			q, _ := rand.Prime(rand.Reader, pb/2)
			r, _ := rand.Prime(rand.Reader, pb-pb/2)
			check(new(big.Int).Mul(q, r)) // no small factor: reaches the exponentiations
		}
		// Primes ≡ 1 mod 2^k exercise the squaring loop of the strong test.
		found := 0
		for k := uint(2); found < 3 && k < 12; k++ {
			for tries := 0; tries < 4000; tries++ {
				v, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(pb)))
				v.SetBit(v, pb-1, 1)
				v.Rsh(v, k).Lsh(v, k).SetBit(v, 0, 1)
				if v.ProbablyPrime(20) {
					check(v)
					found++
					break
				}
			}
		}
		if found == 0 {
			t.Fatal("no prime ≡ 1 mod 4 found")
		}
	}
}
