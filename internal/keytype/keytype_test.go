package keytype

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// malformed reports an error that is not an *UnsupportedError (the format
// packages wrap those as malformed input).
func malformed(err error) bool {
	var u *UnsupportedError
	return err != nil && !errors.As(err, &u)
}

func TestPublicKeyRoundTrip(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	epub, _, _ := ed25519.GenerateKey(rand.Reader)
	keys := []any{&rk.PublicKey, epub}
	for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, &k.PublicKey)
	}
	for _, k := range keys {
		blob, err := MarshalPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParsePublicKey(blob)
		if err != nil {
			t.Fatalf("%T: %v", k, err)
		}
		if !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(k) {
			t.Fatalf("%T: round trip changed the key", k)
		}
		if _, err := ParsePublicKey(append(blob, 0)); !malformed(err) {
			t.Fatalf("%T: trailing byte accepted: %v", k, err)
		}
	}
}

func TestParsePublicKeyRefusals(t *testing.T) {
	var b sshwire.Builder
	b.StringS("ssh-dss")
	var ute *UnsupportedError
	if _, err := ParsePublicKey(b.B); !errors.As(err, &ute) || ute.Type != "ssh-dss" {
		t.Errorf("ssh-dss: %v", err)
	}
	b = sshwire.Builder{}
	b.StringS(Ed25519)
	b.String(make([]byte, 31))
	if _, err := ParsePublicKey(b.B); !malformed(err) {
		t.Errorf("short ed25519: %v", err)
	}
	b = sshwire.Builder{}
	b.StringS(RSA)
	b.MPInt(big.NewInt(65537))
	b.MPInt(new(big.Int).Lsh(big.NewInt(1), 2047)) // even modulus
	if _, err := ParsePublicKey(b.B); !malformed(err) {
		t.Errorf("even modulus: %v", err)
	}
	b = sshwire.Builder{}
	b.StringS(ECDSAP256)
	b.StringS("nistp384")
	b.String(make([]byte, 65))
	if _, err := ParsePublicKey(b.B); !malformed(err) {
		t.Errorf("curve mismatch: %v", err)
	}
}

func FuzzParsePublicKey(f *testing.F) {
	epub, _, _ := ed25519.GenerateKey(rand.Reader)
	blob, _ := MarshalPublicKey(epub)
	f.Add(blob)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	blob, _ = MarshalPublicKey(&k.PublicKey)
	f.Add(blob)
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := ParsePublicKey(data)
		if err != nil {
			return
		}
		again, err := MarshalPublicKey(pub)
		if err != nil {
			t.Fatalf("parsed key does not marshal: %v", err)
		}
		if _, err := ParsePublicKey(again); err != nil {
			t.Fatalf("re-marshalled key does not parse: %v", err)
		}
	})
}

// TestQuoteBounded: a 500 KB algorithm name gives a short error.
func TestQuoteBounded(t *testing.T) {
	long := strings.Repeat("x", 500_000)
	var b sshwire.Builder
	b.StringS(long)
	_, err := ParsePublicKey(b.B)
	var u *UnsupportedError
	if !errors.As(err, &u) || len(err.Error()) > 100 || !strings.HasSuffix(err.Error(), `"...`) {
		t.Errorf("err = %.200v (%d bytes)", err, len(err.Error()))
	}
	if got := Quote("ssh-dss"); got != `"ssh-dss"` {
		t.Errorf("Quote = %s", got)
	}
}

func TestNewRSAPrivateKey(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p, q := k.Primes[0], k.Primes[1]
	one := big.NewInt(1)
	pm1, qm1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
	lambda := new(big.Int).Div(new(big.Int).Mul(pm1, qm1), new(big.Int).GCD(nil, nil, pm1, qm1))

	// p/q in either order give the same normalised key.
	for _, pq := range [][2]*big.Int{{p, q}, {q, p}} {
		got, err := NewRSAPrivateKey(k.N, big.NewInt(int64(k.E)), k.D, pq[0], pq[1])
		if err != nil {
			t.Fatal(err)
		}
		if got.Primes[0].Cmp(got.Primes[1]) <= 0 || got.D.Cmp(k.D) != 0 || got.N.Cmp(k.N) != 0 {
			t.Fatal("key not normalised")
		}
	}
	// d + 3λ ≥ n is valid and replaced by a usable d.
	big3 := new(big.Int).Add(k.D, new(big.Int).Mul(big.NewInt(3), lambda))
	if got, err := NewRSAPrivateKey(k.N, big.NewInt(int64(k.E)), big3, p, q); err != nil || got.D.Cmp(k.N) >= 0 {
		t.Fatalf("d ≥ n not repaired: %v", err)
	}
	// A wrong d ≥ n is refused, not "repaired" into a valid key.
	bad := new(big.Int).Add(big3, big.NewInt(2))
	if _, err := NewRSAPrivateKey(k.N, big.NewInt(int64(k.E)), bad, p, q); !malformed(err) {
		t.Fatalf("wrong d ≥ n: %v", err)
	}
	if _, err := NewRSAPrivateKey(k.N, big.NewInt(int64(k.E)), k.D, p, p); !malformed(err) {
		t.Fatalf("p = q: %v", err)
	}
}

func FuzzParsePublicKeyLenient(f *testing.F) {
	epub := ed25519.PublicKey(bytes.Repeat([]byte{7}, 32))
	blob, _ := MarshalPublicKey(epub)
	f.Add(blob)
	f.Add(append(blob, 1, 2, 3))
	k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	blob, _ = MarshalPublicKey(&k.PublicKey)
	f.Add(append(blob, 0))
	var b sshwire.Builder
	b.StringS(RSA)
	b.MPInt(big.NewInt(65537))
	b.MPInt(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 1024), big.NewInt(1)))
	f.Add(b.B)
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := ParsePublicKeyLenient(data)
		strict, serr := ParsePublicKey(data)
		if err != nil {
			if serr == nil {
				t.Fatal("strict parser accepts what the lenient one refuses")
			}
			return
		}
		if serr == nil && !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(strict) {
			t.Fatal("strict and lenient parsers disagree")
		}
		again, err := MarshalPublicKey(pub)
		if err != nil {
			t.Fatalf("parsed key does not marshal: %v", err)
		}
		// Non-minimal mpints are read (as OpenSSH and PuTTY read them) and
		// written minimal, so the re-marshalled key is a prefix of the input
		// only when the input's mpints were minimal; it is never longer.
		if len(again) > len(data) {
			t.Fatal("re-marshalled key is longer than the input")
		}
		if serr == nil {
			if canonical, _ := MarshalPublicKey(strict); bytes.Equal(canonical, data) && !bytes.Equal(again, data) {
				t.Fatal("a canonical blob does not re-marshal to itself")
			}
		}
		if back, err := ParsePublicKey(again); err != nil || !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(back) {
			t.Fatalf("re-marshalled key does not parse: %v", err)
		}
	})
}

func FuzzParseECDSAPoint(f *testing.F) {
	for i, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k, _ := ecdsa.GenerateKey(c, rand.Reader)
		pt, _ := k.PublicKey.Bytes()
		f.Add(uint8(i), pt)
		f.Add(uint8(i), elliptic.MarshalCompressed(c, k.X, k.Y))
	}
	f.Add(uint8(3), []byte{4})
	algs := []string{ECDSAP256, ECDSAP384, ECDSAP521, "ecdsa-sha2-nistp224"}
	f.Fuzz(func(t *testing.T, i uint8, pt []byte) {
		alg := algs[int(i)%len(algs)]
		pub, err := ParseECDSAPoint(alg, pt)
		if err != nil {
			return
		}
		if ECDSACurve(alg) != pub.Curve {
			t.Fatal("wrong curve")
		}
		// Only uncompressed points are read on the wire (as OpenSSH), and
		// their encoding is unique.
		if again, err := pub.Bytes(); err != nil || !bytes.Equal(again, pt) {
			t.Fatalf("point re-encodes differently: %v", err)
		}
	})
}
