package ec2

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
)

var combos = []struct{ typ, format string }{
	{"rsa", "pem"}, {"ed25519", "pem"}, {"rsa", "ppk"}, {"ed25519", "ppk"},
}

var (
	fixOnce sync.Once
	fixOut  map[string]*CreateKeyPairOutput
	fixErr  error
)

// fixtures creates the four combinations once per test run with a seeded
// Service (RSA generation is the slow part).
func fixtures(t *testing.T) map[string]*CreateKeyPairOutput {
	t.Helper()
	fixOnce.Do(func() {
		s := NewService(Options{Seed: []byte("fixtures")})
		fixOut = make(map[string]*CreateKeyPairOutput)
		for _, c := range combos {
			out, err := s.CreateKeyPair(context.Background(), &CreateKeyPairInput{
				KeyName: "my-" + c.typ + "-" + c.format, KeyType: c.typ, KeyFormat: c.format})
			if err != nil {
				fixErr = err
				return
			}
			fixOut[c.typ+"+"+c.format] = out
		}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fixOut
}

var (
	idRE     = regexp.MustCompile(`^key-0[0-9a-f]{16}$`)
	sha1RE   = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){19}$`)
	ed25519F = regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`)
)

// armourLines checks PEM armour: BEGIN/END of typ, body lines of width
// columns (the last may be shorter) and no final newline.
func armourLines(t *testing.T, material, typ string, width int) {
	t.Helper()
	if strings.HasSuffix(material, "\n") {
		t.Fatal("KeyMaterial ends with a newline")
	}
	lines := strings.Split(material, "\n")
	if lines[0] != "-----BEGIN "+typ+"-----" || lines[len(lines)-1] != "-----END "+typ+"-----" {
		t.Fatalf("armour = %q ... %q", lines[0], lines[len(lines)-1])
	}
	body := lines[1 : len(lines)-1]
	for i, l := range body {
		if (i < len(body)-1 && len(l) != width) || len(l) > width || len(l) == 0 {
			t.Fatalf("body line %d has %d columns, want %d", i, len(l), width)
		}
	}
}

func TestKeyMaterialShapes(t *testing.T) {
	fx := fixtures(t)
	for _, c := range combos {
		out := fx[c.typ+"+"+c.format]
		t.Run(c.typ+"+"+c.format, func(t *testing.T) {
			if out.KeyName != "my-"+c.typ+"-"+c.format || !idRE.MatchString(out.KeyPairId) || out.Tags != nil {
				t.Fatalf("output %+v", out)
			}
			if c.typ == "rsa" && !sha1RE.MatchString(out.KeyFingerprint) {
				t.Fatalf("RSA fingerprint %q", out.KeyFingerprint)
			}
			if c.typ == "ed25519" && !ed25519F.MatchString(out.KeyFingerprint) {
				t.Fatalf("Ed25519 fingerprint %q", out.KeyFingerprint)
			}
			m := out.KeyMaterial
			switch c.typ + "+" + c.format {
			case "rsa+pem":
				armourLines(t, m, "RSA PRIVATE KEY", 64)
				// Byte-identical to Go's PKCS#1 encoder minus the final newline (doc/ec2.md, KeyMaterial).
				blk, _ := pem.Decode([]byte(m))
				k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
				if err != nil {
					t.Fatal(err)
				}
				if k.N.BitLen() != 2048 || k.E != 65537 {
					t.Fatalf("RSA key of %d bits, e=%d", k.N.BitLen(), k.E)
				}
				re := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
				if string(re) != m+"\n" {
					t.Fatalf("KeyMaterial differs from x509+pem re-encoding")
				}
			case "ed25519+pem":
				armourLines(t, m, "OPENSSH PRIVATE KEY", 70)
				blk, _ := pem.Decode([]byte(m + "\n"))
				if blk == nil || !strings.HasPrefix(string(blk.Bytes), "openssh-key-v1\x00") {
					t.Fatal("not an openssh-key-v1 container")
				}
			case "rsa+ppk", "ed25519+ppk":
				alg := map[string]string{"rsa": "ssh-rsa", "ed25519": "ssh-ed25519"}[c.typ]
				head := "PuTTY-User-Key-File-3: " + alg + "\nEncryption: none\nComment: " + out.KeyName + "\nPublic-Lines: "
				if !strings.HasPrefix(m, head) {
					t.Fatalf("PPK starts %q", m[:min(len(m), 120)])
				}
				if !strings.HasSuffix(m, "\n") || strings.HasSuffix(m, "\n\n") || strings.Contains(m, "\r") {
					t.Fatal("PPK must end with exactly one LF")
				}
				if !regexp.MustCompile(`\nPrivate-MAC: [0-9a-f]{64}\n$`).MatchString(m) {
					t.Fatal("PPK v3 must end with a SHA-256 Private-MAC line")
				}
			}
		})
	}
}

func TestTagsEchoedOnlyWhenGiven(t *testing.T) {
	s := NewService(Options{})
	ctx := context.Background()
	out, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "plain", KeyType: "ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(out)
	if out.Tags != nil || strings.Contains(string(j), "Tags") {
		t.Fatalf("untagged create has Tags: %s", j)
	}
	// An empty TagSpecification is not "tags given".
	out, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "empty", KeyType: "ed25519", TagSpecifications: tagSpec()})
	if err != nil || out.Tags != nil {
		t.Fatalf("empty spec: %v %+v", err, out)
	}
	tags := []Tag{{"Name", "web"}, {"env", ""}}
	in := &CreateKeyPairInput{KeyName: "tagged", KeyType: "ed25519", TagSpecifications: tagSpec(tags...)}
	out, err = s.CreateKeyPair(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	j, _ = json.Marshal(out)
	if !strings.Contains(string(j), `"Tags":[{"Key":"Name","Value":"web"},{"Key":"env","Value":""}]`) {
		t.Fatalf("tags not echoed: %s", j)
	}
	in.TagSpecifications[0].Tags[0].Value = "changed" // the caller's slice is not shared
	if out.Tags[0].Value != "web" || s.byName["tagged"].Tags[0].Value != "web" {
		t.Fatal("output aliases the request's tags")
	}
}

func TestSeedReproducible(t *testing.T) {
	fx := fixtures(t)
	ctx := context.Background()
	// A fresh Service with the same seed, creating in a different order,
	// gives byte-identical outputs.
	s := NewService(Options{Seed: []byte("fixtures")})
	for i := len(combos) - 1; i >= 0; i-- {
		c := combos[i]
		if c.typ == "rsa" && c.format == "ppk" {
			continue // one RSA regeneration is enough
		}
		out, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "my-" + c.typ + "-" + c.format, KeyType: c.typ, KeyFormat: c.format})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, fx[c.typ+"+"+c.format]) {
			t.Errorf("%s+%s differs between seeded services", c.typ, c.format)
		}
	}
	// Another seed or another name gives another key and id.
	a, _ := NewService(Options{Seed: []byte("other")}).CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "my-ed25519-pem", KeyType: "ed25519"})
	b, _ := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "my-ed25519-pem2", KeyType: "ed25519"})
	ref := fx["ed25519+pem"]
	for _, o := range []*CreateKeyPairOutput{a, b} {
		if o.KeyFingerprint == ref.KeyFingerprint || o.KeyPairId == ref.KeyPairId {
			t.Errorf("distinct requests share key or id")
		}
	}
	// Unseeded services differ run to run.
	u1, _ := NewService(Options{}).CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "x", KeyType: "ed25519"})
	u2, _ := NewService(Options{}).CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "x", KeyType: "ed25519"})
	if u1.KeyFingerprint == u2.KeyFingerprint || u1.KeyPairId == u2.KeyPairId {
		t.Error("unseeded services repeat themselves")
	}
}

func TestPPKOptions(t *testing.T) {
	s := NewService(Options{PPKVersion: 2, PPKComment: func(n string) string { return "aws:" + n }})
	out, err := s.CreateKeyPair(context.Background(), &CreateKeyPairInput{KeyName: "k2", KeyType: "ed25519", KeyFormat: "ppk"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.KeyMaterial, "PuTTY-User-Key-File-2: ssh-ed25519\nEncryption: none\nComment: aws:k2\n") ||
		!regexp.MustCompile(`\nPrivate-MAC: [0-9a-f]{40}\n$`).MatchString(out.KeyMaterial) {
		t.Fatalf("PPK v2 material:\n%s", out.KeyMaterial)
	}
	t.Run("puttygen", func(t *testing.T) {
		p := testtool.WriteFile(t, "k2.ppk", []byte(out.KeyMaterial))
		testtool.Run(t, nil, "puttygen", p, "--dump")
	})
}

// TestConcurrentSameName: 64 goroutines create one name; exactly one wins
// and the rest get InvalidKeyPair.Duplicate. Run under -race in CI.
func TestConcurrentSameName(t *testing.T) {
	s := NewService(Options{})
	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([]*CreateKeyPairOutput, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			typ := "ed25519"
			if i == 0 {
				typ = "rsa" // one slow request holds the reservation longer
			}
			outs[i], errs[i] = s.CreateKeyPair(context.Background(), &CreateKeyPairInput{KeyName: "shared", KeyType: typ})
		}()
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		if err == nil {
			wins++
			if outs[i].KeyName != "shared" {
				t.Fatal("wrong name")
			}
			continue
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != CodeDuplicate {
			t.Fatalf("goroutine %d: %v", i, err)
		}
	}
	if wins != 1 || s.count() != 1 {
		t.Fatalf("%d winners, %d stored; want exactly 1", wins, s.count())
	}
}

// TestConcurrentDistinctNamesQuota: concurrent creates of distinct names
// never exceed the quota (reservations count).
func TestConcurrentDistinctNamesQuota(t *testing.T) {
	s := NewService(Options{MaxKeyPairs: 10})
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, limit := 0, 0
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateKeyPair(context.Background(), &CreateKeyPairInput{KeyName: fmt.Sprint("k", i), KeyType: "ed25519"})
			mu.Lock()
			defer mu.Unlock()
			var ae *APIError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &ae) && ae.Code == CodeKeyPairLimitExceeded:
				limit++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 10 || limit != 30 || s.count() != 10 {
		t.Fatalf("ok=%d limit=%d stored=%d", ok, limit, s.count())
	}
}

// ---- interop with the real tools (oracles: doc/README.md) ----

func opensslColon(t *testing.T, out []byte) string {
	t.Helper()
	s := strings.TrimSpace(string(out))
	i := strings.LastIndex(s, "= ")
	if i < 0 {
		t.Fatalf("openssl digest output %q", s)
	}
	return s[i+2:]
}

// ec2CreatedFromPEM applies the openssl recipe of doc/fingerprints.md for the created-RSA fingerprint.
func ec2CreatedFromPEM(t *testing.T, path string) string {
	t.Helper()
	der := testtool.Run(t, nil, "openssl", "pkcs8", "-in", path, "-inform", "PEM", "-outform", "DER", "-topk8", "-nocrypt")
	return opensslColon(t, testtool.Run(t, der, "openssl", "sha1", "-c"))
}

// ed25519EC2FromLine applies ssh-keygen's SHA256 fingerprint to a public
// line: the EC2 form is that digest with '=' padding and no prefix.
func ed25519EC2FromLine(t *testing.T, line []byte) string {
	t.Helper()
	p := testtool.WriteFile(t, "k.pub", line)
	f := strings.Fields(string(testtool.Run(t, nil, "ssh-keygen", "-l", "-E", "sha256", "-f", p)))
	return strings.TrimPrefix(f[1], "SHA256:") + "="
}

func TestInteropRSAPEM(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	out := fixtures(t)["rsa+pem"]
	p := testtool.WriteFile(t, "k.pem", []byte(out.KeyMaterial+"\n"))
	testtool.Run(t, nil, "openssl", "rsa", "-in", p, "-check", "-noout")
	if got := ec2CreatedFromPEM(t, p); got != out.KeyFingerprint {
		t.Errorf("openssl recipe %q, KeyFingerprint %q", got, out.KeyFingerprint)
	}
	line := testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p)
	if !strings.HasPrefix(string(line), "ssh-rsa AAAAB3NzaC1yc2E") {
		t.Fatalf("ssh-keygen -y: %q", line)
	}
}

func TestInteropEd25519PEM(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	out := fixtures(t)["ed25519+pem"]
	p := testtool.WriteFile(t, "k", []byte(out.KeyMaterial+"\n"))
	line := testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p)
	f := strings.Fields(string(line))
	if len(f) != 2 || f[0] != "ssh-ed25519" { // empty comment: nothing after the blob
		t.Fatalf("ssh-keygen -y: %q", line)
	}
	if got := ed25519EC2FromLine(t, line); got != out.KeyFingerprint {
		t.Errorf("ssh-keygen recipe %q, KeyFingerprint %q", got, out.KeyFingerprint)
	}
	// The stored public key is the one in the material.
	blob, _ := base64.StdEncoding.DecodeString(f[1])
	pub, err := keytype.ParsePublicKey(blob)
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(Options{Seed: []byte("fixtures")})
	if _, err := s.CreateKeyPair(context.Background(), &CreateKeyPairInput{KeyName: out.KeyName, KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	stored, _, err := pemenc.ParseAuthorizedKey([]byte(s.byName[out.KeyName].PublicKey))
	if err != nil || !pub.(ed25519.PublicKey).Equal(stored) {
		t.Error("stored public key differs from the material's")
	}
	// Without the final newline ssh-keygen refuses the file (why the CLI adds it).
	bad := testtool.WriteFile(t, "bad", []byte(out.KeyMaterial))
	if _, _, err := testtool.RunErr(t, nil, "ssh-keygen", "-y", "-f", bad); err == nil {
		t.Log("note: this ssh-keygen accepts a key without its final newline")
	}
}

func TestInteropPPK(t *testing.T) {
	testtool.Require(t, "puttygen")
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	for _, typ := range []string{"rsa", "ed25519"} {
		t.Run(typ, func(t *testing.T) {
			out := fixtures(t)[typ+"+ppk"]
			dir := t.TempDir()
			p := filepath.Join(dir, "k.ppk")
			if err := os.WriteFile(p, []byte(out.KeyMaterial), 0o600); err != nil {
				t.Fatal(err)
			}
			testtool.Run(t, nil, "puttygen", p, "--dump") // decrypts and checks the MAC
			line := testtool.Run(t, nil, "puttygen", p, "-L")
			if !strings.HasSuffix(strings.TrimSpace(string(line)), " "+out.KeyName) {
				t.Errorf("puttygen -L does not show the key name as comment: %q", line)
			}
			if typ == "ed25519" {
				if got := ed25519EC2FromLine(t, line); got != out.KeyFingerprint {
					t.Errorf("recipe %q, KeyFingerprint %q", got, out.KeyFingerprint)
				}
				return
			}
			// RSA: recompute the created fingerprint from puttygen's own PKCS#1 export.
			x := filepath.Join(dir, "x.pem")
			testtool.Run(t, nil, "puttygen", p, "-O", "private-openssh", "-o", x)
			testtool.Run(t, nil, "openssl", "rsa", "-in", x, "-check", "-noout")
			if got := ec2CreatedFromPEM(t, x); got != out.KeyFingerprint {
				t.Errorf("recipe on puttygen's export %q, KeyFingerprint %q", got, out.KeyFingerprint)
			}
		})
	}
}
