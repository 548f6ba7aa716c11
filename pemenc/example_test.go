package pemenc_test

import (
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/pemenc"
)

// zeros is a deterministic randomness source, so the example's output is fixed.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func Example() {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	pemBytes, err := pemenc.EncodeOpenSSHPrivateKey(key, &pemenc.OpenSSHOptions{Comment: "demo", Rand: zeros{}})
	if err != nil {
		panic(err)
	}
	parsed, comment, err := pemenc.ParseOpenSSHPrivateKey(pemBytes, nil)
	if err != nil {
		panic(err)
	}
	line, _ := pemenc.EncodeAuthorizedKey(parsed.Public(), comment)
	fmt.Println(strings.SplitN(string(pemBytes), "\n", 2)[0])
	fmt.Print(string(line))
	// Output:
	// -----BEGIN OPENSSH PRIVATE KEY-----
	// ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop demo
}
