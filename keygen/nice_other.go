//go:build !linux

package keygen

// backgroundPriority has no portable per-thread equivalent elsewhere; the
// refill still pauses while any Get generates inline.
func backgroundPriority() {}
