package pemenc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"

	"github.com/keyforge/keyforge/internal/testtool"
)

type namedKey struct {
	name string
	key  crypto.Signer
}

var (
	testKeysOnce sync.Once
	testKeysList []namedKey
)

// testKeys returns one key of every supported type, made once per run.
func testKeys(t testing.TB) []namedKey {
	t.Helper()
	testKeysOnce.Do(func() {
		r1024, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			panic(err)
		}
		r2048, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
		testKeysList = []namedKey{
			{"rsa1024", mustNorm(r1024)}, {"rsa2048", mustNorm(r2048)}, {"ed25519", ed},
			{"p256", p256}, {"p384", p384}, {"p521", p521},
		}
	})
	return testKeysList
}

func mustNorm(k *rsa.PrivateKey) *rsa.PrivateKey {
	n, err := keytype.NormaliseRSA(k)
	if err != nil {
		panic(err)
	}
	return n
}

// fields returns the first two space-separated fields (alg and blob) of a
// public-key line, dropping the comment.
func fields(line []byte) string {
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return string(line)
	}
	return f[0] + " " + f[1]
}

// sshKeygenY returns `ssh-keygen -y` of a private key file's bytes.
func sshKeygenY(t *testing.T, data []byte, pass string) string {
	t.Helper()
	p := testtool.WriteFile(t, "key", data)
	args := []string{"-y", "-f", p}
	args = append(args, "-P", pass)
	return string(testtool.Run(t, nil, "ssh-keygen", args...))
}

func authLine(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	l, err := MarshalAuthorizedKey(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	return fields(l)
}
