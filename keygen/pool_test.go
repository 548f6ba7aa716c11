package keygen

import (
	"context"
	"crypto/rsa"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestPool(t *testing.T) {
	before := runtime.NumGoroutine()
	p := NewPool(PoolOptions{Size: 3})
	// Wait for the background goroutine to fill the pool.
	deadline := time.Now().Add(30 * time.Second)
	for p.Len() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p.Len() != 3 {
		t.Fatalf("pool holds %d keys after 30 s, want 3", p.Len())
	}
	seen := map[string]bool{}
	for range 5 { // 3 from the pool, then at least some inline
		k, err := p.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		checkPoolKey(t, k, 2048)
		if seen[string(k.N.Bytes())] {
			t.Fatal("pool returned the same key twice")
		}
		seen[string(k.N.Bytes())] = true
	}
	p.Close()
	p.Close() // idempotent
	waitGoroutines(t, before)
	// Documented: Get after Close still works, inline.
	k, err := p.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkPoolKey(t, k, 2048)
	waitGoroutines(t, before)
}

func checkPoolKey(t *testing.T, k *rsa.PrivateKey, bits int) {
	t.Helper()
	if k.N.BitLen() != bits || k.E != 65537 || k.Validate() != nil || k.Primes[0].Cmp(k.Primes[1]) <= 0 {
		t.Fatal("pool returned a bad key")
	}
}

func TestPoolContext(t *testing.T) {
	p := NewPool(PoolOptions{Bits: 4096, Size: 1})
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// An empty pool generates inline; a deadline stops that.
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	for p.Len() > 0 {
		p.Get(context.Background())
	}
	if _, err := p.Get(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want nil or context.DeadlineExceeded", err)
	}
}

func TestPoolBadSize(t *testing.T) {
	p := NewPool(PoolOptions{Bits: 1000})
	defer p.Close()
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrKeySize) {
		t.Fatalf("err = %v, want ErrKeySize", err)
	}
}

// TestPoolConcurrent is for -race: many Gets, a Close in the middle.
func TestPoolConcurrent(t *testing.T) {
	before := runtime.NumGoroutine()
	p := NewPool(PoolOptions{Size: 2})
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			k, err := p.Get(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			checkPoolKey(t, k, 2048)
		})
	}
	time.Sleep(20 * time.Millisecond)
	p.Close()
	wg.Wait()
	waitGoroutines(t, before)
}
