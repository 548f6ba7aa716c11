package main

import "os"

// Example_create runs `keyforge create` with a seed, so the output (the JSON
// `aws ec2 create-key-pair` prints) is the same on every run.
func Example_create() {
	run([]string{"create", "--name", "demo", "--type", "ed25519", "--seed", "00"}, nil, os.Stdout, os.Stderr)
	// Output:
	// {
	//     "KeyFingerprint": "X6QrwtgPnywd+cjGOe75Z+qP12wRgEAzcVrLzoEjyck=",
	//     "KeyMaterial": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACD18Rkpl3+cAcT9zlEONMDt/85SvvWTdDb7bJGm9jI9FQAAAIghkqD4IZKg\n+AAAAAtzc2gtZWQyNTUxOQAAACD18Rkpl3+cAcT9zlEONMDt/85SvvWTdDb7bJGm9jI9FQ\nAAAEDQmUd8vLp0lkEYqbPTLAAzb97xuw9sliU8b0yrQlmYEfXxGSmXf5wBxP3OUQ40wO3/\nzlK+9ZN0Nvtskab2Mj0VAAAAAAECAwQF\n-----END OPENSSH PRIVATE KEY-----",
	//     "KeyName": "demo",
	//     "KeyPairId": "key-0efe962e4541e0dc6"
	// }
}
