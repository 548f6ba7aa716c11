package keygen

import (
	"context"
	"math/big"
	"runtime"
	"sync"
)

// primeSource yields the primes of the det-keygen candidate stream in stream
// order. Sequentially it tests one candidate after another. In parallel,
// workers take candidates in index order from the DRBG (cheap, under a lock)
// and test them concurrently; the consumer only ever takes the lowest-index
// unconsumed prime after every lower index has been found composite, so the
// primes, and hence the key, are the same for any number of workers.
type primeSource struct {
	ctx   context.Context
	d     *drbg
	bits  int
	seq   *tester
	temp  []byte
	par   *parSearch
	count int
	pause func()
}

func newPrimeSource(ctx context.Context, d *drbg, keyBits int, parallel bool) *primeSource {
	s := &primeSource{ctx: ctx, d: d, bits: keyBits}
	workers := runtime.GOMAXPROCS(0)
	if parallel && workers > 1 {
		s.par = startParSearch(ctx, d, keyBits, workers)
		return s
	}
	s.seq = getTester(keyBits)
	s.temp = make([]byte, keyBits/16)
	return s
}

func (s *primeSource) close() {
	if s.par != nil {
		s.par.close()
	}
	if s.seq != nil {
		putTester(s.seq)
		s.seq = nil
	}
}

// nextPrime returns the next prime of the stream; wantAfter is how many more
// primes the caller expects to ask for right after it (a hint that bounds
// the work done ahead in parallel mode).
func (s *primeSource) nextPrime(wantAfter int) (*big.Int, error) {
	if s.par != nil {
		return s.par.nextPrime(wantAfter)
	}
	for {
		if s.count%16 == 0 {
			if s.pause != nil {
				s.pause()
			}
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		s.count++
		s.d.next(s.temp)
		s.seq.setCandidate(s.temp)
		if s.seq.isPrime() {
			return new(big.Int).SetBytes(s.temp), nil
		}
	}
}

var testerPools sync.Map // key bits → *sync.Pool of *tester

func getTester(keyBits int) *tester {
	p, _ := testerPools.LoadOrStore(keyBits, &sync.Pool{})
	if t, ok := p.(*sync.Pool).Get().(*tester); ok {
		return t
	}
	return newTester(keyBits)
}

func putTester(t *tester) {
	p, _ := testerPools.LoadOrStore(t.keyBits, &sync.Pool{})
	p.(*sync.Pool).Put(t)
}

// window bounds how far workers run ahead of the lowest unconsumed index.
const window = 64

const (
	slotPending = iota
	slotComposite
	slotPrime
)

type parSearch struct {
	mu     sync.Mutex
	room   sync.Cond // workers wait here for room to run ahead
	result sync.Cond // the consumer waits here for the base index to resolve
	d      *drbg
	next   uint64 // next index to hand out
	base   uint64 // lowest index not yet consumed
	status [window]uint8
	cands  [window][]byte
	known  int // resolved primes in [base, next)
	need   int // primes the consumer still wants
	idle   int // workers waiting on room
	stop   bool
	err    error
	wg     sync.WaitGroup
	unhook func() bool
}

func startParSearch(ctx context.Context, d *drbg, keyBits, workers int) *parSearch {
	s := &parSearch{d: d, need: 2}
	s.room.L = &s.mu
	s.result.L = &s.mu
	buf := make([]byte, window*(keyBits/16))
	for i := range s.cands {
		s.cands[i] = buf[i*keyBits/16 : (i+1)*keyBits/16]
	}
	s.unhook = context.AfterFunc(ctx, func() {
		s.mu.Lock()
		if s.err == nil {
			s.err = ctx.Err()
		}
		s.stop = true
		s.room.Broadcast()
		s.result.Broadcast()
		s.mu.Unlock()
	})
	// An already-ended ctx runs the AfterFunc at once, on its own goroutine.
	s.wg.Add(workers)
	for range workers {
		go s.work(getTester(keyBits))
	}
	return s
}

func (s *parSearch) work(t *tester) {
	defer s.wg.Done()
	defer putTester(t)
	s.mu.Lock()
	for {
		for !s.stop && (s.known >= s.need || s.next-s.base >= window) {
			s.idle++
			s.room.Wait()
			s.idle--
		}
		if s.stop {
			s.mu.Unlock()
			return
		}
		idx := s.next
		s.next++
		slot := idx % window
		s.status[slot] = slotPending
		s.d.next(s.cands[slot])
		s.mu.Unlock()

		t.setCandidate(s.cands[slot])
		prime := t.isPrime()

		s.mu.Lock()
		if prime {
			s.status[slot] = slotPrime
			s.known++
		} else {
			s.status[slot] = slotComposite
		}
		if idx == s.base {
			s.advance()
		}
	}
}

// advance moves base past resolved composites, so the consumer is only
// woken when a prime (or nothing) is left at base. Called with mu held.
func (s *parSearch) advance() {
	moved := false
	for s.base < s.next && s.status[s.base%window] == slotComposite {
		s.base++
		moved = true
	}
	if s.base < s.next && s.status[s.base%window] == slotPrime {
		s.result.Signal()
	}
	if moved && s.idle > 0 {
		s.room.Broadcast()
	}
}

func (s *parSearch) nextPrime(wantAfter int) (*big.Int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.need < 1+wantAfter {
		s.need = 1 + wantAfter
		if s.idle > 0 {
			s.room.Broadcast()
		}
	}
	for {
		if s.err != nil {
			return nil, s.err
		}
		s.advance()
		if s.base < s.next && s.status[s.base%window] == slotPrime {
			slot := s.base % window
			p := new(big.Int).SetBytes(s.cands[slot])
			s.base++
			s.known--
			s.need = wantAfter
			s.advance()
			if s.idle > 0 {
				s.room.Broadcast()
			}
			return p, nil
		}
		s.result.Wait()
	}
}

func (s *parSearch) close() {
	s.unhook()
	s.mu.Lock()
	s.stop = true
	s.room.Broadcast()
	s.mu.Unlock()
	s.wg.Wait()
}
