// Package sizetest checks that a decoder's cost grows linearly with its
// input: it builds hostile inputs of growing size and counts the bytes and
// objects the decoder allocates (never seconds, which a shared machine
// makes meaningless). Fuzzers cannot find quadratic parsers because their
// inputs are small; these tests grow the input to a mebibyte.
package sizetest

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// Sizes are the input sizes tried, 64 KiB to 1 MiB (16× apart).
var Sizes = []int{64 << 10, 256 << 10, 1 << 20}

// Case is one hostile input family for one decoder.
type Case struct {
	Name string
	// Build returns an input of about n bytes.
	Build func(n int) []byte
	// Decode runs the decoder; its result is ignored (hostile input is
	// expected to fail), only its cost is measured.
	Decode func(data []byte)
	// MaxPerByte bounds the bytes allocated per input byte (default 16):
	// a linear decoder copies its input a few times, a quadratic one
	// allocates thousands of times its input already at 64 KiB.
	MaxPerByte float64
	// Sizes overrides Sizes (for decoders with a lower input limit).
	Sizes []int
}

// Cost is what one decoder run allocated.
type Cost struct {
	Input   int
	Bytes   uint64 // bytes allocated
	Objects uint64 // heap objects allocated
	// CPU is the process CPU time per run, logged for information only:
	// timings are never asserted (a shared machine makes them noise).
	CPU time.Duration
}

// Measure returns what one run of decode on data allocates (the mean of a
// few runs, after one to warm up).
func Measure(data []byte, decode func([]byte)) Cost {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	decode(data)
	const runs = 3
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := cpuTime()
	for range runs {
		decode(data)
	}
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&after)
	return Cost{
		Input:   len(data),
		Bytes:   (after.TotalAlloc - before.TotalAlloc) / runs,
		Objects: (after.Mallocs - before.Mallocs) / runs,
		CPU:     cpu / runs,
	}
}

// Check runs each case at every size, smallest first, and fails the test
// when allocation per input byte exceeds MaxPerByte or when the growth from
// the smallest to the largest size is more than twice linear. It stops a
// case at its first failure, so a quadratic decoder fails in milliseconds
// at 64 KiB instead of running for minutes at 1 MiB.
func Check(t *testing.T, cases ...Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			sizes := c.Sizes
			if sizes == nil {
				sizes = Sizes
			}
			perByte := c.MaxPerByte
			if perByte == 0 {
				perByte = 16
			}
			var first Cost
			for i, n := range sizes {
				data := c.Build(n)
				got := Measure(data, c.Decode)
				t.Logf("%8d bytes in: %10d bytes, %7d objects allocated, %v CPU", got.Input, got.Bytes, got.Objects, got.CPU)
				// A constant allowance covers fixed costs (keys, tables).
				if limit := perByte*float64(got.Input) + 64<<10; float64(got.Bytes) > limit {
					t.Fatalf("%d-byte input allocates %d bytes (%.1f per input byte; limit %.0f)",
						got.Input, got.Bytes, float64(got.Bytes)/float64(got.Input), perByte)
				}
				if i == 0 {
					first = got
					continue
				}
				if err := linear(first, got); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// linear reports growth from a to b more than twice the growth of the input
// (with a floor so tiny counts do not make noisy ratios).
func linear(a, b Cost) error {
	in := float64(b.Input) / float64(a.Input)
	ratio := func(x, y, floor uint64) float64 { return float64(max(y, floor)) / float64(max(x, floor)) }
	if r := ratio(a.Bytes, b.Bytes, 64<<10); r > 2*in {
		return fmt.Errorf("input grew %.1f×, bytes allocated %.1f× (%d → %d): super-linear", in, r, a.Bytes, b.Bytes)
	}
	if r := ratio(a.Objects, b.Objects, 256); r > 2*in {
		return fmt.Errorf("input grew %.1f×, objects allocated %.1f× (%d → %d): super-linear", in, r, a.Objects, b.Objects)
	}
	return nil
}

// Repeat returns head, unit repeated, and tail: at most n bytes in all (so
// that a 1 MiB input stays within the decoders' 1 MiB limit), and within
// one unit of n.
func Repeat(head, unit, tail string, n int) []byte {
	b := make([]byte, 0, n)
	b = append(b, head...)
	for len(b)+len(unit)+len(tail) <= n {
		b = append(b, unit...)
	}
	return append(b, tail...)
}
