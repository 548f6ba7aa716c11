//go:build !unix

package bench

import "time"

// CPUClock falls back to WallClock where getrusage is missing.
func CPUClock() time.Duration { return WallClock() }
