package keytype

import (
	"math/big"
	"testing"

	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// TestGrowth grows every string of a public-key blob (algorithm name, RSA
// mpints, Ed25519 key, ECDSA curve and point, trailing bytes).
func TestGrowth(t *testing.T) {
	blob := func(alg string, fields ...int) func(int) []byte {
		return func(n int) []byte {
			var b sshwire.Builder
			b.StringS(alg)
			for _, f := range fields {
				if f < 0 {
					b.String(make([]byte, n)) // the grown field
				} else {
					b.String(make([]byte, f))
				}
			}
			return b.B
		}
	}
	rsaN := func(n int) []byte {
		var b sshwire.Builder
		b.StringS(RSA)
		b.MPInt(big.NewInt(65537))
		b.String(append([]byte{0x7f}, make([]byte, n)...))
		return b.B
	}
	trailing := func(n int) []byte {
		var b sshwire.Builder
		b.StringS(Ed25519)
		b.String(make([]byte, 32))
		return append(b.B, make([]byte, n)...)
	}
	parse := func(b []byte) { ParsePublicKey(b) }
	lenient := func(b []byte) { ParsePublicKeyLenient(b) }
	sizetest.Check(t,
		sizetest.Case{Name: "algorithm-name", Build: func(n int) []byte { var b sshwire.Builder; b.String(make([]byte, n)); return b.B }, Decode: parse},
		sizetest.Case{Name: "rsa-exponent", Build: blob(RSA, -1, 256), Decode: parse},
		sizetest.Case{Name: "rsa-modulus", Build: rsaN, Decode: parse},
		sizetest.Case{Name: "ed25519-key", Build: blob(Ed25519, -1), Decode: parse},
		sizetest.Case{Name: "ecdsa-curve", Build: blob(ECDSAP256, -1, 65), Decode: parse},
		sizetest.Case{Name: "ecdsa-point", Build: func(n int) []byte {
			var b sshwire.Builder
			b.StringS(ECDSAP256)
			b.StringS("nistp256")
			b.String(append([]byte{4}, make([]byte, n)...))
			return b.B
		}, Decode: parse},
		sizetest.Case{Name: "trailing", Build: trailing, Decode: parse},
		sizetest.Case{Name: "trailing-lenient", Build: trailing, Decode: lenient},
		sizetest.Case{Name: "ecdsa-point-direct", Build: func(n int) []byte { return make([]byte, n) }, Decode: func(b []byte) { ParseECDSAPoint(ECDSAP384, b) }},
	)
}
