package pemenc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
)

// cbcDecrypt decrypts and strips PKCS#7 padding; bad padding almost always
// means a wrong passphrase.
func cbcDecrypt(newBlock func([]byte) (cipher.Block, error), key, iv, ct []byte) ([]byte, error) {
	b, err := newBlock(key)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	bs := b.BlockSize()
	if len(iv) != bs {
		return nil, malformed("IV of %d bytes for a %d-byte block cipher", len(iv), bs)
	}
	if len(ct) == 0 || len(ct)%bs != 0 {
		return nil, malformed("ciphertext of %d bytes is not a multiple of %d", len(ct), bs)
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, ct)
	n := int(out[len(out)-1])
	if n == 0 || n > bs {
		return nil, ErrIncorrectPassphrase
	}
	for _, p := range out[len(out)-n:] {
		if int(p) != n {
			return nil, ErrIncorrectPassphrase
		}
	}
	return out[:len(out)-n], nil
}

// decryptLegacyPEM opens an RFC 1421 "Proc-Type: 4,ENCRYPTED" block, whose
// key is OpenSSL's EVP_BytesToKey(MD5, salt = IV[:8], count 1).
func decryptLegacyPEM(b *block, passphrase []byte) ([]byte, error) {
	pt, _ := b.header("Proc-Type")
	if strings.ReplaceAll(pt, " ", "") != "4,ENCRYPTED" {
		return nil, malformed("unknown Proc-Type %s", keytype.Quote(pt))
	}
	dek, ok := b.header("DEK-Info")
	if !ok {
		return nil, malformed("encrypted PEM without DEK-Info")
	}
	alg, ivHex, _ := strings.Cut(dek, ",")
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch strings.ToUpper(strings.TrimSpace(alg)) {
	case "AES-128-CBC":
		keyLen, newBlock = 16, aes.NewCipher
	case "AES-192-CBC":
		keyLen, newBlock = 24, aes.NewCipher
	case "AES-256-CBC":
		keyLen, newBlock = 32, aes.NewCipher
	case "DES-EDE3-CBC":
		keyLen, newBlock = 24, des.NewTripleDESCipher
	case "DES-CBC":
		keyLen, newBlock = 8, des.NewCipher
	default:
		return nil, unsupportedCipherName("PEM cipher", strings.TrimSpace(alg))
	}
	iv, err := hex.DecodeString(strings.TrimSpace(ivHex))
	if err != nil || len(iv) < 8 {
		return nil, malformed("bad DEK-Info IV")
	}
	if passphrase == nil {
		return nil, ErrPassphraseRequired
	}
	return cbcDecrypt(newBlock, evpBytesToKey(passphrase, iv[:8], keyLen), iv, b.Bytes)
}
