package fuzz

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha512"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/keygen"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// rsaKey is generated once: RSA generation per fuzz input would starve the fuzzer.
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := keygen.RSAFromSeed(bytes.Repeat([]byte{7}, 32), 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// keyFrom derives a key of the kind selected by kind from seed.
func keyFrom(t *testing.T, kind uint8, seed []byte) crypto.Signer {
	h := sha512.Sum512(seed)
	switch kind % 5 {
	case 0:
		return rsaKey()
	case 1:
		return ed25519.NewKeyFromSeed(h[:32])
	default:
		curve := []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()}[kind%5-2]
		size := (curve.Params().BitSize + 7) / 8
		d := make([]byte, size)
		copy(d, bytes.Repeat(h[:], 2))
		if size == 66 {
			d[0] &= 1
		}
		k, err := ecdsa.ParseRawPrivateKey(curve, d)
		if err != nil {
			t.Skip("scalar out of range")
		}
		return k
	}
}

type equaler interface{ Equal(crypto.PrivateKey) bool }

func sameKey(t *testing.T, what string, want, got crypto.Signer) {
	t.Helper()
	if got == nil || !want.(equaler).Equal(got) {
		t.Fatalf("%s: decoded key differs from the encoded one", what)
	}
}

// fastPPK keeps Argon2 cheap enough for fuzzing.
func fastPPK(version int, comment string, pass []byte) *ppk.MarshalOptions {
	return &ppk.MarshalOptions{Version: version, Comment: comment, Passphrase: pass,
		KDF: ppk.Argon2d, Memory: 64, Passes: 1, Parallelism: 1, Salt: make([]byte, 16)}
}

// FuzzRoundTrip encodes one key in every private format keyforge writes, reads
// each back, and checks that key, comment and public fingerprints survive, and
// that conversion chains (PPK → OpenSSH → PPK) are byte-stable.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), []byte("seed"), "comment", []byte(""))
	f.Add(uint8(1), []byte("ed"), "", []byte("pass"))
	f.Add(uint8(2), []byte("p256"), "user@host", []byte("x"))
	f.Add(uint8(3), []byte("p384"), "a b  c", []byte(""))
	f.Add(uint8(4), []byte("p521"), "ünïcode", []byte("ü"))
	f.Fuzz(func(t *testing.T, kind uint8, seed []byte, comment string, pass []byte) {
		key := keyFrom(t, kind, seed)
		if len(pass) > 64 {
			pass = pass[:64]
		}
		wantSHA, err := fingerprint.SHA256(key.Public())
		if err != nil {
			t.Fatal(err)
		}

		// OpenSSH keeps any comment bytes.
		o, err := pemenc.MarshalOpenSSHPrivateKey(key, &pemenc.OpenSSHOptions{Comment: comment, Passphrase: pass, Rounds: 1})
		if err != nil {
			t.Fatal(err)
		}
		got, gotComment, err := pemenc.ParsePrivateKey(o, pass, nil)
		if err != nil {
			t.Fatalf("OpenSSH round trip: %v", err)
		}
		sameKey(t, "OpenSSH", key, got)
		if gotComment != comment {
			t.Fatalf("OpenSSH comment %q, want %q", gotComment, comment)
		}

		// PKCS#8 (and PKCS#1 for RSA) carry no comment.
		p8, err := pemenc.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err = pemenc.ParsePrivateKey(p8, nil, nil)
		if err != nil {
			t.Fatalf("PKCS#8 round trip: %v", err)
		}
		sameKey(t, "PKCS#8", key, got)
		if rk, ok := key.(*rsa.PrivateKey); ok {
			got, _, err = pemenc.ParsePrivateKey(mustPKCS1(rk), nil, nil)
			if err != nil {
				t.Fatalf("PKCS#1 round trip: %v", err)
			}
			sameKey(t, "PKCS#1", key, got)
		}

		// PPK comments are single lines, and PuTTY's C strings end at NUL.
		if strings.ContainsAny(comment, "\r\n\x00") {
			return
		}
		for _, version := range []int{2, 3} {
			p, err := ppk.Marshal(key, fastPPK(version, comment, pass))
			if err != nil {
				t.Fatalf("PPK v%d encode: %v", version, err)
			}
			k, err := ppk.Parse(p, pass, nil)
			if err != nil {
				t.Fatalf("PPK v%d round trip: %v", version, err)
			}
			sameKey(t, "PPK", key, k.PrivateKey)
			if k.Comment != comment {
				t.Fatalf("PPK comment %q, want %q", k.Comment, comment)
			}
			pub, err := ppk.ParsePublic(p)
			if err != nil {
				t.Fatalf("PPK v%d public: %v", version, err)
			}
			if fp, _ := fingerprint.SHA256(pub.PublicKey); fp != wantSHA {
				t.Fatalf("PPK public fingerprint %s, want %s", fp, wantSHA)
			}

			// PPK → OpenSSH → PPK gives the same file.
			o2, err := pemenc.MarshalOpenSSHPrivateKey(k.PrivateKey, &pemenc.OpenSSHOptions{Comment: k.Comment})
			if err != nil {
				t.Fatal(err)
			}
			back, c2, err := pemenc.ParseOpenSSHPrivateKey(o2, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := ppk.Marshal(back, fastPPK(version, c2, pass))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p, p2) {
				t.Fatalf("PPK v%d → OpenSSH → PPK changed the file", version)
			}
		}
	})
}

// FuzzDecoders feeds arbitrary bytes to every private-key reader. Whatever one
// reader accepts must survive re-encoding into every other format unchanged.
func FuzzDecoders(f *testing.F) {
	k := rsaKey()
	ed := ed25519.NewKeyFromSeed(make([]byte, 32))
	o, _ := pemenc.MarshalOpenSSHPrivateKey(ed, &pemenc.OpenSSHOptions{Comment: "c"})
	p, _ := ppk.Marshal(ed, &ppk.MarshalOptions{Comment: "c"})
	p2, _ := ppk.Marshal(k, &ppk.MarshalOptions{Version: 2})
	f.Add(o)
	f.Add(p)
	f.Add(p2)
	f.Add(mustPKCS1(k))
	f.Fuzz(func(t *testing.T, data []byte) {
		var keys []crypto.Signer
		if s, _, err := pemenc.ParsePrivateKey(data, nil, nil); err == nil {
			keys = append(keys, s)
		}
		if pk, err := ppk.Parse(data, nil, nil); err == nil {
			keys = append(keys, pk.PrivateKey)
		}
		if pub, _, err := pemenc.ParsePublicKey(data); err == nil {
			if _, err := fingerprint.SHA256(pub); err != nil {
				t.Fatalf("a public key that parsed has no fingerprint: %v", err)
			}
		}
		for _, key := range keys {
			o, err := pemenc.MarshalOpenSSHPrivateKey(key, nil)
			if err != nil {
				t.Fatalf("re-encode OpenSSH: %v", err)
			}
			back, _, err := pemenc.ParsePrivateKey(o, nil, nil)
			if err != nil {
				t.Fatalf("re-read OpenSSH: %v", err)
			}
			sameKey(t, "OpenSSH", key, back)
			pp, err := ppk.Marshal(key, nil)
			if err != nil {
				t.Fatalf("re-encode PPK: %v", err)
			}
			kk, err := ppk.Parse(pp, nil, nil)
			if err != nil {
				t.Fatalf("re-read PPK: %v", err)
			}
			sameKey(t, "PPK", key, kk.PrivateKey)
		}
	})
}

// mustPKCS1 is pemenc.MarshalPKCS1PrivateKey for keys known to be valid.
func mustPKCS1(k *rsa.PrivateKey) []byte {
	b, err := pemenc.MarshalPKCS1PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return b
}
