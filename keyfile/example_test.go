package keyfile_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/keyforge/keyforge/keyfile"
)

// Open a key file of any format; an encrypted one without a passphrase
// still shows its public key when the format keeps it in clear.
func ExampleParse() {
	for _, name := range []string{"testdata/ed25519-v3.ppk", "testdata/rsa-pkcs8-enc.pem", "testdata/ed25519-openssh-enc.key"} {
		data, err := os.ReadFile(name)
		if err != nil {
			panic(err)
		}
		k, err := keyfile.Parse(data, nil)
		var missing *keyfile.PassphraseMissingError
		switch {
		case errors.As(err, &missing):
			fmt.Printf("%s: encrypted %s, public key known: %v\n", name, missing.Format, missing.PublicKey != nil)
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Printf("%s: %s, comment %q, private: %v\n", name, k.Format, k.Comment, k.PrivateKey != nil)
		}
	}
	// Output:
	// testdata/ed25519-v3.ppk: ppk3, comment "ed25519 comment", private: true
	// testdata/rsa-pkcs8-enc.pem: encrypted pkcs8-encrypted, public key known: false
	// testdata/ed25519-openssh-enc.key: encrypted openssh, public key known: true
}
