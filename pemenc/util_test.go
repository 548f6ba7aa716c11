package pemenc

import (
	"crypto/rsa"
	"crypto/sha256"
)

func sha256sum(b []byte) [32]byte { return sha256.Sum256(b) }

// mustPKCS1 is MarshalPKCS1PrivateKey for keys known to be valid.
func mustPKCS1(k *rsa.PrivateKey) []byte {
	b, err := MarshalPKCS1PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return b
}
