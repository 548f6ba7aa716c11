package ppk

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyforge/keyforge/internal/testtool"
)

// BenchmarkDecryptDefault decrypts one puttygen-made file with puttygen's
// default parameters (Argon2id, 8192 KiB, parallelism 1, passes calibrated
// by puttygen at creation) with keyforge and with `puttygen F
// --old-passphrase P --dump`, and logs the ratio. puttygen's time includes
// starting the process, which is what a caller of the tool pays.
func BenchmarkDecryptDefault(b *testing.B) {
	path := testtool.Require(b, "puttygen")
	pass := tmpFile(b, "pass", []byte(matrixPass+"\n"))
	f := filepath.Join(filepath.Dir(pass), "default.ppk")
	testtool.Run(b, nil, "puttygen", "-t", "ed25519", "-C", "bench", "--new-passphrase", pass, "-o", f, "-q")
	data := readFile(b, f)
	k, err := Parse(data, []byte(matrixPass), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("file: %s, %d KiB, %d passes, parallelism %d", k.KDF, k.Memory, k.Passes, k.Parallelism)

	var ours, theirs time.Duration
	b.Run("keyforge", func(b *testing.B) {
		for b.Loop() {
			if _, err := Parse(data, []byte(matrixPass), nil); err != nil {
				b.Fatal(err)
			}
		}
		ours = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("puttygen", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command(path, f, "--old-passphrase", pass, "--dump")
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
		theirs = b.Elapsed() / time.Duration(b.N)
	})
	// puttygen's fixed cost: the same key, unencrypted.
	plain := filepath.Join(filepath.Dir(pass), "plain.ppk")
	empty := tmpFile(b, "empty", nil)
	testtool.Run(b, nil, "puttygen", f, "--old-passphrase", pass, "-P", "--new-passphrase", empty, "-o", plain)
	var startup time.Duration
	b.Run("puttygen-unencrypted", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(path, plain, "--dump").Run(); err != nil {
				b.Fatal(err)
			}
		}
		startup = b.Elapsed() / time.Duration(b.N)
	})
	if ours > 0 && theirs > startup {
		b.Logf("puttygen's decryption alone (minus its unencrypted run) %v: ratio %.2f", theirs-startup, float64(theirs-startup)/float64(ours))
	}
	if ours > 0 {
		b.Logf("keyforge %v/op, puttygen %v/op: puttygen/keyforge = %.2f", ours, theirs, float64(theirs)/float64(ours))
	}
}
