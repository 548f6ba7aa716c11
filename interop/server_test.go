package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// keyforgeBin is the keyforge binary built once for the whole run.
var keyforgeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keyforge-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	keyforgeBin = filepath.Join(dir, "keyforge")
	build := exec.Command("go", "build", "-o", keyforgeBin, "./cmd/keyforge")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building keyforge: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `keyforge serve` on loopback.
type server struct {
	URL    string
	State  string // --state file, "" for memory
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs keyforge serve on 127.0.0.1 with a free port and args,
// and stops it (SIGTERM) when the test ends.
func startServer(t testing.TB, args ...string) *server {
	t.Helper()
	s := launch(t, args...)
	t.Cleanup(func() { s.stop(t) })
	return s
}

func launch(t testing.TB, args ...string) *server {
	t.Helper()
	s := &server{stderr: &syncBuffer{}, done: make(chan error, 1)}
	for i, a := range args {
		if a == "--state" && i+1 < len(args) {
			s.State = args[i+1]
		}
	}
	s.cmd = exec.Command(keyforgeBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	s.cmd.Stderr = s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			urlc <- sc.Text()
		}
		close(urlc)
		for sc.Scan() {
		}
		s.done <- s.cmd.Wait()
	}()
	select {
	case u, ok := <-urlc:
		if !ok || !strings.HasPrefix(u, "http://127.0.0.1:") {
			s.cmd.Process.Kill()
			t.Fatalf("keyforge serve printed %q; stderr:\n%s", u, s.stderr)
		}
		s.URL = u
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("keyforge serve printed no URL in 30s; stderr:\n%s", s.stderr)
	}
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t testing.TB) {
	t.Helper()
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("keyforge serve exited: %v\nstderr:\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("keyforge serve did not stop in 30s after SIGTERM")
	}
}

// logged reports whether the server's log has a line containing s. The
// server logs a request after answering it, so this waits a little.
func (s *server) logged(sub string) bool {
	for range 200 {
		if strings.Contains(s.stderr.String(), sub) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// kill sends SIGKILL and waits.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// modes runs f against a server in memory and one with --state.
func modes(t *testing.T, f func(t *testing.T, s *server), args ...string) {
	t.Run("memory", func(t *testing.T) { f(t, startServer(t, args...)) })
	t.Run("state", func(t *testing.T) {
		f(t, startServer(t, append([]string{"--state", filepath.Join(t.TempDir(), "keys.db")}, args...)...))
	})
}

// requireTool returns path when it is an executable, else skips the test
// naming the Debian package (fails under KEYFORGE_INTEROP=require).
func requireTool(t testing.TB, path, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(path); err == nil {
		return p
	}
	missing(t, path+" not found: install the Debian package "+pkg)
	return ""
}

func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("KEYFORGE_INTEROP") == "require" {
		t.Fatalf("%s (KEYFORGE_INTEROP=require)", msg)
	}
	t.Skip(msg)
}

// cleanEnv is the environment for python3 and aws: fixed dummy
// credentials, no metadata service, no pager, and a fresh HOME, so that no
// user configuration leaks in.
func cleanEnv(t testing.TB) []string {
	home := t.TempDir()
	return []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
	}
}
