package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The real binary is built once per test process, into a directory of its
// own that TestMain (interop_test.go) removes, so runs with -count=N and parallel runs of the
// package never share or lose it.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// keyforgeBinary returns the path of the built CLI, building it on first use.
func keyforgeBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "keyforge-test-bin-*")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "keyforge")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}
