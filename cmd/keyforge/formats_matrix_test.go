package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/keyfile"
	"github.com/keyforge/keyforge/pemenc"
)

// The format matrix: for every output format of convert and every key type
// it holds, keyforge's output is read by the tool that owns the format, and
// that tool's output is read by keyforge, with the same public key (and
// comment, where the format has one).

const matrixPass = "matrix pass"

// matrixKey is a source key made by ssh-keygen, with the same key as PEM
// for the openssl commands (ed25519: an openssl key of its own, since
// ssh-keygen writes no Ed25519 PEM).
type matrixKey struct {
	typ     string // rsa, ed25519, p256, p384, p521
	openssh string // ssh-keygen's private key file, comment "matrix <typ>"
	line    string // "alg base64" of it
	comment string
	pem     string // PKCS#8 of a key openssl can read
	pemLine string // "alg base64" of that key
	dir     string
	pwFile  string
}

var (
	matrixOnce sync.Once
	matrixKeys []*matrixKey
	matrixErr  string
)

func keyLine(t *testing.T, data []byte, pass []byte) (line, comment string) {
	t.Helper()
	k, err := keyfile.Parse(data, &keyfile.ParseOptions{Passphrase: pass})
	if err != nil {
		t.Fatalf("reading the tool's output: %v\n%s", err, data)
	}
	b, err := pemenc.MarshalAuthorizedKey(k.PublicKey, "")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b)), k.Comment
}

func matrixSources(t *testing.T) []*matrixKey {
	t.Helper()
	for _, tool := range []string{"ssh-keygen", "openssl", "puttygen", "dropbearkey", "dropbearconvert"} {
		testtool.Require(t, tool)
	}
	matrixOnce.Do(func() {
		dir, err := os.MkdirTemp("", "keyforge-matrix")
		if err != nil {
			matrixErr = err.Error()
			return
		}
		inDirs = append(inDirs, dir)
		pw := filepath.Join(dir, "pw")
		os.WriteFile(pw, []byte(matrixPass+"\n"), 0o600)
		for _, spec := range [][3]string{{"rsa", "rsa", "2048"}, {"ed25519", "ed25519", ""}, {"p256", "ecdsa", "256"}, {"p384", "ecdsa", "384"}, {"p521", "ecdsa", "521"}} {
			k := &matrixKey{typ: spec[0], dir: dir, pwFile: pw, comment: "matrix " + spec[0]}
			k.openssh = filepath.Join(dir, spec[0])
			args := []string{"-q", "-t", spec[1], "-N", "", "-C", k.comment, "-f", k.openssh}
			if spec[2] != "" {
				args = append(args, "-b", spec[2])
			}
			testtool.Run(t, nil, "ssh-keygen", args...)
			f := strings.Fields(string(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", k.openssh)))
			k.line = f[0] + " " + f[1]
			k.pem = k.openssh + ".pk8"
			if spec[0] == "ed25519" {
				testtool.Run(t, nil, "openssl", "genpkey", "-algorithm", "ed25519", "-out", k.pem)
			} else {
				cp := k.openssh + ".tmp"
				b, _ := os.ReadFile(k.openssh)
				os.WriteFile(cp, b, 0o600)
				testtool.Run(t, nil, "ssh-keygen", "-q", "-p", "-m", "PKCS8", "-N", "", "-P", "", "-f", cp)
				os.Rename(cp, k.pem)
			}
			pub := testtool.Run(t, nil, "openssl", "pkey", "-in", k.pem, "-pubout")
			k.pemLine, _ = keyLine(t, pub, nil)
			matrixKeys = append(matrixKeys, k)
		}
	})
	if matrixErr != "" || len(matrixKeys) != 5 {
		t.Fatalf("making the matrix keys failed: %s", matrixErr)
	}
	return matrixKeys
}

// inDirs are removed after the tests (cleanupM).
var inDirs []string

func puttyPublic(t *testing.T, k *matrixKey, path string, encrypted bool) []byte {
	pw := "/dev/null"
	if encrypted {
		pw = k.pwFile
	}
	return testtool.Run(t, nil, "puttygen", path, "--old-passphrase", pw, "-O", "public-openssh", "-o", "/dev/stdout")
}

func dropbearPublic(t *testing.T, path string) []byte {
	for _, l := range strings.Split(string(testtool.Run(t, nil, "dropbearkey", "-y", "-f", path)), "\n") {
		if strings.HasPrefix(l, "ssh-") || strings.HasPrefix(l, "ecdsa-") {
			return []byte(l)
		}
	}
	t.Fatal("no public line from dropbearkey -y")
	return nil
}

// matrixFormat is one row: how keyforge writes it, how the owning tool
// reads keyforge's file (a public key in any form keyfile reads), and how
// the tool writes the format (the file, whether it uses the PEM source key).
type matrixFormat struct {
	name      string
	args      []string // keyforge convert arguments
	types     string   // key types held, "" = all
	comment   bool     // the format carries the comment
	encrypted bool
	read      func(t *testing.T, k *matrixKey, path string) []byte
	write     func(t *testing.T, k *matrixKey, path string) (fromPEM bool)
}

func opensslRead(args ...string) func(t *testing.T, k *matrixKey, path string) []byte {
	return func(t *testing.T, k *matrixKey, path string) []byte {
		a := append([]string(nil), args...)
		for i, s := range a {
			if s == "IN" {
				a[i] = path
			}
		}
		return testtool.Run(t, nil, "openssl", a...)
	}
}

func opensslWrite(args ...string) func(t *testing.T, k *matrixKey, path string) bool {
	return func(t *testing.T, k *matrixKey, path string) bool {
		a := append([]string(nil), args...)
		for i, s := range a {
			switch s {
			case "IN":
				a[i] = k.pem
			case "OUT":
				a[i] = path
			}
		}
		testtool.Run(t, nil, "openssl", a...)
		return true
	}
}

var matrixFormats = []matrixFormat{
	{name: "openssh", args: []string{"--to", "openssh"}, comment: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte {
			return testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p)
		},
		write: func(t *testing.T, k *matrixKey, p string) bool {
			b, _ := os.ReadFile(k.openssh)
			os.WriteFile(p, b, 0o600)
			return false
		}},
	{name: "openssh-encrypted", args: []string{"--to", "openssh", "--new-passphrase-file", "PW", "--kdf-rounds", "4"}, comment: true, encrypted: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte {
			return testtool.Run(t, nil, "ssh-keygen", "-y", "-P", matrixPass, "-f", p)
		},
		write: func(t *testing.T, k *matrixKey, p string) bool {
			b, _ := os.ReadFile(k.openssh)
			os.WriteFile(p, b, 0o600)
			testtool.Run(t, nil, "ssh-keygen", "-q", "-p", "-a", "4", "-N", matrixPass, "-P", "", "-f", p)
			return false
		}},
	{name: "ppk", args: []string{"--to", "ppk"}, comment: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte { return puttyPublic(t, k, p, false) },
		write: func(t *testing.T, k *matrixKey, p string) bool {
			testtool.Run(t, nil, "puttygen", k.openssh, "--new-passphrase", "/dev/null", "-o", p)
			return false
		}},
	{name: "pkcs1", args: []string{"--to", "pkcs1"}, types: "rsa",
		read:  opensslRead("rsa", "-in", "IN", "-pubout"),
		write: opensslWrite("rsa", "-in", "IN", "-traditional", "-out", "OUT")},
	{name: "pkcs1-der", args: []string{"--to", "pkcs1", "--der"}, types: "rsa",
		read:  opensslRead("rsa", "-inform", "DER", "-in", "IN", "-pubout"),
		write: opensslWrite("rsa", "-in", "IN", "-traditional", "-outform", "DER", "-out", "OUT")},
	{name: "pkcs1-encrypted", args: []string{"--to", "pkcs1", "--new-passphrase-file", "PW"}, types: "rsa", encrypted: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte {
			return testtool.Run(t, nil, "ssh-keygen", "-y", "-P", matrixPass, "-f", p)
		},
		write: opensslWrite("rsa", "-in", "IN", "-traditional", "-aes256", "-passout", "pass:"+matrixPass, "-out", "OUT")},
	{name: "sec1-encrypted", args: []string{"--to", "sec1", "--new-passphrase-file", "PW"}, types: "p256 p384 p521", encrypted: true,
		read:  opensslRead("ec", "-in", "IN", "-passin", "pass:"+matrixPass, "-pubout"),
		write: opensslWrite("ec", "-in", "IN", "-aes128", "-passout", "pass:"+matrixPass, "-out", "OUT")},
	{name: "pkcs8", args: []string{"--to", "pkcs8"},
		read:  opensslRead("pkey", "-in", "IN", "-pubout"),
		write: opensslWrite("pkcs8", "-topk8", "-nocrypt", "-in", "IN", "-out", "OUT")},
	{name: "pkcs8-der", args: []string{"--to", "pkcs8", "--der"},
		read:  opensslRead("pkey", "-inform", "DER", "-in", "IN", "-pubout"),
		write: opensslWrite("pkcs8", "-topk8", "-nocrypt", "-in", "IN", "-outform", "DER", "-out", "OUT")},
	{name: "pkcs8-encrypted", args: []string{"--to", "pkcs8-encrypted", "--new-passphrase-file", "PW", "--kdf-rounds", "2048"}, encrypted: true,
		read:  opensslRead("pkey", "-in", "IN", "-passin", "pass:"+matrixPass, "-pubout"),
		write: opensslWrite("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:"+matrixPass, "-in", "IN", "-out", "OUT")},
	{name: "pkcs8-encrypted-der", args: []string{"--to", "pkcs8-encrypted", "--der", "--new-passphrase-file", "PW", "--kdf-rounds", "2048"}, encrypted: true,
		read:  opensslRead("pkey", "-inform", "DER", "-in", "IN", "-passin", "pass:"+matrixPass, "-pubout"),
		write: opensslWrite("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:"+matrixPass, "-in", "IN", "-outform", "DER", "-out", "OUT")},
	{name: "pkcs8-pbe-sha1-3des", encrypted: true, // read only: OpenSSL 1.0's and Java's scheme
		write: opensslWrite("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-passout", "pass:"+matrixPass, "-in", "IN", "-out", "OUT")},
	{name: "pkcs8-pbes1-md5-des", encrypted: true, // read only
		write: opensslWrite("pkcs8", "-topk8", "-v1", "PBE-MD5-DES", "-provider", "legacy", "-provider", "default", "-passout", "pass:"+matrixPass, "-in", "IN", "-out", "OUT")},
	{name: "pkcs8-scrypt", encrypted: true, // read only
		write: opensslWrite("pkcs8", "-topk8", "-scrypt", "-passout", "pass:"+matrixPass, "-in", "IN", "-out", "OUT")},
	{name: "sec1", args: []string{"--to", "sec1"}, types: "p256 p384 p521",
		read:  opensslRead("ec", "-in", "IN", "-pubout"),
		write: opensslWrite("ec", "-in", "IN", "-out", "OUT")},
	{name: "sec1-der", args: []string{"--to", "sec1", "--der"}, types: "p256 p384 p521",
		read:  opensslRead("ec", "-inform", "DER", "-in", "IN", "-pubout"),
		write: opensslWrite("ec", "-in", "IN", "-outform", "DER", "-out", "OUT")},
	{name: "sshcom", args: []string{"--to", "sshcom"}, types: "rsa", comment: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte { return puttyPublic(t, k, p, false) },
		write: func(t *testing.T, k *matrixKey, p string) bool {
			testtool.Run(t, nil, "puttygen", k.openssh, "-O", "private-sshcom", "--new-passphrase", "/dev/null", "-o", p)
			return false
		}},
	{name: "sshcom-encrypted", args: []string{"--to", "sshcom", "--new-passphrase-file", "PW"}, types: "rsa", comment: true, encrypted: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte { return puttyPublic(t, k, p, true) },
		write: func(t *testing.T, k *matrixKey, p string) bool {
			testtool.Run(t, nil, "puttygen", k.openssh, "-O", "private-sshcom", "--new-passphrase", k.pwFile, "-o", p)
			return false
		}},
	{name: "dropbear", args: []string{"--to", "dropbear"},
		read: func(t *testing.T, k *matrixKey, p string) []byte { return dropbearPublic(t, p) },
		write: func(t *testing.T, k *matrixKey, p string) bool {
			testtool.Run(t, nil, "dropbearconvert", "openssh", "dropbear", k.openssh, p)
			return false
		}},
	{name: "public", args: []string{"--to", "public"}, comment: true,
		read: func(t *testing.T, k *matrixKey, p string) []byte {
			if l := strings.Fields(string(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", p))); strings.Join(l[2:len(l)-1], " ") != k.comment {
				t.Errorf("ssh-keygen -l shows comment %q", l[2:len(l)-1])
			}
			return testtool.Run(t, nil, "ssh-keygen", "-e", "-f", p)
		},
		write: func(t *testing.T, k *matrixKey, p string) bool {
			os.WriteFile(p, testtool.Run(t, nil, "ssh-keygen", "-y", "-f", k.openssh), 0o644)
			return false
		}},
	{name: "rfc4716", args: []string{"--to", "rfc4716"},
		read: func(t *testing.T, k *matrixKey, p string) []byte {
			return testtool.Run(t, nil, "ssh-keygen", "-i", "-f", p)
		},
		write: func(t *testing.T, k *matrixKey, p string) bool {
			os.WriteFile(p, testtool.Run(t, nil, "ssh-keygen", "-e", "-f", k.openssh), 0o644)
			return false
		}},
	{name: "pkix", args: []string{"--to", "pkix"},
		read:  opensslRead("pkey", "-pubin", "-in", "IN", "-pubout"),
		write: opensslWrite("pkey", "-in", "IN", "-pubout", "-out", "OUT")},
	{name: "pkix-der", args: []string{"--to", "pkix", "--der"},
		read:  opensslRead("pkey", "-pubin", "-inform", "DER", "-in", "IN", "-pubout"),
		write: opensslWrite("pkey", "-in", "IN", "-pubout", "-outform", "DER", "-out", "OUT")},
	{name: "pkcs1-public", args: []string{"--to", "pkcs1-public"}, types: "rsa",
		read:  opensslRead("rsa", "-RSAPublicKey_in", "-in", "IN", "-pubout"),
		write: opensslWrite("rsa", "-in", "IN", "-RSAPublicKey_out", "-out", "OUT")},
	{name: "pkcs1-public-der", args: []string{"--to", "pkcs1-public", "--der"}, types: "rsa",
		read:  opensslRead("rsa", "-RSAPublicKey_in", "-inform", "DER", "-in", "IN", "-pubout"),
		write: opensslWrite("rsa", "-in", "IN", "-RSAPublicKey_out", "-outform", "DER", "-out", "OUT")},
}

// TestFormatMatrix runs every format both ways for every key type it holds.
func TestFormatMatrix(t *testing.T) {
	keys := matrixSources(t)
	written, read := 0, 0
	for _, f := range matrixFormats {
		for _, k := range keys {
			if f.types != "" && !strings.Contains(f.types, k.typ) {
				continue
			}
			if f.read != nil {
				t.Run(f.name+"/"+k.typ+"/keyforge-to-tool", func(t *testing.T) {
					out := filepath.Join(t.TempDir(), "out")
					args := []string{"convert", "-o", out}
					for _, a := range f.args {
						if a == "PW" {
							a = k.pwFile
						}
						args = append(args, a)
					}
					mustRun(t, append(args, k.openssh)...)
					line, comment := keyLine(t, f.read(t, k, out), nil)
					if line != k.line {
						t.Fatalf("the tool reads another key from keyforge's %s:\n%s\nwant %s", f.name, line, k.line)
					}
					// ("public" checks ssh-keygen -l's comment in its read.)
					if f.comment && f.name != "public" && comment != k.comment {
						t.Errorf("the tool reads comment %q, want %q", comment, k.comment)
					}
					written++
				})
			}
			t.Run(f.name+"/"+k.typ+"/tool-to-keyforge", func(t *testing.T) {
				in := filepath.Join(t.TempDir(), "in")
				fromPEM := f.write(t, k, in)
				args := []string{"convert", "--to", "public", in}
				if f.encrypted {
					args = append(args, "--passphrase-file", k.pwFile)
				}
				line, comment := keyLine(t, []byte(mustRun(t, args...)), nil)
				want := k.line
				if fromPEM {
					want = k.pemLine
				}
				if line != want {
					t.Fatalf("keyforge reads another key from the tool's %s:\n%s\nwant %s", f.name, line, want)
				}
				if f.comment && comment != k.comment {
					t.Errorf("keyforge reads comment %q, want %q", comment, k.comment)
				}
				read++
			})
		}
	}
	t.Logf("keyforge's output read by the owning tool: %d; the tool's output read by keyforge: %d", written, read)
	if written < 60 || read < 70 {
		t.Errorf("only %d and %d conversions checked", written, read)
	}
}

// TestCertificateLikeSSHKeygen: inspect prints what ssh-keygen -L prints and
// fingerprint what ssh-keygen -l prints, for user and host certificates with
// and without principals, options and expiry, from every CA type.
func TestCertificateLikeSSHKeygen(t *testing.T) {
	keys := matrixSources(t)
	t.Setenv("TZ", "UTC") // for ssh-keygen; keyforge is told --utc
	byType := map[string]*matrixKey{}
	for _, k := range keys {
		byType[k.typ] = k
	}
	for i, c := range []struct {
		key, ca string
		opts    []string
	}{
		{"ed25519", "rsa", []string{"-I", "user one", "-n", "alice,bob", "-V", "20240101:20350101", "-O", "force-command=/bin/true", "-O", "no-pty", "-z", "9"}},
		{"rsa", "p256", []string{"-I", "host", "-h", "-n", "h.example.com"}},
		{"p384", "ed25519", []string{"-I", "nobody", "-O", "clear", "-O", "extension:x@example.com=v"}},
		{"p521", "p521", []string{"-I", "forever"}},
	} {
		dir := t.TempDir()
		pub := filepath.Join(dir, "k.pub")
		os.WriteFile(pub, testtool.Run(t, nil, "ssh-keygen", "-y", "-f", byType[c.key].openssh), 0o644)
		testtool.Run(t, nil, "ssh-keygen", append(append([]string{"-q", "-s", byType[c.ca].openssh}, c.opts...), pub)...)
		cert := filepath.Join(dir, "k-cert.pub")
		if got, want := mustRun(t, "inspect", "--utc", cert), string(testtool.Run(t, nil, "ssh-keygen", "-L", "-f", cert)); got != want {
			t.Errorf("case %d: inspect\n%s\nssh-keygen -L\n%s", i, got, want)
		}
		if got, want := mustRun(t, "fingerprint", cert), string(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", cert)); got != want {
			t.Errorf("case %d: fingerprint %q, ssh-keygen -l %q", i, got, want)
		}
		// The certified key converts like any public key.
		if got := strings.Fields(mustRun(t, "convert", "--to", "public", cert)); got[0]+" "+got[1] != byType[c.key].line {
			t.Errorf("case %d: convert --to public gives another key", i)
		}
	}
}

// TestFIDOHandles: a security-key handle file (made in PROTOCOL.u2f's
// layout; no authenticator here) is fingerprinted and converted as
// ssh-keygen does, and refused by formats that cannot hold it.
func TestFIDOHandles(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	for _, alg := range []string{fido.AlgEd25519, fido.AlgECDSAP256} {
		var pub crypto.PublicKey
		if alg == fido.AlgEd25519 {
			pk, _, _ := ed25519.GenerateKey(rand.Reader)
			pub = &fido.Ed25519PublicKey{Key: pk, Application: "ssh:"}
		} else {
			k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			pub = &fido.ECDSAPublicKey{Key: &k.PublicKey, Application: "ssh:"}
		}
		h := &fido.PrivateKey{PublicKey: pub, Flags: fido.FlagUserPresenceRequired, KeyHandle: []byte("handle bytes from the authenticator")}
		file, err := pemenc.MarshalOpenSSHPrivateKey(h, &pemenc.OpenSSHOptions{Comment: "sk"})
		if err != nil {
			t.Fatal(err)
		}
		p := testtool.WriteFile(t, "id_sk", file)
		if got, want := mustRun(t, "fingerprint", p), string(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", p)); got != want {
			t.Errorf("%s: fingerprint %q, ssh-keygen -l %q", alg, got, want)
		}
		if got, want := mustRun(t, "convert", "--to", "public", p), string(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p)); got != want {
			t.Errorf("%s: convert --to public %q, ssh-keygen -y %q", alg, got, want)
		}
		rfc := filepath.Join(t.TempDir(), "k.rfc")
		mustRun(t, "convert", "--to", "rfc4716", "-o", rfc, p)
		if l := strings.Fields(string(testtool.Run(t, nil, "ssh-keygen", "-i", "-f", rfc))); l[0] != alg {
			t.Errorf("%s: ssh-keygen -i reads %v", alg, l)
		}
		// The handle survives a round trip through keyforge's OpenSSH writer.
		out := filepath.Join(t.TempDir(), "again")
		mustRun(t, "convert", "--to", "openssh", "-o", out, p)
		if got, want := string(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", out)), string(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p)); got != want {
			t.Errorf("%s: openssh round trip changed the key", alg)
		}
		for _, to := range []string{"ppk", "pkcs8", "dropbear", "pkix"} {
			if _, errOut, code := runCLI(t, "", "convert", "--to", to, p); code != 1 || !strings.Contains(errOut, "unsupported key type") {
				t.Errorf("%s --to %s: exit %d %q", alg, to, code, errOut)
			}
		}
	}
}
