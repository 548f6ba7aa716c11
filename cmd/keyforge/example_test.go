package main

import "os"

// Example_create runs `keyforge create` with a seed, so the output (the JSON
// `aws ec2 create-key-pair` prints) is the same on every run.
func Example_create() {
	run([]string{"create", "--name", "demo", "--type", "ed25519", "--seed", "00112233445566778899aabbccddeeff"}, nil, os.Stdout, os.Stderr)
	// Output:
	// {
	//     "KeyFingerprint": "hkRAxaYpISzPt/Vaoxy/MNjE0CLQOw6xwOBaLGET3ww=",
	//     "KeyMaterial": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACCKchxZ33d1w+i6Y6SjbbXPwcvyU5BDK/qqXfIYir+H6gAAAIiKUAE4ilAB\nOAAAAAtzc2gtZWQyNTUxOQAAACCKchxZ33d1w+i6Y6SjbbXPwcvyU5BDK/qqXfIYir+H6g\nAAAED9j5kFTpscMRGZpyDq7MJlJ5L6/1fNAZPgQ0CJW6VUg4pyHFnfd3XD6LpjpKNttc/B\ny/JTkEMr+qpd8hiKv4fqAAAAAAECAwQF\n-----END OPENSSH PRIVATE KEY-----",
	//     "KeyName": "demo",
	//     "KeyPairId": "key-0a4fe959824f5df74"
	// }
}
