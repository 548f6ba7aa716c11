//go:build !unix

package sizetest

import "time"

// cpuTime is unavailable here; costs are then logged without it.
func cpuTime() time.Duration { return 0 }
