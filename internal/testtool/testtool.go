// Package testtool finds the real tools (ssh-keygen, openssl, puttygen,
// dropbearkey, dropbearconvert) that keyforge's interop tests use as oracles,
// and runs them.
//
// A missing tool skips the test with a message naming its Debian package,
// unless KEYFORGE_INTEROP=require, when it fails the test instead (CI sets it).
package testtool

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Packages maps each oracle to the Debian package that provides it.
var Packages = map[string]string{
	"ssh-keygen":      "openssh-client",
	"openssl":         "openssl",
	"puttygen":        "putty-tools",
	"dropbearkey":     "dropbear-bin",
	"dropbearconvert": "dropbear-bin",
}

// Require returns the path of tool, or skips (fails when
// KEYFORGE_INTEROP=require) when it is not installed.
func Require(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	pkg := Packages[tool]
	if pkg == "" {
		pkg = tool
	}
	msg := tool + " not found: install the Debian package " + pkg
	if os.Getenv("KEYFORGE_INTEROP") == "require" {
		t.Fatalf("%s (KEYFORGE_INTEROP=require)", msg)
	}
	t.Skip(msg)
	return ""
}

// Run runs tool with args and stdin, failing the test on a non-zero exit.
// It returns stdout.
func Run(t testing.TB, stdin []byte, tool string, args ...string) []byte {
	t.Helper()
	out, errOut, err := RunErr(t, stdin, tool, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\nstderr: %s", tool, strings.Join(args, " "), err, errOut)
	}
	return out
}

// RunErr runs tool and returns stdout, stderr and the exit error without
// failing the test, for tests that expect a tool to refuse its input.
func RunErr(t testing.TB, stdin []byte, tool string, args ...string) (stdout, stderr []byte, err error) {
	t.Helper()
	path := Require(t, tool)
	cmd := exec.Command(path, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

// WriteFile writes data to a 0600 file named name in a fresh temporary
// directory (ssh-keygen refuses group- or world-readable private keys) and
// returns its path.
func WriteFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Long reports whether the long runs (key-quality statistics over hundreds
// of keys, the largest vectors) are wanted: KEYFORGE_LONG=1, which CI sets.
// The default `go test ./...` stays under a minute without them.
func Long() bool { return os.Getenv("KEYFORGE_LONG") == "1" }
