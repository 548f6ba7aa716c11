//go:build unix

package bench

import (
	"syscall"
	"time"
)

// CPUClock is this process's user+system CPU time (all threads: garbage
// collection included), for Run.Clock.
func CPUClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return WallClock()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
