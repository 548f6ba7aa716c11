package pemenc

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyforge/keyforge/internal/testtool"
)

const fixturePass = "correct horse"

// fixture is a key file made by a real tool.
type fixture struct {
	name    string
	data    []byte
	pass    string // "" when unencrypted
	comment string // the comment we must return
	oracle  string // "ssh-keygen" (compare with -y) or "openssl" (compare PKIX with pkey -pubout)
	want    string // the oracle's answer, filled in once
	refuse  string // non-empty: must fail with ErrUnsupportedKeyType naming this
}

var (
	fixturesOnce sync.Once
	fixturesList []*fixture
	fixturesDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixturesDir != "" {
		os.RemoveAll(fixturesDir)
	}
	os.Exit(code)
}

// opensshCiphers is `ssh -Q cipher` of OpenSSH 9.2: every `ssh-keygen -Z`.
var opensshCiphers = []string{
	"3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr",
	"aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
}

// toolFixtures makes every fixture once per test run.
func toolFixtures(t *testing.T) []*fixture {
	t.Helper()
	for _, tool := range []string{"ssh-keygen", "openssl", "puttygen"} {
		testtool.Require(t, tool)
	}
	fixturesOnce.Do(func() { fixturesList = makeFixtures(t) })
	if fixturesList == nil {
		t.Fatal("fixture generation failed earlier")
	}
	return fixturesList
}

func makeFixtures(t *testing.T) []*fixture {
	dir, err := os.MkdirTemp("", "pemenc-fixtures")
	if err != nil {
		t.Fatal(err)
	}
	fixturesDir = dir
	start := time.Now()
	path := func(n string) string { return filepath.Join(dir, n) }
	var out []*fixture
	var mu sync.Mutex
	add := func(f *fixture, file string) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			return
		}
		f.data = data
		mu.Lock()
		out = append(out, f)
		mu.Unlock()
	}
	// Tools run on several goroutines, so failures use Errorf, not Fatal.
	run := func(tool string, args ...string) []byte {
		out, errOut, err := testtool.RunErr(t, nil, tool, args...)
		if err != nil {
			t.Errorf("%s %s: %v: %s", tool, strings.Join(args, " "), err, errOut)
		}
		return out
	}
	sh := func(script string) { run("sh", "-c", "cd "+dir+" && "+script) }
	os.WriteFile(path("empty"), nil, 0o600)
	os.WriteFile(path("pass"), []byte(fixturePass), 0o600)

	var wg sync.WaitGroup
	group := func(fn func()) { wg.Add(1); go func() { defer wg.Done(); fn() }() }

	// ssh-keygen: every type unencrypted, every -Z cipher, -m PEM, -m PKCS8.
	group(func() {
		for _, ty := range [][2]string{{"rsa", "1024"}, {"rsa", "2048"}, {"ed25519", ""}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"}} {
			n := "sk-" + ty[0] + ty[1]
			args := []string{"-q", "-t", ty[0], "-N", "", "-C", n + "@test", "-f", path(n)}
			if ty[1] != "" {
				args = append(args, "-b", ty[1])
			}
			run("ssh-keygen", args...)
			add(&fixture{name: n, comment: n + "@test", oracle: "ssh-keygen"}, path(n))
		}
	})
	group(func() {
		for i, c := range opensshCiphers {
			ty := []string{"ed25519", "rsa", "ecdsa"}[i%3]
			n := "sk-Z-" + c + "-" + ty
			run("ssh-keygen", "-q", "-t", ty, "-b", map[string]string{"rsa": "1024", "ecdsa": "256", "ed25519": "256"}[ty],
				"-N", fixturePass, "-Z", c, "-a", "2", "-C", "c "+c, "-f", path(n))
			add(&fixture{name: n, pass: fixturePass, comment: "c " + c, oracle: "ssh-keygen"}, path(n))
		}
		// The default cipher and rounds (aes256-ctr, 16).
		run("ssh-keygen", "-q", "-t", "ed25519", "-N", fixturePass, "-f", path("sk-default-enc"))
		add(&fixture{name: "sk-default-enc", pass: fixturePass, comment: "", oracle: "ssh-keygen"}, path("sk-default-enc"))
	})
	group(func() {
		for _, m := range []string{"PEM", "PKCS8"} {
			for _, ty := range [][2]string{{"rsa", "1024"}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"}} {
				for _, pass := range []string{"", fixturePass} {
					n := "sk-m" + m + "-" + ty[0] + ty[1]
					if pass != "" {
						n += "-enc"
					}
					run("ssh-keygen", "-q", "-t", ty[0], "-b", ty[1], "-m", m, "-N", pass, "-f", path(n))
					add(&fixture{name: n, pass: pass, oracle: "ssh-keygen"}, path(n))
				}
			}
		}
	})
	// openssl: genrsa (PKCS#8), -traditional, encrypted PKCS#8, SEC1, legacy PEM.
	group(func() {
		sh("openssl genrsa -out os-rsa-pkcs8 1024 2>/dev/null")
		add(&fixture{name: "os-rsa-pkcs8", oracle: "ssh-keygen"}, path("os-rsa-pkcs8"))
		sh("openssl genrsa -traditional -out os-rsa-pkcs1 1024 2>/dev/null")
		add(&fixture{name: "os-rsa-pkcs1", oracle: "ssh-keygen"}, path("os-rsa-pkcs1"))
		sh("openssl genrsa -out os-rsa2048 2048 2>/dev/null")
		add(&fixture{name: "os-rsa2048", oracle: "ssh-keygen"}, path("os-rsa2048"))
		for _, prf := range []string{"hmacWithSHA1", "hmacWithSHA256"} {
			for _, c := range []string{"aes-128-cbc", "aes-192-cbc", "aes-256-cbc"} {
				n := "os-p8enc-" + prf + "-" + c
				sh("openssl pkcs8 -topk8 -in os-rsa-pkcs8 -v2 " + c + " -v2prf " + prf + " -passout 'pass:" + fixturePass + "' -out " + n)
				add(&fixture{name: n, pass: fixturePass, oracle: "ssh-keygen"}, path(n))
			}
		}
		// PBES2 with DES-EDE3-CBC (openssl pkcs8 -v2 des3).
		sh("openssl pkcs8 -topk8 -in os-rsa-pkcs8 -v2 des3 -passout 'pass:" + fixturePass + "' -out os-p8enc-des3")
		add(&fixture{name: "os-p8enc-des3", pass: fixturePass, oracle: "ssh-keygen"}, path("os-p8enc-des3"))
		for _, c := range []string{"aes128", "aes192", "aes256", "des3"} {
			n := "os-legacy-rsa-" + c
			sh("openssl rsa -in os-rsa-pkcs8 -" + c + " -traditional -passout 'pass:" + fixturePass + "' -out " + n + " 2>/dev/null")
			add(&fixture{name: n, pass: fixturePass, oracle: "ssh-keygen"}, path(n))
		}
	})
	group(func() {
		for _, curve := range []string{"prime256v1", "secp384r1", "secp521r1"} {
			n := "os-ecparam-" + curve
			sh("openssl ecparam -name " + curve + " -genkey -out " + n)
			add(&fixture{name: n, oracle: "ssh-keygen"}, path(n))
			sh("openssl ec -in " + n + " -out " + n + "-sec1 2>/dev/null")
			add(&fixture{name: n + "-sec1", oracle: "ssh-keygen"}, path(n+"-sec1"))
			sh("openssl ec -in " + n + " -aes256 -passout 'pass:" + fixturePass + "' -out " + n + "-legacy 2>/dev/null")
			add(&fixture{name: n + "-legacy", pass: fixturePass, oracle: "ssh-keygen"}, path(n+"-legacy"))
			sh("openssl pkcs8 -topk8 -in " + n + " -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout 'pass:" + fixturePass + "' -out " + n + "-p8enc")
			add(&fixture{name: n + "-p8enc", pass: fixturePass, oracle: "ssh-keygen"}, path(n+"-p8enc"))
		}
		sh("openssl genpkey -algorithm ed25519 -out os-ed25519")
		add(&fixture{name: "os-ed25519", oracle: "openssl"}, path("os-ed25519"))
		sh("openssl pkcs8 -topk8 -in os-ed25519 -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout 'pass:" + fixturePass + "' -out os-ed25519-enc")
		add(&fixture{name: "os-ed25519-enc", pass: fixturePass, oracle: "openssl"}, path("os-ed25519-enc"))
		// Key types keyforge refuses, by name.
		for _, r := range [][3]string{
			{"os-x25519", "openssl genpkey -algorithm x25519 -out os-x25519", "X25519"},
			{"os-ed448", "openssl genpkey -algorithm ed448 -out os-ed448", "Ed448"},
			{"os-p224", "openssl ecparam -name secp224r1 -genkey -noout -out os-p224", "P-224"},
			{"os-p224-p8", "openssl pkcs8 -topk8 -nocrypt -in os-p224 -out os-p224-p8", "P-224"},
			{"os-k256", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out os-k256", "secp256k1"},
			{"os-dsa", "openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 -out dsap && openssl genpkey -paramfile dsap -out os-dsa", "DSA"},
			{"os-dsa-trad", "openssl dsa -in os-dsa -out os-dsa-trad 2>/dev/null", "DSA"},
		} {
			sh(r[1])
			add(&fixture{name: r[0], refuse: r[2]}, path(r[0]))
		}
	})
	// puttygen's OpenSSH exports (old = PKCS#1/SEC1/legacy PEM, new = openssh-key-v1).
	group(func() {
		for _, ty := range [][2]string{{"rsa", "1024"}, {"ed25519", "256"}, {"ecdsa", "256"}, {"ecdsa", "521"}} {
			ppk := "pg-" + ty[0] + ty[1] + ".ppk"
			run("puttygen", "-t", ty[0], "-b", ty[1], "-C", "putty "+ty[0], "--new-passphrase", path("empty"), "-q", "-o", path(ppk))
			for _, o := range []string{"private-openssh", "private-openssh-new"} {
				for _, enc := range []string{"", fixturePass} {
					n := "pg-" + ty[0] + ty[1] + "-" + o
					passFile := path("empty")
					if enc != "" {
						n += "-enc"
						passFile = path("pass")
					}
					run("puttygen", path(ppk), "--old-passphrase", path("empty"), "--new-passphrase", passFile, "-O", o, "-o", path(n))
					comment := ""
					if o == "private-openssh-new" || ty[0] == "ed25519" {
						comment = "putty " + ty[0]
					}
					add(&fixture{name: n, pass: enc, comment: comment, oracle: "ssh-keygen"}, path(n))
				}
			}
		}
	})
	wg.Wait()
	t.Logf("fixtures made in %v", time.Since(start))
	if t.Failed() {
		return nil
	}
	// The oracles' answers, four tools at a time.
	sem := make(chan struct{}, 4)
	for _, f := range out {
		p := path(f.name)
		sem <- struct{}{}
		group(func() {
			defer func() { <-sem }()
			switch f.oracle {
			case "ssh-keygen":
				f.want = fields(run("ssh-keygen", "-y", "-P", f.pass, "-f", p))
			case "openssl":
				f.want = string(run("openssl", "pkey", "-in", p, "-passin", "pass:"+f.pass, "-pubout"))
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return nil
	}
	return out
}

func TestReadToolFixtures(t *testing.T) {
	fs := toolFixtures(t)
	var ok, refused int
	for _, f := range fs {
		t.Run(f.name, func(t *testing.T) {
			key, comment, err := ParsePrivateKey(f.data, []byte(f.pass), nil)
			if f.refuse != "" {
				if !errors.Is(err, ErrUnsupportedKeyType) || !strings.Contains(err.Error(), f.refuse) {
					t.Fatalf("err = %v, want ErrUnsupportedKeyType naming %s", err, f.refuse)
				}
				refused++
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.comment != "" && comment != f.comment {
				t.Errorf("comment = %q, want %q", comment, f.comment)
			}
			switch f.oracle {
			case "ssh-keygen":
				if got := authLine(t, key.Public()); got != f.want {
					t.Errorf("public key %q, ssh-keygen -y says %q", got, f.want)
				}
			case "openssl":
				got, err := MarshalPKIXPublicKey(key.Public())
				if err != nil || string(got) != f.want {
					t.Errorf("PKIX %q (%v), openssl pkey says %q", got, err, f.want)
				}
			}
			if f.pass != "" {
				if _, _, err := ParsePrivateKey(f.data, nil, nil); !errors.Is(err, ErrPassphraseRequired) {
					t.Errorf("no passphrase: err = %v", err)
				}
				if _, _, err := ParsePrivateKey(f.data, []byte("wrong"), nil); !errors.Is(err, ErrIncorrectPassphrase) {
					t.Errorf("wrong passphrase: err = %v", err)
				}
			}
			// The public key is readable without a passphrase from OpenSSH files.
			if bytes.Contains(f.data, []byte("OPENSSH PRIVATE KEY")) {
				pub, _, err := ParsePublicKey(f.data)
				if err != nil || !publicEqual(pub, key.Public()) {
					t.Errorf("ParsePublicKey of the private file: %v", err)
				}
			}
			ok++
		})
	}
	t.Logf("%d tool-made private keys read and matched their oracle, %d refused by name", ok, refused)
}
