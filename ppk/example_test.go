package ppk_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/keyforge/keyforge/ppk"
)

// Write an unencrypted version 3 file, as EC2 CreateKeyPair returns with
// KeyFormat ppk, and read it back.
func Example() {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	data, err := ppk.Marshal(key, &ppk.MarshalOptions{Comment: "demo"})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))

	k, err := ppk.Parse(data, nil, nil)
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

// Encrypt with explicit Argon2 parameters and salt (reproducible output;
// leave Salt and Passes zero to get a random salt and puttygen's pass
// calibration), then tell a wrong passphrase from a right one.
func ExampleMarshal_encrypted() {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	data, err := ppk.Marshal(key, &ppk.MarshalOptions{
		Comment:    "encrypted",
		Passphrase: []byte("correct horse"),
		KDF:        ppk.Argon2d,
		Memory:     64, // KiB; puttygen's default is 8192
		Passes:     2,
		Salt:       bytes.Repeat([]byte{0xab}, 16),
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))

	_, err = ppk.Parse(data, []byte("wrong"), nil)
	fmt.Println(errors.Is(err, ppk.ErrIncorrectPassphrase))
	pub, _ := ppk.ParsePublic(data) // no passphrase needed
	k, _ := ppk.Parse(data, []byte("correct horse"), nil)
	fmt.Println(pub.Comment, k.KDF, k.Memory, k.Passes, k.PrivateKey.(ed25519.PrivateKey).Equal(key))
	// Output:
	// PuTTY-User-Key-File-3: ssh-ed25519
	// Encryption: aes256-cbc
	// Comment: encrypted
	// Public-Lines: 2
	// AAAAC3NzaC1lZDI1NTE5AAAAIIE5dw6ofRdfVqNUZsNMfszLjYqRtO43ol32D1uP
	// ybOU
	// Key-Derivation: Argon2d
	// Argon2-Memory: 64
	// Argon2-Passes: 2
	// Argon2-Parallelism: 1
	// Argon2-Salt: abababababababababababababababab
	// Private-Lines: 1
	// gkF5/f6IbE5oz1KjIBXwXg8a7tWPiTGV8Ymqgz6FgHwQOtFyP6aGWMY4AJgGGlRr
	// Private-MAC: a403bd5c81c5deb4101215a6ae34ae4e23e68697640eee2f06dc22d5e2bb4af6
	// true
	// encrypted Argon2d 64 2 true
}

// Refuse files whose key derivation would need more than 64 MiB.
func ExampleParse_ceilings() {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	data, _ := ppk.Marshal(key, &ppk.MarshalOptions{Passphrase: []byte("p"), Memory: 131072, Passes: 1})
	_, err := ppk.Parse(data, []byte("p"), &ppk.ParseOptions{MaxMemory: 65536})
	fmt.Println(errors.Is(err, ppk.ErrUnsafeKDF))
	// Output: true
}
