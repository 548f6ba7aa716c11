package ec2_test

import (
	"context"
	"fmt"

	"github.com/keyforge/keyforge/ec2"
)

func ExampleService_DescribeKeyPairs() {
	svc := ec2.NewService(ec2.Options{Seed: []byte("example")})
	ctx := context.Background()
	for _, name := range []string{"web-1", "web-2", "db-1"} {
		tags := []ec2.TagSpecification{{ResourceType: "key-pair", Tags: []ec2.Tag{{Key: "role", Value: name[:len(name)-2]}}}}
		if _, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: name, KeyType: "ed25519", TagSpecifications: tags}); err != nil {
			panic(err)
		}
	}
	// Values of one filter are OR'ed, filters AND'ed; * and ? are wildcards.
	out, err := svc.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{
		Filters:          []ec2.Filter{{Name: "key-name", Values: []string{"web-?", "db-*"}}, {Name: "tag:role", Values: []string{"web"}}},
		IncludePublicKey: true,
	})
	if err != nil {
		panic(err)
	}
	for _, kp := range out.KeyPairs {
		fmt.Println(kp.KeyName, kp.KeyType, kp.Tags, kp.PublicKey[:11], kp.PublicKey[len(kp.PublicKey)-6:])
	}
	_, err = svc.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"web-1", "nope"}})
	fmt.Println(err)
	// Output:
	// web-1 ed25519 [{role web}] ssh-ed25519  web-1
	// web-2 ed25519 [{role web}] ssh-ed25519  web-2
	// InvalidKeyPair.NotFound: The key pair 'nope' does not exist
}

func ExampleService_DeleteKeyPair() {
	svc := ec2.NewService(ec2.Options{Seed: []byte("example")})
	ctx := context.Background()
	first, _ := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})

	out, _ := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: "k"})
	fmt.Println(out.Return, out.KeyPairId == first.KeyPairId)
	// Deleting again succeeds, and says nothing was deleted.
	out, _ = svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: "k"})
	fmt.Printf("%v %q\n", out.Return, out.KeyPairId)
	// The name is free again; the new key pair has a new id.
	second, _ := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})
	fmt.Println(second.KeyPairId != first.KeyPairId)
	// Output:
	// true true
	// true ""
	// true
}

func ExampleRegions() {
	regions := ec2.NewRegions(ec2.Options{Seed: []byte("example")})
	ctx := context.Background()
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		svc, err := regions.Service(r)
		if err != nil {
			panic(err)
		}
		// Each Region has its own names and quota.
		if _, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "deploy", KeyType: "ed25519"}); err != nil {
			panic(err)
		}
	}
	fmt.Println(regions.List())
	_, err := regions.Service("Not A Region")
	fmt.Println(err)

	// A snapshot of every Region restores into another Regions.
	snap, _ := regions.Snapshot(ctx)
	restored := ec2.NewRegions(ec2.Options{Seed: []byte("example")})
	if err := restored.Restore(ctx, snap); err != nil {
		panic(err)
	}
	west, _ := restored.Service("eu-west-1")
	out, _ := west.DescribeKeyPairs(ctx, nil)
	fmt.Println(len(out.KeyPairs), out.KeyPairs[0].KeyName)
	// Output:
	// [eu-west-1 us-east-1]
	// InvalidParameterValue: Value (Not A Region) for parameter Region is invalid.
	// 1 deploy
}

func ExampleMemoryStore() {
	// A Store keeps what Services create; an emulator may bring its own.
	store := ec2.NewMemoryStore()
	ctx := context.Background()
	a := ec2.NewService(ec2.Options{Region: "us-east-1", Store: store})
	a.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})

	st, _ := store.Load(ctx, "us-east-1")
	fmt.Println(len(st.KeyPairs), st.KeyPairs[0].KeyName, st.KeyPairs[0].Generation)
	// Output:
	// 1 k 1
}
