package fingerprint_test

import (
	"crypto/ed25519"
	"fmt"

	"github.com/keyforge/keyforge/fingerprint"
)

func Example() {
	// An Ed25519 key from a fixed seed, so the output is stable.
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

	ec2, _ := fingerprint.EC2(priv) // what CreateKeyPair and ImportKeyPair show
	sha, _ := fingerprint.SHA256(priv.Public())
	fmt.Println(ec2)
	fmt.Println(sha)
	// Output:
	// tAXFyTXI8xtDaujAEcwJslAYc9/6FKcUkd2Lw0xDhPo=
	// SHA256:tAXFyTXI8xtDaujAEcwJslAYc9/6FKcUkd2Lw0xDhPo
}
