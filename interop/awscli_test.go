package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/keyforge/keyforge/internal/testtool"
)

const (
	debianAWS = "/usr/bin/aws"
	// awsCLIVersion is the aws CLI whose output keyforge create reproduces
	// (its bundled model decides the key order).
	awsCLIVersion = "2.9.19"
	testSeedHex   = "00112233445566778899aabbccddeeff"
)

type cliResult struct {
	stdout, stderr string
	code           int
}

// awsCLI runs Debian's aws CLI against s with a clean environment.
func awsCLI(t *testing.T, s *server, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(debianAWS, append(append([]string{"--endpoint-url", s.URL, "--no-cli-pager"}, args[:1]...), args[1:]...)...)
	cmd.Env = cleanEnv(t)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	r := cliResult{o.String(), e.String(), 0}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// keyforgeCLI runs `keyforge ARGS` and returns its stdout.
func keyforgeCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(keyforgeBin, args...).Output()
	if err != nil {
		t.Fatalf("keyforge %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// parallel runs fs at once (each aws CLI start costs seconds).
func parallel(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	wg.Wait()
}

// TestAWSCLI drives keyforge serve with the aws CLI: with a seed, what it
// prints for create-key-pair and import-key-pair is byte for byte what
// `keyforge create` and `keyforge import` print for the same request.
func TestAWSCLI(t *testing.T) {
	requireTool(t, debianAWS, "awscli")
	out, _ := exec.Command(debianAWS, "--version").CombinedOutput()
	if !strings.HasPrefix(string(out), "aws-cli/"+awsCLIVersion+" ") {
		t.Logf("aws CLI is %q; the byte-for-byte claim is made for %s", strings.TrimSpace(string(out)), awsCLIVersion)
	}
	pubDir := t.TempDir()
	testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "cli@host", "-f", filepath.Join(pubDir, "id"))
	pub := filepath.Join(pubDir, "id.pub")
	modes(t, func(t *testing.T, s *server) {
		var edC, rsaC, impC, descC, dupC, delC, missC cliResult
		parallel(
			func() { edC = awsCLI(t, s, "ec2", "create-key-pair", "--key-name", "cli-ed", "--key-type", "ed25519") },
			func() {
				rsaC = awsCLI(t, s, "ec2", "create-key-pair", "--key-name", "cli-rsa", "--key-format", "ppk",
					"--tag-specifications", `[{"ResourceType":"key-pair","Tags":[{"Key":"Name","Value":"web"},{"Key":"env","Value":""}]}]`)
			},
			func() {
				impC = awsCLI(t, s, "ec2", "import-key-pair", "--key-name", "cli-imp", "--public-key-material", "fileb://"+pub)
			},
		)
		for _, c := range []struct {
			got  cliResult
			args []string
		}{
			{edC, []string{"create", "--name", "cli-ed", "--type", "ed25519"}},
			{rsaC, []string{"create", "--name", "cli-rsa", "--format", "ppk", "--tag", "Name=web", "--tag", "env="}},
			{impC, []string{"import", "--name", "cli-imp", "--public-key", pub}},
		} {
			if c.got.code != 0 {
				t.Fatalf("aws ec2 for keyforge %v: exit %d: %s", c.args, c.got.code, c.got.stderr)
			}
			if want := keyforgeCLI(t, append(c.args, "--seed", testSeedHex, "--region", "us-east-1")...); c.got.stdout != want {
				t.Errorf("aws CLI printed:\n%s\nkeyforge %s printed:\n%s", c.got.stdout, c.args[0], want)
			}
		}
		parallel(
			func() { descC = awsCLI(t, s, "ec2", "describe-key-pairs", "--include-public-key") },
			func() { dupC = awsCLI(t, s, "ec2", "create-key-pair", "--key-name", "cli-ed") },
			func() { delC = awsCLI(t, s, "ec2", "delete-key-pair", "--key-name", "cli-rsa") },
			func() { missC = awsCLI(t, s, "ec2", "describe-key-pairs", "--key-names", "nope") },
		)
		var d struct {
			KeyPairs []struct {
				KeyName, KeyType, KeyPairId, KeyFingerprint, PublicKey, CreateTime string
				Tags                                                               []map[string]string
			}
		}
		if descC.code != 0 {
			t.Fatalf("describe-key-pairs: exit %d: %s", descC.code, descC.stderr)
		}
		if err := json.Unmarshal([]byte(descC.stdout), &d); err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, k := range d.KeyPairs {
			found[k.KeyName] = true
			if k.Tags == nil || k.CreateTime == "" || !strings.HasSuffix(k.PublicKey, " "+k.KeyName) {
				t.Errorf("describe item %+v", k)
			}
		}
		if !found["cli-ed"] || !found["cli-imp"] {
			t.Errorf("describe-key-pairs: %s", descC.stdout)
		}
		if dupC.code != 254 || dupC.stdout != "" ||
			dupC.stderr != "\nAn error occurred (InvalidKeyPair.Duplicate) when calling the CreateKeyPair operation: The keypair 'cli-ed' already exists.\n" {
			t.Errorf("duplicate: exit %d, stdout %q, stderr %q", dupC.code, dupC.stdout, dupC.stderr)
		}
		if missC.code != 254 || !strings.Contains(missC.stderr, "(InvalidKeyPair.NotFound) when calling the DescribeKeyPairs operation: The key pair 'nope' does not exist") {
			t.Errorf("not found: exit %d, stderr %q", missC.code, missC.stderr)
		}
		// delete-key-pair of aws CLI 2.9.19 prints nothing.
		if delC.code != 0 || (strings.HasPrefix(string(out), "aws-cli/"+awsCLIVersion+" ") && delC.stdout != "") {
			t.Errorf("delete-key-pair: exit %d, stdout %q, stderr %q", delC.code, delC.stdout, delC.stderr)
		}
		left, err := sdkClient(s, "us-east-1", nil).DescribeKeyPairs(context.Background(), &ec2sdk.DescribeKeyPairsInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range left.KeyPairs {
			if aws.ToString(k.KeyName) == "cli-rsa" {
				t.Error("cli-rsa not deleted")
			}
		}
	}, "--seed", testSeedHex)
}
