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
		b, err := os.ReadFile(d)
		if err != nil {
			continue // the thread exited
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 on
		nices = append(nices, f[16])
	}
	return nices
}

// TestPoolRefillThreadIsNiced: the refill's OS thread runs at nice 19.
func TestPoolRefillThreadIsNiced(t *testing.T) {
	p := NewPool(PoolOptions{Size: 1})
	defer p.Close()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, n := range threadNices(t) {
			if n == "19" {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no thread at nice 19; nice values: %v", threadNices(t))
}
