package keygen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// threadNices returns the nice value (field 19 of stat) of each thread of
// this process.
func threadNices(t *testing.T) []string {
	dirs, err := filepath.Glob("/proc/self/task/*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var nices []string
	for _, d := range dirs {
		if n, ok := statNice(d); ok {
			nices = append(nices, n)
		}
	}
	return nices
}

func statNice(name string) (string, bool) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", false // the thread exited
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 on
	return f[16], true
}

// TestPoolKeepsThreadPriority: the refill runs in ordinary goroutines and
// changes no thread's priority. (A niced thread would be starved by busy
// processes while holding a scheduler slot, which stalls garbage
// collection; and goroutines move between threads, so a niced thread
// would slow whatever request ran on it next.)
func TestPoolKeepsThreadPriority(t *testing.T) {
	want, _ := statNice("/proc/self/stat") // the main thread's
	p := NewPool(PoolOptions{Size: 2, Workers: 2})
	defer p.Close()
	for p.Len() < 2 {
		for _, n := range threadNices(t) {
			if n != want {
				t.Fatalf("a thread at nice %s while the refill runs, want %s (all: %v)", n, want, threadNices(t))
			}
		}
		time.Sleep(time.Millisecond)
	}
}
