package fido_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
)

// newHandle makes a key-handle file's contents as PROTOCOL.u2f lays them
// out; no authenticator is needed to read or fingerprint one.
func newHandle(t *testing.T, alg string) *fido.PrivateKey {
	t.Helper()
	handle := make([]byte, 96)
	rand.Read(handle)
	var pub crypto.PublicKey
	switch alg {
	case fido.AlgEd25519:
		pk, _, _ := ed25519.GenerateKey(rand.Reader)
		pub = &fido.Ed25519PublicKey{Key: pk, Application: "ssh:"}
	case fido.AlgECDSAP256:
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		pub = &fido.ECDSAPublicKey{Key: &k.PublicKey, Application: "ssh:keyforge-test"}
	}
	return &fido.PrivateKey{PublicKey: pub, Flags: fido.FlagUserPresenceRequired, KeyHandle: handle}
}

var skTypes = map[string]string{fido.AlgEd25519: "ED25519-SK", fido.AlgECDSAP256: "ECDSA-SK"}

// TestSSHKeygenReadsHandles: ssh-keygen reads key-handle files written in
// the documented layout (plain and passphrase-protected), shows the same
// public key, comment and fingerprint, and keyforge reads them back.
func TestSSHKeygenReadsHandles(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	for alg, typ := range skTypes {
		for _, pass := range []string{"", "pw"} {
			t.Run(fmt.Sprintf("%s/pass=%q", typ, pass), func(t *testing.T) {
				k := newHandle(t, alg)
				file, err := pemenc.MarshalOpenSSHPrivateKey(k, &pemenc.OpenSSHOptions{Comment: "sk test", Passphrase: []byte(pass), Rounds: 2})
				if err != nil {
					t.Fatal(err)
				}
				p := testtool.WriteFile(t, "id_sk", file)
				out := testtool.Run(t, nil, "ssh-keygen", "-y", "-P", pass, "-f", p)
				pub, comment, err := pemenc.ParseAuthorizedKey(out)
				if err != nil {
					t.Fatal(err)
				}
				if !k.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) || comment != "sk test" {
					t.Errorf("ssh-keygen -y: %s", out)
				}
				fp, _ := fingerprint.SHA256(k)
				want := fmt.Sprintf("256 %s sk test (%s)\n", fp, typ)
				if got := testtool.Run(t, nil, "ssh-keygen", "-l", "-P", pass, "-f", p); string(got) != want && pass == "" {
					t.Errorf("ssh-keygen -l: %q, want %q", got, want)
				}
				back, c, err := pemenc.ParsePrivateKey(file, []byte(pass), nil)
				if err != nil {
					t.Fatal(err)
				}
				bk := back.(*fido.PrivateKey)
				if !bytes.Equal(bk.KeyHandle, k.KeyHandle) || bk.Flags != k.Flags || c != "sk test" || !bk.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.PublicKey) {
					t.Error("read back another handle")
				}
				if _, err := back.Sign(rand.Reader, make([]byte, 32), crypto.SHA256); !errors.Is(err, fido.ErrNeedsAuthenticator) {
					t.Errorf("Sign: %v", err)
				}
			})
		}
	}
}

// TestPublicForms: security-key public lines convert between authorized_keys
// and RFC 4716 as ssh-keygen -e/-i do, with ssh-keygen's fingerprints.
func TestPublicForms(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	for alg, typ := range skTypes {
		t.Run(typ, func(t *testing.T) {
			k := newHandle(t, alg)
			line, err := pemenc.MarshalAuthorizedKey(k.Public(), "me@host")
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "k.pub", line)
			for _, e := range []string{"sha256", "md5"} {
				var fp string
				if e == "sha256" {
					fp, _ = fingerprint.SHA256(k.Public())
				} else {
					fp, _ = fingerprint.MD5(k.Public())
				}
				want := fmt.Sprintf("256 %s me@host (%s)\n", fp, typ)
				if got := testtool.Run(t, nil, "ssh-keygen", "-l", "-E", e, "-f", p); string(got) != want {
					t.Errorf("ssh-keygen -l -E %s: %q, want %q", e, got, want)
				}
			}
			// ssh-keygen -e writes RFC 4716; keyforge reads it.
			rfc := testtool.Run(t, nil, "ssh-keygen", "-e", "-m", "RFC4716", "-f", p)
			got, _, err := pemenc.ParseRFC4716PublicKey(rfc)
			if err != nil || !k.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(got) {
				t.Errorf("reading ssh-keygen -e: %v", err)
			}
			// keyforge writes RFC 4716; ssh-keygen -i reads it.
			ours, err := pemenc.MarshalRFC4716PublicKey(k.Public(), "me@host")
			if err != nil {
				t.Fatal(err)
			}
			imported := testtool.Run(t, nil, "ssh-keygen", "-i", "-m", "RFC4716", "-f", testtool.WriteFile(t, "k.rfc", ours))
			if got, _, err := pemenc.ParseAuthorizedKey(imported); err != nil || !k.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(got) {
				t.Errorf("ssh-keygen -i: %v %s", err, imported)
			}
			// No PKIX form exists for a security key.
			if _, err := pemenc.MarshalPKIXPublicKey(k.Public()); err == nil {
				t.Error("PKIX form of a security key")
			}
		})
	}
}

func blob(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// TestGrowth: an application string of any length costs linear work.
func TestGrowth(t *testing.T) {
	pk := make([]byte, 32)
	sizetest.Check(t, sizetest.Case{Name: "long-application", Build: func(n int) []byte {
		b := blob([]byte(fido.AlgEd25519), pk, bytes.Repeat([]byte("a"), n*5/8))
		return []byte(fido.AlgEd25519 + " " + base64.StdEncoding.EncodeToString(b))
	}, Decode: func(in []byte) {
		if _, _, err := pemenc.ParseAuthorizedKey(in); err == nil {
			t.Error("application above MaxApplication accepted")
		}
	}})
}

func FuzzReadPublicFields(f *testing.F) {
	k := newHandle(&testing.T{}, fido.AlgECDSAP256)
	b, _ := fido.MarshalPublicKey(k.PublicKey)
	f.Add(b)
	k = newHandle(&testing.T{}, fido.AlgEd25519)
	b, _ = fido.MarshalPublicKey(k.PublicKey)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() ([]byte, error) {
			if len(data) < 4 {
				return nil, fido.ErrMalformed
			}
			n := binary.BigEndian.Uint32(data)
			if uint64(n) > uint64(len(data)-4) {
				return nil, fido.ErrMalformed
			}
			s := data[4 : 4+n]
			data = data[4+n:]
			return s, nil
		}
		alg, err := next()
		if err != nil {
			return
		}
		pub, err := fido.ReadPublicFields(string(alg), next)
		if err != nil {
			if !errors.Is(err, fido.ErrMalformed) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		again, err := fido.MarshalPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(again[4:]), string(alg)) {
			t.Fatal("algorithm changed")
		}
	})
}
