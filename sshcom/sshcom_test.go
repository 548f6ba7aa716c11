package sshcom_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
	"github.com/keyforge/keyforge/sshcom"
)

const passphrase = "correct horse"

type fixtures struct {
	ppkKey        *ppk.Key
	plain, cipher []byte // puttygen -O private-sshcom, without and with passphrase
	dsa           []byte
}

var (
	fixOnce sync.Once
	fix     *fixtures
)

// puttygenFixtures makes, once per run, an RSA key with puttygen and its
// ssh.com exports (plain and 3des-cbc), plus a DSA export.
func puttygenFixtures(t *testing.T) *fixtures {
	t.Helper()
	testtool.Require(t, "puttygen")
	fixOnce.Do(func() {
		dir, err := os.MkdirTemp("", "keyforge-sshcom")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		pw := filepath.Join(dir, "pw")
		os.WriteFile(pw, []byte(passphrase+"\n"), 0o600)
		k := filepath.Join(dir, "k.ppk")
		testtool.Run(t, nil, "puttygen", "-t", "rsa", "-b", "2048", "-C", `a "quoted" comment that is longer than sixty characters, so it wraps \ twice in the header`, "-o", k, "--new-passphrase", "/dev/null")
		f := &fixtures{}
		testtool.Run(t, nil, "puttygen", k, "-O", "private-sshcom", "-o", filepath.Join(dir, "plain"))
		testtool.Run(t, nil, "puttygen", k, "-O", "private-sshcom", "--new-passphrase", pw, "-o", filepath.Join(dir, "cipher"))
		d := filepath.Join(dir, "d.ppk")
		testtool.Run(t, nil, "puttygen", "-t", "dsa", "-b", "1024", "-o", d, "--new-passphrase", "/dev/null")
		testtool.Run(t, nil, "puttygen", d, "-O", "private-sshcom", "-o", filepath.Join(dir, "dsa"))
		read := func(n string) []byte {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if f.ppkKey, err = ppk.Parse(read("k.ppk"), nil, nil); err != nil {
			t.Fatal(err)
		}
		f.plain, f.cipher, f.dsa = read("plain"), read("cipher"), read("dsa")
		fix = f
	})
	if fix == nil {
		t.Fatal("puttygen fixtures failed earlier")
	}
	return fix
}

func TestReadPuttygen(t *testing.T) {
	f := puttygenFixtures(t)
	want := f.ppkKey.PrivateKey.(*rsa.PrivateKey)
	for name, in := range map[string][]byte{"plain": f.plain, "3des-cbc": f.cipher} {
		k, err := sshcom.Parse(in, []byte(passphrase), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !k.PrivateKey.(*rsa.PrivateKey).Equal(want) {
			t.Errorf("%s: another key than puttygen's", name)
		}
		if k.Comment != f.ppkKey.Comment {
			t.Errorf("%s: comment %q, want %q", name, k.Comment, f.ppkKey.Comment)
		}
	}
	if k, err := sshcom.Parse(f.cipher, nil, nil); !errors.Is(err, sshcom.ErrPassphraseRequired) || k == nil || k.Comment != f.ppkKey.Comment || k.PrivateKey != nil {
		t.Errorf("nil passphrase: %v", err)
	}
	if _, err := sshcom.Parse(f.cipher, []byte("wrong"), nil); !errors.Is(err, sshcom.ErrIncorrectPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := sshcom.Parse(f.dsa, nil, nil); !errors.Is(err, sshcom.ErrUnsupportedKeyType) || !strings.Contains(err.Error(), "DSA") {
		t.Errorf("DSA: %v", err)
	}
}

// TestMarshalLikePuttygen: an unencrypted file is byte for byte puttygen's.
func TestMarshalLikePuttygen(t *testing.T) {
	f := puttygenFixtures(t)
	got, err := sshcom.Marshal(f.ppkKey.PrivateKey, &sshcom.MarshalOptions{Comment: f.ppkKey.Comment})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, f.plain) {
		t.Errorf("differs from puttygen:\n%s\nwant\n%s", got, f.plain)
	}
}

// TestPuttygenReadsOurs: puttygen loads what Marshal writes, plain and
// encrypted, with the same public key and comment.
func TestPuttygenReadsOurs(t *testing.T) {
	testtool.Require(t, "puttygen")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, comment, pass string }{
		{"plain", "short", ""},
		{"3des-cbc", strings.Repeat("0123456789", 15), passphrase},
		{"longest-comment", strings.Repeat("x", sshcom.MaxComment), ""},
		{"empty-comment", "", passphrase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := sshcom.Marshal(key, &sshcom.MarshalOptions{Comment: tc.comment, Passphrase: []byte(tc.pass)})
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "k.sshcom", enc)
			pw := filepath.Join(filepath.Dir(p), "pw")
			os.WriteFile(pw, []byte(tc.pass+"\n"), 0o600)
			out := testtool.Run(t, nil, "puttygen", p, "--old-passphrase", pw, "-O", "public-openssh", "-o", "/dev/stdout")
			pub, comment, err := pemenc.ParseAuthorizedKey(out)
			if err != nil {
				t.Fatal(err)
			}
			if !key.PublicKey.Equal(pub) {
				t.Error("puttygen reads another public key")
			}
			if comment != tc.comment {
				t.Errorf("puttygen reads comment %q, want %q", comment, tc.comment)
			}
			if tc.pass == "" {
				// ssh-keygen -i reads unencrypted ssh.com keys too.
				pem := testtool.Run(t, nil, "ssh-keygen", "-i", "-f", p)
				k, _, err := pemenc.ParsePrivateKey(pem, nil, nil)
				if err != nil || !sameRSA(k, key) {
					t.Errorf("ssh-keygen -i: %v", err)
				}
			}
			back, err := sshcom.Parse(enc, []byte(tc.pass), nil)
			if err != nil || !sameRSA(back.PrivateKey, key) || back.Comment != tc.comment {
				t.Errorf("round trip: %v", err)
			}
		})
	}
}

func TestMarshalRefusals(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	if _, err := sshcom.Marshal(key, &sshcom.MarshalOptions{Comment: "a\nb"}); err == nil {
		t.Error("comment with a line break accepted")
	}
	if _, err := sshcom.Marshal(key, &sshcom.MarshalOptions{Comment: strings.Repeat("c", sshcom.MaxComment+1)}); err == nil {
		t.Error("comment longer than puttygen reads accepted")
	}
	var ed crypto.Signer = ed25519Key()
	if _, err := sshcom.Marshal(ed, nil); !errors.Is(err, sshcom.ErrUnsupportedKeyType) {
		t.Errorf("ed25519: %v", err)
	}
}

// TestGrowth: hostile headers and bodies cost linear work.
func TestGrowth(t *testing.T) {
	for name, mk := range map[string]func(n int) []byte{
		"continued-comment": func(n int) []byte {
			var b bytes.Buffer
			b.WriteString(sshcom.BeginLine + "\nComment: \"x\\\n")
			for b.Len() < n {
				b.WriteString("abcdefghijklmnopqrstuvwxyz\\\n")
			}
			b.WriteString("\"\nP2/56w==\n" + sshcom.EndLine + "\n")
			return b.Bytes()
		},
		"headers": func(n int) []byte {
			var b bytes.Buffer
			b.WriteString(sshcom.BeginLine + "\n")
			for b.Len() < n {
				b.WriteString("X: y\n")
			}
			b.WriteString("P2/56w==\n" + sshcom.EndLine + "\n")
			return b.Bytes()
		},
		"body": func(n int) []byte {
			var b bytes.Buffer
			b.WriteString(sshcom.BeginLine + "\n")
			for b.Len() < n {
				b.WriteString(strings.Repeat("A", 70) + "\n")
			}
			b.WriteString(sshcom.EndLine + "\n")
			return b.Bytes()
		},
	} {
		sizetest.Check(t, sizetest.Case{Name: name, Build: mk, Decode: func(in []byte) {
			if _, err := sshcom.Parse(in, nil, nil); err == nil {
				t.Error("hostile input accepted")
			}
		}})
	}
}

func FuzzParse(f *testing.F) {
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	plain, _ := sshcom.Marshal(key, &sshcom.MarshalOptions{Comment: "c"})
	enc, _ := sshcom.Marshal(key, &sshcom.MarshalOptions{Comment: "c", Passphrase: []byte("p")})
	f.Add(plain, []byte(nil))
	for _, n := range []string{"rsa.sshcom", "rsa-enc.sshcom", "dsa.sshcom"} {
		if b, err := os.ReadFile(filepath.Join("testdata", n)); err == nil {
			f.Add(b, []byte("correct horse"))
		}
	}
	f.Add(enc, []byte("p"))
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		k, err := sshcom.Parse(data, pass, nil)
		if err != nil {
			for _, s := range []error{sshcom.ErrMalformed, sshcom.ErrUnsupportedKeyType, sshcom.ErrPassphraseRequired, sshcom.ErrIncorrectPassphrase} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if strings.ContainsAny(k.Comment, "\r\n\x00") || len(k.Comment) > sshcom.MaxComment {
			return // a comment Marshal refuses
		}
		out, err := sshcom.Marshal(k.PrivateKey, &sshcom.MarshalOptions{Comment: k.Comment})
		if err != nil {
			t.Fatalf("decoded key does not encode: %v", err)
		}
		k2, err := sshcom.Parse(out, nil, nil)
		if err != nil || !k2.PrivateKey.(*rsa.PrivateKey).Equal(k.PrivateKey) || k2.Comment != k.Comment {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestFixtures reads the puttygen-made files of testdata/make.sh (no tool
// needed): the same key and comment as the PPK they came from, and the
// unencrypted one byte for byte as Marshal writes it.
func TestFixtures(t *testing.T) {
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	src, err := ppk.Parse(read("rsa.ppk"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pass := []byte(strings.TrimSpace(string(read("pass.txt"))))
	for _, n := range []string{"rsa.sshcom", "rsa-enc.sshcom"} {
		k, err := sshcom.Parse(read(n), pass, nil)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if !sameRSA(k.PrivateKey, src.PrivateKey.(*rsa.PrivateKey)) || k.Comment != src.Comment {
			t.Errorf("%s: another key or comment %q", n, k.Comment)
		}
	}
	out, err := sshcom.Marshal(src.PrivateKey, &sshcom.MarshalOptions{Comment: src.Comment})
	if err != nil || !bytes.Equal(out, read("rsa.sshcom")) {
		t.Errorf("Marshal differs from puttygen's file: %v", err)
	}
	if _, err := sshcom.Parse(read("dsa.sshcom"), nil, nil); !errors.Is(err, sshcom.ErrUnsupportedKeyType) || !strings.Contains(err.Error(), "DSA") {
		t.Errorf("DSA: %v", err)
	}
}
