// Package interop holds tests that run real AWS clients (aws-sdk-go-v2,
// boto3, the aws CLI) against a `keyforge serve` process on loopback.
// It is its own module so the AWS SDK never reaches keyforge's own
// dependency graph.
package interop
