package ppk_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/keyforge/keyforge/ppk"
)

// Write an unencrypted version 3 file, as EC2 CreateKeyPair returns with
// KeyFormat ppk, and read it back.
func Example() {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	data, err := ppk.Encode(key, &ppk.EncodeOptions{Comment: "demo"})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))

	k, err := ppk.Decode(data, nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Algorithm, k.Comment, k.PrivateKey.(ed25519.PrivateKey).Equal(key))
	// Output:
	// PuTTY-User-Key-File-3: ssh-ed25519
	// Encryption: none
	// Comment: demo
	// Public-Lines: 2
	// AAAAC3NzaC1lZDI1NTE5AAAAIIqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0
	// D29c
	// Private-Lines: 1
	// AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB
	// Private-MAC: e223be40fc57b6e533d7d5e6886e8d1a1b632eb315089a91ac69b5557e714ec2
	// ssh-ed25519 demo true
}
