package ppk

import (
	"errors"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// hostileFile is an encrypted file asking for memory KiB × passes.
func hostileFile(t testing.TB, memory, passes uint32) []byte {
	enc := smallEncrypted(t)
	enc = setHeader(enc, "Argon2-Memory", strconv.FormatUint(uint64(memory), 10))
	return setHeader(enc, "Argon2-Passes", strconv.FormatUint(uint64(passes), 10))
}

// BenchmarkHostileKDF decodes hostile files at the default ceilings with a
// wrong passphrase (the whole Argon2 runs) and reports CPU seconds and the
// memory allocated per file, the figures the package documents (run with
// -benchtime=1x).
func BenchmarkHostileKDF(b *testing.B) {
	for _, c := range []struct{ memory, passes uint32 }{
		{DefaultMaxMemory, DefaultMaxWork / DefaultMaxMemory},
		{DefaultMaxMemory, 1},
		{8192, DefaultMaxWork / 8192},
	} {
		data := hostileFile(b, c.memory, c.passes)
		b.Run(strconv.Itoa(int(c.memory>>10))+"MiB-x"+strconv.Itoa(int(c.passes)), func(b *testing.B) {
			var cpu time.Duration
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			for b.Loop() {
				t := cpuTime()
				_, err := Parse(data, []byte("wrong"), nil)
				cpu += cpuTime() - t
				if !errors.Is(err, ErrIncorrectPassphrase) {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&m1)
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N)/(1<<20), "MiB/op")
		})
	}
}

// TestHostileKDFFiles: the benchmark's worst file is accepted at the
// default ceilings (refused for its passphrase only), one unit more is
// refused before any work.
func TestHostileKDFFiles(t *testing.T) {
	opts := &ParseOptions{MaxMemory: 64, MaxWork: 128}
	if _, err := Parse(hostileFile(t, 64, 2), []byte("wrong"), opts); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Errorf("at the ceilings: %v", err)
	}
	for _, f := range [][]byte{hostileFile(t, 65, 1), hostileFile(t, 64, 3)} {
		if _, err := Parse(f, []byte("wrong"), opts); !errors.Is(err, ErrUnsafeKDF) {
			t.Errorf("above the ceilings: %v", err)
		}
	}
}
