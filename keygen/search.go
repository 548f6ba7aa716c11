package keygen

import (
	"context"
	"math/big"
)

// primeSource yields the primes of the candidate stream in stream order.
type primeSource struct {
	ctx  context.Context
	d    *drbg
	temp []byte
}

func newPrimeSource(ctx context.Context, d *drbg, primeBits int, parallel bool) *primeSource {
	return &primeSource{ctx: ctx, d: d, temp: make([]byte, primeBits/8)}
}

func (s *primeSource) close() {}

func (s *primeSource) nextPrime() (*big.Int, error) {
	for i := 0; ; i++ {
		if i%64 == 0 {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		s.d.next(s.temp)
		t := new(big.Int).SetBytes(s.temp)
		if t.ProbablyPrime(20) {
			return t, nil
		}
	}
}
