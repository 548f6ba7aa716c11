package pemenc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// LegacyPEMOptions configures EncryptLegacyPEM; nil means the defaults.
type LegacyPEMOptions struct {
	// Cipher is "AES-128-CBC" (what `ssh-keygen -p -m PEM` writes, the
	// default) or "AES-256-CBC" (`openssl rsa -traditional -aes256`).
	Cipher string
	// Rand supplies the IV (crypto/rand if nil).
	Rand io.Reader
}

// EncryptLegacyPEM encrypts an unencrypted PKCS#1 "RSA PRIVATE KEY" or SEC1
// "EC PRIVATE KEY" block with OpenSSL's legacy PEM encryption: Proc-Type
// 4,ENCRYPTED and DEK-Info headers, the key from EVP_BytesToKey(MD5, salt =
// the IV's first 8 bytes, one iteration). ssh-keygen, openssl and puttygen
// read it; its key derivation costs nothing to attack, so prefer encrypted
// PKCS#8 or OpenSSH where the reader allows. passphrase must be non-empty.
func EncryptLegacyPEM(data, passphrase []byte, opts *LegacyPEMOptions) ([]byte, error) {
	var o LegacyPEMOptions
	if opts != nil {
		o = *opts
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("pemenc: legacy PEM encryption needs a non-empty passphrase")
	}
	keyLen := 16
	switch strings.ToUpper(o.Cipher) {
	case "", "AES-128-CBC":
		o.Cipher = "AES-128-CBC"
	case "AES-256-CBC":
		o.Cipher, keyLen = "AES-256-CBC", 32
	default:
		return nil, unsupportedCipherName("PEM cipher", o.Cipher)
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	b, err := decodeArmor(data)
	if err != nil {
		return nil, err
	}
	if b.Type != "RSA PRIVATE KEY" && b.Type != "EC PRIVATE KEY" {
		return nil, fmt.Errorf("pemenc: legacy PEM encryption holds PKCS#1 and SEC1 keys, not %q", b.Type)
	}
	if len(b.Headers) != 0 {
		return nil, fmt.Errorf("pemenc: the block is already encrypted")
	}
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(o.Rand, iv); err != nil {
		return nil, fmt.Errorf("pemenc: IV: %w", err)
	}
	key := evpBytesToKey(passphrase, iv[:8], keyLen)
	c, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	n := aes.BlockSize - len(b.Bytes)%aes.BlockSize
	ct := append(append([]byte(nil), b.Bytes...), make([]byte, n)...)
	for i := len(b.Bytes); i < len(ct); i++ {
		ct[i] = byte(n)
	}
	cipher.NewCBCEncrypter(c, iv).CryptBlocks(ct, ct)
	headers := [][2]string{{"Proc-Type", "4,ENCRYPTED"}, {"DEK-Info", o.Cipher + "," + strings.ToUpper(hex.EncodeToString(iv))}}
	return encodeArmor(b.Type, headers, ct, 64), nil
}

// evpBytesToKey is OpenSSL's EVP_BytesToKey with MD5 and one iteration:
// D_i = MD5(D_{i-1} ‖ passphrase ‖ salt), key = D_1 ‖ D_2 ‖ ….
func evpBytesToKey(passphrase, salt []byte, n int) []byte {
	var key, prev []byte
	for len(key) < n {
		h := md5.New()
		h.Write(prev)
		h.Write(passphrase)
		h.Write(salt)
		prev = h.Sum(nil)
		key = append(key, prev...)
	}
	return key[:n]
}
