package keyfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

// TestDropbearInterop: keys dropbearkey writes are read as dropbear keys,
// with the public key dropbearkey -y prints.
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
		k, err := Parse(data, nil)
		if err != nil || k.Format != FormatDropbear {
			t.Fatalf("%v: %v", args, err)
		}
		var want string
		for _, l := range strings.Split(string(testtool.Run(t, nil, "dropbearkey", "-y", "-f", f)), "\n") {
			if strings.HasPrefix(l, "ssh-") || strings.HasPrefix(l, "ecdsa-") {
				want = strings.Join(strings.Fields(l)[:2], " ")
			}
		}
		if got := authorizedLine(t, k.PublicKey); got != want {
			t.Errorf("%v: %s, dropbearkey -y %s", args, got, want)
		}
	}
}

// TestForeignInterop: files the tools write fresh in formats keyforge does
// not read are refused with their own sentinel; ssh.com files are read.
func TestForeignInterop(t *testing.T) {
	testtool.Require(t, "puttygen")
	testtool.Require(t, "openssl")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	testtool.Run(t, nil, "puttygen", "-t", "rsa", "-b", "1024", "-O", "private-sshcom", "-o", p("sshcom"), "--new-passphrase", "/dev/null")
	testtool.Run(t, nil, "puttygen", "-t", "rsa1", "-b", "1024", "-o", p("rsa1"), "--new-passphrase", "/dev/null")
	testtool.Run(t, nil, "openssl", "genpkey", "-algorithm", "ed25519", "-out", p("ed"))
	testtool.Run(t, nil, "openssl", "pkcs12", "-export", "-inkey", p("ed"), "-nocerts", "-out", p("p12"), "-passout", "pass:pw")
	if k, err := Parse(mustReadFile(t, p("sshcom")), nil); err != nil || k.Format != FormatSSHCom {
		t.Errorf("sshcom: %v", err)
	}
	for f, want := range map[string]error{"rsa1": ErrSSH1Key, "p12": ErrPKCS12} {
		data, err := os.ReadFile(p(f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(data, &ParseOptions{Passphrase: []byte("pw")}); !errors.Is(err, want) {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
