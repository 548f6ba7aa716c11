package main

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadKey: the format dispatch of fingerprint and convert never panics,
// and whatever it accepts has a usable public key and fingerprints.
func FuzzLoadKey(f *testing.F) {
	for _, p := range []string{"../../ec2/testdata/*", "../../ppk/testdata/*", "../../keyfile/testdata/*"} {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) < maxInputFile {
				f.Add(data, []byte(""))
			}
		}
	}
	f.Add([]byte("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"), []byte("x"))
	f.Add([]byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n"), []byte(nil))
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		for _, needPrivate := range []bool{false, true} {
			k, err := loadKey(data, pass, needPrivate, fuzzLimits)
			if err != nil {
				continue
			}
			if k.PublicKey == nil || (needPrivate && k.PrivateKey == nil) {
				t.Fatalf("loaded %+v", k)
			}
			if _, err := fingerprints(k); err != nil {
				t.Fatalf("accepted key without fingerprints: %v", err)
			}
		}
	})
}
