package dropbear_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/dropbear"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
)

// keyTypes are the dropbearkey -t/-s arguments of every type the format holds.
var keyTypes = []struct{ name, t, s string }{
	{"rsa", "rsa", "2048"},
	{"ed25519", "ed25519", ""},
	{"p256", "ecdsa", "256"},
	{"p384", "ecdsa", "384"},
	{"p521", "ecdsa", "521"},
}

var (
	toolOnce  sync.Once
	toolFiles map[string][]byte
	toolDir   string
)

// dropbearFiles makes one dropbearkey file per key type, once per run.
func dropbearFiles(t *testing.T) map[string][]byte {
	testtool.Require(t, "dropbearkey")
	toolOnce.Do(func() {
		dir, err := os.MkdirTemp("", "keyforge-dropbear")
		if err != nil {
			t.Fatal(err)
		}
		toolDir = dir
		toolFiles = map[string][]byte{}
		for _, kt := range keyTypes {
			p := filepath.Join(dir, kt.name)
			args := []string{"-t", kt.t, "-f", p}
			if kt.s != "" {
				args = append(args, "-s", kt.s)
			}
			testtool.Run(t, nil, "dropbearkey", args...)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			toolFiles[kt.name] = b
		}
	})
	if toolFiles == nil {
		t.Fatal("dropbearkey fixtures failed earlier")
	}
	return toolFiles
}

func TestMain(m *testing.M) {
	code := m.Run()
	if toolDir != "" {
		os.RemoveAll(toolDir)
	}
	os.Exit(code)
}

func newKey(t *testing.T, name string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch name {
	case "rsa":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case "p256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "p521":
		k, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type publicKey interface{ Equal(crypto.PublicKey) bool }

// dropbearPublic runs `dropbearkey -y -f path` and parses its public line.
func dropbearPublic(t *testing.T, path string) crypto.PublicKey {
	t.Helper()
	out := testtool.Run(t, nil, "dropbearkey", "-y", "-f", path)
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "ssh-") || strings.HasPrefix(line, "ecdsa-") {
			pub, _, err := pemenc.ParseAuthorizedKey([]byte(line))
			if err != nil {
				t.Fatalf("dropbearkey -y line: %v", err)
			}
			return pub
		}
	}
	t.Fatalf("no public key line in dropbearkey -y output:\n%s", out)
	return nil
}

// TestMatrix: every key type both ways against dropbearkey and
// dropbearconvert, with equal public keys.
func TestMatrix(t *testing.T) {
	files := dropbearFiles(t)
	testtool.Require(t, "dropbearconvert")
	for _, kt := range keyTypes {
		t.Run(kt.name+"/dropbearkey-to-keyforge", func(t *testing.T) {
			k, err := dropbear.Parse(files[kt.name], nil)
			if err != nil {
				t.Fatal(err)
			}
			want := dropbearPublic(t, filepath.Join(toolDir, kt.name))
			if !k.Public().(publicKey).Equal(want) {
				t.Fatal("public key differs from dropbearkey -y")
			}
			again, err := dropbear.Marshal(k, nil)
			if err != nil {
				t.Fatal(err)
			}
			// dropbearkey writes RSA primes in no fixed order; keyforge
			// writes the larger first, so only RSA may differ, and only there.
			if !bytes.Equal(again, files[kt.name]) && kt.name != "rsa" {
				t.Error("re-encoding a dropbearkey file changed its bytes")
			}
			if len(again) != len(files[kt.name]) {
				t.Errorf("re-encoded length %d, dropbearkey %d", len(again), len(files[kt.name]))
			}
		})
		t.Run(kt.name+"/keyforge-to-dropbear", func(t *testing.T) {
			k := newKey(t, kt.name)
			enc, err := dropbear.Marshal(k, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "key", enc)
			if !k.Public().(publicKey).Equal(dropbearPublic(t, p)) {
				t.Fatal("dropbearkey -y reads another public key")
			}
			// dropbearconvert turns our file into OpenSSH: same private key.
			out := filepath.Join(filepath.Dir(p), "openssh")
			testtool.Run(t, nil, "dropbearconvert", "dropbear", "openssh", p, out)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := pemenc.ParsePrivateKey(b, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().(publicKey).Equal(k.Public()) {
				t.Fatal("dropbearconvert dropbear openssh changed the key")
			}
		})
		t.Run(kt.name+"/openssh-via-dropbearconvert", func(t *testing.T) {
			k := newKey(t, kt.name)
			ossh, err := pemenc.MarshalOpenSSHPrivateKey(k, &pemenc.OpenSSHOptions{Comment: "c"})
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "id", ossh)
			out := filepath.Join(filepath.Dir(p), "db")
			testtool.Run(t, nil, "dropbearconvert", "openssh", "dropbear", p, out)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got, err := dropbear.Parse(b, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().(publicKey).Equal(k.Public()) {
				t.Fatal("dropbearconvert openssh dropbear: another key")
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	var dss []byte
	dss = append(dss, 0, 0, 0, 7)
	dss = append(dss, "ssh-dss"...)
	dss = append(dss, make([]byte, 20)...)
	if _, err := dropbear.Parse(dss, nil); !errors.Is(err, dropbear.ErrUnsupportedKeyType) || !strings.Contains(err.Error(), "DSA") {
		t.Errorf("ssh-dss: %v", err)
	}
	k := newKey(t, "ed25519")
	enc, _ := dropbear.Marshal(k, nil)
	if _, err := dropbear.Parse(append(enc, 0), nil); !errors.Is(err, dropbear.ErrMalformed) {
		t.Errorf("trailing byte: %v", err)
	}
	bad := bytes.Clone(enc)
	bad[len(bad)-1] ^= 1 // public half no longer matches the seed
	if _, err := dropbear.Parse(bad, nil); !errors.Is(err, dropbear.ErrMalformed) {
		t.Errorf("wrong ed25519 public half: %v", err)
	}
	for i := range enc {
		if _, err := dropbear.Parse(enc[:i], nil); !errors.Is(err, dropbear.ErrMalformed) && !errors.Is(err, dropbear.ErrUnsupportedKeyType) {
			t.Fatalf("truncated at %d: %v", i, err)
		}
	}
	if !dropbear.Sniff(enc) || dropbear.Sniff([]byte("-----BEGIN")) {
		t.Error("Sniff")
	}
}

// TestGrowth: a hostile file's cost is linear in its size.
func TestGrowth(t *testing.T) {
	sizetest.Check(t, sizetest.Case{Name: "rsa-header", Build: func(n int) []byte {
		// An RSA header whose e claims most of the file.
		b := []byte{0, 0, 0, 7}
		b = append(b, "ssh-rsa"...)
		body := bytes.Repeat([]byte{0x7f}, n)
		b = append(b, byte(len(body)>>24), byte(len(body)>>16), byte(len(body)>>8), byte(len(body)))
		return append(b, body...)
	}, Decode: func(in []byte) {
		if _, err := dropbear.Parse(in, nil); err == nil {
			t.Error("hostile input accepted")
		}
	}})
}

func FuzzParse(f *testing.F) {
	for _, kt := range keyTypes {
		if b, err := os.ReadFile(filepath.Join("testdata", kt.name+".key")); err == nil {
			f.Add(b)
		}
	}
	for _, name := range []string{"ed25519", "p256", "p521"} {
		var k crypto.Signer
		switch name {
		case "ed25519":
			_, k, _ = ed25519.GenerateKey(rand.Reader)
		case "p256":
			k, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		case "p521":
			k, _ = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
		}
		b, _ := dropbear.Marshal(k, nil)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := dropbear.Parse(data, nil)
		if err != nil {
			if !errors.Is(err, dropbear.ErrMalformed) && !errors.Is(err, dropbear.ErrUnsupportedKeyType) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		enc, err := dropbear.Marshal(k, nil)
		if err != nil {
			t.Fatalf("decoded key does not encode: %v", err)
		}
		k2, err := dropbear.Parse(enc, nil)
		if err != nil || !k2.Public().(publicKey).Equal(k.Public()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestFixtures reads the dropbearkey-made keys of testdata/make.sh (no tool
// needed) and compares each with the public line dropbearkey -y printed.
func TestFixtures(t *testing.T) {
	for _, kt := range keyTypes {
		data, err := os.ReadFile(filepath.Join("testdata", kt.name+".key"))
		if err != nil {
			t.Fatal(err)
		}
		line, _ := os.ReadFile(filepath.Join("testdata", kt.name+".pub"))
		want, _, err := pemenc.ParseAuthorizedKey(line)
		if err != nil {
			t.Fatal(err)
		}
		k, err := dropbear.Parse(data, nil)
		if err != nil {
			t.Fatalf("%s: %v", kt.name, err)
		}
		if !k.Public().(publicKey).Equal(want) {
			t.Errorf("%s: another public key than dropbearkey -y's", kt.name)
		}
		again, _ := dropbear.Marshal(k, nil)
		if len(again) != len(data) {
			t.Errorf("%s: re-encoded to %d bytes, file has %d", kt.name, len(again), len(data))
		}
	}
}

// Every form of an Ed25519 key keyforge accepts is written as the plain key.
func TestMarshalEd25519Forms(t *testing.T) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dropbear.Marshal(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]crypto.Signer{
		"*ed25519.PrivateKey": &k,
		"DerivedEd25519":      keytype.DerivedEd25519{PrivateKey: k},
	} {
		got, err := dropbear.Marshal(key, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: Marshal wrote %x, want %x", name, got, want)
		}
	}
}
