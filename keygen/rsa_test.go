package keygen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/keyforge/keyforge/internal/testtool"
)

//go:embed testdata/det-keygen-rsa.json
var vectorsJSON []byte

type vector struct {
	Bits  int    `json:"bits"`
	Seed  []byte `json:"seed"`
	PKCS8 []byte `json:"private_key_pkcs8"`
}

// TestVectors checks RSAFromSeed against the C2SP det-keygen known answers.
func TestVectors(t *testing.T) {
	var vs []vector
	if err := json.Unmarshal(vectorsJSON, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 21 {
		t.Fatalf("got %d vectors, want 21", len(vs))
	}
	for i, v := range vs {
		t.Run(fmt.Sprintf("%d-%d", i, v.Bits), func(t *testing.T) {
			if !testtool.Long() && v.Bits > 4096 {
				t.Skip("8192-bit vector: KEYFORGE_LONG=1 runs it")
			}
			k, err := x509.ParsePKCS8PrivateKey(v.PKCS8)
			if err != nil {
				t.Fatal(err)
			}
			want := k.(*rsa.PrivateKey)
			got, err := RSAFromSeed(v.Seed, v.Bits)
			if err != nil {
				t.Fatal(err)
			}
			checkSameKey(t, got, want)
		})
	}
}

func checkSameKey(t *testing.T, got, want *rsa.PrivateKey) {
	t.Helper()
	if got.N.Cmp(want.N) != 0 || got.E != want.E || got.D.Cmp(want.D) != 0 {
		t.Fatalf("key differs: N %x…, want %x…", got.N.Bytes()[:8], want.N.Bytes()[:8])
	}
	p, q := want.Primes[0], want.Primes[1]
	if p.Cmp(q) < 0 {
		p, q = q, p
	}
	if got.Primes[0].Cmp(p) != 0 || got.Primes[1].Cmp(q) != 0 {
		t.Fatal("primes differ or are not ordered p > q")
	}
}

// refDRBG is a deliberately plain HMAC_DRBG written from the spec text,
// sharing no code with drbg.go.
type refDRBG struct{ k, v []byte }

func refHMAC(k []byte, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, k)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// refKey is det-keygen for RSA computed independently: crypto/hmac for the
// DRBG and math/big ProbablyPrime(20) (20 Miller-Rabin rounds plus
// Baillie-PSW) on every candidate of the stream.
func refKey(seed []byte, bits int) (n, d, p, q *big.Int) {
	pers := append([]byte("det RSA key gen"), byte(bits>>8), byte(bits))
	r := &refDRBG{k: make([]byte, 32), v: bytes.Repeat([]byte{1}, 32)}
	r.k = refHMAC(r.k, r.v, []byte{0}, seed, pers)
	r.v = refHMAC(r.k, r.v)
	r.k = refHMAC(r.k, r.v, []byte{1}, seed, pers)
	r.v = refHMAC(r.k, r.v)
	first := true
	candidate := func() *big.Int {
		if !first {
			r.k = refHMAC(r.k, r.v, []byte{0})
			r.v = refHMAC(r.k, r.v)
		}
		first = false
		var temp []byte
		for len(temp) < bits/16 {
			r.v = refHMAC(r.k, r.v)
			temp = append(temp, r.v...)
		}
		temp = temp[:bits/16]
		temp[0] |= 0xc0
		temp[len(temp)-1] |= 0x07
		return new(big.Int).SetBytes(temp)
	}
	prime := func() *big.Int {
		for {
			if c := candidate(); c.ProbablyPrime(20) {
				return c
			}
		}
	}
	one := big.NewInt(1)
	for {
		p, q = prime(), prime()
		pm1, qm1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		g := new(big.Int).GCD(nil, nil, pm1, qm1)
		if g.Cmp(new(big.Int).Lsh(one, 32)) >= 0 {
			continue
		}
		l := new(big.Int).Div(new(big.Int).Mul(pm1, qm1), g)
		d = new(big.Int).ModInverse(big.NewInt(65537), l)
		if d == nil {
			continue
		}
		return new(big.Int).Mul(p, q), d, p, q
	}
}

// TestIndependentComputation checks RSAFromSeed against refKey for fixed
// seeds at each specialised size, under GOMAXPROCS 1, 2 and 4: the parallel
// search must find exactly the primes the sequential stream finds.
func TestIndependentComputation(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	sizes := []int{2048}
	if testtool.Long() {
		sizes = []int{2048, 3072, 4096}
	}
	for _, bits := range sizes {
		seeds := 3
		if bits > 2048 || !testtool.Long() {
			seeds = 1
		}
		for i := range seeds {
			seed := sha256.Sum256([]byte(fmt.Sprintf("keyforge independent %d %d", bits, i)))
			n, d, p, q := refKey(seed[:], bits)
			if p.Cmp(q) < 0 {
				p, q = q, p
			}
			for _, procs := range []int{1, 2, 4} {
				runtime.GOMAXPROCS(procs)
				got, err := RSAFromSeed(seed[:], bits)
				if err != nil {
					t.Fatal(err)
				}
				if got.N.Cmp(n) != 0 || got.D.Cmp(d) != 0 || got.Primes[0].Cmp(p) != 0 || got.Primes[1].Cmp(q) != 0 {
					t.Fatalf("%d bits, seed %d, GOMAXPROCS %d: differs from the independent computation", bits, i, procs)
				}
			}
		}
	}
}

// TestParallelMatchesSequential compares the two search modes directly on
// seeds whose streams need several restarts' worth of candidates.
func TestParallelMatchesSequential(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	n := 12
	if testing.Short() {
		n = 4
	}
	for i := range n {
		seed := sha256.Sum256([]byte(fmt.Sprintf("par %d", i)))
		seq, err := generate(context.Background(), seed[:], 2048, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		par, err := generate(context.Background(), seed[:], 2048, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !seq.Equal(par) {
			t.Fatalf("seed %d: parallel and sequential keys differ", i)
		}
	}
}

func TestCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, parallel := range []bool{false, true} {
		if _, err := generate(ctx, make([]byte, 32), 4096, parallel, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("parallel=%v: err = %v, want context.Canceled", parallel, err)
		}
	}
	// Cancel mid-search.
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	if _, err := generate(ctx, make([]byte, 32), 16384, true, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	waitGoroutines(t, before)
}

// waitGoroutines fails if the goroutine count does not return to n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines left, want %d", runtime.NumGoroutine(), n)
}

// TestManyKeys checks a few hundred 2048-bit keys one by one against
// FIPS 186-5 A.1.1 and the properties det-keygen promises. The expensive
// ProbablyPrime(40) checks run on all cores.
func TestManyKeys(t *testing.T) {
	count := 16 // KEYFORGE_LONG=1: the full statistical run
	if testtool.Long() {
		count = manyKeys
	}
	one := big.NewInt(1)
	diffMin := new(big.Int).Lsh(one, 2048/2-100)
	dMin := new(big.Int).Lsh(one, 2048/2)
	keys := make(chan *rsa.PrivateKey, 8)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for k := range keys {
				p, q := k.Primes[0], k.Primes[1]
				switch {
				case k.Validate() != nil:
					t.Error("Validate failed")
				case k.N.BitLen() != 2048:
					t.Errorf("%d-bit modulus", k.N.BitLen())
				case k.E != 65537:
					t.Errorf("e = %d", k.E)
				case len(k.Primes) != 2 || !p.ProbablyPrime(40) || !q.ProbablyPrime(40):
					t.Error("a factor is not prime")
				case p.Cmp(q) <= 0:
					t.Error("p <= q")
				case new(big.Int).Sub(p, q).Cmp(diffMin) <= 0:
					t.Error("|p-q| <= 2^924")
				case k.D.Cmp(dMin) <= 0:
					t.Error("d <= 2^1024")
				}
			}
		})
	}
	var factors []*big.Int
	for i := range count {
		var seed [32]byte
		binary.BigEndian.PutUint64(seed[:], uint64(i))
		seed[31] = 0x5a
		k, err := RSAFromSeed(seed[:], 2048)
		if err != nil {
			t.Fatal(err)
		}
		keys <- k
		factors = append(factors, k.Primes...)
	}
	close(keys)
	wg.Wait()
	// No two moduli share a factor: all 2·count primes are distinct.
	seen := make(map[string]bool)
	for _, f := range factors {
		if seen[string(f.Bytes())] {
			t.Fatal("two moduli share a factor")
		}
		seen[string(f.Bytes())] = true
	}
	if len(seen) != 2*count {
		t.Fatalf("%d distinct factors, want %d", len(seen), 2*count)
	}
}

func TestBadParameters(t *testing.T) {
	seed := make([]byte, 32)
	for _, bits := range []int{0, 1024, 2047, 2056, 3000, 4100, 16400, -2048} {
		if _, err := RSAFromSeed(seed, bits); !errors.Is(err, ErrKeySize) {
			t.Errorf("%d bits: err = %v, want ErrKeySize", bits, err)
		}
	}
	if _, err := RSAFromSeed(seed[:15], 2048); !errors.Is(err, ErrSeedSize) {
		t.Errorf("15-byte seed: err = %v, want ErrSeedSize", err)
	}
	if _, err := RSA(bytes.NewReader(seed[:10]), 2048); err == nil {
		t.Error("short reader: no error")
	}
}

func TestRSAReader(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, SeedSize)
	a, err := RSA(bytes.NewReader(seed), 2048)
	if err != nil {
		t.Fatal(err)
	}
	b, err := RSAFromSeed(seed, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) {
		t.Fatal("RSA(reader) differs from RSAFromSeed of the same bytes")
	}
	c, err := RSA(nil, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if c.Equal(a) || c.Validate() != nil {
		t.Fatal("RSA(nil) did not give a fresh valid key")
	}
}

// TestDRBG checks the DRBG against refDRBG-style plain HMAC over many
// candidates, including the K/V updates between them.
func TestDRBG(t *testing.T) {
	seed := []byte("0123456789abcdef0123")
	pers := personalization(3072)
	d := newDRBG(seed, pers)
	k := make([]byte, 32)
	v := bytes.Repeat([]byte{1}, 32)
	k = refHMAC(k, v, []byte{0}, seed, pers)
	v = refHMAC(k, v)
	k = refHMAC(k, v, []byte{1}, seed, pers)
	v = refHMAC(k, v)
	got := make([]byte, 3072/16)
	for i := range 50 {
		if i > 0 {
			k = refHMAC(k, v, []byte{0})
			v = refHMAC(k, v)
		}
		var want []byte
		for len(want) < len(got) {
			v = refHMAC(k, v)
			want = append(want, v...)
		}
		want = want[:len(got)]
		want[0] |= 0xc0
		want[len(want)-1] |= 7
		d.next(got)
		if !bytes.Equal(got, want) {
			t.Fatalf("candidate %d differs", i)
		}
	}
	if raceEnabled {
		return // the race detector's instrumentation allocates
	}
	if a := testing.AllocsPerRun(10, func() { d.next(got) }); a != 0 {
		t.Fatalf("next allocates %v times", a)
	}
}
