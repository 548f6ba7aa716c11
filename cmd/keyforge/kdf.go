package main

import (
	"flag"
	"fmt"

	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// maxKDFWorkLimit bounds --max-kdf-work so the scaled ceilings stay within
// the libraries' integer types (Argon2 memory is a uint32 of KiB).
const maxKDFWorkLimit = 4096

// kdfLimits are the KDF ceilings keyforge reads keys with and, so that it
// never writes a key it cannot read back, writes them within.
// --max-kdf-work N multiplies the libraries' defaults (about 2 s of CPU
// and, for Argon2, 256 MiB per key file) by N.
type kdfLimits struct {
	pem pemenc.ParseOptions
	ppk ppk.ParseOptions
}

func newKDFLimits(factor uint) *kdfLimits {
	f := uint64(factor)
	return &kdfLimits{
		pem: pemenc.ParseOptions{
			MaxBcryptRounds:     int(f * pemenc.DefaultMaxBcryptRounds),
			MaxPBKDF2Iterations: int(f * pemenc.DefaultMaxPBKDF2Iterations),
			MaxScryptMemory:     int64(f) * pemenc.DefaultMaxScryptMemory,
			MaxScryptWork:       int64(f) * pemenc.DefaultMaxScryptWork,
		},
		ppk: ppk.ParseOptions{
			MaxMemory:      uint32(f * ppk.DefaultMaxMemory),
			MaxPasses:      uint32(min(f*ppk.DefaultMaxPasses, 1<<32-1)),
			MaxParallelism: uint32(min(f*ppk.DefaultMaxParallelism, 1<<24-1)),
			MaxWork:        f * ppk.DefaultMaxWork,
		},
	}
}

// defaultKDFLimits are the ceilings without --max-kdf-work.
var defaultKDFLimits = newKDFLimits(1)

const kdfWorkHelp = "allow key files `N` times keyforge's KDF ceilings (1-4096; at 1, about 2 s of CPU and 256 MiB per key: " +
	"bcrypt 200 rounds, PBKDF2 2,000,000 iterations, scrypt 256 MiB and N·r·p 2^21, Argon2 256 MiB and 512 MiB×passes)"

// addKDFFlag defines --max-kdf-work on fs.
func addKDFFlag(fs *flag.FlagSet) *uint {
	return fs.Uint("max-kdf-work", 1, kdfWorkHelp)
}

// kdfLimitsFlag checks --max-kdf-work and returns its ceilings.
func kdfLimitsFlag(factor uint) (*kdfLimits, error) {
	if factor < 1 || factor > maxKDFWorkLimit {
		return nil, fmt.Errorf("--max-kdf-work must be between 1 and %d", maxKDFWorkLimit)
	}
	return newKDFLimits(factor), nil
}

// raiseHint tells how far --max-kdf-work must go for need against limit
// (the ceiling at factor 1).
func raiseHint(need, base uint64) string {
	return fmt.Sprintf("--max-kdf-work %d", (need+base-1)/base)
}
