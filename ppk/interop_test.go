package ppk

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/testtool"
)

// tmpRoot is one directory for every file this test binary hands to
// puttygen; TestMain removes it.
var tmpRoot string

func TestMain(m *testing.M) {
	var err error
	tmpRoot, err = os.MkdirTemp("", "ppk-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

var tmpSeq struct {
	sync.Mutex
	n int
}

// tmpFile writes data to a fresh 0600 file under tmpRoot.
func tmpFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	tmpSeq.Lock()
	tmpSeq.n++
	dir := filepath.Join(tmpRoot, fmt.Sprint(tmpSeq.n))
	tmpSeq.Unlock()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// authorizedLine is what puttygen -L prints for pub.
func authorizedLine(t testing.TB, pub crypto.PublicKey, comment string) string {
	t.Helper()
	blob, err := keytype.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	alg, _ := keytype.Algorithm(pub)
	return alg + " " + base64.StdEncoding.EncodeToString(blob) + " " + comment + "\n"
}

// goKeys are keys made by Go, once per run.
var goKeys = sync.OnceValue(func() map[string]crypto.Signer {
	m := map[string]crypto.Signer{}
	seed := bytes.Repeat([]byte{7}, 32)
	m["ed25519"] = ed25519.NewKeyFromSeed(seed)
	// Seed ending in zero bytes: old PuTTY shortened these.
	seed0 := append(bytes.Repeat([]byte{9}, 29), 0, 0, 0)
	m["ed25519-zero-tail"] = ed25519.NewKeyFromSeed(seed0)
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	m["rsa-2048"] = rk
	for name, c := range map[string]elliptic.Curve{"p256": elliptic.P256(), "p384": elliptic.P384(), "p521": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			panic(err)
		}
		m["ecdsa-"+name] = k
	}
	return m
})

// TestEncodeUnencryptedInterop: every unencrypted file Marshal writes is
// accepted by puttygen --dump, gives puttygen -L's line, and comes back
// byte-identical when puttygen re-saves it.
func TestEncodeUnencryptedInterop(t *testing.T) {
	testtool.Require(t, "puttygen")
	empty := tmpFile(t, "empty", nil)
	for name, key := range goKeys() {
		for _, v := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/v%d", name, v), func(t *testing.T) {
				comment := "keyforge " + name
				data, err := Marshal(key, &MarshalOptions{Version: v, Comment: comment})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasSuffix(data, []byte("\n")) || !bytes.HasPrefix(data, fmt.Appendf(nil, "PuTTY-User-Key-File-%d: ", v)) {
					t.Fatalf("bad framing:\n%s", data)
				}
				f := tmpFile(t, "ours.ppk", data)
				testtool.Run(t, nil, "puttygen", f, "--old-passphrase", empty, "--dump")
				got := string(testtool.Run(t, nil, "puttygen", f, "--old-passphrase", empty, "-L"))
				if want := authorizedLine(t, key.Public(), comment); got != want {
					t.Errorf("puttygen -L = %q, want %q", got, want)
				}
				out := filepath.Join(filepath.Dir(f), "resaved.ppk")
				testtool.Run(t, nil, "puttygen", f, "--old-passphrase", empty, "-P", "--new-passphrase", empty,
					"--ppk-param", fmt.Sprintf("version=%d", v), "-o", out)
				if re := readFile(t, out); !bytes.Equal(re, data) {
					t.Errorf("puttygen re-save differs:\nours:\n%s\nputtygen:\n%s", data, re)
				}
				k, err := Parse(data, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				if k.Comment != comment || k.Version != v || !k.PrivateKey.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
					t.Errorf("round trip: got %+v", k)
				}
			})
		}
	}
}
