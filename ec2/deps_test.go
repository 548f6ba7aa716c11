package ec2_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoBoltDependency: programs that use ec2 without the durable store do
// not link bbolt.
func TestNoBoltDependency(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "github.com/keyforge/keyforge/ec2").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list printed too little: %q", out)
	}
	for _, d := range deps {
		if strings.Contains(d, "bbolt") {
			t.Errorf("ec2 depends on %s", d)
		}
	}
}
