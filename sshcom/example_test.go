package sshcom_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/sshcom"
)

// sameRSA compares keys by their numbers, ignoring the order of the primes.
func sameRSA(a any, b *rsa.PrivateKey) bool {
	k, ok := a.(*rsa.PrivateKey)
	return ok && k.PublicKey.Equal(&b.PublicKey) && k.D.Cmp(b.D) == 0
}

func ed25519Key() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(make([]byte, 32)) }

// Write an RSA key as puttygen -O private-sshcom does, encrypted, and read it back.
func Example() {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	file, err := sshcom.Marshal(key, &sshcom.MarshalOptions{Comment: "alice@example", Passphrase: []byte("secret")})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(string(file), "\n", 3)[:2])
	k, err := sshcom.Parse(file, []byte("secret"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Comment, k.Cipher, k.PrivateKey.Public().(*rsa.PublicKey).Equal(&key.PublicKey))
	// Output:
	// [---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ---- Comment: "alice@example"]
	// alice@example 3des-cbc true
}
