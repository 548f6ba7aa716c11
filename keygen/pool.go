package keygen

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// PoolOptions configures a Pool. The zero value of every field picks its
// default, so PoolOptions{Bits: 2048, Size: 16} is a complete configuration.
type PoolOptions struct {
	// Bits is the RSA modulus size; 0 means 2048.
	Bits int
	// Size is how many keys the pool keeps ready; 0 means 4, at most
	// MaxPoolSize.
	Size int
	// Workers bounds the goroutines refilling the pool while more than
	// LowWater keys are ready; 0 means GOMAXPROCS−1 (at least 1), which
	// leaves a scheduler slot free for requests.
	Workers int
	// MaxWorkers bounds them when LowWater or fewer keys are ready, or a
	// Get is waiting; 0 means GOMAXPROCS (at least Workers).
	MaxWorkers int
	// LowWater is the number of ready keys at or below which the refill
	// runs at MaxWorkers; 0 means Size/4. It must be less than Size.
	LowWater int
	// Preload holds keys to hand out before any the pool generates, such
	// as those Drain returned before a restart. Each must have Bits bits,
	// two primes, e = 65537 and pass Validate; all are kept, even beyond
	// Size. The pool owns them afterwards.
	Preload []*rsa.PrivateKey
}

// MaxPoolSize bounds PoolOptions.Size: 65536 RSA-2048 keys take a few
// hundred MB of memory, and more than that is a mistake.
const MaxPoolSize = 1 << 16

// ErrPoolOptions reports invalid PoolOptions (bad key sizes are ErrKeySize).
var ErrPoolOptions = errors.New("keygen: invalid pool options")

// Pool keeps RSA keys generated ahead of time so Get usually returns at
// once. Keys come from fresh crypto/rand seeds; a seeded, reproducible
// service must call RSAFromSeed instead. See the package documentation for
// how the refill behaves at low water and in bursts.
type Pool struct {
	bits, size, workers, maxWorkers, lowWater int

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // refill goroutines
	closed chan struct{}  // closed by Close
	err    error          // invalid options: every Get returns it

	// gen makes one key for the refill; tests replace it.
	gen func(ctx context.Context) (*rsa.PrivateKey, error)

	mu       sync.Mutex
	ready    []*rsa.PrivateKey // oldest first
	waiters  []chan *rsa.PrivateKey
	busy     int // refill goroutines running
	isClosed bool
	stats    PoolStats
}

// PoolStats is a snapshot of a Pool's state and counters.
type PoolStats struct {
	Ready      int // keys ready now
	Generating int // refill goroutines running now
	Waiting    int // Gets waiting for the refill now

	Hits      uint64 // Gets served at once from a ready key
	Waits     uint64 // Gets that found the pool empty and waited for the refill
	Inline    uint64 // Gets that generated their key themselves (after Close)
	Generated uint64 // keys the refill made
}

// StartPool validates opts and starts a pool, whose refill begins at once.
// Invalid options return an error wrapping ErrKeySize or ErrPoolOptions and
// start nothing.
func StartPool(opts PoolOptions) (*Pool, error) {
	p := newPool(opts, nil)
	if p.err != nil {
		return nil, p.err
	}
	return p, nil
}

// NewPool is StartPool for callers with fixed options: invalid options do
// not panic, the pool then starts nothing and every Get returns the error.
func NewPool(opts PoolOptions) *Pool { return newPool(opts, nil) }

// newPool starts a pool whose refill calls gen (nil: the real generator).
func newPool(opts PoolOptions, gen func(context.Context) (*rsa.PrivateKey, error)) *Pool {
	p := &Pool{closed: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if p.err = p.configure(opts); p.err != nil {
		p.Close() // nothing started; Get returns p.err
		return p
	}
	p.gen = gen
	if p.gen == nil {
		p.gen = func(ctx context.Context) (*rsa.PrivateKey, error) {
			// Sequential search: each refill goroutine uses one core, and
			// every 16 candidates (well under a millisecond) it checks ctx
			// and paces itself.
			var pc pacer
			return generateFrom(ctx, nil, p.bits, false, pc.pause)
		}
	}
	p.mu.Lock()
	p.spawn()
	p.mu.Unlock()
	return p
}

func (p *Pool) configure(o PoolOptions) error {
	if o.Bits == 0 {
		o.Bits = 2048
	}
	if err := checkBits(o.Bits); err != nil {
		return err
	}
	procs := runtime.GOMAXPROCS(0)
	if o.Size == 0 {
		o.Size = 4
	}
	if o.Workers == 0 {
		o.Workers = max(1, procs-1)
		if o.MaxWorkers > 0 {
			o.Workers = min(o.Workers, o.MaxWorkers)
		}
	}
	if o.MaxWorkers == 0 {
		o.MaxWorkers = max(procs, o.Workers)
	}
	if o.LowWater == 0 {
		o.LowWater = o.Size / 4
	}
	switch {
	case o.Size < 0 || o.Size > MaxPoolSize:
		return fmt.Errorf("%w: Size %d is outside [1, %d]", ErrPoolOptions, o.Size, MaxPoolSize)
	case o.Workers < 0:
		return fmt.Errorf("%w: Workers %d is negative", ErrPoolOptions, o.Workers)
	case o.MaxWorkers < o.Workers:
		return fmt.Errorf("%w: MaxWorkers %d is below Workers %d", ErrPoolOptions, o.MaxWorkers, o.Workers)
	case o.LowWater < 0 || o.LowWater >= o.Size:
		return fmt.Errorf("%w: LowWater %d is outside [0, Size %d)", ErrPoolOptions, o.LowWater, o.Size)
	}
	ready := make([]*rsa.PrivateKey, 0, len(o.Preload))
	seen := make(map[string]bool, len(o.Preload))
	for i, k := range o.Preload {
		if err := checkPreload(k, o.Bits); err != nil {
			return fmt.Errorf("%w: Preload[%d]: %v", ErrPoolOptions, i, err)
		}
		n := string(k.N.Bytes())
		if seen[n] {
			return fmt.Errorf("%w: Preload[%d] repeats an earlier key", ErrPoolOptions, i)
		}
		seen[n] = true
		ready = append(ready, k)
	}
	p.bits, p.size, p.workers, p.maxWorkers, p.lowWater = o.Bits, o.Size, o.Workers, o.MaxWorkers, o.LowWater
	p.ready = ready
	return nil
}

// checkPreload checks a key to be handed out as if the pool had made it,
// and normalises its prime order as the pool's own keys are.
func checkPreload(k *rsa.PrivateKey, bits int) error {
	switch {
	case k == nil || k.N == nil || k.D == nil:
		return errors.New("not a complete key")
	case k.N.BitLen() != bits:
		return fmt.Errorf("%d-bit key in a %d-bit pool", k.N.BitLen(), bits)
	case len(k.Primes) != 2 || k.Primes[0] == nil || k.Primes[1] == nil:
		return errors.New("want two primes")
	case k.E != 65537:
		return fmt.Errorf("public exponent %d, want 65537", k.E)
	}
	if k.Primes[0].Cmp(k.Primes[1]) < 0 {
		k.Primes[0], k.Primes[1] = k.Primes[1], k.Primes[0]
		k.Precomputed = rsa.PrecomputedValues{}
	}
	if err := k.Validate(); err != nil {
		return errors.New("key fails validation")
	}
	k.Precompute()
	return nil
}

// target is how many refill goroutines should run. Called with mu held.
func (p *Pool) target() int {
	want := p.size - len(p.ready) + len(p.waiters) // keys still to make
	if want <= 0 {
		return 0
	}
	limit := p.workers
	if len(p.waiters) > 0 || len(p.ready) <= p.lowWater {
		limit = p.maxWorkers
	}
	return min(want, limit)
}

// spawn starts refill goroutines up to target. Called with mu held.
func (p *Pool) spawn() {
	for !p.isClosed && p.busy < p.target() {
		p.busy++
		p.wg.Add(1)
		go p.refill()
	}
}

// refill makes keys until the pool needs fewer goroutines than are running.
func (p *Pool) refill() {
	defer p.wg.Done()
	for {
		key, err := p.gen(p.ctx)
		p.mu.Lock()
		if p.isClosed {
			if key != nil {
				// Finished while Close ran: keep it for Drain and Get.
				p.ready = append(p.ready, key)
			}
			p.busy--
			p.mu.Unlock()
			return
		}
		if err != nil {
			// crypto/rand failed (Go ≥ 1.24 never does): back off, don't spin.
			p.mu.Unlock()
			select {
			case <-time.After(time.Second):
			case <-p.closed:
			}
			continue
		}
		p.stats.Generated++
		p.deliver(key)
		if p.busy > p.target() {
			p.busy--
			p.mu.Unlock()
			return
		}
		p.spawn() // delivering may have dropped us to low water
		p.mu.Unlock()
	}
}

// deliver hands key to the longest-waiting Get, or keeps it ready. Called
// with mu held.
func (p *Pool) deliver(key *rsa.PrivateKey) {
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		w <- key // buffered, never blocks
		return
	}
	p.ready = append(p.ready, key)
}

// take removes the oldest ready key, or returns nil. Called with mu held.
func (p *Pool) take() *rsa.PrivateKey {
	if len(p.ready) == 0 {
		return nil
	}
	k := p.ready[0]
	p.ready[0] = nil
	p.ready = p.ready[1:]
	if len(p.ready) == 0 {
		p.ready = p.ready[:0:0] // let the backing array go
	}
	return k
}

// Get returns a ready key at once when there is one. When the pool is
// empty, Get waits for the next key the refill finishes (the refill then
// runs on MaxWorkers goroutines); after Close it generates the key itself,
// on every core. It returns ctx's error if ctx ends first.
func (p *Pool) Get(ctx context.Context) (*rsa.PrivateKey, error) {
	if p.err != nil {
		return nil, p.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	if k := p.take(); k != nil {
		p.stats.Hits++
		p.spawn()
		p.mu.Unlock()
		return k, nil
	}
	if p.isClosed {
		p.stats.Inline++
		p.mu.Unlock()
		return generateFrom(ctx, nil, p.bits, true, nil)
	}
	w := make(chan *rsa.PrivateKey, 1)
	p.waiters = append(p.waiters, w)
	p.stats.Waits++
	p.spawn()
	p.mu.Unlock()

	select {
	case k := <-w:
		return k, nil
	case <-ctx.Done():
	case <-p.closed:
	}
	// Leave the queue. A key sent before we took mu is in w.
	p.mu.Lock()
	for i, x := range p.waiters {
		if x == w {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			break
		}
	}
	select {
	case k := <-w:
		p.mu.Unlock()
		return k, nil
	default:
	}
	if err := ctx.Err(); err != nil {
		p.mu.Unlock()
		return nil, err
	}
	// Closed while waiting: a key may have been kept since.
	if k := p.take(); k != nil {
		p.mu.Unlock()
		return k, nil
	}
	p.stats.Inline++
	p.mu.Unlock()
	return generateFrom(ctx, nil, p.bits, true, nil)
}

// Len reports how many keys are ready. It exceeds Size when more keys
// were preloaded, or briefly by keys that finished after the pool filled.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ready)
}

// Stats reports the pool's state and counters.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Ready, s.Generating, s.Waiting = len(p.ready), p.busy, len(p.waiters)
	return s
}

// Close stops the refill and waits for its goroutines to exit; keys in the
// making are abandoned. Ready keys stay: Get hands them out, then generates
// inline, and Drain returns them. Close is safe to call more than once.
func (p *Pool) Close() {
	p.mu.Lock()
	if !p.isClosed {
		p.isClosed = true
		close(p.closed)
	}
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
}

// Drain closes the pool and returns the keys it had ready, so a server can
// keep them across a restart (pass them back as PoolOptions.Preload). The
// pool is empty afterwards; Get then generates inline. Drain returns nil
// when nothing is left.
func (p *Pool) Drain() []*rsa.PrivateKey {
	p.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := p.ready
	p.ready = nil
	if len(keys) == 0 {
		return nil
	}
	return keys
}

// pacer runs between the refill's steps. It yields the goroutine's
// scheduler slot to any goroutine waiting for one, such as a request. And
// when the last step spent over twice as long waiting for a core as
// running (the machine is oversubscribed), it sleeps about that long
// (at most maxPace): a goroutine holds its slot even while the OS keeps its
// thread waiting, and a stop-the-world pause of the garbage collector
// waits for every slot, so a starved refill stalls the whole process.
// Asleep, it holds none. Measured beside two busy loops with other
// processes taking 1.7 of 2 cores, this halved the longest GC pauses and
// cost about a quarter of the refill's (already starved) speed; with a
// third of a core or more per refill goroutine it never sleeps.
type pacer struct {
	started bool
	tid     int
	wall    time.Time
	cpu     time.Duration
}

// maxPace bounds one sleep, so the refill probes for free cores often.
const maxPace = 10 * time.Millisecond

func (pc *pacer) pause() {
	tid, cpu, ok := threadCPU()
	slept := false
	if ok && pc.started && tid == pc.tid { // same thread: its CPU clock is the step's
		used := cpu - pc.cpu
		waited := time.Since(pc.wall) - used
		if waited > 2*used && waited > 200*time.Microsecond {
			time.Sleep(min(waited, maxPace))
			slept = true
		}
	}
	if !slept {
		runtime.Gosched()
	}
	pc.tid, pc.cpu, pc.started = threadCPU()
	pc.wall = time.Now()
}
