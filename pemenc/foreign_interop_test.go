package pemenc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

// TestCompressedECInterop: fresh compressed-point keys from openssl read as
// the key ssh-keygen -y prints for them, in SEC1, PKCS#8 and PKIX.
func TestCompressedECInterop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, curve := range []string{"prime256v1", "secp384r1", "secp521r1"} {
		testtool.Run(t, nil, "openssl", "ecparam", "-genkey", "-name", curve, "-noout", "-out", p(curve))
		sec1 := testtool.Run(t, nil, "openssl", "ec", "-in", p(curve), "-conv_form", "compressed")
		os.WriteFile(p(curve+".sec1"), sec1, 0o600)
		p8 := testtool.Run(t, nil, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", p(curve+".sec1"))
		pkix := testtool.Run(t, nil, "openssl", "ec", "-in", p(curve), "-pubout", "-conv_form", "compressed")
		want, _, err := ParseAuthorizedKey(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p(curve+".sec1")))
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"SEC1": sec1, "PKCS#8": p8} {
			k, _, err := ParsePrivateKey(data, nil)
			if err != nil || !publicEqual(k.Public(), want) {
				t.Errorf("%s %s: %v", curve, name, err)
			}
		}
		if pub, _, err := ParsePublicKey(pkix); err != nil || !publicEqual(pub, want) {
			t.Errorf("%s PKIX: %v", curve, err)
		}
	}
}

// TestDropbearInterop: keys dropbearkey writes are refused as dropbear keys.
func TestDropbearInterop(t *testing.T) {
	testtool.Require(t, "dropbearkey")
	dir := t.TempDir()
	for _, args := range [][]string{{"-t", "ed25519"}, {"-t", "ecdsa", "-s", "384"}, {"-t", "rsa", "-s", "1024"}} {
		f := filepath.Join(dir, args[1])
		testtool.Run(t, nil, "dropbearkey", append(args, "-f", f)...)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ParsePrivateKey(data, nil); !errors.Is(err, ErrDropbearKey) {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestForeignInterop: files the tools write fresh in formats this package
// does not read are refused with their own sentinel.
func TestForeignInterop(t *testing.T) {
	testtool.Require(t, "puttygen")
	testtool.Require(t, "openssl")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	testtool.Run(t, nil, "puttygen", "-t", "rsa", "-b", "1024", "-O", "private-sshcom", "-o", p("sshcom"), "--new-passphrase", "/dev/null")
	testtool.Run(t, nil, "puttygen", "-t", "rsa1", "-b", "1024", "-o", p("rsa1"), "--new-passphrase", "/dev/null")
	testtool.Run(t, nil, "openssl", "genpkey", "-algorithm", "ed25519", "-out", p("ed"))
	testtool.Run(t, nil, "openssl", "pkcs12", "-export", "-inkey", p("ed"), "-nocerts", "-out", p("p12"), "-passout", "pass:pw")
	for f, want := range map[string]error{"sshcom": ErrSSHComKey, "rsa1": ErrSSH1Key, "p12": ErrPKCS12} {
		data, err := os.ReadFile(p(f))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ParsePrivateKey(data, []byte("pw")); !errors.Is(err, want) {
			t.Errorf("%s: %v", f, err)
		}
	}
}
