//go:build unix

package main

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The key-file rules, end to end with the built binary: every output path
// (create --key-out, convert -o for private and public forms) refuses an
// existing file without --force, a symbolic link (to a file or dangling)
// and any non-regular file even with --force, and replaces a regular file
// atomically with --force. After every refusal or failure the directory is
// exactly as before: the old key intact, no fragment, no temporary file.

const oldKey = "old key, must survive\n"

type keyWriter struct {
	name    string
	private bool
	args    func(out string) []string
}

func keyWriters(t *testing.T) []keyWriter {
	in := filepath.Join(t.TempDir(), "in.pem")
	mustRun(t, "create", "--name", "in", "--type", "ed25519", "--key-out", in)
	return []keyWriter{
		{"create --key-out", true, func(out string) []string {
			return []string{"create", "--name", "k", "--type", "ed25519", "--key-out", out}
		}},
		{"convert -o openssh", true, func(out string) []string {
			return []string{"convert", "--to", "openssh", "-o", out, in}
		}},
		{"convert -o public", false, func(out string) []string {
			return []string{"convert", "--to", "public", "-o", out, in}
		}},
	}
}

// runBinary runs the built CLI with a deadline (a FIFO opened for writing
// would block forever).
func runBinary(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, keyforgeBinary(t), args...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("keyforge %s: timed out", strings.Join(args, " "))
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), 0
}

// dirState is what a directory holds: each entry's mode, inode, content or
// link target.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		st, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		line := e.Name() + " " + st.Mode().String()
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			line += " ino=" + itoa(sys.Ino)
		}
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case st.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			line += " " + string(data)
		}
		lines = append(lines, line)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// expectRefused runs args, which must fail with exit 1 and a message naming
// path and containing reason, leaving dir as it was.
func expectRefused(t *testing.T, dir, path, reason string, args []string) {
	t.Helper()
	before := dirState(t, dir)
	out, errOut, code := runBinary(t, args...)
	if code != exitError || out != "" {
		t.Fatalf("keyforge %s: exit %d, stdout %q, stderr %q; want exit 1", strings.Join(args, " "), code, out, errOut)
	}
	if !strings.HasPrefix(errOut, "keyforge: write "+path+": ") || !strings.Contains(errOut, reason) {
		t.Fatalf("stderr %q, want it to name %s and say %q", errOut, path, reason)
	}
	if strings.Contains(errOut, "PRIVATE KEY") || strings.Contains(errOut, "ssh-ed25519 ") {
		t.Fatalf("stderr shows key material: %q", errOut)
	}
	if after := dirState(t, dir); after != before {
		t.Fatalf("directory changed by a refused write:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func withForce(args []string) []string { return append(append([]string(nil), args...), "--force") }

func TestKeyFileRefusals(t *testing.T) {
	for _, w := range keyWriters(t) {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			existing := filepath.Join(dir, "existing")
			if err := os.WriteFile(existing, []byte(oldKey), 0o600); err != nil {
				t.Fatal(err)
			}
			expectRefused(t, dir, existing, "file exists; use --force to replace it", w.args(existing))

			link := filepath.Join(dir, "link")
			if err := os.Symlink("existing", link); err != nil {
				t.Fatal(err)
			}
			dangling := filepath.Join(dir, "dangling")
			if err := os.Symlink("nowhere", dangling); err != nil {
				t.Fatal(err)
			}
			sub := filepath.Join(dir, "subdir")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			fifo := filepath.Join(dir, "fifo")
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ path, reason string }{
				{link, "is a symbolic link"},
				{dangling, "is a symbolic link"},
				{sub, "not a regular file (a directory)"},
				{sub + "/", "not a regular file (a directory)"},
				{fifo, "not a regular file (a named pipe)"},
				{"/dev/null", "not a regular file (a character device)"},
			} {
				expectRefused(t, dir, c.path, c.reason, w.args(c.path))
				expectRefused(t, dir, c.path, c.reason, withForce(w.args(c.path)))
			}
			if _, err := os.Stat(filepath.Join(dir, "nowhere")); err == nil {
				t.Fatal("a dangling link's target was created")
			}
			// A regular file in place of the directory.
			under := filepath.Join(existing, "key")
			expectRefused(t, dir, under, "not a directory", w.args(under))
			expectRefused(t, dir, under, "not a directory", withForce(w.args(under)))
		})
	}
}

func TestKeyFileCreateAndForce(t *testing.T) {
	for _, w := range keyWriters(t) {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "key")
			if _, errOut, code := runBinary(t, w.args(path)...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			checkKeyFile(t, path, w.private)
			if names := dirNames(t, dir); names != "key" {
				t.Fatalf("directory holds %s", names)
			}

			// --force over an existing wider-mode file with a second hard
			// link: the file is replaced (new inode, right mode), the other
			// link keeps the old bytes (nothing was written through).
			old := filepath.Join(dir, "old")
			if err := os.WriteFile(old, []byte(oldKey), 0o666); err != nil {
				t.Fatal(err)
			}
			os.Chmod(old, 0o666)
			other := filepath.Join(dir, "other-link")
			if err := os.Link(old, other); err != nil {
				t.Fatal(err)
			}
			before, _ := os.Stat(old)
			if _, errOut, code := runBinary(t, withForce(w.args(old))...); code != 0 {
				t.Fatalf("--force: exit %d: %s", code, errOut)
			}
			checkKeyFile(t, old, w.private)
			after, _ := os.Stat(old)
			if os.SameFile(before, after) {
				t.Fatal("--force rewrote the file in place instead of replacing it")
			}
			if data, _ := os.ReadFile(other); string(data) != oldKey {
				t.Fatalf("the other hard link changed: %q", data)
			}
			if names := dirNames(t, dir); names != "key old other-link" {
				t.Fatalf("directory holds %s", names)
			}
		})
	}
}

func checkKeyFile(t *testing.T, path string, private bool) {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	want := fs.FileMode(0o600)
	if !private {
		want = 0o644 &^ umask()
	}
	if !st.Mode().IsRegular() || st.Mode().Perm() != want {
		t.Fatalf("%s: mode %v, want regular %v", path, st.Mode(), want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "\n") || (!strings.Contains(string(data), "PRIVATE KEY") && !strings.HasPrefix(string(data), "ssh-ed25519 ")) {
		t.Fatalf("%s holds %q", path, data)
	}
}

func umask() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}

func dirNames(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}
