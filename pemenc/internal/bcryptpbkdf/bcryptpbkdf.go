// Package bcryptpbkdf implements OpenBSD's bcrypt_pbkdf, the KDF of
// OpenSSH's encrypted private keys (PROTOCOL.key, kdfname "bcrypt"):
// a PBKDF2-like construction whose PRF is a bcrypt-style Blowfish hash of
// the SHA-512 of the password and salt. x/crypto keeps its copy internal.
package bcryptpbkdf

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"

	"golang.org/x/crypto/blowfish"
)

// hashSize is BCRYPT_HASHSIZE: 8 32-bit words.
const hashSize = 32

// magic is the plaintext bcrypt_hash encrypts.
var magic = []byte("OxychromaticBlowfishSwatDynamite")

// Key derives keyLen bytes from password and salt with the given number of
// rounds (each round is one bcrypt_hash per 32 bytes of output).
func Key(password, salt []byte, rounds, keyLen int) ([]byte, error) {
	if rounds < 1 {
		return nil, errors.New("bcryptpbkdf: rounds must be at least 1")
	}
	if keyLen < 1 || keyLen > hashSize*hashSize {
		return nil, errors.New("bcryptpbkdf: key length out of range")
	}
	if len(salt) == 0 || len(salt) > 1<<20 {
		return nil, errors.New("bcryptpbkdf: bad salt length")
	}
	// The output is spread over blocks: byte i of block b lands at
	// i*stride + b, so every block contributes to the whole key.
	stride := (keyLen + hashSize - 1) / hashSize
	amt := (keyLen + stride - 1) / stride
	key := make([]byte, keyLen)

	sha2pass := sha512.Sum512(password)
	countSalt := make([]byte, len(salt)+4)
	copy(countSalt, salt)
	var tmp, out [hashSize]byte
	for block := 1; block <= stride; block++ {
		binary.BigEndian.PutUint32(countSalt[len(salt):], uint32(block))
		sha2salt := sha512.Sum512(countSalt)
		bcryptHash(&tmp, sha2pass[:], sha2salt[:])
		out = tmp
		for r := 1; r < rounds; r++ {
			sha2salt = sha512.Sum512(tmp[:])
			bcryptHash(&tmp, sha2pass[:], sha2salt[:])
			for i := range out {
				out[i] ^= tmp[i]
			}
		}
		for i := 0; i < amt; i++ {
			dest := i*stride + block - 1
			if dest >= keyLen {
				break
			}
			key[dest] = out[i]
		}
	}
	return key, nil
}

// bcryptHash is bcrypt_hash: an EksBlowfish setup keyed by the hashed
// password and salt (64 alternating expansions), then 64 encryptions of
// the magic string, output as little-endian words.
func bcryptHash(out *[hashSize]byte, sha2pass, sha2salt []byte) {
	c, err := blowfish.NewSaltedCipher(sha2pass, sha2salt)
	if err != nil {
		panic("bcryptpbkdf: " + err.Error()) // 64-byte keys are always valid
	}
	for i := 0; i < 64; i++ {
		blowfish.ExpandKey(sha2salt, c)
		blowfish.ExpandKey(sha2pass, c)
	}
	var buf [hashSize]byte
	copy(buf[:], magic)
	for i := 0; i < 64; i++ {
		for j := 0; j < hashSize; j += blowfish.BlockSize {
			c.Encrypt(buf[j:j+8], buf[j:j+8])
		}
	}
	// Blowfish works on big-endian words; bcrypt_hash emits them little-endian.
	for i := 0; i < hashSize; i += 4 {
		binary.LittleEndian.PutUint32(out[i:], binary.BigEndian.Uint32(buf[i:]))
	}
}
