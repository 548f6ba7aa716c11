package keygen

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

var benchSeeds atomic.Uint64

// benchSeed returns the next of a fixed sequence of seeds, so runs with
// different settings (GOMAXPROCS, build tags) time the very same keys.
func benchSeed(b *testing.B) []byte {
	seed := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("keyforge bench"), benchSeeds.Add(1)))
	return seed[:]
}

// BenchmarkRSA compares keygen with crypto/rsa.GenerateKey. The "interleaved"
// case alternates one key of each per iteration, so both see the same machine
// load, and reports the mean time per key of each and their ratio.
func BenchmarkRSA(b *testing.B) {
	for _, bits := range []int{2048, 3072, 4096} {
		b.Run(fmt.Sprintf("%d/keygen", bits), func(b *testing.B) {
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				if _, err := RSAFromSeed(benchSeed(b), bits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/key")
		})
		b.Run(fmt.Sprintf("%d/crypto-rsa", bits), func(b *testing.B) {
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				if _, err := rsa.GenerateKey(rand.Reader, bits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/key")
		})
		b.Run(fmt.Sprintf("%d/interleaved", bits), func(b *testing.B) {
			var ours, theirs, oursCPU, theirsCPU time.Duration
			for b.Loop() {
				seed := benchSeed(b)
				t0, c0 := time.Now(), cpuTime()
				if _, err := RSAFromSeed(seed, bits); err != nil {
					b.Fatal(err)
				}
				t1, c1 := time.Now(), cpuTime()
				if _, err := rsa.GenerateKey(rand.Reader, bits); err != nil {
					b.Fatal(err)
				}
				ours += t1.Sub(t0)
				theirs += time.Since(t1)
				oursCPU += c1 - c0
				theirsCPU += cpuTime() - c1
			}
			n := float64(b.N)
			b.ReportMetric(float64(ours.Nanoseconds())/n, "keygen-ns/key")
			b.ReportMetric(float64(theirs.Nanoseconds())/n, "crypto/rsa-ns/key")
			b.ReportMetric(float64(ours)/float64(theirs), "ratio")
			// CPU time is less sensitive to other processes on a busy
			// machine; with GOMAXPROCS > 1 it counts every core.
			b.ReportMetric(float64(oursCPU)/float64(theirsCPU), "cpu-ratio")
		})
	}
}

// BenchmarkCandidate is the hot loop: one DRBG candidate and its primality
// test. It must not allocate.
func BenchmarkCandidate(b *testing.B) {
	for _, bits := range []int{2048, 3072, 4096} {
		b.Run(fmt.Sprint(bits), func(b *testing.B) {
			d := newDRBG(benchSeed(b), personalization(bits))
			t := newTester(bits)
			temp := make([]byte, bits/16)
			b.ReportAllocs()
			for b.Loop() {
				d.next(temp)
				t.setCandidate(temp)
				t.isPrime()
			}
		})
	}
}

// BenchmarkFermat is one base-2 exponentiation, the cost of each candidate
// that survives trial division.
func BenchmarkFermat(b *testing.B) {
	for _, bits := range []int{2048, 3072, 4096} {
		b.Run(fmt.Sprint(bits), func(b *testing.B) {
			d := newDRBG(benchSeed(b), personalization(bits))
			t := newTester(bits)
			temp := make([]byte, bits/16)
			d.next(temp)
			t.setCandidate(temp)
			t.mod.Set(t.c)
			b.ReportAllocs()
			for b.Loop() {
				t.mod.Exp2(t.x, t.c, bits/2-1)
			}
		})
	}
}

func BenchmarkTrialDivision(b *testing.B) {
	d := newDRBG(make([]byte, 32), personalization(2048))
	t := newTester(2048)
	temp := make([]byte, 128)
	// A candidate with no small factor runs the whole loop.
	for {
		d.next(temp)
		t.setCandidate(temp)
		if !hasSmallFactor(t.c, t.sieve) {
			break
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		hasSmallFactor(t.c, t.sieve)
	}
}

// BenchmarkSieveLimit tunes sieveLimit: the same candidates go through the
// whole test (trial division, then the exponentiations for survivors) with
// each bound in turn, interleaved in every iteration so machine load hits
// all alike, and each bound's CPU time per candidate is reported.
func BenchmarkSieveLimit(b *testing.B) {
	for _, bits := range []int{2048, 4096} {
		b.Run(fmt.Sprint(bits), func(b *testing.B) {
			limits := []uint64{1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18}
			tables := make([]*sieveTables, len(limits))
			for i, l := range limits {
				tables[i] = buildSieve(l)
			}
			d := newDRBG(benchSeed(b), personalization(bits))
			const per = 2000
			cands := make([][]byte, per)
			for i := range cands {
				cands[i] = make([]byte, bits/16)
				d.next(cands[i])
			}
			t := newTester(bits)
			cpu := make([]time.Duration, len(limits))
			surv := make([]int, len(limits))
			round := 0
			for b.Loop() {
				for k := range limits {
					i := (k + round) % len(limits)
					t.sieve = tables[i]
					c0 := cpuTime()
					for _, c := range cands {
						t.setCandidate(c)
						t.isPrime()
					}
					cpu[i] += cpuTime() - c0
					if round == 0 {
						for _, c := range cands {
							t.setCandidate(c)
							if !hasSmallFactor(t.c, t.sieve) {
								surv[i]++
							}
						}
					}
				}
				round++
			}
			for i, l := range limits {
				b.ReportMetric(float64(cpu[i].Nanoseconds())/float64(b.N*per)/1e3, fmt.Sprintf("µs/cand@2^%d", bits64(l)))
				b.ReportMetric(float64(surv[i])/per, fmt.Sprintf("survive@2^%d", bits64(l)))
			}
		})
	}
}

func bits64(l uint64) int {
	n := 0
	for l > 1 {
		l >>= 1
		n++
	}
	return n
}
