package keyfile

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sizetest"
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
// for inputs that each stress one part of the detection and the readers
// (sizes up to MaxInputSize).
func TestSizeGrowth(t *testing.T) {
	ed := readFixture(t, "ed25519-authorized.pub")
	pem := readFixture(t, "rsa-pkcs1.pem")
	sec1 := readFixture(t, "p256-sec1.pem")
	rfc := readFixture(t, "rsa-rfc4716.pub")
	parse := func(b []byte) { Parse(b, nil) }
	sizes := []int{64 << 10, 256 << 10, MaxInputSize - 4096}
	c := func(name string, build func(n int) []byte) sizetest.Case {
		return sizetest.Case{Name: name, Build: build, Decode: parse, Sizes: sizes}
	}
	sizetest.Check(t,
		c("comment lines before a key line", func(n int) []byte { return append(bytes.Repeat([]byte("# c\n"), n/4), ed...) }),
		c("blank lines", func(n int) []byte { return append(bytes.Repeat([]byte("\n"), n), ed...) }),
		c("text before BEGIN", func(n int) []byte { return append(bytes.Repeat([]byte("x-----BEGIN \n"), n/13), pem...) }),
		c("EC PARAMETERS blocks", func(n int) []byte {
			blk := []byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n")
			return append(bytes.Repeat(blk, n/len(blk)), sec1...)
		}),
		c("RFC 4716 continuation lines", func(n int) []byte {
			head, body, _ := bytes.Cut(rfc, []byte("\n"))
			return append(append(append(head, "\nComment: x\\\n"...), bytes.Repeat([]byte("ab\\\n"), n/4)...), append([]byte("y\n"), body...)...)
		}),
		c("long base64 token", func(n int) []byte { return bytes.Repeat([]byte("A"), n/4*4) }),
		c("long authorized_keys comment", func(n int) []byte { return append(bytes.TrimSpace(ed), strings.Repeat(" c", n/2)...) }),
		c("garbage", func(n int) []byte { return bytes.Repeat([]byte("\x00\x01"), n/2) }),
		c("PPK with a long comment", func(n int) []byte {
			return append([]byte("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: "), bytes.Repeat([]byte("c"), n)...)
		}),
		c("ssh.com comment continued over many lines", func(n int) []byte {
			b := []byte("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"x\\\n")
			b = append(b, bytes.Repeat([]byte("abcdef\\\n"), n/8)...)
			return append(b, "\"\nP2/56w==\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n"...)
		}),
		c("dropbear key with a huge number", func(n int) []byte {
			b := []byte("\x00\x00\x00\x07ssh-rsa")
			b = binary.BigEndian.AppendUint32(b, uint32(n-20))
			return append(b, bytes.Repeat([]byte{0x7f}, n-20)...)
		}),
		c("certificate with bytes after it", func(n int) []byte {
			line := bytes.TrimSpace(readFixture(t, "ed25519-cert.pub"))
			f := bytes.Fields(line)
			blob, _ := base64.StdEncoding.DecodeString(string(f[1]))
			// Options appended after the signature: the whole certificate is
			// read before the trailing bytes are refused.
			var ext []byte
			for len(ext) < n*5/8 {
				ext = append(ext, 0, 0, 0, 10, 'p', 'e', 'r', 'm', 'i', 't', '-', 'p', 't', 'y', 0, 0, 0, 0)
			}
			return []byte(string(f[0]) + " " + base64.StdEncoding.EncodeToString(append(blob[:0:0], append(blob, ext...)...)))
		}),
	)
}
