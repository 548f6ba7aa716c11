package keygen

import (
	"context"
	"crypto/rsa"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// PoolOptions configures a Pool.
type PoolOptions struct {
	Bits int // RSA modulus size; 0 means 2048
	Size int // keys kept ready; 0 means 4
}

// Pool keeps RSA keys generated ahead of time so Get usually returns at
// once. A single background goroutine refills it, one candidate at a time,
// on an OS thread of the lowest priority (nice 19 on Linux), and pauses
// while any Get is generating inline, so foreground requests get the cores. Keys come from fresh crypto/rand seeds; a seeded, reproducible
// service must call RSAFromSeed instead.
//
// After Close, Get still works: it hands out the keys already made, then
// generates inline.
type Pool struct {
	bits   int
	keys   chan *rsa.PrivateKey
	inline atomic.Int32 // Gets currently generating in the foreground
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error
}

// NewPool starts a pool. Invalid options do not panic: the pool then starts
// nothing and every Get returns the error (ErrKeySize for a bad size).
func NewPool(opts PoolOptions) *Pool {
	if opts.Bits == 0 {
		opts.Bits = 2048
	}
	if opts.Size <= 0 {
		opts.Size = 4
	}
	p := &Pool{bits: opts.Bits, done: make(chan struct{})}
	if p.err = checkBits(opts.Bits); p.err != nil {
		close(p.done)
		p.cancel = func() {}
		return p
	}
	p.keys = make(chan *rsa.PrivateKey, opts.Size)
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.fill(ctx)
	return p
}

func (p *Pool) fill(ctx context.Context) {
	defer close(p.done)
	// The refill runs on its own OS thread at the lowest priority; the
	// thread is never unlocked, so Go discards it when fill returns.
	runtime.LockOSThread()
	backgroundPriority()
	pause := func() {
		for p.inline.Load() > 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
	}
	for {
		key, err := generateFrom(ctx, nil, p.bits, false, pause)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			// crypto/rand failed: back off rather than spin.
			select {
			case <-time.After(time.Second):
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case p.keys <- key:
		case <-ctx.Done():
			return
		}
	}
}

// Get returns a ready key, or generates one (in parallel, on every core)
// when the pool is empty. It returns ctx's error if ctx ends first.
func (p *Pool) Get(ctx context.Context) (*rsa.PrivateKey, error) {
	if p.err != nil {
		return nil, p.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case k := <-p.keys:
		return k, nil
	default:
	}
	p.inline.Add(1)
	defer p.inline.Add(-1)
	return generateFrom(ctx, nil, p.bits, true, nil)
}

// Len reports how many keys are ready.
func (p *Pool) Len() int { return len(p.keys) }

// Close stops the background goroutine and waits for it to exit. It is safe
// to call more than once.
func (p *Pool) Close() {
	p.once.Do(func() {
		p.cancel()
		<-p.done
	})
}
