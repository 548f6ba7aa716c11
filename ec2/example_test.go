package ec2_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/ec2"
)

func Example() {
	// A seeded Service gives the same keys and ids on every run.
	svc := ec2.NewService(ec2.Options{Region: "us-east-1", Seed: []byte("example")})
	ctx := context.Background()

	out, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "demo", KeyType: "ed25519"})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.KeyName, len(out.KeyPairId), len(out.KeyFingerprint))
	fmt.Println(strings.SplitN(out.KeyMaterial, "\n", 2)[0])

	_, err = svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "demo"})
	var apiErr *ec2.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.HTTPStatus, apiErr.Code, apiErr.Message)
	}
	// Output:
	// demo 21 44
	// -----BEGIN OPENSSH PRIVATE KEY-----
	// 400 InvalidKeyPair.Duplicate The keypair 'demo' already exists.
}
