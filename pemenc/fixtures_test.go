package pemenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyforge/keyforge/internal/testtool"
)

const fixturePass = "correct horse"

// fixture is a key file made by a real tool. The files and their manifest
// live in testdata/tools (the reader tests need no tool);
// `go test -run TestReadToolFixtures -update-fixtures` remakes them with the
// tools and writes every command run to testdata/tools/COMMANDS.
type fixture struct {
	Name    string `json:"name"`
	data    []byte
	Pass    string `json:"pass,omitempty"`    // "" when unencrypted
	Comment string `json:"comment,omitempty"` // the comment we must return
	Oracle  string `json:"oracle,omitempty"`  // "ssh-keygen" (compare with -y) or "openssl" (compare PKIX with pkey -pubout)
	Want    string `json:"want,omitempty"`    // the oracle's answer
	Refuse  string `json:"refuse,omitempty"`  // non-empty: must fail with ErrUnsupportedKeyType naming this
}

var updateFixtures = flag.Bool("update-fixtures", false, "remake testdata/tools with ssh-keygen, openssl and puttygen")

const toolFixtureDir = "testdata/tools"

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

// toolFixtures reads the committed fixtures (remade first with -update-fixtures).
func toolFixtures(t *testing.T) []*fixture {
	t.Helper()
	fixturesOnce.Do(func() {
		if *updateFixtures {
			for _, tool := range []string{"ssh-keygen", "openssl", "puttygen"} {
				testtool.Require(t, tool)
			}
			writeFixtures(t, makeFixtures(t))
		}
		fixturesList = readFixtures(t)
	})
	if fixturesList == nil {
		t.Fatal("fixtures could not be read")
	}
	return fixturesList
}

var (
	commandsMu sync.Mutex
	commands   []string
)

func logCommand(dir, c string) {
	commandsMu.Lock()
	commands = append(commands, strings.ReplaceAll(c, dir+"/", ""))
	commandsMu.Unlock()
}

func writeFixtures(t *testing.T, fs []*fixture) {
	if fs == nil {
		t.Fatal("fixture generation failed")
	}
	os.RemoveAll(toolFixtureDir)
	if err := os.MkdirAll(toolFixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(fs, func(a, b *fixture) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range fs {
		if err := os.WriteFile(filepath.Join(toolFixtureDir, f.Name), f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := json.MarshalIndent(fs, "", "  ")
	os.WriteFile(filepath.Join(toolFixtureDir, "manifest.json"), append(m, '\n'), 0o644)
	head := "# Commands that made these files (pemenc/fixtures_test.go, -update-fixtures), in the order run;\n" +
		"# ssh-keygen 9.2p1, OpenSSL 3.0, puttygen 0.78 (Debian 12). Passphrase: " + fixturePass + ".\n"
	os.WriteFile(filepath.Join(toolFixtureDir, "COMMANDS"), []byte(head+strings.Join(commands, "\n")+"\n"), 0o644)
}

func readFixtures(t *testing.T) []*fixture {
	m, err := os.ReadFile(filepath.Join(toolFixtureDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fs []*fixture
	if err := json.Unmarshal(m, &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.data, err = os.ReadFile(filepath.Join(toolFixtureDir, f.Name)); err != nil {
			t.Fatal(err)
		}
	}
	return fs
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
			t.Errorf("%s: %v", f.Name, err)
			return
		}
		f.data = data
		mu.Lock()
		out = append(out, f)
		mu.Unlock()
	}
	// Tools run on several goroutines, so failures use Errorf, not Fatal.
	run := func(tool string, args ...string) []byte {
		if tool != "sh" {
			q := make([]string, len(args))
			for i, a := range args {
				q[i] = a
				if a == "" || strings.ContainsAny(a, " '") {
					q[i] = "'" + a + "'"
				}
			}
			logCommand(dir, tool+" "+strings.Join(q, " "))
		}
		out, errOut, err := testtool.RunErr(t, nil, tool, args...)
		if err != nil {
			t.Errorf("%s %s: %v: %s", tool, strings.Join(args, " "), err, errOut)
		}
		return out
	}
	sh := func(script string) { logCommand(dir, script); run("sh", "-c", "cd "+dir+" && "+script) }
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
			add(&fixture{Name: n, Comment: n + "@test", Oracle: "ssh-keygen"}, path(n))
		}
	})
	group(func() {
		for i, c := range opensshCiphers {
			ty := []string{"ed25519", "rsa", "ecdsa"}[i%3]
			n := "sk-Z-" + c + "-" + ty
			run("ssh-keygen", "-q", "-t", ty, "-b", map[string]string{"rsa": "1024", "ecdsa": "256", "ed25519": "256"}[ty],
				"-N", fixturePass, "-Z", c, "-a", "2", "-C", "c "+c, "-f", path(n))
			add(&fixture{Name: n, Pass: fixturePass, Comment: "c " + c, Oracle: "ssh-keygen"}, path(n))
		}
		// The default cipher and rounds (aes256-ctr, 16).
		run("ssh-keygen", "-q", "-t", "ed25519", "-N", fixturePass, "-f", path("sk-default-enc"))
		add(&fixture{Name: "sk-default-enc", Pass: fixturePass, Comment: "", Oracle: "ssh-keygen"}, path("sk-default-enc"))
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
					add(&fixture{Name: n, Pass: pass, Oracle: "ssh-keygen"}, path(n))
				}
			}
		}
	})
	// openssl: genrsa (PKCS#8), -traditional, encrypted PKCS#8, SEC1, legacy PEM.
	group(func() {
		sh("openssl genrsa -out os-rsa-pkcs8 1024 2>/dev/null")
		add(&fixture{Name: "os-rsa-pkcs8", Oracle: "ssh-keygen"}, path("os-rsa-pkcs8"))
		sh("openssl genrsa -traditional -out os-rsa-pkcs1 1024 2>/dev/null")
		add(&fixture{Name: "os-rsa-pkcs1", Oracle: "ssh-keygen"}, path("os-rsa-pkcs1"))
		sh("openssl genrsa -out os-rsa2048 2048 2>/dev/null")
		add(&fixture{Name: "os-rsa2048", Oracle: "ssh-keygen"}, path("os-rsa2048"))
		for _, prf := range []string{"hmacWithSHA1", "hmacWithSHA256"} {
			for _, c := range []string{"aes-128-cbc", "aes-192-cbc", "aes-256-cbc"} {
				n := "os-p8enc-" + prf + "-" + c
				sh("openssl pkcs8 -topk8 -in os-rsa-pkcs8 -v2 " + c + " -v2prf " + prf + " -passout 'pass:" + fixturePass + "' -out " + n)
				add(&fixture{Name: n, Pass: fixturePass, Oracle: "ssh-keygen"}, path(n))
			}
		}
		// PBES2 with DES-EDE3-CBC (openssl pkcs8 -v2 des3).
		sh("openssl pkcs8 -topk8 -in os-rsa-pkcs8 -v2 des3 -passout 'pass:" + fixturePass + "' -out os-p8enc-des3")
		add(&fixture{Name: "os-p8enc-des3", Pass: fixturePass, Oracle: "ssh-keygen"}, path("os-p8enc-des3"))
		for _, c := range []string{"aes128", "aes192", "aes256", "des3"} {
			n := "os-legacy-rsa-" + c
			sh("openssl rsa -in os-rsa-pkcs8 -" + c + " -traditional -passout 'pass:" + fixturePass + "' -out " + n + " 2>/dev/null")
			add(&fixture{Name: n, Pass: fixturePass, Oracle: "ssh-keygen"}, path(n))
		}
	})
	group(func() {
		for _, curve := range []string{"prime256v1", "secp384r1", "secp521r1"} {
			n := "os-ecparam-" + curve
			sh("openssl ecparam -name " + curve + " -genkey -out " + n)
			add(&fixture{Name: n, Oracle: "ssh-keygen"}, path(n))
			sh("openssl ec -in " + n + " -out " + n + "-sec1 2>/dev/null")
			add(&fixture{Name: n + "-sec1", Oracle: "ssh-keygen"}, path(n+"-sec1"))
			sh("openssl ec -in " + n + " -aes256 -passout 'pass:" + fixturePass + "' -out " + n + "-legacy 2>/dev/null")
			add(&fixture{Name: n + "-legacy", Pass: fixturePass, Oracle: "ssh-keygen"}, path(n+"-legacy"))
			sh("openssl pkcs8 -topk8 -in " + n + " -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout 'pass:" + fixturePass + "' -out " + n + "-p8enc")
			add(&fixture{Name: n + "-p8enc", Pass: fixturePass, Oracle: "ssh-keygen"}, path(n+"-p8enc"))
		}
		sh("openssl genpkey -algorithm ed25519 -out os-ed25519")
		add(&fixture{Name: "os-ed25519", Oracle: "openssl"}, path("os-ed25519"))
		sh("openssl pkcs8 -topk8 -in os-ed25519 -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout 'pass:" + fixturePass + "' -out os-ed25519-enc")
		add(&fixture{Name: "os-ed25519-enc", Pass: fixturePass, Oracle: "openssl"}, path("os-ed25519-enc"))
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
			add(&fixture{Name: r[0], Refuse: r[2]}, path(r[0]))
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
					add(&fixture{Name: n, Pass: enc, Comment: comment, Oracle: "ssh-keygen"}, path(n))
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
		p := path(f.Name)
		sem <- struct{}{}
		group(func() {
			defer func() { <-sem }()
			switch f.Oracle {
			case "ssh-keygen":
				f.Want = fields(run("ssh-keygen", "-y", "-P", f.Pass, "-f", p))
			case "openssl":
				f.Want = string(run("openssl", "pkey", "-in", p, "-passin", "pass:"+f.Pass, "-pubout"))
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
		t.Run(f.Name, func(t *testing.T) {
			key, comment, err := ParsePrivateKey(f.data, []byte(f.Pass), nil)
			if f.Refuse != "" {
				if !errors.Is(err, ErrUnsupportedKeyType) || !strings.Contains(err.Error(), f.Refuse) {
					t.Fatalf("err = %v, want ErrUnsupportedKeyType naming %s", err, f.Refuse)
				}
				refused++
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Comment != "" && comment != f.Comment {
				t.Errorf("comment = %q, want %q", comment, f.Comment)
			}
			switch f.Oracle {
			case "ssh-keygen":
				if got := authLine(t, key.Public()); got != f.Want {
					t.Errorf("public key %q, ssh-keygen -y says %q", got, f.Want)
				}
			case "openssl":
				got, err := MarshalPKIXPublicKey(key.Public())
				if err != nil || string(got) != f.Want {
					t.Errorf("PKIX %q (%v), openssl pkey says %q", got, err, f.Want)
				}
			}
			if f.Pass != "" {
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
