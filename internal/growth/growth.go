// Package growth checks in tests that a decoder's cost grows linearly with
// its input: it counts the bytes allocated and the wall-clock-free work
// proxy (allocations) for inputs from 64 KiB to 1 MiB and fails when the
// 1 MiB input costs more than a linear extrapolation of the 64 KiB one
// allows (with slack for fixed overheads and GC noise).
package growth

import (
	"runtime"
	"testing"
)

// Sizes are the input sizes measured, 64 KiB to 1 MiB.
var Sizes = []int{64 << 10, 256 << 10, 1 << 20}

// Linear runs decode on make(n) for every n in Sizes and fails t when the
// bytes allocated for 1 MiB exceed slack × 16 × those for 64 KiB (plus
// 64 KiB of fixed cost). A quadratic decoder fails by a factor of 16.
func Linear(t *testing.T, make func(n int) []byte, decode func([]byte)) {
	t.Helper()
	const slack = 3
	var first uint64
	for i, n := range Sizes {
		in := make(n)
		if len(in) < n/2 {
			t.Fatalf("input for %d bytes is only %d bytes", n, len(in))
		}
		alloc := measure(in, decode)
		t.Logf("%7d bytes in: %9d bytes allocated", len(in), alloc)
		if i == 0 {
			first = alloc
			continue
		}
		limit := slack*(first+64<<10)*uint64(n/Sizes[0]) + 64<<10
		if alloc > limit {
			t.Errorf("%d-byte input allocated %d bytes, over the linear bound %d (64 KiB: %d)", len(in), alloc, limit, first)
		}
	}
}

func measure(in []byte, decode func([]byte)) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	decode(in)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
