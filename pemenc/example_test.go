package pemenc_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/pemenc"
)

// zeros is a deterministic randomness source, so the example's output is fixed.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func Example() {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	pemBytes, err := pemenc.MarshalOpenSSHPrivateKey(key, &pemenc.OpenSSHOptions{Comment: "demo", Rand: zeros{}})
	if err != nil {
		panic(err)
	}
	parsed, comment, err := pemenc.ParseOpenSSHPrivateKey(pemBytes, nil, nil)
	if err != nil {
		panic(err)
	}
	line, _ := pemenc.MarshalAuthorizedKey(parsed.Public(), comment)
	fmt.Println(strings.SplitN(string(pemBytes), "\n", 2)[0])
	fmt.Print(string(line))
	// Output:
	// -----BEGIN OPENSSH PRIVATE KEY-----
	// ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop demo
}

// An encrypted OpenSSH key read back by the format-detecting reader.
func ExampleParsePrivateKey() {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	enc, _ := pemenc.MarshalOpenSSHPrivateKey(key, &pemenc.OpenSSHOptions{
		Comment: "laptop", Passphrase: []byte("hunter2"), Rounds: 1, Rand: zeros{},
	})
	if _, _, err := pemenc.ParsePrivateKey(enc, nil, nil); errors.Is(err, pemenc.ErrPassphraseRequired) {
		fmt.Println("needs a passphrase")
	}
	if _, _, err := pemenc.ParsePrivateKey(enc, []byte("wrong"), nil); errors.Is(err, pemenc.ErrIncorrectPassphrase) {
		fmt.Println("wrong passphrase")
	}
	k, comment, err := pemenc.ParsePrivateKey(enc, []byte("hunter2"), nil)
	fmt.Printf("%T %q %v\n", k, comment, err)
	// Output:
	// needs a passphrase
	// wrong passphrase
	// ed25519.PrivateKey "laptop" <nil>
}

func ExampleMarshalRFC4716PublicKey() {
	pub, _, _ := pemenc.ParsePublicKey([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 spec"))
	out, _ := pemenc.MarshalRFC4716PublicKey(pub, "spec vector")
	fmt.Print(string(out))
	// Output:
	// ---- BEGIN SSH2 PUBLIC KEY ----
	// Comment: "spec vector"
	// AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2
	// ---- END SSH2 PUBLIC KEY ----
}

func ExampleParsePublicKey() {
	_, _, err := pemenc.ParsePublicKey([]byte("ssh-dss AAAAB3NzaC1kc3MAAAABAQ== old"))
	fmt.Println(errors.Is(err, pemenc.ErrUnsupportedKeyType), err)
	pub, comment, _ := pemenc.ParsePublicKey([]byte("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"spec vector\"\nAAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2\n---- END SSH2 PUBLIC KEY ----\n"))
	line, _ := pemenc.MarshalAuthorizedKey(pub, comment)
	fmt.Print(string(line))
	// Output:
	// true pemenc: unsupported key type "ssh-dss"
	// ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 spec vector
}

// Write an encrypted PKCS#8 key as `openssl pkcs8 -topk8 -v2 aes-256-cbc`
// does, its DER form, and read it back.
func ExampleMarshalEncryptedPKCS8PrivateKey() {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	out, err := pemenc.MarshalEncryptedPKCS8PrivateKey(key, []byte("secret"), &pemenc.PKCS8EncryptOptions{Iterations: 10000})
	if err != nil {
		panic(err)
	}
	der, _ := pemenc.PEMToDER(out)
	back, _, err := pemenc.ParsePrivateKey(out, []byte("secret"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(string(out), "\n", 2)[0], der[0] == 0x30, back.Public().(ed25519.PublicKey).Equal(key.Public()))
	// Output: -----BEGIN ENCRYPTED PRIVATE KEY----- true true
}
