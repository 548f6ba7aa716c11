package ppk

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"

	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/ppk/internal/argon2"
)

// argon2Params are the Key-Derivation lines of a version 3 encrypted file.
type argon2Params struct {
	kdf         string
	memory      uint32
	passes      uint32
	parallelism uint32
	salt        []byte
}

// checkPuTTY applies PuTTY 0.85's rules, which also keep the Argon2 code
// away from values it cannot handle.
func (p *argon2Params) checkPuTTY() error {
	if p.parallelism < 1 || p.parallelism >= 1<<24 {
		return fmt.Errorf("%w: Argon2 parallelism %d outside 1..2^24-1", ErrUnsafeKDF, p.parallelism)
	}
	if uint64(p.memory) < 8*uint64(p.parallelism) {
		return fmt.Errorf("%w: Argon2 memory %d KiB below 8 × parallelism", ErrUnsafeKDF, p.memory)
	}
	if p.passes < 1 {
		return fmt.Errorf("%w: Argon2 passes must be at least 1", ErrUnsafeKDF)
	}
	return nil
}

// checkCeilings applies the caller's (or the default) resource ceilings.
func (p *argon2Params) checkCeilings(o *ParseOptions) error {
	var c ParseOptions
	if o != nil {
		c = *o
	}
	if c.MaxMemory == 0 {
		c.MaxMemory = DefaultMaxMemory
	}
	if c.MaxPasses == 0 {
		c.MaxPasses = DefaultMaxPasses
	}
	if c.MaxParallelism == 0 {
		c.MaxParallelism = DefaultMaxParallelism
	}
	if c.MaxWork == 0 {
		c.MaxWork = DefaultMaxWork
	}
	switch {
	case p.memory > c.MaxMemory:
		return fmt.Errorf("%w: Argon2 memory %d KiB exceeds the ceiling %d KiB", ErrUnsafeKDF, p.memory, c.MaxMemory)
	case p.passes > c.MaxPasses:
		return fmt.Errorf("%w: Argon2 passes %d exceed the ceiling %d", ErrUnsafeKDF, p.passes, c.MaxPasses)
	case p.parallelism > c.MaxParallelism:
		return fmt.Errorf("%w: Argon2 parallelism %d exceeds the ceiling %d", ErrUnsafeKDF, p.parallelism, c.MaxParallelism)
	case uint64(p.memory)*uint64(p.passes) > c.MaxWork:
		return fmt.Errorf("%w: Argon2 memory × passes %d exceeds the ceiling %d", ErrUnsafeKDF, uint64(p.memory)*uint64(p.passes), c.MaxWork)
	}
	return nil
}

func argon2Mode(kdf string) argon2.Mode {
	switch kdf {
	case Argon2d:
		return argon2.D
	case Argon2i:
		return argon2.I
	}
	return argon2.ID
}

// keys holds the AES-256 key, IV and MAC key of a file.
type keys struct{ cipherKey, iv, macKey []byte }

// deriveKeys computes the cipher and MAC keys as PuTTY does. Callers
// have checked p already.
func deriveKeys(version int, encrypted bool, pass []byte, p *argon2Params) (keys, error) {
	if version == 3 {
		if !encrypted {
			return keys{macKey: []byte{}}, nil
		}
		// v3: Argon2 (version 0x13), no secret, no associated data,
		// 80 bytes = key[0:32] ‖ IV[32:48] ‖ MAC key[48:80].
		out, err := argon2.Key(argon2Mode(p.kdf), pass, p.salt, p.passes, p.memory, p.parallelism, 80)
		if err != nil {
			return keys{}, fmt.Errorf("%w: %v", ErrUnsafeKDF, err)
		}
		return keys{cipherKey: out[:32], iv: out[32:48], macKey: out[48:80]}, nil
	}
	// v2: key = (SHA-1(0 ‖ pass) ‖ SHA-1(1 ‖ pass))[0:32], IV = 0,
	// MAC key = SHA-1("putty-private-key-file-mac-key" ‖ pass).
	var k keys
	if encrypted {
		var ck []byte
		for ctr := uint32(0); ctr < 2; ctr++ {
			h := sha1.New()
			h.Write(binary.BigEndian.AppendUint32(nil, ctr))
			h.Write(pass)
			ck = h.Sum(ck)
		}
		k.cipherKey, k.iv = ck[:32], make([]byte, 16)
	}
	h := sha1.New()
	h.Write([]byte("putty-private-key-file-mac-key"))
	h.Write(pass)
	k.macKey = h.Sum(nil)
	return k, nil
}

// mac computes the Private-MAC value (lowercase hex) over the padded
// plaintext private blob.
func mac(version int, macKey []byte, alg, encryption, comment string, pub, priv []byte) string {
	var newHash func() hash.Hash = sha256.New
	if version == 2 {
		newHash = sha1.New
	}
	m := hmac.New(newHash, macKey)
	var b sshwire.Builder
	b.StringS(alg)
	b.StringS(encryption)
	b.StringS(comment)
	b.String(pub)
	b.String(priv)
	m.Write(b.B)
	return fmt.Sprintf("%x", m.Sum(nil))
}

func cbc(k keys, data []byte, encrypt bool) {
	block, err := aes.NewCipher(k.cipherKey)
	if err != nil {
		panic("ppk: " + err.Error()) // the key is always 32 bytes
	}
	if encrypt {
		cipher.NewCBCEncrypter(block, k.iv).CryptBlocks(data, data)
	} else {
		cipher.NewCBCDecrypter(block, k.iv).CryptBlocks(data, data)
	}
}

// pad appends the first n bytes of SHA-1(blob) to reach a multiple of 16,
// as puttygen does (nothing when already aligned).
func pad(blob []byte) []byte {
	n := (16 - len(blob)%16) % 16
	sum := sha1.Sum(blob)
	return append(blob, sum[:n]...)
}
