// Command keyforge creates, imports, converts and fingerprints SSH key pairs
// exactly as AWS EC2, ssh-keygen, openssl and puttygen do.
//
// Commands: create, import, fingerprint, convert, inspect, serve (the EC2
// Query endpoint, see serve.go); `keyforge --help` lists
// their synopses and `keyforge COMMAND --help` their options (both from the
// one table in run.go). Flags may come before or after operands; everything
// after "--" is an operand. Standard input ("-") can be read once per run.
//
// create and import print the JSON that aws CLI 2.9.19's `aws ec2
// create-key-pair` and `aws ec2 import-key-pair` print. API errors print "keyforge: <Code>:
// <Message>" and exit 1; usage errors exit 2.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
