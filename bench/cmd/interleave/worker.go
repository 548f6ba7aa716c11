package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/keyforge/keyforge/bench"
	"github.com/keyforge/keyforge/keygen"
)

// The worker protocol, one line each way per key:
//
//	parent: "<gomaxprocs> <bits> <seed hex> <cpu|wall>"
//	worker: "<nanoseconds> <modulus hex>"   or   "error <message>"
//
// The worker times keygen.RSA itself, so pipe latency is not counted; the
// parent waits idle meanwhile, so the worker has the cores.
func runWorker(in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	w := bufio.NewWriter(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			return fmt.Errorf("worker: bad request %q", sc.Text())
		}
		gmp, err1 := strconv.Atoi(f[0])
		bits, err2 := strconv.Atoi(f[1])
		seed, err3 := hex.DecodeString(f[2])
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		if runtime.GOMAXPROCS(0) != gmp {
			runtime.GOMAXPROCS(gmp)
		}
		clock := bench.WallClock
		if f[3] == "cpu" {
			clock = bench.CPUClock
		}
		start := clock()
		k, err := keygen.RSA(bytes.NewReader(seed), bits)
		d := clock() - start
		if err != nil {
			fmt.Fprintf(w, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		} else {
			fmt.Fprintf(w, "%d %s\n", d.Nanoseconds(), k.N.Text(16))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// worker is a running purego worker process.
type worker struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	gmp int
	cpu bool // time keys by CPU time
	dir string
}

// startPuregoWorker builds this command with -tags purego and starts it
// in worker mode.
func startPuregoWorker() (*worker, error) {
	dir, err := os.MkdirTemp("", "interleave-purego")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "interleave-purego")
	build := exec.Command("go", "build", "-tags", "purego", "-o", bin, "github.com/keyforge/keyforge/bench/cmd/interleave")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("building the purego worker: %w", err)
	}
	cmd := exec.Command(bin, "-worker")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &worker{cmd: cmd, in: in, out: bufio.NewScanner(out), dir: dir, gmp: 1}, nil
}

func (w *worker) gen(seed []byte, bits int) (*big.Int, time.Duration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	clock := "wall"
	if w.cpu {
		clock = "cpu"
	}
	if _, err := fmt.Fprintf(w.in, "%d %d %x %s\n", w.gmp, bits, seed, clock); err != nil {
		return nil, 0, err
	}
	if !w.out.Scan() {
		return nil, 0, fmt.Errorf("worker exited: %v", w.out.Err())
	}
	line := w.out.Text()
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		return nil, 0, errors.New(msg)
	}
	ns, nhex, ok := strings.Cut(line, " ")
	if !ok {
		return nil, 0, fmt.Errorf("bad worker reply %q", line)
	}
	d, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return nil, 0, err
	}
	n, ok := new(big.Int).SetString(nhex, 16)
	if !ok {
		return nil, 0, fmt.Errorf("bad worker modulus")
	}
	return n, time.Duration(d), nil
}

func (w *worker) close() {
	w.in.Close()
	w.cmd.Wait()
	os.RemoveAll(w.dir)
}
