//go:build unix

package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range ents {
		n = append(n, e.Name())
	}
	return n
}

func TestWriteModes(t *testing.T) {
	old := syscall.Umask(0o277) // stricter than 0600: a private file is still exactly 0600
	defer syscall.Umask(old)
	dir := t.TempDir()
	for _, c := range []struct {
		private bool
		want    fs.FileMode
	}{{true, 0o600}, {false, 0o644 &^ 0o277}} {
		p := filepath.Join(dir, fmt.Sprint(c.private))
		if err := Write(p, []byte("data"), Options{Private: c.private}); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != c.want {
			t.Fatalf("private=%v: mode %v, want %v (%v)", c.private, st.Mode().Perm(), c.want, err)
		}
	}
}

func TestWriteSentinels(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := Write(file, []byte("one"), Options{Private: true}); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "l")
	os.Symlink("f", link)
	for _, c := range []struct {
		path string
		opts Options
		want error
	}{
		{file, Options{}, ErrExists},
		{link, Options{}, ErrSymlink},
		{link, Options{Force: true}, ErrSymlink},
		{dir, Options{Force: true}, ErrNotRegular},
	} {
		for name, err := range map[string]error{"Check": Check(c.path, c.opts), "Write": Write(c.path, []byte("two"), c.opts)} {
			var pe *fs.PathError
			if !errors.Is(err, c.want) || !errors.As(err, &pe) || pe.Path != c.path || pe.Op != "write" {
				t.Errorf("%s(%s, %+v) = %v, want write %s: %v", name, c.path, c.opts, err, c.path, c.want)
			}
		}
	}
	if data, _ := os.ReadFile(file); string(data) != "one" {
		t.Fatalf("refused writes changed the file: %q", data)
	}
	if err := Write(file, []byte("two"), Options{Force: true, Private: true}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(file); string(data) != "two" {
		t.Fatalf("forced write: %q", data)
	}
	if n := strings.Join(names(t, dir), " "); n != "f l" {
		t.Fatalf("directory holds %s", n)
	}
}

// TestWriteNoClobberRace: of many concurrent writers of one new path
// without Force exactly one wins; the others get ErrExists and the file
// holds the winner's bytes, complete.
func TestWriteNoClobberRace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = Write(p, []byte(strings.Repeat(fmt.Sprint(i%10), 4096)), Options{Private: true})
		})
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("writers %d and %d both succeeded", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, ErrExists):
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	data, _ := os.ReadFile(p)
	if won < 0 || string(data) != strings.Repeat(fmt.Sprint(won%10), 4096) {
		t.Fatalf("winner %d, file %.20q…", won, data)
	}
	if n := strings.Join(names(t, dir), " "); n != "key" {
		t.Fatalf("directory holds %s", n)
	}
}

func TestWriteMissingDirectory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "key")
	err := Write(p, []byte("x"), Options{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "write "+p+": creating a temporary file in ") {
		t.Fatalf("got %v", err)
	}
}

// TestHoldSignals: a SIGHUP arriving while a write is under way is held and
// delivered again when it ends (here to the test's own handler, which keeps
// the process alive; without one it ends the process after the cleanup).
func TestHoldSignals(t *testing.T) {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGHUP)
	defer signal.Stop(c)
	release := holdSignals()
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	<-c                               // the test's handler sees the first delivery too
	time.Sleep(50 * time.Millisecond) // let it reach the hold channel
	release()
	select {
	case <-c:
	case <-time.After(10 * time.Second):
		t.Fatal("the held signal was not delivered again")
	}
}
