package interop

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

const debianPython = "/usr/bin/python3"

// requireBoto3 returns Debian's python3 when it can import boto3.
func requireBoto3(t *testing.T) string {
	t.Helper()
	py := requireTool(t, debianPython, "python3-boto3")
	cmd := exec.Command(py, "-c", "import boto3")
	cmd.Env = cleanEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		missing(t, "boto3 does not import in "+py+" ("+strings.TrimSpace(string(out))+"): install the Debian package python3-boto3")
	}
	return py
}

type boto3Manifest struct {
	Created []struct {
		Name, Type, Format, Fingerprint, ID, File string
	}
	Imported []struct {
		Name, Fingerprint, ID, Pub string
	}
	Described map[string]string
}

// TestBoto3 runs testdata/boto3_suite.py (the seed's create_key_pair and
// the whole API) against keyforge serve, then checks every key it got with
// the real tools: the files load in ssh-keygen, openssl and puttygen, and
// the fingerprints equal the ones those tools compute.
func TestBoto3(t *testing.T) {
	py := requireBoto3(t)
	for _, tool := range []string{"ssh-keygen", "openssl", "puttygen"} {
		testtool.Require(t, tool)
	}
	// Keys to import, made by ssh-keygen (RSA as PKCS#1 so openssl reads it).
	keys := t.TempDir()
	testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-C", "rsa@host", "-f", filepath.Join(keys, "rsa"))
	testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ed@host", "-f", filepath.Join(keys, "ed"))
	modes(t, func(t *testing.T, s *server) {
		out := t.TempDir()
		cmd := exec.Command(py, "testdata/boto3_suite.py", s.URL, out, filepath.Join(keys, "rsa.pub"), filepath.Join(keys, "ed.pub"))
		cmd.Env = cleanEnv(t)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("boto3 suite: %v\n%s\nserver log:\n%s", err, stderr.String(), s.stderr)
		}
		var m boto3Manifest
		if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
			t.Fatalf("manifest: %v: %s", err, stdout.String())
		}
		if len(m.Created) != 4 || len(m.Imported) != 2 {
			t.Fatalf("manifest: %+v", m)
		}
		for _, c := range m.Created {
			t.Run(c.Name, func(t *testing.T) {
				checkCreatedKey(t, c.Type, c.Format, c.File, c.Fingerprint, c.Name, m.Described[c.Name])
			})
		}
		for _, c := range m.Imported {
			t.Run(c.Name, func(t *testing.T) {
				var want string
				if strings.HasSuffix(c.Pub, "rsa.pub") {
					// EC2's imported-RSA fingerprint: MD5 of the SubjectPublicKeyInfo DER.
					der := testtool.Run(t, nil, "openssl", "rsa", "-in", strings.TrimSuffix(c.Pub, ".pub"), "-pubout", "-outform", "DER")
					want = digestOf(t, der, "md5")
				} else {
					want = ed25519FP(t, c.Pub)
				}
				if c.Fingerprint != want {
					t.Errorf("fingerprint %s, tools say %s", c.Fingerprint, want)
				}
				checkPublicKey(t, c.Pub, c.Name, m.Described[c.Name])
			})
		}
	})
}

// checkCreatedKey loads a created key file in the tools and compares its
// fingerprint with theirs.
func checkCreatedKey(t *testing.T, keyType, format, file, fp, name, described string) {
	t.Helper()
	if format == "ppk" {
		// puttygen reads it (and checks its MAC), then converts it for the others.
		testtool.Run(t, nil, "puttygen", file, "-l")
		conv := filepath.Join(t.TempDir(), "conv")
		outFmt := "private-openssh-new"
		if keyType == "rsa" {
			outFmt = "private-openssh" // PKCS#1 PEM, which openssl reads
		}
		testtool.Run(t, nil, "puttygen", file, "-O", outFmt, "-o", conv)
		file = conv
	}
	var want string
	if keyType == "rsa" {
		testtool.Run(t, nil, "openssl", "rsa", "-in", file, "-check", "-noout")
		der := testtool.Run(t, nil, "openssl", "pkcs8", "-in", file, "-inform", "PEM", "-outform", "DER", "-topk8", "-nocrypt")
		want = digestOf(t, der, "sha1")
	} else {
		want = ed25519FP(t, file)
	}
	if fp != want {
		t.Errorf("fingerprint %s, tools say %s", fp, want)
	}
	checkPublicKey(t, file, name, described)
}

// checkPublicKey compares DescribeKeyPairs' PublicKey with ssh-keygen -y's.
func checkPublicKey(t *testing.T, file, name, described string) {
	t.Helper()
	var line []byte
	if strings.HasSuffix(file, ".pub") {
		line = testtool.Run(t, nil, "ssh-keygen", "-e", "-f", file)
		line = testtool.Run(t, line, "ssh-keygen", "-i", "-f", "/dev/stdin")
	} else {
		line = testtool.Run(t, nil, "ssh-keygen", "-y", "-f", file)
	}
	f := strings.Fields(string(line))
	if want := f[0] + " " + f[1] + " " + name; described != want {
		t.Errorf("PublicKey %q, ssh-keygen says %q", described, want)
	}
}

// digestOf is `openssl <alg> -c` of data: lowercase colon hex.
func digestOf(t *testing.T, data []byte, alg string) string {
	t.Helper()
	out := string(testtool.Run(t, data, "openssl", alg, "-c"))
	_, h, ok := strings.Cut(strings.TrimSpace(out), "= ")
	if !ok {
		t.Fatalf("openssl %s printed %q", alg, out)
	}
	return h
}

// ed25519FP is EC2's Ed25519 fingerprint from ssh-keygen -l -E sha256:
// the same base64 SHA-256, with its padding.
func ed25519FP(t *testing.T, file string) string {
	t.Helper()
	f := strings.Fields(string(testtool.Run(t, nil, "ssh-keygen", "-l", "-E", "sha256", "-f", file)))
	if len(f) < 2 || !strings.HasPrefix(f[1], "SHA256:") {
		t.Fatalf("ssh-keygen -l printed %q", f)
	}
	return strings.TrimPrefix(f[1], "SHA256:") + "="
}
