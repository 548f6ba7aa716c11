package pemenc

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
)

// Every cipher we write is read by ssh-keygen (our seal against OpenSSH's open).
func TestOpenSSHEveryCipherWriteInterop(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	keys := testKeys(t)
	ciphers := OpenSSHCiphers()
	if len(ciphers) != 10 {
		t.Fatalf("%d ciphers: %v", len(ciphers), ciphers)
	}
	for i, c := range ciphers {
		k := keys[i%len(keys)]
		data, err := MarshalOpenSSHPrivateKey(k.key, &OpenSSHOptions{Passphrase: []byte("pw"), Rounds: 1, Cipher: c, Comment: c})
		if err != nil {
			t.Fatal(c, err)
		}
		if got, _, _, _ := opensshHeader(t, data); got != c {
			t.Fatalf("cipher %q written as %q", c, got)
		}
		if got := fields([]byte(sshKeygenY(t, data, "pw"))); got != authLine(t, k.key.Public()) {
			t.Errorf("%s: ssh-keygen -y = %q", c, got)
		}
		back, comment, err := ParseOpenSSHPrivateKey(data, []byte("pw"), nil)
		if err != nil || comment != c || !eqPriv(back, k.key) {
			t.Errorf("%s: round trip: %v", c, err)
		}
	}
	if _, err := MarshalOpenSSHPrivateKey(keys[2].key, &OpenSSHOptions{Passphrase: []byte("pw"), Cipher: "rc4"}); !errors.Is(err, ErrUnsupportedEncryption) {
		t.Errorf("unknown cipher: %v", err)
	}
}

// A ceiling set by the caller is honoured for both KDFs.
func TestKDFCeilings(t *testing.T) {
	ed := testKeys(t)[2].key
	data, _ := MarshalOpenSSHPrivateKey(ed, &OpenSSHOptions{Passphrase: []byte("pw"), Rounds: 5})
	if _, _, err := ParsePrivateKey(data, []byte("pw"), &ParseOptions{MaxBcryptRounds: 4}); !errors.Is(err, ErrUnsafeKDF) {
		t.Errorf("rounds 5 > 4: %v", err)
	}
	if _, _, err := ParsePrivateKey(data, []byte("pw"), &ParseOptions{MaxBcryptRounds: 5}); err != nil {
		t.Errorf("rounds 5 <= 5: %v", err)
	}
	// The ceiling is checked before the passphrase: no work for hostile files.
	if _, _, err := ParsePrivateKey(data, nil, &ParseOptions{MaxBcryptRounds: 4}); !errors.Is(err, ErrUnsafeKDF) {
		t.Errorf("no passphrase: %v", err)
	}
	// A negative ceiling means the default, not "no bound".
	huge := bcryptRounds(t, data, 1<<30)
	neg := &ParseOptions{MaxBcryptRounds: -1, MaxPBKDF2Iterations: -1}
	if _, _, err := ParsePrivateKey(huge, []byte("pw"), neg); !errors.Is(err, ErrUnsafeKDF) {
		t.Errorf("negative MaxBcryptRounds: %v", err)
	}
	if _, _, err := ParsePrivateKey(data, []byte("pw"), neg); err != nil {
		t.Errorf("negative ceilings, 5 rounds: %v", err)
	}
	for _, s := range pemSeeds[:2] { // PBKDF2 with 1000 iterations
		if _, _, err := ParsePrivateKey([]byte(s), []byte(fixturePass), &ParseOptions{MaxPBKDF2Iterations: 999}); !errors.Is(err, ErrUnsafeKDF) {
			t.Errorf("PBKDF2 1000 > 999: %v", err)
		}
		if _, _, err := ParsePrivateKey([]byte(s), []byte(fixturePass), nil); err != nil {
			t.Errorf("PBKDF2 seed: %v", err)
		}
	}
}

func TestAuthorizedKeyOptionsAndRefusals(t *testing.T) {
	ed := testKeys(t)[2].key
	line, _ := MarshalAuthorizedKey(ed.Public(), "c")
	for _, in := range []string{
		string(line),
		"no-pty,command=\"echo a b \\\"q\\\"\" " + string(line),
		"  " + strings.Replace(string(line), " ", "\t", 2) + "\r\n",
	} {
		pub, c, err := ParseAuthorizedKey([]byte(in))
		if err != nil || c != "c" || !publicEqual(pub, ed.Public()) {
			t.Errorf("%q: %v %q", in, err, c)
		}
	}
	for _, r := range []struct{ line, name string }{
		{"ssh-dss AAAAB3NzaC1kc3MAAAABAQ== c", "ssh-dss"},
		{"no-pty ssh-ed448 AAAACXNzaC1lZDQ0OA==", "ssh-ed448"},
	} {
		_, _, err := ParseAuthorizedKey([]byte(r.line))
		if !errors.Is(err, ErrUnsupportedKeyType) || !strings.Contains(err.Error(), r.name) {
			t.Errorf("%q: %v", r.line, err)
		}
		if _, _, err := ParsePublicKey([]byte(r.line)); !errors.Is(err, ErrUnsupportedKeyType) {
			t.Errorf("ParsePublicKey %q: %v", r.line, err)
		}
	}
	for _, bad := range []string{"", "ssh-ed25519", "ssh-ed25519 !!!", "ssh-rsa " + strings.Fields(string(line))[1]} {
		if _, _, err := ParseAuthorizedKey([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := MarshalAuthorizedKey(ed.Public(), "a\nb"); err == nil {
		t.Error("comment with a newline accepted")
	}
	two := append(append([]byte(nil), line...), line...)
	if _, _, err := ParsePublicKey(two); !errors.Is(err, ErrMalformed) {
		t.Errorf("two keys: %v", err)
	}
}

// DSA made by ssh-keygen is refused by name in every form.
func TestDSARefusedByName(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	dir := t.TempDir()
	p := filepath.Join(dir, "dsa")
	if _, errOut, err := testtool.RunErr(t, nil, "ssh-keygen", "-q", "-t", "dsa", "-N", "", "-f", p); err != nil {
		t.Skipf("this ssh-keygen makes no DSA keys: %s", errOut)
	}
	priv, _ := os.ReadFile(p)
	pub, _ := os.ReadFile(p + ".pub")
	rfc := testtool.Run(t, nil, "ssh-keygen", "-e", "-f", p+".pub")
	for name, err := range map[string]error{
		"private":  second(ParsePrivateKey(priv, nil, nil)),
		"pub line": second(ParsePublicKey(pub)),
		"rfc4716":  second(ParsePublicKey(rfc)),
		"envelope": second(ParsePublicKey(priv)),
	} {
		if !errors.Is(err, ErrUnsupportedKeyType) || !strings.Contains(err.Error(), "ssh-dss") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func second[A, B any](_ A, _ B, err error) error { return err }

// Bare DER is never whitespace-trimmed, even when its last byte is a blank.
func TestDEREndingInBlank(t *testing.T) {
	var gotPub, gotPriv bool
	for i := 0; i < 20000 && !(gotPub && gotPriv); i++ {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		spki, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if !gotPub && len(bytes.TrimSpace(spki)) != len(spki) {
			gotPub = true
			if p, _, err := ParsePublicKey(spki); err != nil || !publicEqual(p, &k.PublicKey) {
				t.Errorf("SPKI DER ending in %#x: %v", spki[len(spki)-1], err)
			}
		}
		p8, _ := x509.MarshalPKCS8PrivateKey(k)
		if !gotPriv && len(bytes.TrimSpace(p8)) != len(p8) {
			gotPriv = true
			if p, _, err := ParsePrivateKey(p8, nil, nil); err != nil || !eqPriv(p, k) {
				t.Errorf("PKCS#8 DER ending in %#x: %v", p8[len(p8)-1], err)
			}
		}
	}
	if !gotPub || !gotPriv {
		t.Fatal("no DER ending in a blank found")
	}
}

// TestLongNamesBounded: file-derived names in errors are cut short, so a
// 500 KB algorithm or PEM type does not make a 500 KB error.
func TestLongNamesBounded(t *testing.T) {
	long := strings.Repeat("a", 500_000)
	ed := testKeys(t)[2].key.(crypto.Signer)
	line, err := MarshalAuthorizedKey(ed.Public(), "c")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(line), " ")
	var blob sshwire.Builder
	blob.StringS(long)
	inputs := map[string][]byte{
		"authorized_keys alg":  []byte(long + " " + rest),
		"authorized_keys blob": []byte("ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob.B)),
		"PEM type":             []byte("-----BEGIN " + long + "-----\nAAAA\n-----END " + long + "-----\n"),
		"PEM type, no END":     []byte("-----BEGIN " + long + "-----\nAAAA\n"),
		"Proc-Type":            []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: " + long + "\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
		"DEK-Info":             []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: " + long + ",00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
	}
	for name, in := range inputs {
		_, _, err1 := ParsePrivateKey(in, []byte("pw"), nil)
		_, _, err2 := ParsePublicKey(in)
		_, _, err3 := ParseAuthorizedKey(in)
		_, err4 := ParsePKCS1PrivateKey(in)
		for _, err := range []error{err1, err2, err3, err4} {
			if err == nil {
				t.Errorf("%s: accepted", name)
			} else if len(err.Error()) > 300 {
				t.Errorf("%s: error of %d bytes: %.120s", name, len(err.Error()), err)
			}
		}
	}
}

// TestEmptyPassphrasePKCS8: openssl encrypts with the empty password when
// asked; a non-nil empty passphrase reads it, nil asks for one (as ppk).
func TestEmptyPassphrasePKCS8(t *testing.T) {
	testtool.Require(t, "openssl")
	plain := testtool.Run(t, nil, "openssl", "genpkey", "-algorithm", "ed25519")
	enc := testtool.Run(t, plain, "openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:")
	if !bytes.Contains(enc, []byte("ENCRYPTED PRIVATE KEY")) {
		t.Fatalf("openssl did not encrypt: %s", enc)
	}
	want, _, err := ParsePrivateKey(plain, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := ParsePrivateKey(enc, []byte{}, nil)
	if err != nil || !eqPriv(got, want) {
		t.Errorf("empty passphrase: %v", err)
	}
	if _, _, err := ParsePrivateKey(enc, nil, nil); !errors.Is(err, ErrPassphraseRequired) {
		t.Errorf("nil passphrase: %v", err)
	}
}

// TestPKCS1ProcTypeHint: ParsePKCS1PrivateKey takes no passphrase, so its
// error for a legacy-encrypted file names ParsePrivateKey.
func TestPKCS1ProcTypeHint(t *testing.T) {
	data := []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAAAAAAAAAAAAAAAAAAAA==\n-----END RSA PRIVATE KEY-----\n")
	_, err := ParsePKCS1PrivateKey(data)
	if !errors.Is(err, ErrPassphraseRequired) || !strings.Contains(err.Error(), "ParsePrivateKey") {
		t.Errorf("err = %v", err)
	}
}
