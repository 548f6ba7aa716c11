package pemenc

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
)

// zeroReader is a deterministic Rand for reproducible output.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestOpenSSHUnencryptedInterop(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	n := 0
	for _, k := range testKeys(t) {
		for _, comment := range []string{"", "user@host with spaces"} {
			data, err := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Comment: comment})
			if err != nil {
				t.Fatal(k.name, err)
			}
			checkArmour(t, data, "OPENSSH PRIVATE KEY", 70)
			got := sshKeygenY(t, data, "")
			if fields([]byte(got)) != authLine(t, k.key.Public()) {
				t.Errorf("%s: ssh-keygen -y = %q, want %q", k.name, got, authLine(t, k.key.Public()))
			}
			if comment != "" && !strings.HasSuffix(strings.TrimSpace(got), " "+comment) {
				t.Errorf("%s: ssh-keygen -y lost the comment: %q", k.name, got)
			}
			back, c, err := ParseOpenSSHPrivateKey(data, nil, nil)
			if err != nil {
				t.Fatal(k.name, err)
			}
			if c != comment || !publicEqual(back.Public(), k.key.Public()) {
				t.Errorf("%s: round trip gave comment %q / different key", k.name, c)
			}
			if !eqPriv(back, k.key) {
				t.Errorf("%s: private key differs after round trip", k.name)
			}
			n++
		}
	}
	t.Logf("%d OpenSSH keys read back by ssh-keygen", n)
}

func eqPriv(a, b any) bool {
	type eq interface{ Equal(crypto.PrivateKey) bool }
	x, ok := a.(eq)
	return ok && x.Equal(b)
}

// checkArmour checks that data is LF armour with width-column lines and a
// final newline.
func checkArmour(t *testing.T, data []byte, typ string, width int) {
	t.Helper()
	if bytes.Contains(data, []byte("\r")) || !bytes.HasSuffix(data, []byte("-----END "+typ+"-----\n")) ||
		!bytes.HasPrefix(data, []byte("-----BEGIN "+typ+"-----\n")) {
		t.Fatalf("bad armour:\n%s", data)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	body := lines[1 : len(lines)-1]
	for i, l := range body {
		if i < len(body)-1 && len(l) != width || len(l) > width || len(l) == 0 {
			t.Fatalf("line %d has %d columns, want %d", i, len(l), width)
		}
	}
}

// opensshSection decodes an unencrypted key and returns its private section.
func opensshSection(t *testing.T, data []byte) []byte {
	t.Helper()
	b, err := decodeArmor(data)
	if err != nil {
		t.Fatal(err)
	}
	r := sshwire.NewReader(b.Bytes[len(opensshMagic):])
	r.String()
	r.String()
	r.String()
	r.Uint32()
	r.String()
	s := r.String()
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	return s
}

func TestOpenSSHPaddingAndCheckints(t *testing.T) {
	for _, k := range testKeys(t) {
		for clen := 0; clen < 8; clen++ {
			comment := strings.Repeat("c", clen)
			a, err := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Comment: comment, Rand: zeroReader{}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Comment: comment, Rand: zeroReader{}})
			if !bytes.Equal(a, b) {
				t.Fatal("same Rand gave different output")
			}
			s := opensshSection(t, a)
			if len(s)%8 != 0 {
				t.Fatalf("%s: section of %d bytes", k.name, len(s))
			}
			if !bytes.Equal(s[:8], make([]byte, 8)) {
				t.Fatalf("checkints not from Rand: %x", s[:8])
			}
			// The unpadded length is 8 (checkints) + fields + 4 + len(comment).
			r := sshwire.NewReader(s[8:])
			if _, err := readPrivateFields(r); err != nil {
				t.Fatal(err)
			}
			r.String()
			pad := r.Rest()
			if len(pad) >= 8 {
				t.Fatalf("%d padding bytes", len(pad))
			}
			for i, p := range pad {
				if p != byte(i+1) {
					t.Fatalf("padding %x", pad)
				}
			}
		}
	}
}

func TestOpenSSHRSAIqmp(t *testing.T) {
	k := testKeys(t)[0].key.(*rsa.PrivateKey)
	data, err := MarshalOpenSSHPrivateKey(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := sshwire.NewReader(opensshSection(t, data)[8:])
	r.String()
	n, e, d, iqmp, p, q := r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt(), r.MPInt()
	if n.Cmp(k.N) != 0 || e.Int64() != 65537 || d.Cmp(k.D) != 0 || p.Cmp(k.Primes[0]) != 0 || q.Cmp(k.Primes[1]) != 0 {
		t.Fatal("RSA fields out of order")
	}
	if iqmp.Cmp(k.Precomputed.Qinv) != 0 {
		t.Fatal("iqmp is not q^-1 mod p")
	}
}

func TestPKCS1Interop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	for _, k := range testKeys(t)[:2] {
		rk := k.key.(*rsa.PrivateKey)
		data := mustPKCS1(rk)
		want := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)})
		if !bytes.Equal(data, want) {
			t.Errorf("%s: PKCS#1 differs from crypto/x509's", k.name)
		}
		checkArmour(t, data, "RSA PRIVATE KEY", 64)
		p := testtool.WriteFile(t, "k.pem", data)
		out := testtool.Run(t, nil, "openssl", "rsa", "-in", p, "-check", "-noout")
		if !bytes.Contains(out, []byte("RSA key ok")) {
			t.Errorf("openssl rsa -check: %s", out)
		}
		if got := sshKeygenY(t, data, ""); fields([]byte(got)) != authLine(t, rk.Public()) {
			t.Errorf("ssh-keygen -y = %q", got)
		}
		back, err := ParsePKCS1PrivateKey(data)
		if err != nil || !back.Equal(rk) {
			t.Fatalf("round trip: %v", err)
		}
	}
}

func TestAuthorizedKeyInterop(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	for _, k := range testKeys(t) {
		line, err := MarshalAuthorizedKey(k.key.Public(), "me@there")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(line, []byte(" me@there\n")) {
			t.Fatalf("%q", line)
		}
		// ssh-keygen -l reads the line; its SHA256 must match ours.
		p := testtool.WriteFile(t, "k.pub", line)
		out := string(testtool.Run(t, nil, "ssh-keygen", "-l", "-f", p))
		blob, _ := keytype.MarshalPublicKey(k.key.Public())
		if !strings.Contains(out, sha256b64(blob)) || !strings.Contains(out, "me@there") {
			t.Errorf("%s: ssh-keygen -l = %q", k.name, out)
		}
		// ssh-keygen's own line (from -y of our private key) parses back.
		priv, _ := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Comment: "x y"})
		pub, c, err := ParseAuthorizedKey([]byte(sshKeygenY(t, priv, "")))
		if err != nil || c != "x y" || !publicEqual(pub, k.key.Public()) {
			t.Errorf("%s: parse ssh-keygen line: %v %q", k.name, err, c)
		}
	}
}

func sha256b64(b []byte) string {
	s := sha256sum(b)
	return strings.TrimRight(base64.StdEncoding.EncodeToString(s[:]), "=")
}
