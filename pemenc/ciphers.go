package pemenc

import "errors"

// sshCipher is one OpenSSH private-key cipher.
type sshCipher struct {
	name                     string
	keyLen, ivLen, blockSize int
	aead                     bool
	seal                     func(key, iv, plain []byte) (ct, tag []byte, err error)
	open                     func(key, iv, ct, tag []byte) ([]byte, error)
}

var sshCiphers = map[string]*sshCipher{}

func tagLen(c *sshCipher) int {
	if c != nil && c.aead {
		return 16
	}
	return 0
}

func bcryptKDF(pass, salt []byte, rounds, n int) []byte {
	panic(errors.New("pemenc: bcrypt not implemented yet"))
}
