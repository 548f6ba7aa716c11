package ec2

import (
	"context"
	"testing"

	"github.com/keyforge/keyforge/keygen"
	"github.com/keyforge/keyforge/pemenc"
)

// TestRSAPool: an unseeded Service takes its RSA keys from the pool; a seeded
// one never does, so its output stays reproducible.
func TestRSAPool(t *testing.T) {
	pool := keygen.NewPool(keygen.PoolOptions{Bits: 2048, Size: 2})
	defer pool.Close()
	ctx := context.Background()
	k, err := pool.Get(ctx) // proves the pool works and drains one key
	if err != nil {
		t.Fatal(err)
	}
	_ = k

	svc := NewService(Options{RSAPool: pool})
	out, err := svc.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "pooled"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := pemenc.ParsePKCS1PrivateKey([]byte(out.KeyMaterial))
	if err != nil {
		t.Fatal(err)
	}
	if key.N.BitLen() != 2048 || key.Validate() != nil {
		t.Fatalf("pooled key: %d bits, Validate %v", key.N.BitLen(), key.Validate())
	}

	seed := []byte("seeded service ignores the pool")
	a, err := NewService(Options{Seed: seed, RSAPool: pool}).CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewService(Options{Seed: seed}).CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if a.KeyMaterial != b.KeyMaterial || a.KeyFingerprint != b.KeyFingerprint {
		t.Fatal("a seeded Service with a pool gave a different key than without")
	}

	// A pool of another size is refused rather than silently used.
	small := keygen.NewPool(keygen.PoolOptions{Bits: 3072, Size: 1})
	defer small.Close()
	svc = NewService(Options{RSAPool: small})
	if _, err := svc.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "x"}); err == nil {
		t.Fatal("a 3072-bit pool was used for 2048-bit keys")
	}
	if _, err := svc.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "x", KeyType: "ed25519"}); err != nil {
		t.Fatalf("the failed create kept the name reserved: %v", err)
	}
}
