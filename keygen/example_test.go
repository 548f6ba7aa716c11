package keygen_test

import (
	"bytes"
	"context"
	"fmt"

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
