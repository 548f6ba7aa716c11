package sshcert_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/sshcert"
)

// certCase is one certificate made with ssh-keygen -s.
type certCase struct {
	name     string
	key, ca  string   // ssh-keygen -t/-b of the certified key and the CA ("sk-ed25519"/"sk-ecdsa": a FIDO public key written by keyforge)
	sign     []string // ssh-keygen -s options
	path     string   // the -cert.pub file
	describe string   // ssh-keygen -L output
	listing  string   // ssh-keygen -l output
}

var cases = []*certCase{
	{name: "ed25519-user-options", key: "ed25519", ca: "ed25519", sign: []string{"-I", "alice id", "-n", "alice,bob", "-V", "20240101000000:20250101000000", "-O", "force-command=/bin/ls", "-O", "source-address=10.0.0.0/8", "-O", "no-pty", "-z", "42"}},
	{name: "ecdsa384-host-rsa512", key: "ecdsa:384", ca: "rsa:2048", sign: []string{"-I", "host1", "-h", "-n", "host.example.com"}},
	{name: "rsa-user-no-principals", key: "rsa:2048", ca: "ecdsa:256", sign: []string{"-I", "nobody"}},
	{name: "ed25519-rsa256-before", key: "ed25519", ca: "rsa:2048", sign: []string{"-I", "x", "-t", "rsa-sha2-256", "-V", "always:20250101", "-O", "extension:custom@example.com=value", "-O", "extension:flag@example.com", "-O", "critical:verify-required", "-O", "critical:weird@example.com=zz"}},
	{name: "sk-ed25519-after", key: "sk-ed25519", ca: "ed25519", sign: []string{"-I", `q"uote`, "-V", "20240101:forever", "-O", "clear"}},
	{name: "sk-ecdsa-host", key: "sk-ecdsa", ca: "ecdsa:521", sign: []string{"-I", "h", "-h", "-n", "a b,c", "-z", "18446744073709551615"}},
	{name: "p256-p384-options", key: "ecdsa:256", ca: "ecdsa:384", sign: []string{"-I", "", "-O", "clear", "-O", "critical:permit-pty", "-O", "extension:force-command=ls", "-O", "extension:no-touch-required", "-V", "19700101000001:19700101000002"}},
	{name: "rsa-sha1", key: "rsa:2048", ca: "rsa:2048", sign: []string{"-I", "sha1", "-t", "ssh-rsa", "-V", "-1d:+52w"}},
}

var (
	makeOnce sync.Once
	made     bool
	certDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if certDir != "" {
		os.RemoveAll(certDir)
	}
	os.Exit(code)
}

// makeCerts runs ssh-keygen once per test run for every case.
func makeCerts(t *testing.T) {
	t.Helper()
	testtool.Require(t, "ssh-keygen")
	t.Setenv("TZ", "UTC")
	makeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "keyforge-sshcert")
		if err != nil {
			t.Fatal(err)
		}
		certDir = dir
		newKey := func(name, spec string) string {
			p := filepath.Join(dir, name)
			switch spec {
			case "sk-ed25519", "sk-ecdsa":
				var pub crypto.PublicKey
				if spec == "sk-ed25519" {
					pk, _, _ := ed25519.GenerateKey(rand.Reader)
					pub = &fido.Ed25519PublicKey{Key: pk, Application: "ssh:"}
				} else {
					k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
					pub = &fido.ECDSAPublicKey{Key: &k.PublicKey, Application: "ssh:test"}
				}
				line, err := pemenc.MarshalAuthorizedKey(pub, "security key")
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(p+".pub", line, 0o644)
				return p
			}
			typ, bits, _ := strings.Cut(spec, ":")
			args := []string{"-q", "-t", typ, "-N", "", "-C", "comment of " + name, "-f", p}
			if bits != "" {
				args = append(args, "-b", bits)
			}
			testtool.Run(t, nil, "ssh-keygen", args...)
			return p
		}
		for i, c := range cases {
			ca := newKey(fmt.Sprintf("ca%d", i), c.ca)
			k := newKey(fmt.Sprintf("key%d", i), c.key)
			args := append([]string{"-q", "-s", ca}, c.sign...)
			testtool.Run(t, nil, "ssh-keygen", append(args, k+".pub")...)
			c.path = k + "-cert.pub"
			c.describe = string(testtool.Run(t, nil, "ssh-keygen", "-L", "-f", c.path))
			c.listing = string(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", c.path))
		}
		made = true
	})
	if !made {
		t.Fatal("making certificates failed earlier")
	}
}

// TestLikeSSHKeygen: Describe equals ssh-keygen -L, the fingerprint line
// ssh-keygen -l, and every signature verifies.
func TestLikeSSHKeygen(t *testing.T) {
	makeCerts(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatal(err)
			}
			cert, comment, err := sshcert.ParseAuthorizedKey(line)
			if err != nil {
				t.Fatal(err)
			}
			if err := cert.Verify(); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if got := cert.Describe(c.path, time.UTC); got != c.describe {
				t.Errorf("Describe:\n%s\nssh-keygen -L:\n%s", got, c.describe)
			}
			fp, err := fingerprint.SHA256(cert)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%d %s %s (%s)\n", sshcert.KeyBits(cert), fp, comment, cert.TypeName()); got != c.listing {
				t.Errorf("fingerprint line %q, ssh-keygen -l %q", got, c.listing)
			}
			if !bytes.Equal(cert.MarshalAuthorizedKey(comment), append(bytes.TrimSpace(line), '\n')) {
				t.Error("MarshalAuthorizedKey does not reproduce the line")
			}
		})
	}
}

// TestTampered: any changed byte of the signed part fails Verify or Parse,
// as ssh-keygen refuses such a certificate.
func TestTampered(t *testing.T) {
	makeCerts(t)
	line, _ := os.ReadFile(cases[0].path)
	cert, _, err := sshcert.ParseAuthorizedKey(line)
	if err != nil {
		t.Fatal(err)
	}
	blob := cert.Marshal()
	sigStart := len(blob) - 4 - 83 // ed25519 signature string is 83 bytes
	for i := 0; i < sigStart; i += 7 {
		b := bytes.Clone(blob)
		b[i] ^= 0x01
		c, err := sshcert.Parse(b)
		if err == nil {
			err = c.Verify()
		}
		if err == nil {
			t.Fatalf("flipping byte %d went unnoticed", i)
		}
	}
	// A valid signature from another CA does not verify either.
	other, _, _ := sshcert.ParseAuthorizedKey(mustRead(t, cases[4].path))
	if _, err := sshcert.Parse(append(cert.Marshal()[:0:0], cert.Marshal()...)); err != nil {
		t.Fatal(err)
	}
	cert.SignatureKey = other.SignatureKey
	if err := cert.Verify(); !errors.Is(err, sshcert.ErrBadSignature) {
		t.Errorf("another CA's key: %v", err)
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRefusals(t *testing.T) {
	dss := "ssh-dss-cert-v01@openssh.com " + base64.StdEncoding.EncodeToString(wstr([]byte("ssh-dss-cert-v01@openssh.com")))
	if _, _, err := sshcert.ParseAuthorizedKey([]byte(dss)); !errors.Is(err, sshcert.ErrUnsupportedKeyType) || !strings.Contains(err.Error(), "DSA") {
		t.Errorf("DSA: %v", err)
	}
	if _, _, err := sshcert.ParseAuthorizedKey([]byte("ssh-ed25519 AAAA")); !errors.Is(err, sshcert.ErrUnsupportedKeyType) {
		t.Errorf("plain key: %v", err)
	}
}

func wstr(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// hostile builds an ed25519 certificate blob whose extensions field holds n
// bytes of small options.
func hostile(n int) []byte {
	var ext []byte
	for len(ext) < n {
		ext = append(ext, wstr([]byte("permit-pty"), nil)...)
	}
	u64 := make([]byte, 8)
	b := wstr([]byte("ssh-ed25519-cert-v01@openssh.com"), make([]byte, 32), make([]byte, 32))
	b = append(b, u64...)
	b = append(b, 0, 0, 0, 1)
	b = append(b, wstr(nil, nil)...)
	b = append(b, u64...)
	b = append(b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	b = append(b, wstr(nil, ext, nil, wstr([]byte("ssh-ed25519"), make([]byte, 32)), wstr([]byte("ssh-ed25519"), make([]byte, 64)))...)
	return b
}

func TestGrowth(t *testing.T) {
	// Each 18-byte option becomes an Option with its own name and data.
	sizetest.Check(t, sizetest.Case{Name: "many-extensions", Build: func(n int) []byte { return hostile(n * 5 / 8) }, Decode: func(in []byte) {
		c, err := sshcert.Parse(in)
		if err != nil {
			t.Error(err)
			return
		}
		_ = c.Describe("x", time.UTC)
		_ = c.Verify()
	}, MaxPerByte: 48})
}

func FuzzParse(f *testing.F) {
	f.Add(hostile(100))
	files, _ := filepath.Glob(filepath.Join("testdata", "*-cert.pub"))
	for _, file := range files {
		line, _ := os.ReadFile(file)
		if fl := strings.Fields(string(line)); len(fl) > 1 {
			if blob, err := base64.StdEncoding.DecodeString(fl[1]); err == nil {
				f.Add(blob)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := sshcert.Parse(data)
		if err != nil {
			if !errors.Is(err, sshcert.ErrMalformed) && !errors.Is(err, sshcert.ErrUnsupportedKeyType) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		_ = c.Describe("f", time.UTC)
		if err := c.Verify(); err != nil && !errors.Is(err, sshcert.ErrBadSignature) && !errors.Is(err, sshcert.ErrUnsupportedKeyType) {
			t.Fatalf("Verify error wraps no sentinel: %v", err)
		}
		if !bytes.Equal(c.Marshal(), data) {
			t.Fatal("Marshal differs from the input")
		}
	})
}
