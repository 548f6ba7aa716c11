package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2/boltstore"
)

func Example() {
	dir, _ := os.MkdirTemp("", "keyforge")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "state.db")
	ctx := context.Background()

	// Every create, import and delete is on disk when the call returns.
	store, err := boltstore.Open(path, nil)
	if err != nil {
		panic(err)
	}
	regions := ec2.NewRegions(ec2.Options{Store: store})
	svc, _ := regions.Service("us-east-1")
	out, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})
	if err != nil {
		panic(err)
	}
	store.Close()

	// A later process finds it again.
	store, err = boltstore.Open(path, nil)
	if err != nil {
		panic(err)
	}
	defer store.Close()
	regions, _ = ec2.OpenRegions(ctx, ec2.Options{Store: store})
	svc, _ = regions.Service("us-east-1")
	d, _ := svc.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"k"}})
	fmt.Println(regions.List(), d.KeyPairs[0].KeyPairId == out.KeyPairId)

	// A file that is not a state file is refused and left as it is.
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, []byte("hello\n"), 0o600)
	_, err = boltstore.Open(other, nil)
	fmt.Println(err != nil)
	// Output:
	// [us-east-1] true
	// true
}
