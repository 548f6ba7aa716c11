package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

// runCLI runs the CLI in-process.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(stdin), &o, &e)
	return o.String(), e.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("keyforge %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func TestCreateJSONShape(t *testing.T) {
	out := mustRun(t, "create", "--name", "demo", "--type", "ed25519", "--seed", "00112233445566778899aabbccddeeff")
	re := regexp.MustCompile(`^\{\n    "KeyFingerprint": "[A-Za-z0-9+/]{43}=",\n    "KeyMaterial": "-----BEGIN OPENSSH PRIVATE KEY-----\\n[^"]*-----END OPENSSH PRIVATE KEY-----",\n    "KeyName": "demo",\n    "KeyPairId": "key-0[0-9a-f]{16}"\n\}\n$`)
	if !re.MatchString(out) {
		t.Fatalf("create printed:\n%s", out)
	}
	// --seed makes the output reproducible.
	if again := mustRun(t, "create", "--type", "ed25519", "--seed", "00112233445566778899aabbccddeeff", "--name", "demo"); again != out {
		t.Fatal("seeded create differs between runs")
	}
	if other := mustRun(t, "create", "--type", "ed25519", "--name", "demo"); other == out {
		t.Fatal("unseeded create repeated a seeded one")
	}
}

func TestCreateTags(t *testing.T) {
	out := mustRun(t, "create", "--name", "t", "--type", "ed25519", "--tag", "Name=web", "--tag", "env=", "--tag", "a=b=c")
	want := `    "Tags": [
        {
            "Key": "Name",
            "Value": "web"
        },
        {
            "Key": "env",
            "Value": ""
        },
        {
            "Key": "a",
            "Value": "b=c"
        }
    ]
}
`
	if !strings.HasSuffix(out, want) {
		t.Fatalf("tags printed as:\n%s", out)
	}
}

func TestCreateKeyOut(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ typ, format string }{{"rsa", "pem"}, {"ed25519", "pem"}, {"ed25519", "ppk"}} {
		t.Run(c.typ+"+"+c.format, func(t *testing.T) {
			path := filepath.Join(dir, c.typ+"."+c.format)
			// An existing wider-permission file is replaced (--force) by a 0600 one.
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			out := mustRun(t, "create", "--name", "k", "--type", c.typ, "--format", c.format, "--key-out", path, "--force", "--seed", "ffeeddccbbaa99887766554433221100")
			var res map[string]any
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if _, ok := res["KeyMaterial"]; ok || len(res) != 3 {
				t.Fatalf("JSON with --key-out: %s", out)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Fatalf("key file mode %v", st.Mode().Perm())
			}
			data, _ := os.ReadFile(path)
			if !strings.HasSuffix(string(data), "\n") || strings.HasSuffix(string(data), "\n\n") {
				t.Fatalf("key file must end with exactly one newline: %q", data[len(data)-10:])
			}
			// The same request without --key-out prints that material (minus the newline).
			full := mustRun(t, "create", "--name", "k", "--type", c.typ, "--format", c.format, "--seed", "ffeeddccbbaa99887766554433221100")
			json.Unmarshal([]byte(full), &res)
			if withNewline(res["KeyMaterial"].(string)) != string(data) {
				t.Fatal("--key-out file differs from KeyMaterial + newline")
			}
			// The fingerprint command agrees with CreateKeyPair's fingerprint.
			fp := mustRun(t, "fingerprint", "--json", path)
			var f fingerprintJSON
			if err := json.Unmarshal([]byte(fp), &f); err != nil {
				t.Fatal(err)
			}
			if f.EC2Create != res["KeyFingerprint"] {
				t.Fatalf("fingerprint EC2Create %q, create said %q", f.EC2Create, res["KeyFingerprint"])
			}
			if c.format == "pem" {
				testtool.Run(t, nil, "ssh-keygen", "-y", "-f", path)
			} else {
				testtool.Run(t, nil, "puttygen", path, "--dump")
			}
		})
	}
}

func TestErrorsAndUsage(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args   []string
		code   int
		stderr string // exact, or a prefix when it ends with "…"
	}{
		{[]string{"create", "--name", " x"}, 1, "keyforge: InvalidParameterValue: Value ( x) for parameter KeyName is invalid. Leading and trailing spaces are not allowed.\n"},
		{[]string{"create"}, 1, "keyforge: MissingParameter: The request must contain the parameter KeyName\n"},
		{[]string{"create", "--name", "a\x1b[2Jb"}, 1, "keyforge: InvalidParameterValue: Value for parameter KeyName is invalid. Control characters (bytes 0x00-0x1F and 0x7F) are not allowed.\n"},
		{[]string{"create", "--name", "k\n", "--format", "ppk"}, 1, "keyforge: InvalidParameterValue: Value for parameter KeyName is invalid. Control characters (bytes 0x00-0x1F and 0x7F) are not allowed.\n"},
		{[]string{"create", "--name", "k", "--type", "dsa"}, 1, "keyforge: InvalidParameterValue: Value (dsa) for parameter KeyType is invalid. Valid values are: rsa, ed25519.\n"},
		{[]string{"create", "--name", "k", "--tag", "aws:x=1"}, 1, "keyforge: InvalidParameterValue: Tag keys starting with 'aws:' are reserved for internal use\n"},
		{[]string{"create", "--name", "k", "--dry-run"}, 1, "keyforge: DryRunOperation: Request would have succeeded, but DryRun flag is set.\n"},
		{[]string{"create", "--name", "k", "--key-out", filepath.Join(dir, "no", "such", "dir")}, 1, "keyforge: write " + filepath.Join(dir, "no", "such", "dir") + ": creating a temporary file in " + filepath.Join(dir, "no", "such") + ": no such file or directory\n"},
		{[]string{"create", "--name", "k", "--tag", "novalue"}, 2, "keyforge create: invalid value \"novalue\" for --tag: tag \"novalue\" is not KEY=VALUE\n…"},
		{[]string{"create", "--name", "k", "--seed", "xyz"}, 2, "keyforge create: --seed must be hexadecimal (an even number of 0-9a-f digits)\n…"},
		{[]string{"create", "--name", "k", "--seed", "0"}, 2, "keyforge create: --seed must be hexadecimal (an even number of 0-9a-f digits)\n…"},
		{[]string{"create", "--name", "k", "--seed", "01"}, 2, "keyforge create: --seed must be at least 16 bytes (32 hex digits), got 1\n…"},
		{[]string{"create", "--name", "k", "--seed", "000102030405060708090a0b0c0d0e"}, 2, "keyforge create: --seed must be at least 16 bytes (32 hex digits), got 15\n…"},
		{[]string{"import", "--name", "k", "--public-key", "-", "--seed", "01"}, 2, "keyforge import: --seed must be at least 16 bytes (32 hex digits), got 1\n…"},
		{[]string{"create", "--name", "k", "--bogus"}, 2, "keyforge create: unknown option --bogus (an operand starting with - goes after --)\n…"},
		{[]string{"create", "--name", "k", "extra"}, 2, "keyforge create: unexpected argument \"extra\"\n…"},
		{[]string{"fingerprint"}, 2, "keyforge fingerprint: expected exactly one key FILE\n…"},
		{[]string{"fingerprint", filepath.Join(dir, "missing")}, 1, "keyforge: open …"},
		{[]string{}, 2, "keyforge creates…"},
		{[]string{"frobnicate"}, 2, "keyforge: unknown command \"frobnicate\"\n…"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errOut)
			}
			if out != "" {
				t.Fatalf("stdout on failure: %q", out)
			}
			if p, ok := strings.CutSuffix(tc.stderr, "…"); ok {
				if !strings.HasPrefix(errOut, p) {
					t.Fatalf("stderr %q, want prefix %q", errOut, p)
				}
			} else if errOut != tc.stderr {
				t.Fatalf("stderr %q, want %q", errOut, tc.stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"create", "--help"}, {"import", "--help"}, {"fingerprint", "-h"}, {"convert", "--help"}} {
		out, errOut, code := runCLI(t, "", args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestBinary builds the real binary and checks the process-level contract:
// exit codes and streams.
func TestBinary(t *testing.T) {
	binPath := keyforgeBinary(t)
	cmd := exec.Command(binPath, "create", "--name", "bin", "--type", "ed25519")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, e.String())
	}
	var res map[string]string
	if err := json.Unmarshal(o.Bytes(), &res); err != nil || res["KeyName"] != "bin" {
		t.Fatalf("output %q: %v", o.String(), err)
	}
	for args, want := range map[string]int{"create --name  ": 1, "create --nope": 2, "": 2} {
		err := exec.Command(binPath, strings.Fields(args)...).Run()
		var ee *exec.ExitError
		if args == "create --name  " {
			err = exec.Command(binPath, "create", "--name", " ").Run()
		}
		if !errorsAs(err, &ee) || ee.ExitCode() != want {
			t.Errorf("keyforge %s: %v, want exit %d", args, err, want)
		}
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}
