package keyfile

import (
	"bytes"
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, and every error matches one of the
// package's sentinels or is *PassphraseMissingError.
func FuzzParse(f *testing.F) {
	for name := range wantFormat {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"))
	f.Add([]byte("0\x03\x02\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// No passphrase: encrypted inputs stop before any KDF work.
		k, err := Parse(data, nil)
		if err != nil {
			var pm *PassphraseMissingError
			if errors.As(err, &pm) {
				return
			}
			for _, s := range []error{ErrUnknownFormat, ErrMalformed, ErrIncorrectPassphrase, ErrUnsupported, ErrUnsafeKDF} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error matches no sentinel: %v", err)
		}
		if k.PublicKey == nil || k.Format == "" || k.Encoding == "" {
			t.Fatalf("incomplete key: %+v", k)
		}
		if k.PrivateKey != nil && !publicEqual(k.PrivateKey.Public(), k.PublicKey) {
			t.Fatal("PublicKey is not the private key's")
		}
	})
}

func publicEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

// TestSizeGrowth: the bytes Parse allocates grow linearly with the input,
// for inputs that each stress one part of the detection and the readers.
func TestSizeGrowth(t *testing.T) {
	ed := readFixture(t, "ed25519-authorized.pub")
	pem := readFixture(t, "rsa-pkcs1.pem")
	for _, c := range []struct {
		name string
		make func(n int) []byte
	}{
		{"comment lines before a key line", func(n int) []byte {
			return append(bytes.Repeat([]byte("# c\n"), n/4), ed...)
		}},
		{"blank lines", func(n int) []byte { return append(bytes.Repeat([]byte("\n"), n), ed...) }},
		{"text before BEGIN", func(n int) []byte {
			return append(bytes.Repeat([]byte("x-----BEGIN \n"), n/13), pem...)
		}},
		{"long base64 token", func(n int) []byte { return bytes.Repeat([]byte("A"), n/4*4) }},
		{"long authorized_keys comment", func(n int) []byte {
			return append(bytes.TrimSpace(ed), strings.Repeat("c", n)...)
		}},
		{"garbage", func(n int) []byte { return bytes.Repeat([]byte("\x00\x01"), n/2) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			small, large := allocated(c.make(64<<10)), allocated(c.make(960<<10))
			// 15× the input: linear work allocates about 15× (plus constants).
			if large > 40*small+1<<20 {
				t.Errorf("allocations grow super-linearly: %d bytes at 64 KiB, %d at 960 KiB", small, large)
			}
		})
	}
}

func allocated(data []byte) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	Parse(data, nil)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
