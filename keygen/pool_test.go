package keygen

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPool: real keys, from the refill and from waiting, all valid and
// distinct; Get after Close generates inline; no goroutine outlives Close.
func TestPool(t *testing.T) {
	before := runtime.NumGoroutine()
	p, err := StartPool(PoolOptions{Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "pool to fill", func() bool { return p.Len() == 3 })
	if s := p.Stats(); s.Generating != 0 || s.Generated != 3 {
		t.Fatalf("full pool: %+v, want no refill running and 3 keys made", s)
	}
	seen := map[string]bool{}
	check := func(k *rsa.PrivateKey) {
		t.Helper()
		checkPoolKey(t, k, 2048)
		if seen[string(k.N.Bytes())] {
			t.Fatal("pool returned the same key twice")
		}
		seen[string(k.N.Bytes())] = true
	}
	for range 6 { // 3 ready, then (unless the refill is quick) waits
		k, err := p.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		check(k)
	}
	if s := p.Stats(); s.Hits+s.Waits != 6 || s.Hits < 3 || s.Inline != 0 {
		t.Fatalf("stats after 6 Gets: %+v", s)
	}
	p.Close()
	p.Close() // idempotent
	waitGoroutines(t, before)
	for range p.Len() { // kept by Close
		k, err := p.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		check(k)
	}
	k, err := p.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	check(k)
	if s := p.Stats(); s.Inline != 1 {
		t.Fatalf("Get after Close on an empty pool: %+v, want 1 inline", s)
	}
	waitGoroutines(t, before)
}

func checkPoolKey(t *testing.T, k *rsa.PrivateKey, bits int) {
	t.Helper()
	if k.N.BitLen() != bits || k.E != 65537 || k.Validate() != nil || k.Primes[0].Cmp(k.Primes[1]) <= 0 {
		t.Fatal("pool returned a bad key")
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeGen hands out distinct placeholder keys, one per token.
type fakeGen struct {
	tokens chan struct{}
	n      atomic.Int64
}

func newFakeGen() *fakeGen { return &fakeGen{tokens: make(chan struct{}, 1000)} }

func (f *fakeGen) gen(ctx context.Context) (*rsa.PrivateKey, error) {
	select {
	case <-f.tokens:
		return &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: big.NewInt(f.n.Add(1))}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f *fakeGen) release(n int) {
	for range n {
		f.tokens <- struct{}{}
	}
}

// TestPoolWorkers: the refill runs MaxWorkers goroutines at or below low
// water, Workers above it, none when full, and starts again on a Get.
func TestPoolWorkers(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeGen()
	p := newPool(PoolOptions{Size: 8, Workers: 1, MaxWorkers: 3, LowWater: 2}, f.gen)
	defer p.Close()
	stats := func(ready, gen int) func() bool {
		return func() bool { s := p.Stats(); return s.Ready == ready && s.Generating == gen }
	}
	waitFor(t, "3 refill goroutines on an empty pool", stats(0, 3))
	// Above low water, goroutines beyond Workers finish their key and stop.
	for ready, gen := range []int{3, 3, 2, 1, 1, 1, 1, 0} {
		f.release(1)
		waitFor(t, fmt.Sprintf("%d goroutines at %d ready", gen, ready+1), stats(ready+1, gen))
	}
	for range 5 {
		if _, err := p.Get(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "1 refill goroutine at 3 ready", stats(3, 1))
	if _, err := p.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 refill goroutines at low water", stats(2, 3))
	p.Close()
	waitGoroutines(t, before)
	if s := p.Stats(); s.Generating != 0 || s.Ready != 2 || s.Generated != 8 || s.Hits != 6 {
		t.Fatalf("after Close: %+v", s)
	}
}

// TestPoolBurst: a burst larger than the pool takes the ready keys, then
// each waiting Get gets the next key made, in arrival order, none lost or
// given twice.
func TestPoolBurst(t *testing.T) {
	f := newFakeGen()
	p := newPool(PoolOptions{Size: 4, Workers: 1, MaxWorkers: 2}, f.gen)
	defer p.Close()
	f.release(4)
	waitFor(t, "pool to fill", func() bool { return p.Len() == 4 })
	const burst = 10
	keys := make(chan *rsa.PrivateKey, burst)
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			k, err := p.Get(context.Background())
			if err != nil {
				t.Error(err)
			}
			keys <- k
		})
	}
	waitFor(t, "6 Gets waiting", func() bool { s := p.Stats(); return s.Waiting == 6 && s.Generating == 2 })
	f.release(6)
	wg.Wait()
	close(keys)
	seen := map[int64]bool{}
	for k := range keys {
		if k == nil || seen[k.N.Int64()] {
			t.Fatal("burst got a nil or repeated key")
		}
		seen[k.N.Int64()] = true
	}
	if s := p.Stats(); s.Hits != 4 || s.Waits != 6 || s.Waiting != 0 {
		t.Fatalf("after the burst: %+v", s)
	}
	// The refill goes on to fill the pool again.
	f.release(4)
	waitFor(t, "pool to refill", func() bool { s := p.Stats(); return s.Ready == 4 && s.Generating == 0 })
}

// TestPoolWaitOrder: waiting Gets are served first come, first served.
func TestPoolWaitOrder(t *testing.T) {
	f := newFakeGen()
	p := newPool(PoolOptions{Size: 1, MaxWorkers: 1}, f.gen)
	defer p.Close()
	got := make([]chan int64, 3)
	for i := range got {
		got[i] = make(chan int64, 1)
		go func() {
			k, err := p.Get(context.Background())
			if err != nil {
				t.Error(err)
				got[i] <- 0
				return
			}
			got[i] <- k.N.Int64()
		}()
		waitFor(t, "Get to wait", func() bool { return p.Stats().Waiting == i+1 })
	}
	for i := range got {
		f.release(1)
		if n := <-got[i]; n != int64(i+1) {
			t.Fatalf("waiter %d got key %d, want %d", i, n, i+1)
		}
	}
}

func TestPoolContext(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeGen()
	p := newPool(PoolOptions{Size: 2}, f.gen)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// A Get waiting on an empty pool gives up at its deadline; the key it
	// would have had is not lost.
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if s := p.Stats(); s.Waiting != 0 || s.Waits != 1 {
		t.Fatalf("after the timeout: %+v", s)
	}
	f.release(2)
	waitFor(t, "pool to fill", func() bool { return p.Len() == 2 })
	// Cancelling many waiters at once while keys arrive loses none.
	ctx, cancel = context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var served atomic.Int64
	for range 20 {
		wg.Go(func() {
			if _, err := p.Get(ctx); err == nil {
				served.Add(1)
			}
		})
	}
	f.release(5)
	cancel()
	wg.Wait()
	f.release(13) // enough for whatever is still generating
	waitFor(t, "pool to settle", func() bool { s := p.Stats(); return s.Generating == 0 && s.Ready >= 2 })
	if s := p.Stats(); int64(s.Generated) != served.Load()+int64(s.Ready) {
		t.Fatalf("%+v with %d served: keys lost", s, served.Load())
	}
	p.Close()
	waitGoroutines(t, before)
}

// TestPoolCloseWhileWaiting: a Get waiting when Close runs generates its
// key itself instead of hanging.
func TestPoolCloseWhileWaiting(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeGen() // never releases: the refill makes nothing
	p := newPool(PoolOptions{Size: 2}, f.gen)
	done := make(chan *rsa.PrivateKey)
	go func() {
		k, err := p.Get(context.Background())
		if err != nil {
			t.Error(err)
		}
		done <- k
	}()
	waitFor(t, "Get to wait", func() bool { return p.Stats().Waiting == 1 })
	p.Close()
	checkPoolKey(t, <-done, 2048)
	if s := p.Stats(); s.Inline != 1 || s.Generating != 0 {
		t.Fatalf("after Close: %+v", s)
	}
	waitGoroutines(t, before)
}

func TestPoolBadOptions(t *testing.T) {
	for _, c := range []struct {
		name string
		opts PoolOptions
		want error
	}{
		{"bits", PoolOptions{Bits: 1000}, ErrKeySize},
		{"size", PoolOptions{Size: -1}, ErrPoolOptions},
		{"huge size", PoolOptions{Size: MaxPoolSize + 1}, ErrPoolOptions},
		{"workers", PoolOptions{Workers: -2}, ErrPoolOptions},
		{"max workers", PoolOptions{Workers: 3, MaxWorkers: 2}, ErrPoolOptions},
		{"low water at size", PoolOptions{Size: 4, LowWater: 4}, ErrPoolOptions},
		{"low water negative", PoolOptions{LowWater: -1}, ErrPoolOptions},
		{"nil preload", PoolOptions{Preload: []*rsa.PrivateKey{nil}}, ErrPoolOptions},
	} {
		t.Run(c.name, func(t *testing.T) {
			if p, err := StartPool(c.opts); !errors.Is(err, c.want) || p != nil {
				t.Fatalf("StartPool = %v, %v; want nil, %v", p, err, c.want)
			}
			p := NewPool(c.opts)
			if _, err := p.Get(context.Background()); !errors.Is(err, c.want) {
				t.Fatalf("NewPool's Get: %v, want %v", err, c.want)
			}
			if keys := p.Drain(); keys != nil {
				t.Fatal("Drain of a failed pool returned keys")
			}
			p.Close()
		})
	}
}

// TestPoolPreloadDrain: preloaded keys are checked, normalised, handed out
// first (all of them, even beyond Size), and Drain returns the unused ones.
func TestPoolPreloadDrain(t *testing.T) {
	before := runtime.NumGoroutine()
	var keys []*rsa.PrivateKey
	for range 3 {
		k, err := RSA(nil, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	// A key stored with its primes the other way round is accepted.
	swapped := *keys[1]
	swapped.Primes = []*big.Int{keys[1].Primes[1], keys[1].Primes[0]}
	swapped.Precomputed = rsa.PrecomputedValues{}

	bad := func(mod func(k *rsa.PrivateKey)) *rsa.PrivateKey {
		c := *keys[0]
		c.Primes = append([]*big.Int(nil), keys[0].Primes...)
		mod(&c)
		return &c
	}
	other, err := RSA(nil, 3072)
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]*rsa.PrivateKey{
		"wrong size": other,
		"exponent":   bad(func(k *rsa.PrivateKey) { k.E = 3 }),
		"d":          bad(func(k *rsa.PrivateKey) { k.D = new(big.Int).Add(k.D, big.NewInt(2)) }),
		"one prime":  bad(func(k *rsa.PrivateKey) { k.Primes = k.Primes[:1] }),
	} {
		if _, err := StartPool(PoolOptions{Preload: []*rsa.PrivateKey{k}}); !errors.Is(err, ErrPoolOptions) {
			t.Errorf("%s: err = %v, want ErrPoolOptions", name, err)
		}
	}
	if _, err := StartPool(PoolOptions{Preload: []*rsa.PrivateKey{keys[0], keys[0]}}); !errors.Is(err, ErrPoolOptions) {
		t.Errorf("repeated key: err = %v, want ErrPoolOptions", err)
	}

	p, err := StartPool(PoolOptions{Size: 2, Preload: []*rsa.PrivateKey{keys[0], &swapped, keys[2]}})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Ready != 3 || s.Generating != 0 {
		t.Fatalf("preloaded beyond Size: %+v, want 3 ready and no refill", s)
	}
	k, err := p.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !k.Equal(keys[0]) {
		t.Fatal("first Get did not return the first preloaded key")
	}
	drained := p.Drain()
	if len(drained) < 2 || !drained[0].Equal(keys[1]) || !drained[1].Equal(keys[2]) {
		t.Fatalf("Drain returned %d keys, want the 2 unused preloaded ones first", len(drained))
	}
	for _, k := range drained {
		checkPoolKey(t, k, 2048)
	}
	if p.Drain() != nil || p.Len() != 0 {
		t.Fatal("second Drain returned keys")
	}
	waitGoroutines(t, before)

	// Drained keys preload the next pool.
	q, err := StartPool(PoolOptions{Size: 2, Preload: drained})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for range 2 {
		k, err := q.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		checkPoolKey(t, k, 2048)
	}
	if s := q.Stats(); s.Hits != 2 {
		t.Fatalf("restarted pool: %+v, want 2 hits", s)
	}
}

// TestPoolConcurrent is for -race: many Gets against a fast refill, Stats
// and Len alongside, then a Close while Gets are waiting.
func TestPoolConcurrent(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeGen()
	close(f.tokens) // every key at once
	p := newPool(PoolOptions{Size: 4, Workers: 2, MaxWorkers: 4}, f.gen)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int64]bool{}
	for range 8 {
		wg.Go(func() {
			for range 50 {
				k, err := p.Get(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[k.N.Int64()] {
					t.Error("key handed out twice")
				}
				seen[k.N.Int64()] = true
				mu.Unlock()
				_ = p.Stats()
				_ = p.Len()
			}
		})
	}
	wg.Wait()
	p.Close()
	waitGoroutines(t, before)

	// Real keys: Gets racing a Close; each gets a valid key either way.
	p = NewPool(PoolOptions{Size: 2})
	for range 4 {
		wg.Go(func() {
			k, err := p.Get(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			checkPoolKey(t, k, 2048)
		})
	}
	time.Sleep(5 * time.Millisecond)
	p.Close()
	wg.Wait()
	waitGoroutines(t, before)
}
