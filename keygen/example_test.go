package keygen_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keyforge/keyforge/keygen"
)

func ExampleRSAFromSeed() {
	seed := bytes.Repeat([]byte{0x42}, 32)
	a, err := keygen.RSAFromSeed(seed, 2048)
	if err != nil {
		panic(err)
	}
	b, _ := keygen.RSAFromSeed(seed, 2048)
	fmt.Println(a.N.BitLen(), a.E, a.Primes[0].Cmp(a.Primes[1]) > 0, a.Equal(b))
	// Output: 2048 65537 true true
}

func ExampleNewPool() {
	pool := keygen.NewPool(keygen.PoolOptions{Bits: 2048, Size: 2})
	defer pool.Close()
	key, err := pool.Get(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(key.N.BitLen(), key.Validate() == nil)
	// Output: 2048 true
}

func ExampleStartPool() {
	// Options usually come from flags: StartPool reports bad ones at once.
	if _, err := keygen.StartPool(keygen.PoolOptions{Size: 8, LowWater: 8}); err != nil {
		fmt.Println(errors.Is(err, keygen.ErrPoolOptions))
	}
	pool, err := keygen.StartPool(keygen.PoolOptions{Bits: 2048, Size: 2, Workers: 1})
	if err != nil {
		panic(err)
	}
	for pool.Len() < 2 { // only so that the output below is fixed
		time.Sleep(time.Millisecond)
	}
	// At shutdown, keep the unused keys (stored as securely as any private
	// key) and give them to the next pool, which then starts warm.
	saved := pool.Drain()
	next, err := keygen.StartPool(keygen.PoolOptions{Bits: 2048, Size: 2, Workers: 1, Preload: saved})
	if err != nil {
		panic(err)
	}
	defer next.Close()
	fmt.Println(len(saved), next.Len())
	// Output:
	// true
	// 2 2
}

func ExampleEd25519() {
	// A fixed reader gives a fixed key; pass nil for crypto/rand.
	key, err := keygen.Ed25519(bytes.NewReader(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", key.Public())
	// Output: 8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c
}
