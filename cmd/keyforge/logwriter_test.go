package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

type countingBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *countingBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

// TestLogWriter: every line from concurrent writers arrives whole and in
// each writer's order, also past the pending bound and after Close.
func TestLogWriter(t *testing.T) {
	var out countingBuffer
	w := newLogWriter(&out)
	long := strings.Repeat("x", maxPending/8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				line := fmt.Sprintf("g%d %d\n", g, i)
				if i%100 == 99 {
					line = fmt.Sprintf("g%d %d %s\n", g, i, long)
				}
				if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
					t.Errorf("Write: %d, %v", n, err)
				}
			}
		}()
	}
	wg.Wait()
	w.Close()
	w.Write([]byte("after close\n"))
	lines := strings.Split(strings.TrimSuffix(out.b.String(), "\n"), "\n")
	if len(lines) != 8*500+1 || lines[len(lines)-1] != "after close" {
		t.Fatalf("%d lines, last %.40q", len(lines), lines[len(lines)-1])
	}
	next := make([]int, 8)
	for _, l := range lines[:len(lines)-1] {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d %d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("line %.40q out of order (want g%d %d)", l, g, next[g])
		}
		next[g]++
	}
	t.Logf("%d lines in %d writes", len(lines), out.writes)
}
