package keygen

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
)

// Ed25519 reads a 32-byte seed from rand (crypto/rand.Reader when nil) and
// returns the key ed25519.NewKeyFromSeed derives from it, so a deterministic
// reader gives a deterministic key.
func Ed25519(rand io.Reader) (ed25519.PrivateKey, error) {
	if rand == nil {
		rand = cryptoRand
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return nil, fmt.Errorf("keygen: reading seed: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

var cryptoRand = rand.Reader
