package keygen

import "syscall"

// backgroundPriority lowers the calling OS thread to nice 19, so the
// kernel runs request threads (a Get, a CreateKeyPair) before the refill
// whenever both want a core. Linux applies setpriority to one thread when
// given its tid. Failure only costs latency, so it is ignored.
func backgroundPriority() {
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
