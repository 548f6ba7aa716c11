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

func ExampleEd25519() {
	// A fixed reader gives a fixed key; pass nil for crypto/rand.
	key, err := keygen.Ed25519(bytes.NewReader(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", key.Public())
	// Output: 8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c
}
