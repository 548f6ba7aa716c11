package pemenc

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"os"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
)

// opensshHeader returns the cipher, kdf name, salt and rounds of an OpenSSH key.
func opensshHeader(t *testing.T, data []byte) (cipherName, kdf string, salt []byte, rounds uint32) {
	t.Helper()
	b, err := decodeArmor(data)
	if err != nil {
		t.Fatal(err)
	}
	r := sshwire.NewReader(b.Bytes[len(opensshMagic):])
	cipherName, kdf = string(r.String()), string(r.String())
	kr := sshwire.NewReader(r.String())
	if kdf == "bcrypt" {
		salt, rounds = kr.String(), kr.Uint32()
	}
	if r.Err() != nil || kr.Err() != nil {
		t.Fatal(r.Err(), kr.Err())
	}
	return
}

func TestOpenSSHEncryptedInterop(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	n := 0
	for i, k := range testKeys(t) {
		rounds := 2
		if i == 0 {
			rounds = 0 // the default, 24
		}
		data, err := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Comment: "enc " + k.name, Passphrase: []byte("old pass"), Rounds: rounds})
		if err != nil {
			t.Fatal(err)
		}
		c, kdf, salt, r := opensshHeader(t, data)
		wantRounds := uint32(rounds)
		if rounds == 0 {
			wantRounds = 24
		}
		if c != "aes256-ctr" || kdf != "bcrypt" || len(salt) != 16 || r != wantRounds {
			t.Fatalf("%s: header %s %s salt %d rounds %d", k.name, c, kdf, len(salt), r)
		}
		checkArmour(t, data, "OPENSSH PRIVATE KEY", 70)
		// ssh-keygen decrypts ours…
		if got := fields([]byte(sshKeygenY(t, data, "old pass"))); got != authLine(t, k.key.Public()) {
			t.Errorf("%s: ssh-keygen -y -P = %q", k.name, got)
		}
		// …and re-encrypts it; we decrypt that.
		p := testtool.WriteFile(t, "k", data)
		testtool.Run(t, nil, "ssh-keygen", "-q", "-p", "-P", "old pass", "-N", "new pass", "-a", "3", "-f", p)
		re, _ := os.ReadFile(p)
		if _, _, _, r := opensshHeader(t, re); r != 3 {
			t.Fatalf("ssh-keygen wrote %d rounds", r)
		}
		back, comment, err := ParseOpenSSHPrivateKey(re, []byte("new pass"), nil)
		if err != nil || comment != "enc "+k.name || !eqPriv(back, k.key) {
			t.Fatalf("%s: reading ssh-keygen's re-encryption: %v %q", k.name, err, comment)
		}
		if _, _, err := ParseOpenSSHPrivateKey(re, []byte("old pass"), nil); err != ErrIncorrectPassphrase {
			t.Errorf("old passphrase: %v", err)
		}
		n++
	}
	t.Logf("%d encrypted OpenSSH keys round-tripped through ssh-keygen", n)
}

func TestPKCS8AndSEC1WriterInterop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	for _, k := range testKeys(t) {
		data, err := MarshalPKCS8PrivateKey(k.key)
		if err != nil {
			t.Fatal(err)
		}
		checkArmour(t, data, "PRIVATE KEY", 64)
		p := testtool.WriteFile(t, "k.pem", data)
		pkix, _ := MarshalPKIXPublicKey(k.key.Public())
		if got := testtool.Run(t, nil, "openssl", "pkey", "-in", p, "-pubout"); !bytes.Equal(got, pkix) {
			t.Errorf("%s: openssl pkey -pubout = %s, want %s", k.name, got, pkix)
		}
		back, _, err := ParsePrivateKey(data, nil, nil)
		if err != nil || !eqPriv(back, k.key) {
			t.Fatalf("%s: round trip: %v", k.name, err)
		}
		switch kk := k.key.(type) {
		case *rsa.PrivateKey:
			out := testtool.Run(t, nil, "openssl", "rsa", "-in", p, "-check", "-noout")
			if !bytes.Contains(out, []byte("RSA key ok")) {
				t.Errorf("openssl rsa -check: %s", out)
			}
			// openssl's own PKCS#1 → PKCS#8 conversion gives the same bytes.
			p1 := testtool.WriteFile(t, "k1.pem", mustPKCS1(kk))
			if got := testtool.Run(t, nil, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", p1); !bytes.Equal(got, data) {
				t.Errorf("%s: openssl pkcs8 -topk8 differs from ours", k.name)
			}
		case *ecdsa.PrivateKey:
			testtool.Run(t, nil, "openssl", "ec", "-in", p, "-check", "-noout")
			sec1, err := MarshalSEC1PrivateKey(kk)
			if err != nil {
				t.Fatal(err)
			}
			ps := testtool.WriteFile(t, "k.sec1", sec1)
			testtool.Run(t, nil, "openssl", "ec", "-in", ps, "-check", "-noout")
			if got := fields([]byte(sshKeygenY(t, sec1, ""))); got != authLine(t, kk.Public()) {
				t.Errorf("%s: ssh-keygen -y of SEC1 = %q", k.name, got)
			}
			// openssl's own conversion to SEC1 gives the same bytes.
			if got := testtool.Run(t, nil, "openssl", "ec", "-in", p); !bytes.Equal(got, sec1) {
				t.Errorf("%s: openssl ec output differs from our SEC1", k.name)
			}
		}
		if _, ok := k.key.(ed25519.PrivateKey); !ok { // ssh-keygen 9.2 reads no ed25519 PKCS#8
			if got := fields([]byte(sshKeygenY(t, data, ""))); got != authLine(t, k.key.Public()) {
				t.Errorf("%s: ssh-keygen -y of PKCS#8 = %q", k.name, got)
			}
		}
	}
}

func TestPublicWritersInterop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	testtool.Require(t, "puttygen")
	long := strings.Repeat("long comment é ", 8)
	// The longest comment whose header line ssh-keygen -i still reads.
	longest := strings.Repeat("x", rfc4716MaxHeader-len(`Comment: ""`))
	for i, k := range testKeys(t) {
		pub := k.key.Public()
		want := authLine(t, pub)
		comments := []string{"", "a@b", long, `has "quotes" and a back\slash\`}
		if i == 0 {
			comments = append(comments, longest)
		}
		for _, comment := range comments {
			r, err := MarshalRFC4716PublicKey(pub, comment)
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "k.rfc", r)
			if got := fields(testtool.Run(t, nil, "ssh-keygen", "-i", "-m", "RFC4716", "-f", p)); got != want {
				t.Errorf("%s: ssh-keygen -i RFC4716 = %q", k.name, got)
			}
			// puttygen -L prints the key with its comment, unescaped.
			wantP := want
			if comment != "" {
				wantP += " " + comment
			}
			if got := strings.TrimSuffix(string(testtool.Run(t, nil, "puttygen", p, "-L")), "\n"); got != wantP {
				t.Errorf("%s: puttygen -L of our RFC 4716 (comment %.20q) = %.200q", k.name, comment, got)
			}
			if comment != "" {
				// And our reader agrees with puttygen's writer.
				pr := testtool.Run(t, nil, "puttygen", p, "-O", "public")
				if _, c, err := ParseRFC4716PublicKey(pr); err != nil || c != comment {
					t.Errorf("%s: puttygen -O public read back: %v %.40q", k.name, err, c)
				}
			}
			back, c, err := ParsePublicKey(r)
			if err != nil || c != comment || !publicEqual(back, pub) {
				t.Errorf("%s: RFC 4716 round trip: %v %q", k.name, err, c)
			}
		}
		if _, err := MarshalRFC4716PublicKey(pub, longest+"x"); err == nil {
			t.Errorf("%s: a comment header longer than ssh-keygen reads was written", k.name)
		}
		pk, err := MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		p := testtool.WriteFile(t, "k.pub.pem", pk)
		if got := testtool.Run(t, nil, "openssl", "pkey", "-pubin", "-in", p, "-pubout"); !bytes.Equal(got, pk) {
			t.Errorf("%s: openssl rewrote our PKIX as %s", k.name, got)
		}
		if _, ok := pub.(ed25519.PublicKey); !ok {
			if got := fields(testtool.Run(t, nil, "ssh-keygen", "-i", "-m", "PKCS8", "-f", p)); got != want {
				t.Errorf("%s: ssh-keygen -i -m PKCS8 = %q", k.name, got)
			}
		}
		back, _, err := ParsePublicKey(pk)
		if err != nil || !publicEqual(back, pub) {
			t.Errorf("%s: PKIX round trip: %v", k.name, err)
		}
	}
}

// TestParsePublicKeyToolForms reads every public form the tools write.
func TestParsePublicKeyToolForms(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	n := 0
	for _, k := range testKeys(t) {
		priv, _ := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Comment: "tool form"})
		p := testtool.WriteFile(t, "k", priv)
		pkcs8, _ := MarshalPKCS8PrivateKey(k.key)
		p8 := testtool.WriteFile(t, "k8", pkcs8)
		forms := map[string][]byte{
			"ssh-keygen -y":          testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p),
			"ssh-keygen -e":          testtool.Run(t, nil, "ssh-keygen", "-e", "-f", p),
			"openssl pkey -pubout":   testtool.Run(t, nil, "openssl", "pkey", "-in", p8, "-pubout"),
			"base64 SPKI DER":        testtool.Run(t, nil, "sh", "-c", "openssl pkey -in "+p8+" -pubout -outform DER | base64 -w0"),
			"SPKI DER":               testtool.Run(t, nil, "openssl", "pkey", "-in", p8, "-pubout", "-outform", "DER"),
			"authorized_keys file":   append([]byte("# comment line\n\n"), testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p)...),
			"ssh-keygen -e -m PKCS8": nil,
		}
		if _, ok := k.key.(ed25519.PrivateKey); !ok {
			forms["ssh-keygen -e -m PKCS8"] = testtool.Run(t, nil, "ssh-keygen", "-e", "-m", "PKCS8", "-f", p)
		}
		if _, ok := k.key.(*rsa.PrivateKey); ok {
			forms["ssh-keygen -e -m PEM"] = testtool.Run(t, nil, "ssh-keygen", "-e", "-m", "PEM", "-f", p)
			forms["openssl -RSAPublicKey_out"] = testtool.Run(t, nil, "openssl", "rsa", "-in", p8, "-RSAPublicKey_out")
		}
		for name, data := range forms {
			if data == nil {
				continue
			}
			pub, c, err := ParsePublicKey(data)
			if err != nil || !publicEqual(pub, k.key.Public()) {
				t.Errorf("%s %s: %v", k.name, name, err)
				continue
			}
			if strings.HasPrefix(name, "ssh-keygen -y") && c != "tool form" {
				t.Errorf("%s %s: comment %q", k.name, name, c)
			}
			n++
		}
	}
	t.Logf("%d tool-written public keys read", n)
}
