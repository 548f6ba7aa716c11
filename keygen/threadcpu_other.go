//go:build !linux

package keygen

import "time"

// threadCPU has no portable equivalent; without it the refill only yields
// its scheduler slot between steps and never paces itself.
func threadCPU() (tid int, cpu time.Duration, ok bool) { return 0, 0, false }
