package pemenc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305"

	"github.com/keyforge/keyforge/pemenc/internal/bcryptpbkdf"
)

// sshCipher is one cipher OpenSSH can protect a private key with
// (`ssh -Q cipher` in 9.2). Key and IV both come from bcrypt_pbkdf.
type sshCipher struct {
	name                     string
	keyLen, ivLen, blockSize int
	aead                     bool
	seal                     func(key, iv, plain []byte) (ct, tag []byte, err error)
	open                     func(key, iv, ct, tag []byte) ([]byte, error)
}

var sshCiphers = map[string]*sshCipher{}

func init() {
	for _, n := range []int{16, 24, 32} {
		bits := map[int]string{16: "128", 24: "192", 32: "256"}[n]
		addCipher(&sshCipher{name: "aes" + bits + "-ctr", keyLen: n, ivLen: 16, blockSize: 16,
			seal: streamSeal(aes.NewCipher, false), open: streamOpen(aes.NewCipher, false)})
		addCipher(&sshCipher{name: "aes" + bits + "-cbc", keyLen: n, ivLen: 16, blockSize: 16,
			seal: streamSeal(aes.NewCipher, true), open: streamOpen(aes.NewCipher, true)})
	}
	addCipher(&sshCipher{name: "3des-cbc", keyLen: 24, ivLen: 8, blockSize: 8,
		seal: streamSeal(des.NewTripleDESCipher, true), open: streamOpen(des.NewTripleDESCipher, true)})
	addCipher(&sshCipher{name: "aes128-gcm@openssh.com", keyLen: 16, ivLen: 12, blockSize: 16, aead: true,
		seal: gcmSeal, open: gcmOpen})
	addCipher(&sshCipher{name: "aes256-gcm@openssh.com", keyLen: 32, ivLen: 12, blockSize: 16, aead: true,
		seal: gcmSeal, open: gcmOpen})
	addCipher(&sshCipher{name: "chacha20-poly1305@openssh.com", keyLen: 64, ivLen: 0, blockSize: 8, aead: true,
		seal: chachaSeal, open: chachaOpen})
}

func addCipher(c *sshCipher) { sshCiphers[c.name] = c }

func tagLen(c *sshCipher) int {
	if c != nil && c.aead {
		return 16
	}
	return 0
}

// bcryptKDF runs bcrypt_pbkdf; parameters are checked by the callers.
func bcryptKDF(pass, salt []byte, rounds, n int) []byte {
	k, err := bcryptpbkdf.Key(pass, salt, rounds, n)
	if err != nil {
		panic("pemenc: " + err.Error())
	}
	return k
}

type newBlock func([]byte) (cipher.Block, error)

func streamSeal(nb newBlock, cbc bool) func(key, iv, plain []byte) ([]byte, []byte, error) {
	return func(key, iv, plain []byte) ([]byte, []byte, error) {
		b, err := nb(key)
		if err != nil {
			return nil, nil, err
		}
		out := make([]byte, len(plain))
		if cbc {
			cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, plain)
		} else {
			cipher.NewCTR(b, iv).XORKeyStream(out, plain)
		}
		return out, nil, nil
	}
}

func streamOpen(nb newBlock, cbc bool) func(key, iv, ct, tag []byte) ([]byte, error) {
	return func(key, iv, ct, tag []byte) ([]byte, error) {
		b, err := nb(key)
		if err != nil {
			return nil, err
		}
		out := make([]byte, len(ct))
		if cbc {
			cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, ct)
		} else {
			cipher.NewCTR(b, iv).XORKeyStream(out, ct)
		}
		return out, nil
	}
}

// OpenSSH's GCM: the 12-byte IV is the nonce as is, no associated data.
func gcmSeal(key, iv, plain []byte) ([]byte, []byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, nil, err
	}
	out := g.Seal(nil, iv, plain, nil)
	return out[:len(plain)], out[len(plain):], nil
}

func gcmOpen(key, iv, ct, tag []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	out, err := g.Open(nil, iv, append(append([]byte(nil), ct...), tag...), nil)
	if err != nil {
		return nil, ErrIncorrectPassphrase
	}
	return out, nil
}

// OpenSSH's chacha20-poly1305 (PROTOCOL.chacha20poly1305) with sequence
// number 0 and no length header: key[0:32] is the main key (key[32:64],
// the header key, is unused without a header); the Poly1305 key is the
// first 32 bytes of keystream block 0, the payload uses blocks 1….
func chachaKeys(key []byte) (*chacha20.Cipher, [32]byte, error) {
	var polyKey [32]byte
	var nonce [chacha20.NonceSize]byte // 64-bit seqnr 0: equal to the IETF layout
	c, err := chacha20.NewUnauthenticatedCipher(key[:32], nonce[:])
	if err != nil {
		return nil, polyKey, err
	}
	c.XORKeyStream(polyKey[:], polyKey[:])
	c.SetCounter(1)
	return c, polyKey, nil
}

func chachaSeal(key, _, plain []byte) ([]byte, []byte, error) {
	c, pk, err := chachaKeys(key)
	if err != nil {
		return nil, nil, err
	}
	out := make([]byte, len(plain))
	c.XORKeyStream(out, plain)
	var tag [16]byte
	poly1305.Sum(&tag, out, &pk)
	return out, tag[:], nil
}

func chachaOpen(key, _, ct, tag []byte) ([]byte, error) {
	c, pk, err := chachaKeys(key)
	if err != nil {
		return nil, err
	}
	var want [16]byte
	poly1305.Sum(&want, ct, &pk)
	if subtle.ConstantTimeCompare(want[:], tag) != 1 {
		return nil, ErrIncorrectPassphrase
	}
	out := make([]byte, len(ct))
	c.XORKeyStream(out, ct)
	return out, nil
}
