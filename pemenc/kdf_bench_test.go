package pemenc

import (
	"crypto/ed25519"
	"encoding/asn1"
	"errors"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// hostileOpenSSH is an OpenSSH key encrypted with cipher at rounds; read
// with a wrong passphrase, the whole KDF runs before the refusal.
func hostileOpenSSH(b testing.TB, cipher string, rounds int) []byte {
	// Encode at 1 round and patch the count: writing at the ceiling would
	// cost as much as the read measured.
	k := ed25519.NewKeyFromSeed(make([]byte, 32))
	o, err := MarshalOpenSSHPrivateKey(k, &OpenSSHOptions{Rand: zeroReader{}, Passphrase: []byte("pw"), Rounds: 1, Cipher: cipher})
	if err != nil {
		b.Fatal(err)
	}
	return bcryptRounds(b, o, uint32(rounds))
}

// hostilePKCS8 is an encrypted PKCS#8 file with PBKDF2 at iter iterations
// and the given PRF, for AES-256-CBC (the longest key).
func hostilePKCS8(b testing.TB, prf asn1.ObjectIdentifier, iter int) []byte {
	kdfParams, _ := asn1.Marshal(struct {
		Salt []byte
		Iter int
		PRF  struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue
		}
	}{Salt: make([]byte, 16), Iter: iter, PRF: struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue
	}{prf, asn1.NullRawValue}})
	iv, _ := asn1.Marshal(make([]byte, 16))
	type algo struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue
	}
	p2, _ := asn1.Marshal(struct{ KDF, Scheme algo }{
		algo{oidPBKDF2, asn1.RawValue{FullBytes: kdfParams}},
		algo{oidAES256CBC, asn1.RawValue{FullBytes: iv}},
	})
	der, err := asn1.Marshal(struct {
		Algo algo
		Data []byte
	}{algo{oidPBES2, asn1.RawValue{FullBytes: p2}}, make([]byte, 48)})
	if err != nil {
		b.Fatal(err)
	}
	return encodeArmor("ENCRYPTED PRIVATE KEY", nil, der, 64)
}

// BenchmarkHostileKDF reads hostile files at the default ceilings with a
// wrong passphrase (the full KDF runs) and reports CPU seconds per file,
// the figures the package documents (run with -benchtime=1x).
func BenchmarkHostileKDF(b *testing.B) {
	run := func(name string, data []byte) {
		b.Run(name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				c := cpuTime()
				_, _, err := ParsePrivateKey(data, []byte("wrong"), nil)
				cpu += cpuTime() - c
				if !errors.Is(err, ErrIncorrectPassphrase) && !errors.Is(err, ErrMalformed) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
	for _, c := range []string{"chacha20-poly1305@openssh.com", "aes256-ctr"} {
		run("bcrypt-"+c, hostileOpenSSH(b, c, DefaultMaxBcryptRounds))
	}
	for name, prf := range map[string]asn1.ObjectIdentifier{"sha1": oidHMACSHA1, "sha224": oidHMACSHA224, "sha256": oidHMACSHA256, "sha384": oidHMACSHA384, "sha512": oidHMACSHA512} {
		run("pbkdf2-"+name, hostilePKCS8(b, prf, DefaultMaxPBKDF2Iterations))
	}
}

// TestHostileKDFFiles: the benchmark's files are what they claim: at the
// ceiling they are read (refused for the passphrase only), one above it
// they are refused before any work.
func TestHostileKDFFiles(t *testing.T) {
	opts := &ParseOptions{MaxBcryptRounds: 3, MaxPBKDF2Iterations: 3}
	if _, _, err := ParsePrivateKey(hostileOpenSSH(t, "aes256-ctr", 3), []byte("wrong"), opts); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Errorf("bcrypt at the ceiling: %v", err)
	}
	if _, _, err := ParsePrivateKey(hostileOpenSSH(t, "aes256-ctr", 4), []byte("wrong"), opts); !errors.Is(err, ErrUnsafeKDF) {
		t.Errorf("bcrypt above the ceiling: %v", err)
	}
	if _, _, err := ParsePrivateKey(hostilePKCS8(t, oidHMACSHA256, 3), []byte("wrong"), opts); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Errorf("PBKDF2 at the ceiling: %v", err)
	}
	if _, _, err := ParsePrivateKey(hostilePKCS8(t, oidHMACSHA256, 4), []byte("wrong"), opts); !errors.Is(err, ErrUnsafeKDF) {
		t.Errorf("PBKDF2 above the ceiling: %v", err)
	}
}
