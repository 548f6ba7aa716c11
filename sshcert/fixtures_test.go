package sshcert_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/sshcert"
)

// TestFixtures reads the ssh-keygen-made certificates of testdata/make.sh
// (no tool needed): each verifies, Describe equals the committed
// `ssh-keygen -L` output and the fingerprint line `ssh-keygen -l`.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*-cert.pub"))
	if len(files) < 6 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), "-cert.pub")
		t.Run(name, func(t *testing.T) {
			line, _ := os.ReadFile(f)
			wantL, err := os.ReadFile(filepath.Join("testdata", name+".L"))
			if err != nil {
				t.Fatal(err)
			}
			wantl, _ := os.ReadFile(filepath.Join("testdata", name+".l"))
			c, comment, err := sshcert.ParseAuthorizedKey(line)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Verify(); err != nil {
				t.Fatal(err)
			}
			if got := c.Describe(filepath.Base(f), time.UTC); got != string(wantL) {
				t.Errorf("Describe:\n%s\nssh-keygen -L:\n%s", got, wantL)
			}
			fp, _ := fingerprint.SHA256(c)
			if got := fmt.Sprintf("%d %s %s (%s)\n", sshcert.KeyBits(c), fp, comment, c.TypeName()); got != string(wantl) {
				t.Errorf("%q, ssh-keygen -l %q", got, wantl)
			}
		})
	}
}
