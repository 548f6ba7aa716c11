package argon2

import xblake2b "golang.org/x/crypto/blake2b"

// blake2b returns the outLen-byte (1..64) unkeyed BLAKE2b hash of the
// concatenation of parts (RFC 9106's H).
func blake2b(outLen int, parts ...[]byte) []byte {
	h, err := xblake2b.New(outLen, nil)
	if err != nil {
		panic("argon2: BLAKE2b output length out of range") // callers pass 1..64
	}
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}
