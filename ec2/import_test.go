package ec2

import (
	"context"
	stdecdsa "crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
)

// importKey is a tool-made key and the material forms EC2 accepts for it.
type importKey struct {
	name      string
	path      string // private key file
	line      []byte // ssh-keygen -y
	rfc4716   []byte // ssh-keygen -e (RSA)
	spkiB64   []byte // base64 of openssl's SPKI DER (RSA)
	wantFP    string // doc/fingerprints.md recipe
	isEd25519 bool
}

var (
	impOnce sync.Once
	impKeys []*importKey
	impDir  string
)

// importFixtures makes RSA 1024/2048/3072/4096 with openssl and Ed25519 with
// ssh-keygen once per test run, and computes each expected fingerprint with
// the recipes of doc/fingerprints.md.
func importFixtures(t *testing.T) []*importKey {
	t.Helper()
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	impOnce.Do(func() {
		var err error
		impDir, err = os.MkdirTemp("", "keyforge-import")
		if err != nil {
			t.Fatal(err)
		}
		for _, bits := range []int{1024, 2048, 3072, 4096} {
			k := &importKey{name: fmt.Sprint("rsa", bits), path: filepath.Join(impDir, fmt.Sprint("rsa", bits))}
			testtool.Run(t, nil, "openssl", "genrsa", "-traditional", "-out", k.path, fmt.Sprint(bits))
			os.Chmod(k.path, 0o600)
			k.line = testtool.Run(t, nil, "ssh-keygen", "-y", "-f", k.path)
			k.rfc4716 = testtool.Run(t, nil, "ssh-keygen", "-e", "-f", k.path)
			der := testtool.Run(t, nil, "openssl", "rsa", "-in", k.path, "-pubout", "-outform", "DER")
			k.spkiB64 = []byte(base64.StdEncoding.EncodeToString(der))
			k.wantFP = opensslColon(t, testtool.Run(t, der, "openssl", "md5", "-c"))
			impKeys = append(impKeys, k)
		}
		k := &importKey{name: "ed25519", path: filepath.Join(impDir, "ed25519"), isEd25519: true}
		testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me@host", "-f", k.path)
		k.line, _ = os.ReadFile(k.path + ".pub")
		k.wantFP = ed25519EC2FromLine(t, k.line)
		impKeys = append(impKeys, k)
	})
	if len(impKeys) != 5 {
		t.Fatal("import fixtures failed")
	}
	return impKeys
}

// ed25519Line is an Ed25519 public key for the tests of validation and
// state, which need no tool: ssh-keygen's output forms are checked above.
func ed25519Line(t *testing.T) *importKey {
	t.Helper()
	line, err := pemenc.MarshalAuthorizedKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public(), "me@host")
	if err != nil {
		t.Fatal(err)
	}
	return &importKey{name: "ed25519", line: line, isEd25519: true}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if impDir != "" {
		os.RemoveAll(impDir)
	}
	os.Exit(code)
}

func TestImportFingerprintsMatchRecipes(t *testing.T) {
	s := NewService(Options{})
	ctx := context.Background()
	n := 0
	for _, k := range importFixtures(t) {
		forms := map[string][]byte{
			"line":            k.line,
			"line-no-comment": []byte(strings.Join(strings.Fields(string(k.line))[:2], " ")),
			"line-no-newline": []byte(strings.TrimSpace(string(k.line))),
			"line-comment":    []byte(strings.TrimSpace(string(k.line)) + " user@example with spaces\n"),
			"line-crlf":       []byte(strings.TrimSpace(string(k.line)) + "\r\n"),
		}
		if !k.isEd25519 {
			forms["rfc4716"] = k.rfc4716
			forms["spki-base64"] = k.spkiB64
			forms["spki-base64-wrapped"] = []byte(wrap(string(k.spkiB64), 64))
		}
		for form, m := range forms {
			n++
			name := k.name + "-" + form
			out, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: name, PublicKeyMaterial: m})
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if out.KeyFingerprint != k.wantFP || out.KeyName != name || !idRE.MatchString(out.KeyPairId) || out.Tags != nil {
				t.Errorf("%s: %+v, want fingerprint %s", name, out, k.wantFP)
			}
			wantType := "rsa"
			if k.isEd25519 {
				wantType = "ed25519"
			}
			if got := s.byName[name].KeyType; got != wantType {
				t.Errorf("%s stored as %s", name, got)
			}
		}
	}
	t.Logf("%d import forms matched the openssl/ssh-keygen recipes", n)
}

func wrap(s string, w int) string {
	var b strings.Builder
	for len(s) > w {
		b.WriteString(s[:w] + "\n")
		s = s[w:]
	}
	return b.String() + s + "\n"
}

func lineOf(blob []byte) []byte {
	n := binary.BigEndian.Uint32(blob)
	alg := string(blob[4 : 4+n])
	return []byte(alg + " " + base64.StdEncoding.EncodeToString(blob) + " c\n")
}

func TestImportBadMaterial(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	testtool.Require(t, "openssl")
	dir := t.TempDir()
	gen := func(args ...string) []byte {
		p := filepath.Join(dir, fmt.Sprint(len(args), args[1], args[len(args)-1]))
		testtool.Run(t, nil, "ssh-keygen", append([]string{"-q", "-N", "", "-f", p}, args...)...)
		b, _ := os.ReadFile(p + ".pub")
		return b
	}
	ecdsa := gen("-t", "ecdsa", "-b", "256")
	ecdsaPath := filepath.Join(dir, "ec.pem")
	testtool.Run(t, nil, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ecdsaPath)
	ecDER := testtool.Run(t, nil, "openssl", "ec", "-in", ecdsaPath, "-pubout", "-outform", "DER")
	edPath := filepath.Join(dir, "ed.pem")
	testtool.Run(t, nil, "openssl", "genpkey", "-algorithm", "ed25519", "-out", edPath)
	edDER := testtool.Run(t, nil, "openssl", "pkey", "-in", edPath, "-pubout", "-outform", "DER")
	rsa512 := filepath.Join(dir, "rsa512")
	testtool.Run(t, nil, "openssl", "genrsa", "-traditional", "-out", rsa512, "512")
	rsa512DER := testtool.Run(t, nil, "openssl", "rsa", "-in", rsa512, "-pubout", "-outform", "DER")

	good := importFixtures(t)
	rsaLine := strings.TrimSpace(string(good[1].line))
	edLine := strings.TrimSpace(string(good[4].line))
	rsaFields := strings.Fields(rsaLine)
	edFields := strings.Fields(edLine)

	// sk-ecdsa: a syntactically valid security-key blob.
	sk := wireBlob([]byte("sk-ecdsa-sha2-nistp256@openssh.com"), []byte("nistp256"), make([]byte, 65), []byte("ssh:"))
	skEd := wireBlob([]byte("sk-ssh-ed25519@openssh.com"), make([]byte, 32), []byte("ssh:"))
	// Real security keys and an ssh-keygen -s certificate: EC2 refuses both.
	skKey, _ := stdecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	skLine, _ := pemenc.MarshalAuthorizedKey(&fido.ECDSAPublicKey{Key: &skKey.PublicKey, Application: "ssh:"}, "yubikey")
	skEdLine, _ := pemenc.MarshalAuthorizedKey(&fido.Ed25519PublicKey{Key: ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey), Application: "ssh:"}, "")
	certLine, err := os.ReadFile(filepath.Join("..", "keyfile", "testdata", "ed25519-cert.pub"))
	if err != nil {
		t.Fatal(err)
	}
	// DSA blob built by hand (ssh-keygen 9.2 may not generate DSA).
	dsa := wireBlob([]byte("ssh-dss"), []byte{1, 2, 3}, []byte{1, 2, 3}, []byte{1, 2, 3}, []byte{1, 2, 3})

	bad := map[string][]byte{
		"whitespace only":      []byte(" \n"),
		"garbage":              []byte("hello world"),
		"ecdsa line":           ecdsa,
		"ecdsa SPKI":           []byte(base64.StdEncoding.EncodeToString(ecDER)),
		"ed25519 SPKI":         []byte(base64.StdEncoding.EncodeToString(edDER)),
		"rsa 512 SPKI":         []byte(base64.StdEncoding.EncodeToString(rsa512DER)),
		"raw DER":              rsa512DER,
		"dsa line":             lineOf(dsa),
		"sk-ecdsa line":        lineOf(sk),
		"sk-ed25519 line":      lineOf(skEd),
		"real sk-ecdsa line":   skLine,
		"real sk-ed25519 line": skEdLine,
		"certificate line":     certLine,
		"alg mismatch":         []byte("ssh-rsa " + edFields[1]),
		"truncated base64":     []byte(rsaFields[0] + " " + rsaFields[1][:len(rsaFields[1])-8]),
		"bad base64":           []byte(rsaFields[0] + " " + rsaFields[1][:20] + "!!!!" + rsaFields[1][24:]),
		"two lines":            []byte(rsaLine + "\n" + edLine + "\n"),
		"options prefix":       []byte(`from="10.0.0.1" ` + edLine),
		"private key":          []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"),
		"rfc4716 ed25519":      []byte("---- BEGIN SSH2 PUBLIC KEY ----\n" + wrap(edFields[1], 70) + "---- END SSH2 PUBLIC KEY ----\n"),
		"rfc4716 no end":       []byte(strings.Replace(string(good[1].rfc4716), "---- END SSH2 PUBLIC KEY ----", "", 1)),
		"rfc4716 corrupt body": []byte(strings.Replace(string(good[1].rfc4716), "AAAA", "AA!A", 1)),
		"huge":                 []byte(strings.Repeat("A", maxImportMaterial+4)),
		"only the algorithm":   []byte("ssh-ed25519 "),
	}
	s := NewService(Options{})
	for name, m := range bad {
		for _, dry := range []bool{false, true} {
			_, err := s.ImportKeyPair(context.Background(), &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: m, DryRun: dry})
			t.Run(fmt.Sprintf("%s/dry=%v", name, dry), func(t *testing.T) {
				expectAPIError(t, err, CodeInvalidKeyFormat, 400, "Key is not in valid OpenSSH public key format")
			})
		}
	}
	if s.count() != 0 {
		t.Fatal("bad material stored a key pair")
	}
}

func TestImportValidationAndState(t *testing.T) {
	k := ed25519Line(t)
	ctx := context.Background()
	s := NewService(Options{MaxKeyPairs: 3})
	_, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "k"})
	expectAPIError(t, err, CodeMissingParameter, 400, "The request must contain the parameter PublicKeyMaterial")
	_, err = s.ImportKeyPair(ctx, nil)
	expectAPIError(t, err, CodeMissingParameter, 400, "The request must contain the parameter KeyName")
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "k ", PublicKeyMaterial: k.line})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "")
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: k.line, TagSpecifications: tagSpec(Tag{"aws:a", "b"})})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "Tag keys starting with 'aws:' are reserved for internal use")
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: k.line, DryRun: true})
	expectAPIError(t, err, CodeDryRunOperation, 412, "Request would have succeeded, but DryRun flag is set.")

	// Names are shared between create and import, both ways.
	if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "created", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "created", PublicKeyMaterial: k.line})
	expectAPIError(t, err, CodeDuplicate, 400, "The keypair 'created' already exists.")
	out, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "imported", PublicKeyMaterial: k.line,
		TagSpecifications: tagSpec(Tag{"team", "a"})})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || out.Tags[0] != (Tag{"team", "a"}) {
		t.Fatalf("tags %+v", out.Tags)
	}
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "imported", KeyType: "ed25519"})
	expectAPIError(t, err, CodeDuplicate, 400, "The keypair 'imported' already exists.")
	// DryRun comes before the duplicate check.
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "imported", PublicKeyMaterial: k.line, DryRun: true})
	expectAPIError(t, err, CodeDryRunOperation, 412, "")
	// The same key may be imported under another name; the quota is shared.
	if _, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "third", PublicKeyMaterial: k.line}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "fourth", PublicKeyMaterial: k.line})
	expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "")
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "fourth", KeyType: "ed25519"})
	expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "")
	if s.count() != 3 {
		t.Fatalf("count %d", s.count())
	}
}

func TestImportSeeded(t *testing.T) {
	k := ed25519Line(t)
	in := &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: k.line}
	a, err := NewService(Options{Seed: []byte("s")}).ImportKeyPair(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewService(Options{Seed: []byte("s")}).ImportKeyPair(context.Background(), in)
	c, _ := NewService(Options{}).ImportKeyPair(context.Background(), in)
	if a.KeyPairId != b.KeyPairId || a.KeyPairId == c.KeyPairId {
		t.Fatalf("ids %s %s %s", a.KeyPairId, b.KeyPairId, c.KeyPairId)
	}
}

func FuzzParsePublicKeyMaterial(f *testing.F) {
	f.Add([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 c\n"))
	f.Add([]byte("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"x\"\nAAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2\n---- END SSH2 PUBLIC KEY ----\n"))
	f.Add([]byte("MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7"))
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	blob, _ := keytype.MarshalPublicKey(priv.Public())
	f.Add(lineOf(blob))
	// Real samples made with ssh-keygen -y, ssh-keygen -e and openssl rsa -pubout.
	for _, name := range []string{"rsa2048.pub", "rsa2048.rfc4716", "rsa2048.spki.b64"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, m []byte) {
		pub, err := ParsePublicKeyMaterial(m)
		if err != nil {
			var ae *APIError
			if !asAPI(err, &ae) || (ae.Code != CodeInvalidKeyFormat && ae.Code != CodeMissingParameter) {
				t.Fatalf("error %v", err)
			}
			return
		}
		switch k := pub.(type) {
		case *rsa.PublicKey:
			if k.N.BitLen() < keytype.MinRSABits {
				t.Fatal("small RSA accepted")
			}
		case ed25519.PublicKey:
		default:
			t.Fatalf("accepted %T", pub)
		}
		if _, err := NewService(Options{Seed: []byte{1}}).ImportKeyPair(context.Background(),
			&ImportKeyPairInput{KeyName: "f", PublicKeyMaterial: m}); err != nil {
			t.Fatalf("parsed but import failed: %v", err)
		}
	})
}

func TestImportTestdataSamples(t *testing.T) {
	var fps []string
	for _, name := range []string{"rsa2048.pub", "rsa2048.rfc4716", "rsa2048.spki.b64"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		out, err := NewService(Options{}).ImportKeyPair(context.Background(), &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: data})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fps = append(fps, out.KeyFingerprint)
	}
	if fps[0] != fps[1] || fps[1] != fps[2] {
		t.Fatalf("three forms of one key give %v", fps)
	}
}

// wireBlob frames each field as an SSH string (uint32 length, bytes).
func wireBlob(fields ...[]byte) []byte {
	var b []byte
	for _, f := range fields {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}
