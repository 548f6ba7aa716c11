package fingerprint

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/testtool"
)

// parseLine decodes an authorized_keys line with the wire package only, so
// these tests do not depend on pemenc.
func parseLine(t *testing.T, line string) any {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 2 {
		t.Fatalf("bad public key line %q", line)
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keytype.ParsePublicKey(blob)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func TestSpecEd25519Vector(t *testing.T) {
	pub := parseLine(t, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2")
	got, err := EC2Imported(pub)
	if err != nil {
		t.Fatal(err)
	}
	if want := "4LmcYnyBOqlloHZ5TKAxfa8BgMK2wL6WeOOTvXVdhmw="; got != want {
		t.Fatalf("EC2Imported = %q, want %q", got, want)
	}
}

// sshKeygenFP runs `ssh-keygen -l -E alg -f path` and returns the fingerprint field.
func sshKeygenFP(t *testing.T, alg, path string) string {
	t.Helper()
	out := strings.Fields(string(testtool.Run(t, nil, "ssh-keygen", "-l", "-E", alg, "-f", path)))
	if len(out) < 2 {
		t.Fatalf("ssh-keygen -l printed %q", out)
	}
	return out[1]
}

// opensslColon extracts the colon hex from `openssl sha1|md5 -c` output
// ("(stdin)= ab:cd:...").
func opensslColon(t *testing.T, out []byte) string {
	t.Helper()
	s := strings.TrimSpace(string(out))
	i := strings.LastIndex(s, "= ")
	if i < 0 {
		t.Fatalf("unexpected openssl digest output %q", s)
	}
	return s[i+2:]
}

func TestRSAAgainstOpenSSLAndSSHKeygen(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	for _, bits := range []string{"1024", "2048"} {
		t.Run(bits, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "k.pem")
			testtool.Run(t, nil, "openssl", "genrsa", "-traditional", "-out", path, bits)
			if err := os.Chmod(path, 0o600); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			blk, _ := pem.Decode(data)
			if blk == nil || blk.Type != "RSA PRIVATE KEY" {
				t.Fatalf("openssl wrote %q", data)
			}
			key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
			if err != nil {
				t.Fatal(err)
			}

			// oracle: openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c
			p8 := testtool.Run(t, nil, "openssl", "pkcs8", "-in", path, "-inform", "PEM", "-outform", "DER", "-topk8", "-nocrypt")
			wantCreated := opensslColon(t, testtool.Run(t, p8, "openssl", "sha1", "-c"))
			gotCreated, err := EC2Created(key)
			if err != nil {
				t.Fatal(err)
			}
			if gotCreated != wantCreated || len(gotCreated) != 59 {
				t.Errorf("EC2Created = %q, openssl says %q", gotCreated, wantCreated)
			}
			if got, _ := EC2(key); got != wantCreated {
				t.Errorf("EC2 = %q, want %q", got, wantCreated)
			}

			// oracle: openssl rsa -pubout -outform DER | openssl md5 -c
			spki := testtool.Run(t, nil, "openssl", "rsa", "-in", path, "-pubout", "-outform", "DER")
			wantImported := opensslColon(t, testtool.Run(t, spki, "openssl", "md5", "-c"))
			for _, k := range []any{&key.PublicKey, key} {
				got, err := EC2Imported(k)
				if err != nil {
					t.Fatal(err)
				}
				if got != wantImported || len(got) != 47 {
					t.Errorf("EC2Imported(%T) = %q, openssl says %q", k, got, wantImported)
				}
			}

			checkOpenSSH(t, &key.PublicKey, path)
		})
	}
}

func checkOpenSSH(t *testing.T, pub any, path string) {
	t.Helper()
	got256, err := SHA256(pub)
	if err != nil {
		t.Fatal(err)
	}
	if want := sshKeygenFP(t, "sha256", path); got256 != want {
		t.Errorf("SHA256 = %q, ssh-keygen says %q", got256, want)
	}
	gotMD5, err := MD5(pub)
	if err != nil {
		t.Fatal(err)
	}
	if want := sshKeygenFP(t, "md5", path); gotMD5 != want {
		t.Errorf("MD5 = %q, ssh-keygen says %q", gotMD5, want)
	}
}

func TestOpenSSHKeysAgainstSSHKeygen(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	for _, tc := range []struct{ typ, bits string }{
		{"ed25519", ""}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"},
	} {
		t.Run(tc.typ+tc.bits, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k")
			args := []string{"-q", "-t", tc.typ, "-N", "", "-C", "c", "-f", path}
			if tc.bits != "" {
				args = append(args, "-b", tc.bits)
			}
			testtool.Run(t, nil, "ssh-keygen", args...)
			line, err := os.ReadFile(path + ".pub")
			if err != nil {
				t.Fatal(err)
			}
			pub := parseLine(t, string(line))
			checkOpenSSH(t, pub, path)

			_, err = EC2Imported(pub)
			if tc.typ == "ed25519" {
				if err != nil {
					t.Fatal(err)
				}
				// Ed25519's EC2 form is ssh-keygen's SHA256 with padding and no prefix.
				want := strings.TrimPrefix(sshKeygenFP(t, "sha256", path), "SHA256:") + "="
				if got, _ := EC2Imported(pub); got != want {
					t.Errorf("EC2Imported = %q, want %q", got, want)
				}
			} else if !errors.Is(err, ErrUnsupportedKeyType) {
				t.Errorf("EC2Imported(ECDSA) error = %v, want ErrUnsupportedKeyType", err)
			}
		})
	}
}

func TestEd25519PrivateForms(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	want, err := EC2Imported(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []any{priv, &priv} {
		if got, err := EC2Imported(k); got != want || err != nil {
			t.Errorf("EC2Imported(%T) = %q, %v", k, got, err)
		}
	}
	if got, err := EC2(priv); got != want || err != nil {
		t.Errorf("EC2 = %q, %v", got, err)
	}
	if len(want) != 44 || !strings.HasSuffix(want, "=") {
		t.Errorf("Ed25519 EC2 fingerprint %q is not 44 padded characters", want)
	}
}

func TestErrors(t *testing.T) {
	if _, err := EC2Created(nil); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("EC2Created(nil) = %v", err)
	}
	if _, err := EC2Imported("x"); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("EC2Imported(string) = %v", err)
	}
	if _, err := SHA256(42); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("SHA256(int) = %v", err)
	}
	if _, err := MD5(ed25519.PublicKey{1, 2}); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("MD5(short) = %v", err)
	}
	if _, err := EC2Imported(&rsa.PublicKey{}); err == nil {
		t.Errorf("EC2Imported(empty RSA) succeeded")
	}
}
