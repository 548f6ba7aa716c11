// Command keyforge creates, imports, converts and fingerprints SSH key pairs
// exactly as AWS EC2, ssh-keygen, openssl and puttygen do.
//
// Usage:
//
//	keyforge create --name N [--type rsa|ed25519] [--format pem|ppk] [--tag K=V]... [--seed HEX] [--key-out FILE [--force]]
//	keyforge import --name N --public-key FILE [--tag K=V]... [--seed HEX]
//	keyforge fingerprint [--json] [--passphrase-file F] FILE
//	keyforge convert --to FORMAT [options] [-o OUT [--force]] IN
//
// create and import print the JSON that `aws ec2 create-key-pair` and
// `aws ec2 import-key-pair` print. API errors print "keyforge: <Code>:
// <Message>" and exit 1; usage errors exit 2. Each command takes --help.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
