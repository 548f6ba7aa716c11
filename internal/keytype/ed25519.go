package keytype

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// CheckEd25519 refuses an Ed25519 private key of the wrong length or whose
// second half is not the public key its seed derives.
// DerivedEd25519 is an Ed25519 key its holder has just derived from its
// seed (ed25519.NewKeyFromSeed), so its public half is known to match:
// CheckSigner takes it without deriving the key a second time, which is
// most of the cost of encoding a new key. Only this module can make one.
type DerivedEd25519 struct{ ed25519.PrivateKey }

func CheckEd25519(k ed25519.PrivateKey) (ed25519.PrivateKey, error) {
	if len(k) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("ed25519 private key of %d bytes, want %d", len(k), ed25519.PrivateKeySize)
	}
	return NewEd25519PrivateKey(k[:ed25519.SeedSize], k[ed25519.SeedSize:])
}

// NewEd25519PrivateKey derives the key of a 32-byte seed and, when pub is
// not nil, checks that it is pub's.
func NewEd25519PrivateKey(seed, pub []byte) (ed25519.PrivateKey, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("ed25519 seed of %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	if pub != nil && len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519 public key of %d bytes", len(pub))
	}
	k := ed25519.NewKeyFromSeed(seed)
	if pub != nil && !bytes.Equal(k[ed25519.SeedSize:], pub) {
		return nil, errors.New("ed25519 private key does not match its public key")
	}
	return k, nil
}

func readEd25519Public(r *sshwire.Reader) (ed25519.PublicKey, error) {
	pk := r.String()
	if r.Err() != nil {
		return nil, r.Err()
	}
	if len(pk) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519 public key of %d bytes", len(pk))
	}
	return ed25519.PublicKey(bytes.Clone(pk)), nil
}
