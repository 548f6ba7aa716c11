package fido_test

import (
	"crypto/ed25519"
	"fmt"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/pemenc"
)

// A security key's public line is read like any other and fingerprinted as
// ssh-keygen -l does.
func Example() {
	pub := &fido.Ed25519PublicKey{Key: ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey), Application: "ssh:"}
	line, _ := pemenc.MarshalAuthorizedKey(pub, "yubikey")
	back, comment, err := pemenc.ParseAuthorizedKey(line)
	if err != nil {
		panic(err)
	}
	fp, _ := fingerprint.SHA256(back)
	fmt.Println(fido.Algorithm(back), back.(*fido.Ed25519PublicKey).Application, comment, len(fp))
	// Output: sk-ssh-ed25519@openssh.com ssh: yubikey 50
}
