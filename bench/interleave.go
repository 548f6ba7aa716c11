// Package bench measures keyforge against crypto/rsa, filippo.io/keygen and the
// real tools (ssh-keygen, openssl, puttygen).
//
// RSA generation time depends on how many candidates are tried, so it varies
// a lot from key to key, and this machine is noisy. Generators are therefore
// always measured interleaved, key by key, with the order rotated every round,
// so that load from elsewhere hits every generator alike. keyforge and
// filippo.io/keygen both implement c2sp.org/det-keygen, so they are fed the
// same seed each round: they do exactly the same search, their ratio is
// precise, and their moduli must match.
package bench

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"math"
	"math/big"
	"sort"
	"time"

	filippo "filippo.io/keygen"
	"github.com/keyforge/keyforge/keygen"
)

// Generator makes one RSA key from a 32-byte seed. Generators that cannot
// be seeded ignore it.
type Generator struct {
	Name string
	Gen  func(seed []byte, bits int) (*rsa.PrivateKey, error)
	// Remote, when set, replaces Gen: the key is made in another process,
	// which reports the modulus and its own timing (IPC excluded).
	Remote func(seed []byte, bits int) (*big.Int, time.Duration, error)
	// Det marks c2sp.org/det-keygen generators: same seed, same key.
	Det bool
}

// Names of the generators, as they appear in results.
const (
	Keyforge = "keyforge"
	// KeyforgePurego is keyforge built with -tags purego, run in a worker
	// process: the tag would also take crypto/rsa's assembly away, so the
	// comparison is made against crypto/rsa in a normal build.
	KeyforgePurego = "keyforge (purego)"
	CryptoRSA      = "crypto/rsa"
	Filippo        = "filippo.io/keygen"
)

// Generators returns keyforge, crypto/rsa and filippo.io/keygen, in that order.
func Generators() []Generator {
	return []Generator{
		{Keyforge, func(seed []byte, bits int) (*rsa.PrivateKey, error) {
			// The public entry point: RSA reads its seed from the reader.
			return keygen.RSA(bytes.NewReader(seed), bits)
		}, nil, true},
		{CryptoRSA, func(_ []byte, bits int) (*rsa.PrivateKey, error) {
			return rsa.GenerateKey(rand.Reader, bits)
		}, nil, false},
		{Filippo, func(seed []byte, bits int) (*rsa.PrivateKey, error) {
			return filippo.RSA(bits, seed)
		}, nil, true},
	}
}

// Result holds one generator's per-key durations from an interleaved run.
type Result struct {
	Name    string          `json:"name"`
	Samples []time.Duration `json:"-"`
	Stats
	// RatioVsCryptoRSA is Mean / crypto/rsa's Mean in the same run, and
	// RatioRelErr its approximate relative standard error.
	RatioVsCryptoRSA float64 `json:"ratio_vs_crypto_rsa,omitempty"`
	RatioRelErr      float64 `json:"ratio_rel_stderr,omitempty"`
	// RatioVsFilippo is Mean / filippo.io/keygen's Mean: same seeds, same work.
	RatioVsFilippo float64 `json:"ratio_vs_filippo,omitempty"`
}

// Stats summarises durations in milliseconds.
type Stats struct {
	N        int       `json:"n"`
	Mean     float64   `json:"mean_ms"`
	StdErr   float64   `json:"stderr_ms"`
	StdDev   float64   `json:"stddev_ms"`
	Median   float64   `json:"median_ms"`
	P90      float64   `json:"p90_ms"`
	P99      float64   `json:"p99_ms"`
	Min      float64   `json:"min_ms"`
	Max      float64   `json:"max_ms"`
	Total    float64   `json:"total_ms"`
	SampleMS []float64 `json:"samples_ms,omitempty"`
}

// Summarise computes Stats over ds.
func Summarise(ds []time.Duration) Stats {
	ms := make([]float64, len(ds))
	for i, d := range ds {
		ms[i] = float64(d) / float64(time.Millisecond)
	}
	return SummariseMS(ms)
}

// SummariseMS computes Stats over samples in milliseconds.
func SummariseMS(ms []float64) Stats {
	s := Stats{N: len(ms), SampleMS: ms}
	if len(ms) == 0 {
		return s
	}
	sorted := append([]float64(nil), ms...)
	sort.Float64s(sorted)
	for _, v := range ms {
		s.Total += v
	}
	s.Mean = s.Total / float64(len(ms))
	if len(ms) > 1 {
		var ss float64
		for _, v := range ms {
			ss += (v - s.Mean) * (v - s.Mean)
		}
		s.StdDev = math.Sqrt(ss / float64(len(ms)-1))
		s.StdErr = s.StdDev / math.Sqrt(float64(len(ms)))
	}
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.Median = Quantile(sorted, 0.5)
	s.P90 = Quantile(sorted, 0.9)
	s.P99 = Quantile(sorted, 0.99)
	return s
}

// Quantile returns the q-quantile of sorted by linear interpolation.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// Run holds the state of an interleaved run.
type Run struct {
	Bits    int
	Gens    []Generator
	Results []*Result
	// Mismatches counts rounds where the det-keygen generators (keyforge,
	// filippo.io/keygen), given the same seed, produced different moduli
	// (must stay 0).
	Mismatches int
	// Clock times each key (WallClock when nil). CPUClock is the fair
	// clock at GOMAXPROCS=1 on a shared machine: time the process was
	// descheduled is not counted.
	Clock func() time.Duration
	round int
}

// WallClock is elapsed time since process start, for Run.Clock.
func WallClock() time.Duration { return time.Since(processStart) }

var processStart = time.Now()

// NewRun prepares an interleaved run of gens.
func NewRun(bits int, gens []Generator) *Run {
	r := &Run{Bits: bits, Gens: gens}
	for _, g := range gens {
		r.Results = append(r.Results, &Result{Name: g.Name})
	}
	return r
}

// Round generates one key with every generator, starting with a different
// generator each round, all from one fresh seed.
func (r *Run) Round() error {
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	mismatch := false
	var want *big.Int
	for j := range r.Gens {
		i := (r.round + j) % len(r.Gens)
		g := r.Gens[i]
		var n *big.Int
		var d time.Duration
		var err error
		if g.Remote != nil {
			n, d, err = g.Remote(seed, r.Bits)
		} else {
			var k *rsa.PrivateKey
			clock := r.Clock
			if clock == nil {
				clock = WallClock
			}
			start := clock()
			k, err = g.Gen(seed, r.Bits)
			d = clock() - start
			if k != nil {
				n = k.N
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", g.Name, err)
		}
		if n.BitLen() != r.Bits {
			return fmt.Errorf("%s: got a %d-bit modulus", g.Name, n.BitLen())
		}
		r.Results[i].Samples = append(r.Results[i].Samples, d)
		if g.Det {
			if want == nil {
				want = n
			} else if want.Cmp(n) != 0 {
				mismatch = true
			}
		}
	}
	if mismatch {
		r.Mismatches++
	}
	r.round++
	return nil
}

// Finish computes stats and ratios.
func (r *Run) Finish() {
	var ref, fil *Result
	for _, res := range r.Results {
		res.Stats = Summarise(res.Samples)
		switch res.Name {
		case CryptoRSA:
			ref = res
		case Filippo:
			fil = res
		}
	}
	for _, res := range r.Results {
		if ref != nil && ref.Mean > 0 {
			res.RatioVsCryptoRSA = res.Mean / ref.Mean
			if res != ref && res.Mean > 0 {
				a, b := res.StdErr/res.Mean, ref.StdErr/ref.Mean
				res.RatioRelErr = math.Sqrt(a*a + b*b)
			}
		}
		if fil != nil && fil.Mean > 0 {
			res.RatioVsFilippo = res.Mean / fil.Mean
		}
	}
}

// Get returns the result named name, or nil.
func (r *Run) Get(name string) *Result {
	for _, res := range r.Results {
		if res.Name == name {
			return res
		}
	}
	return nil
}
