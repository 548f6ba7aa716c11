package main

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/rogpeppe/go-internal/testscript"
)

// input is a key file made by a real tool, with what the tools say about it.
type input struct {
	name    string
	path    string
	pass    string // passphrase file, "" when unencrypted
	blob    string // base64 public blob as ssh-keygen -y / puttygen -L print it
	comment string // the comment the file carries ("" when none or encrypted)
	ppk     bool
	rsa     bool
}

var (
	inOnce sync.Once
	inputs []*input
	inDir  string
	inErr  error
)

// TestMain also serves the testscript scripts (script_test.go): run as
// "keyforge", the test binary is the command itself.
func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){"keyforge": main})
}

// cleanupM removes the shared fixture directories after the tests.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	code := c.m.Run()
	if inDir != "" {
		os.RemoveAll(inDir)
	}
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	for _, d := range inDirs {
		os.RemoveAll(d)
	}
	return code
}

func fields(b []byte) []string { return strings.Fields(string(b)) }

// toolInputs makes the input matrix once per test run: ssh-keygen OpenSSH keys
// (plain and encrypted), openssl PKCS#8 and PKCS#1 RSA, puttygen PPK files
// (plain v2, encrypted v3 Argon2d).
func toolInputs(t *testing.T) []*input {
	t.Helper()
	for _, tool := range []string{"ssh-keygen", "openssl", "puttygen"} {
		testtool.Require(t, tool)
	}
	inOnce.Do(func() {
		var err error
		if inDir, err = os.MkdirTemp("", "keyforge-cli"); err != nil {
			inErr = err
			return
		}
		p := func(n string) string { return filepath.Join(inDir, n) }
		os.WriteFile(p("pw"), []byte("s3cret pass\n"), 0o600)
		os.WriteFile(p("empty"), nil, 0o600)

		testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-C", "c e", "-N", "", "-f", p("ed"))
		testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ecdsa", "-b", "384", "-C", "ec", "-N", "", "-f", p("ec"))
		testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-C", "enc", "-N", "s3cret pass", "-a", "4", "-f", p("ed-enc"))
		testtool.Run(t, nil, "openssl", "genrsa", "-out", p("rsa8.pem"), "2048")
		testtool.Run(t, nil, "openssl", "rsa", "-in", p("rsa8.pem"), "-traditional", "-out", p("rsa1.pem"))
		testtool.Run(t, nil, "puttygen", p("ed"), "-O", "private", "--new-passphrase", p("empty"), "--ppk-param", "version=2", "-o", p("ed2.ppk"))
		testtool.Run(t, nil, "puttygen", p("rsa1.pem"), "-O", "private", "-C", "putty rsa", "--new-passphrase", p("pw"),
			"--ppk-param", "version=3,kdf=argon2d,memory=1024,passes=2,parallelism=1", "-o", p("rsa-enc.ppk"))
		for _, f := range []string{"rsa8.pem", "rsa1.pem"} {
			os.Chmod(p(f), 0o600)
		}
		sshBlob := func(f string, args ...string) string {
			return fields(testtool.Run(t, nil, "ssh-keygen", append([]string{"-y", "-f", p(f)}, args...)...))[1]
		}
		puttyBlob := func(f string) string {
			return fields(testtool.Run(t, nil, "puttygen", p(f), "-L"))[1]
		}
		inputs = []*input{
			{name: "openssh-ed25519", path: p("ed"), blob: sshBlob("ed"), comment: "c e"},
			{name: "openssh-ecdsa384", path: p("ec"), blob: sshBlob("ec"), comment: "ec"},
			{name: "openssh-ed25519-encrypted", path: p("ed-enc"), pass: p("pw"), blob: sshBlob("ed-enc", "-P", "s3cret pass"), comment: "enc"},
			{name: "pkcs8-rsa", path: p("rsa8.pem"), blob: sshBlob("rsa8.pem"), rsa: true},
			{name: "pkcs1-rsa", path: p("rsa1.pem"), blob: sshBlob("rsa1.pem"), rsa: true},
			{name: "ppk2-ed25519", path: p("ed2.ppk"), blob: puttyBlob("ed2.ppk"), comment: "c e", ppk: true},
			{name: "ppk3-rsa-encrypted", path: p("rsa-enc.ppk"), pass: p("pw"), blob: puttyBlob("rsa-enc.ppk"), comment: "putty rsa", ppk: true, rsa: true},
		}
	})
	if inErr != nil || len(inputs) != 7 {
		t.Fatalf("making tool inputs: %v", inErr)
	}
	return inputs
}

func passArgs(in *input) []string {
	if in.pass == "" {
		return nil
	}
	return []string{"--passphrase-file", in.pass}
}

// spkiOfBlob is the PKIX DER of the key in an SSH public blob, for
// comparing openssl's view of our PEM output with ssh-keygen's of the input.
func spkiOfBlob(t *testing.T, b64 string) []byte {
	t.Helper()
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keytype.ParsePublicKey(blob)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestConvertMatrix(t *testing.T) {
	ins := toolInputs(t)
	passed := 0
	for _, in := range ins {
		for _, to := range []string{"ppk", "ppk2", "openssh", "pkcs1", "pkcs8", "public", "rfc4716", "pkix"} {
			t.Run(in.name+"/"+to, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				args := append([]string{"convert", "--to", to, "-o", out, in.path}, passArgs(in)...)
				_, errOut, code := runCLI(t, "", args...)
				if to == "pkcs1" && !in.rsa {
					if code != 1 || !strings.Contains(errOut, "pkcs1 holds RSA keys only") {
						t.Fatalf("pkcs1 of a non-RSA key: exit %d %q", code, errOut)
					}
					return
				}
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				st, _ := os.Stat(out)
				private := mustFormat(to).private
				if private && st.Mode().Perm() != 0o600 {
					t.Fatalf("private output mode %v", st.Mode().Perm())
				}
				data, _ := os.ReadFile(out)
				wantComment := in.comment
				if wantComment == "" && !in.ppk {
					wantComment = importedComment
				}
				switch to {
				case "ppk", "ppk2":
					testtool.Run(t, nil, "puttygen", out, "--dump")
					l := fields(testtool.Run(t, nil, "puttygen", out, "-L"))
					if l[1] != in.blob || strings.Join(l[2:], " ") != wantComment {
						t.Fatalf("puttygen -L %v, want blob %s comment %q", l, in.blob, wantComment)
					}
					v := map[string]string{"ppk": "3", "ppk2": "2"}[to]
					if !bytes.HasPrefix(data, []byte("PuTTY-User-Key-File-"+v+": ")) {
						t.Fatalf("not version %s: %.40q", v, data)
					}
				case "openssh":
					l := fields(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", out))
					if l[1] != in.blob || strings.Join(l[2:], " ") != in.comment {
						t.Fatalf("ssh-keygen -y %v, want %s %q", l, in.blob, in.comment)
					}
				case "pkcs1":
					testtool.Run(t, nil, "openssl", "rsa", "-in", out, "-check", "-noout")
					if l := fields(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", out)); l[1] != in.blob {
						t.Fatal("pkcs1 output holds another key")
					}
				case "pkcs8":
					der := testtool.Run(t, nil, "openssl", "pkey", "-in", out, "-pubout", "-outform", "DER")
					if !bytes.Equal(der, spkiOfBlob(t, in.blob)) {
						t.Fatal("openssl reads another public key from the pkcs8 output")
					}
				case "public":
					l := fields(data)
					if l[1] != in.blob || strings.Join(l[2:], " ") != in.comment {
						t.Fatalf("public line %v", l)
					}
					if l := fields(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", out)); len(l) < 3 {
						t.Fatal("ssh-keygen -l refuses the line")
					}
				case "rfc4716":
					l := fields(testtool.Run(t, nil, "ssh-keygen", "-i", "-f", out))
					if l[1] != in.blob {
						t.Fatal("ssh-keygen -i reads another key")
					}
					if in.comment != "" && !bytes.Contains(data, []byte(`Comment: "`+in.comment+`"`)) {
						t.Fatalf("no Comment header:\n%s", data)
					}
				case "pkix":
					der := testtool.Run(t, nil, "openssl", "pkey", "-pubin", "-in", out, "-outform", "DER")
					if !bytes.Equal(der, spkiOfBlob(t, in.blob)) {
						t.Fatal("openssl reads another key from the pkix output")
					}
				}
				passed++
			})
		}
	}
	t.Logf("%d conversions verified by the real tools", passed)
}

// TestConvertMatchesPuttygen: unencrypted PPK output is byte-identical to
// puttygen's own conversion of the same input.
func TestConvertMatchesPuttygen(t *testing.T) {
	for _, in := range toolInputs(t) {
		if in.pass != "" || in.ppk || strings.HasPrefix(in.name, "pkcs8") {
			continue // puttygen 0.78 reads no PKCS#8 and calls PPK→PPK "no useful action"
		}
		for _, v := range []string{"2", "3"} {
			want := filepath.Join(t.TempDir(), "p.ppk")
			empty := filepath.Join(inDir, "empty")
			testtool.Run(t, nil, "puttygen", in.path, "-O", "private", "--new-passphrase", empty, "--ppk-param", "version="+v, "-o", want)
			to := map[string]string{"2": "ppk2", "3": "ppk"}[v]
			got := mustRun(t, "convert", "--to", to, in.path)
			if w, _ := os.ReadFile(want); got != string(w) {
				t.Errorf("%s v%s differs from puttygen:\n%s\nvs\n%s", in.name, v, got, w)
			}
		}
	}
}

func TestConvertEncrypted(t *testing.T) {
	ins := toolInputs(t)
	ed := ins[0]
	pw := filepath.Join(inDir, "pw")
	dir := t.TempDir()
	// OpenSSH encrypted with a chosen round count: ssh-keygen reads it with -P.
	o := filepath.Join(dir, "o")
	mustRun(t, "convert", "--to", "openssh", "--new-passphrase-file", pw, "--kdf-rounds", "6", "-o", o, ed.path)
	l := fields(testtool.Run(t, nil, "ssh-keygen", "-y", "-P", "s3cret pass", "-f", o))
	if l[1] != ed.blob {
		t.Fatal("encrypted openssh output holds another key")
	}
	if _, _, err := testtool.RunErr(t, nil, "ssh-keygen", "-y", "-P", "wrong", "-f", o); err == nil {
		t.Fatal("ssh-keygen accepted a wrong passphrase")
	}
	// And back: keyforge reads ssh-keygen's and its own encrypted output.
	fp := mustRun(t, "fingerprint", "--passphrase-file", pw, o)
	if !strings.Contains(fp, "c e (ED25519)") {
		t.Fatalf("fingerprint %q", fp)
	}
	// PPK v3 with every Argon2 variant, and v2: puttygen decrypts each.
	for _, kdf := range []string{"argon2id", "argon2i", "argon2d", "v2"} {
		p := filepath.Join(dir, kdf+".ppk")
		args := []string{"convert", "--to", "ppk", "--new-passphrase-file", pw, "--ppk-param", "kdf=" + kdf + ",memory=512,passes=1,parallelism=2", "-o", p, ins[6].path, "--passphrase-file", pw}
		if kdf == "v2" {
			args = []string{"convert", "--to", "ppk2", "--new-passphrase-file", pw, "-o", p, ins[6].path, "--passphrase-file", pw}
		}
		mustRun(t, args...)
		testtool.Run(t, nil, "puttygen", p, "--old-passphrase", pw, "--dump")
		data, _ := os.ReadFile(p)
		if kdf != "v2" && !bytes.Contains(data, []byte("Key-Derivation: "+map[string]string{"argon2id": "Argon2id", "argon2i": "Argon2i", "argon2d": "Argon2d"}[kdf]+"\nArgon2-Memory: 512\nArgon2-Passes: 1\nArgon2-Parallelism: 2\n")) {
			t.Fatalf("%s: parameters not written:\n%s", kdf, data)
		}
		if l := fields(testtool.Run(t, nil, "puttygen", p, "-L")); l[1] != ins[6].blob || strings.Join(l[2:], " ") != "putty rsa" {
			t.Fatalf("%s: puttygen -L %v", kdf, l)
		}
	}
	// An empty new-passphrase file means unencrypted, as in puttygen.
	out := mustRun(t, "convert", "--to", "ppk", "--new-passphrase-file", filepath.Join(inDir, "empty"), ed.path)
	if !strings.Contains(out, "Encryption: none\n") {
		t.Fatal("empty passphrase file encrypted the output")
	}
}

func TestConvertErrors(t *testing.T) {
	ins := toolInputs(t)
	pw := filepath.Join(inDir, "pw")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"convert", "--to", "ppk", ins[2].path}, 1, "give its passphrase with --passphrase-file"},
		{[]string{"convert", "--to", "ppk", ins[6].path}, 1, "give its passphrase with --passphrase-file"},
		{[]string{"convert", "--to", "ppk", "--passphrase-file", filepath.Join(inDir, "empty"), ins[6].path}, 1, "keyforge: "},
		{[]string{"convert", "--to", "openssh", "--passphrase-file", filepath.Join(inDir, "empty"), ins[2].path}, 1, "keyforge: "},
		{[]string{"convert", "--to", "pkix", "--new-passphrase-file", pw, ins[0].path}, 1, "cannot be encrypted"},
		{[]string{"convert", "--to", "der", ins[0].path}, 2, "--to must be one of"},
		{[]string{"convert", ins[0].path}, 2, "--to FORMAT is required"},
		{[]string{"convert", "--to", "ppk"}, 2, "expected exactly one input file"},
		{[]string{"convert", "--to", "ppk", "--ppk-param", "kdf=scrypt", ins[0].path}, 2, "kdf must be"},
		{[]string{"convert", "--to", "ppk", "--ppk-param", "memory=4294967295", ins[0].path}, 2, "exceeds the ceiling"},
		{[]string{"convert", "--to", "ppk", "--ppk-param", "memory=1048576,passes=1000", ins[0].path}, 2, "ceiling"},
		{[]string{"convert", "--to", "ppk", "--ppk-param", "passes=0", ins[0].path}, 2, "positive integer"},
		{[]string{"convert", "--to", "ppk", "--ppk-param", "memory=8,parallelism=4", ins[0].path}, 2, "8 × parallelism"},
		{[]string{"convert", "--to", "ppk", "--ppk-param", "bogus", ins[0].path}, 2, "not key=value"},
		{[]string{"convert", "--to", "ppk", "--comment", "a\nb", ins[0].path}, 1, "line breaks"},
		{[]string{"convert", "--to", "openssh", filepath.Join(inDir, "ed.pub")}, 1, "a private key is needed"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, "", tc.args...)
			if code != tc.code || out != "" || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q (want %q)", code, tc.code, out, errOut, tc.want)
			}
			if strings.Contains(errOut, "s3cret") {
				t.Fatal("passphrase in an error message")
			}
		})
	}
}

func TestConvertCommentAndStdout(t *testing.T) {
	ed := toolInputs(t)[0]
	out := mustRun(t, "convert", "--to", "public", "--comment", "new one", ed.path)
	if out != "ssh-ed25519 "+ed.blob+" new one\n" {
		t.Fatalf("public line %q", out)
	}
	out = mustRun(t, "convert", "--to", "public", "--comment", "", ed.path)
	if out != "ssh-ed25519 "+ed.blob+"\n" {
		t.Fatalf("public line without comment %q", out)
	}
	// stdin as input.
	data, _ := os.ReadFile(ed.path)
	o, e, code := runCLI(t, string(data), "convert", "--to", "public", "-")
	if code != 0 || o != "ssh-ed25519 "+ed.blob+" c e\n" {
		t.Fatalf("stdin: %d %q %q", code, o, e)
	}
}

// TestFingerprintMatchesTools compares `keyforge fingerprint` with
// ssh-keygen -l (sha256 and md5) and puttygen -l, and the EC2 forms with the
// openssl recipes of doc/fingerprints.md.
func TestFingerprintMatchesTools(t *testing.T) {
	n := 0
	for _, in := range toolInputs(t) {
		t.Run(in.name, func(t *testing.T) {
			var f fingerprintJSON
			if err := json.Unmarshal([]byte(mustRun(t, append([]string{"fingerprint", "--json", in.path}, passArgs(in)...)...)), &f); err != nil {
				t.Fatal(err)
			}
			plain := mustRun(t, append([]string{"fingerprint", in.path}, passArgs(in)...)...)
			// ssh-keygen -l on a public line made from the blob gives bits, sha256 and type.
			pub := testtool.WriteFile(t, "k.pub", []byte(fmt.Sprintf("%s %s %s\n", algOf(t, in.blob), in.blob, "x")))
			sk := fields(testtool.Run(t, nil, "ssh-keygen", "-l", "-E", "sha256", "-f", pub))
			md := fields(testtool.Run(t, nil, "ssh-keygen", "-l", "-E", "md5", "-f", pub))
			if f.SHA256 != sk[1] || f.MD5 != md[1] || fmt.Sprint(f.Bits) != sk[0] || "("+f.Type+")" != sk[len(sk)-1] {
				t.Fatalf("keyforge %+v, ssh-keygen %v %v", f, sk, md)
			}
			comment := f.Comment
			if comment == "" {
				comment = "no comment"
			}
			if want := fmt.Sprintf("%s %s %s (%s)\n", sk[0], sk[1], comment, f.Type); plain != want {
				t.Fatalf("plain %q, want %q", plain, want)
			}
			if in.ppk {
				pl := fields(testtool.Run(t, nil, "puttygen", in.path, "-l"))
				if pl[2] != f.SHA256 {
					t.Fatalf("puttygen -l %v", pl)
				}
			}
			if !in.ppk && in.pass == "" {
				// ssh-keygen -l on the private file itself agrees too.
				if l := fields(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", in.path)); l[1] != f.SHA256 {
					t.Fatalf("ssh-keygen -l on the key file: %v", l)
				}
			}
			switch {
			case in.rsa:
				der := spkiOfBlob(t, in.blob)
				if want := opensslDigest(t, der, "md5"); f.EC2Import != want {
					t.Fatalf("EC2Import %s, openssl md5 -c %s", f.EC2Import, want)
				}
				pem := in.path
				if in.ppk {
					pem = filepath.Join(t.TempDir(), "x.pem")
					testtool.Run(t, nil, "puttygen", in.path, "--old-passphrase", in.pass, "--new-passphrase", filepath.Join(inDir, "empty"), "-O", "private-openssh", "-o", pem)
				}
				p8 := testtool.Run(t, nil, "openssl", "pkcs8", "-in", pem, "-inform", "PEM", "-outform", "DER", "-topk8", "-nocrypt")
				if want := opensslDigest(t, p8, "sha1"); f.EC2Create != want {
					t.Fatalf("EC2Create %s, openssl recipe %s", f.EC2Create, want)
				}
			case f.Type == "ED25519":
				want := strings.TrimPrefix(f.SHA256, "SHA256:") + "="
				if f.EC2Import != want || f.EC2Create != want {
					t.Fatalf("Ed25519 EC2 forms %q %q, want %q", f.EC2Import, f.EC2Create, want)
				}
			default:
				if f.EC2Import != "" || f.EC2Create != "" {
					t.Fatalf("ECDSA has EC2 fingerprints: %+v", f)
				}
			}
			n++
		})
	}
	t.Logf("%d inputs: fingerprints equal ssh-keygen/puttygen/openssl", n)
}

// TestFingerprintEncryptedWithoutPassphrase reads the public half of
// encrypted PPK and OpenSSH files, as puttygen -l and ssh-keygen -l do.
func TestFingerprintEncryptedWithoutPassphrase(t *testing.T) {
	ins := toolInputs(t)
	for _, in := range []*input{ins[2], ins[6]} {
		var f fingerprintJSON
		json.Unmarshal([]byte(mustRun(t, "fingerprint", "--json", in.path)), &f)
		wantSHA := fields(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", testtool.WriteFile(t, "p.pub", []byte(algOf(t, in.blob)+" "+in.blob+"\n"))))[1]
		if f.SHA256 != wantSHA {
			t.Errorf("%s: %s, want %s", in.name, f.SHA256, wantSHA)
		}
		if in.rsa && f.EC2Create != "" {
			t.Errorf("%s: EC2Create without the private key", in.name)
		}
	}
}

func algOf(t *testing.T, b64 string) string {
	blob, _ := base64.StdEncoding.DecodeString(b64)
	r := sshwire.NewReader(blob)
	return string(r.String())
}

func opensslDigest(t *testing.T, data []byte, alg string) string {
	t.Helper()
	s := strings.TrimSpace(string(testtool.Run(t, data, "openssl", alg, "-c")))
	return s[strings.LastIndex(s, "= ")+2:]
}

func TestImportCLI(t *testing.T) {
	ins := toolInputs(t)
	rsaPub := filepath.Join(t.TempDir(), "rsa.pub")
	os.WriteFile(rsaPub, []byte("ssh-rsa "+ins[4].blob+" me\n"), 0o644)
	out := mustRun(t, "import", "--name", "imp", "--public-key", rsaPub, "--seed", "00112233445566778899aabbccddeeff")
	re := regexp.MustCompile(`^\{\n    "KeyFingerprint": "([0-9a-f:]{47})",\n    "KeyName": "imp",\n    "KeyPairId": "key-0[0-9a-f]{16}"\n\}\n$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("import printed:\n%s", out)
	}
	if want := opensslDigest(t, spkiOfBlob(t, ins[4].blob), "md5"); m[1] != want {
		t.Fatalf("fingerprint %s, openssl %s", m[1], want)
	}
	if again := mustRun(t, "import", "--public-key", rsaPub, "--name", "imp", "--seed", "00112233445566778899aabbccddeeff"); again != out {
		t.Fatal("seeded import not reproducible")
	}
	out = mustRun(t, "import", "--name", "t", "--public-key", ins[0].path+".pub", "--tag", "k=v")
	if !strings.Contains(out, "\"Tags\": [\n        {\n            \"Key\": \"k\",\n            \"Value\": \"v\"\n        }\n    ]\n}\n") {
		t.Fatalf("tags:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import", "--name", "x"}, 1, "keyforge: MissingParameter: The request must contain the parameter PublicKeyMaterial\n"},
		{[]string{"import", "--name", "x", "--public-key", ins[1].path + ".pub"}, 1, "keyforge: InvalidKey.Format: Key is not in valid OpenSSH public key format\n"},
		{[]string{"import", "--name", "x", "--public-key", ins[0].path}, 1, "keyforge: InvalidKey.Format: Key is not in valid OpenSSH public key format\n"},
		{[]string{"import", "--public-key", rsaPub}, 1, "keyforge: MissingParameter: The request must contain the parameter KeyName\n"},
		{[]string{"import", "--name", "x", "--public-key", rsaPub, "--dry-run"}, 1, "keyforge: DryRunOperation: Request would have succeeded, but DryRun flag is set.\n"},
		{[]string{"import", "--name", "x", "--public-key", rsaPub, "stray"}, 2, "keyforge import: unexpected argument \"stray\"\n"},
	} {
		o, e, code := runCLI(t, "", tc.args...)
		if code != tc.code || o != "" || !strings.HasPrefix(e, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d %q", tc.args, code, o, e, tc.code, tc.want)
		}
	}
}

// TestPassphraseFileLikePuttygen: a passphrase file means what puttygen
// makes of it. puttygen encrypts with each file; keyforge must decrypt with
// the same file, and also with the bare passphrase.
func TestPassphraseFileLikePuttygen(t *testing.T) {
	testtool.Require(t, "puttygen")
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare")
	os.WriteFile(bare, []byte("abc"), 0o600)
	for name, content := range map[string]string{"lf": "abc\n", "crlf": "abc\r\n", "cr": "abc\r", "crcr": "abc\r\r\n", "two-lines": "abc\ndef\n", "cr-then-text": "abc\rzzz",
		"nul": "abc\x00def\n", "nul-at-end": "abc\x00"} {
		t.Run(name, func(t *testing.T) {
			pf := filepath.Join(dir, name)
			os.WriteFile(pf, []byte(content), 0o600)
			k := filepath.Join(dir, name+".ppk")
			testtool.Run(t, nil, "puttygen", "-t", "ed25519", "-C", "x", "--new-passphrase", pf, "--ppk-param", "memory=256,passes=1", "-o", k, "-q")
			for _, f := range []string{pf, bare} {
				if _, e, code := runCLI(t, "", "convert", "--to", "pkcs8", "--passphrase-file", f, k); code != 0 {
					t.Fatalf("decrypting with %s: exit %d: %s", filepath.Base(f), code, e)
				}
			}
		})
	}
}

// TestFingerprintPlainLikeSSHKeygen: the plain output equals ssh-keygen -l's
// byte for byte, including its comment rules.
func TestFingerprintPlainLikeSSHKeygen(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	testtool.Require(t, "openssl")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", p("empty-comment"))
	testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-C", "two words", "-f", p("ecdsa"))
	testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "pw", "-C", "hidden", "-f", p("encrypted"))
	testtool.Run(t, nil, "openssl", "genrsa", "-traditional", "-out", p("pkcs1"), "1024")
	os.Chmod(p("pkcs1"), 0o600)
	line := testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p("pkcs1"))
	os.WriteFile(p("nocomment.pub"), []byte(strings.Join(fields(line)[:2], " ")+"\n"), 0o644)
	os.WriteFile(p("trailing.pub"), []byte(strings.Join(fields(line)[:2], " ")+"  two  words \t \n"), 0o644)
	os.WriteFile(p("blank-comment.pub"), []byte(strings.Join(fields(line)[:2], " ")+" \t  \n"), 0o644)
	for _, f := range []string{"empty-comment", "ecdsa", "encrypted", "pkcs1"} {
		os.Remove(p(f) + ".pub") // make ssh-keygen read the private file
	}
	for _, f := range []string{"empty-comment", "ecdsa", "encrypted", "pkcs1", "nocomment.pub", "trailing.pub", "blank-comment.pub"} {
		want := string(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", p(f)))
		if got := mustRun(t, "fingerprint", p(f)); got != want {
			t.Errorf("%s: keyforge %q, ssh-keygen %q", f, got, want)
		}
	}
}

// mustFormat is lookupFormat for names known to exist.
func mustFormat(name string) outFormat {
	f, ok := lookupFormat(name)
	if !ok {
		panic("unknown output format " + name)
	}
	return f
}
