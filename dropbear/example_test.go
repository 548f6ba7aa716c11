package dropbear_test

import (
	"crypto/ed25519"
	"fmt"

	"github.com/keyforge/keyforge/dropbear"
)

// Convert a key to Dropbear's native format (what dropbearkey writes) and
// back.
func Example() {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	file, err := dropbear.Marshal(key, nil)
	if err != nil {
		panic(err)
	}
	back, err := dropbear.Parse(file, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(file), back.Public().(ed25519.PublicKey).Equal(key.Public()))
	// Output: 83 true
}
