package keygen

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/keyforge/keyforge/internal/keytype"
)

// MinSeedSize is the shortest seed RSAFromSeed accepts (c2sp.org/det-keygen:
// at least 128 bits). RSA reads SeedSize bytes.
const (
	MinSeedSize = 16
	SeedSize    = 32
)

// Key sizes: any multiple of 16 from MinBits to MaxBits. 2048, 3072 and 4096
// use size-specialised arithmetic; the others take a generic path. MaxBits
// is keyforge's one RSA ceiling (what every reader accepts); MinBits is
// c2sp.org/det-keygen's floor, above the 1024 bits readers accept.
const (
	MinBits = 2048
	MaxBits = keytype.MaxRSABits
)

var (
	// ErrKeySize reports an unsupported RSA modulus size.
	ErrKeySize = errors.New("keygen: RSA key size must be a multiple of 16 between 2048 and 16384 bits")
	// ErrSeedSize reports a seed shorter than MinSeedSize.
	ErrSeedSize = errors.New("keygen: seed must be at least 16 bytes")
)

// RSA reads a SeedSize-byte seed from rand (crypto/rand.Reader when nil) and
// returns RSAFromSeed(seed, bits).
func RSA(rand io.Reader, bits int) (*rsa.PrivateKey, error) {
	return generateFrom(context.Background(), rand, bits, true, nil)
}

func generateFrom(ctx context.Context, r io.Reader, bits int, parallel bool, pause func()) (*rsa.PrivateKey, error) {
	if err := checkBits(bits); err != nil {
		return nil, err
	}
	if r == nil {
		r = rand.Reader
	}
	var seed [SeedSize]byte
	if _, err := io.ReadFull(r, seed[:]); err != nil {
		return nil, fmt.Errorf("keygen: reading seed: %w", err)
	}
	return generate(ctx, seed[:], bits, parallel, pause)
}

// RSAFromSeed derives an RSA key from seed exactly as c2sp.org/det-keygen
// specifies (HMAC_DRBG-SHA256, e = 65537, d = e⁻¹ mod λ(N)), so equal seeds
// give equal keys on every machine, GOMAXPROCS and build. The key is
// normalised: Primes[0] > Primes[1] and Precompute has been called.
func RSAFromSeed(seed []byte, bits int) (*rsa.PrivateKey, error) {
	return generate(context.Background(), seed, bits, true, nil)
}

func checkBits(bits int) error {
	if bits < MinBits || bits > MaxBits || bits%16 != 0 {
		return fmt.Errorf("%w (got %d)", ErrKeySize, bits)
	}
	return nil
}

// personalization is step 1: "det RSA key gen" || I2OSP(bits, 2).
func personalization(bits int) []byte {
	return binary.BigEndian.AppendUint16([]byte("det RSA key gen"), uint16(bits))
}

// generate runs det-keygen; parallel allows using GOMAXPROCS workers, and a
// non-nil pause is called between candidates (sequential mode only) so a
// background caller can step aside.
func generate(ctx context.Context, seed []byte, bits int, parallel bool, pause func()) (*rsa.PrivateKey, error) {
	if err := checkBits(bits); err != nil {
		return nil, err
	}
	if len(seed) < MinSeedSize {
		return nil, ErrSeedSize
	}
	src := newPrimeSource(ctx, newDRBG(seed, personalization(bits)), bits, parallel)
	src.pause = pause
	defer src.close()
	for {
		// Steps 8–14.
		p, err := src.nextPrime(1)
		if err != nil {
			return nil, err
		}
		// Steps 15–18: the source applies the step 15–16 update itself.
		q, err := src.nextPrime(0)
		if err != nil {
			return nil, err
		}
		key, err := assemble(p, q, bits)
		if err == errRetry {
			// Steps 20.1–20.3 and 23.1–23.3: both primes are dropped and
			// the stream simply continues.
			continue
		}
		return key, err
	}
}

var errRetry = errors.New("retry")

var (
	bigOne = big.NewInt(1)
	bigE   = big.NewInt(65537)
)

// assemble is steps 19–25 plus the FIPS 186-5 A.1.1 checks (|p−q| and d),
// which the spec shows to be unreachable and which are fatal here.
func assemble(p, q *big.Int, bits int) (*rsa.PrivateKey, error) {
	pm1 := new(big.Int).Sub(p, bigOne)
	qm1 := new(big.Int).Sub(q, bigOne)
	// Step 19.
	ratio := new(big.Int).GCD(nil, nil, pm1, qm1)
	// Step 20.
	if ratio.BitLen() > 32 {
		return nil, errRetry
	}
	// Step 21.
	lambda := new(big.Int).Mul(pm1, qm1)
	lambda.Quo(lambda, ratio)
	// Steps 22–23.
	d := new(big.Int).ModInverse(bigE, lambda)
	if d == nil {
		return nil, errRetry
	}
	// Step 24.
	n := new(big.Int).Mul(p, q)
	if n.BitLen() != bits {
		return nil, errors.New("keygen: internal error: modulus has the wrong size")
	}
	diff := new(big.Int).Sub(p, q)
	if diff.Abs(diff).BitLen() <= bits/2-100 {
		return nil, errors.New("keygen: internal error: |p-q| too small")
	}
	if d.BitLen() <= bits/2 {
		return nil, errors.New("keygen: internal error: d too small")
	}
	if p.Cmp(q) < 0 {
		p, q = q, p
	}
	key := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: n, E: 65537},
		D:         d,
		Primes:    []*big.Int{p, q},
	}
	key.Precompute()
	if err := key.Validate(); err != nil {
		return nil, fmt.Errorf("keygen: internal error: %w", err)
	}
	return key, nil
}
