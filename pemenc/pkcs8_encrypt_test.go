package pemenc

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

type equaler interface{ Equal(crypto.PublicKey) bool }

// TestEncryptedPKCS8Interop: openssl and ssh-keygen read what
// MarshalEncryptedPKCS8PrivateKey writes, PEM and DER, for every key type.
func TestEncryptedPKCS8Interop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	const pass = "pässword"
	for _, k := range testKeys(t) {
		t.Run(k.name, func(t *testing.T) {
			pemOut, err := MarshalEncryptedPKCS8PrivateKey(k.key, []byte(pass), &PKCS8EncryptOptions{Iterations: 4096})
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "k.pem", pemOut)
			plain := testtool.Run(t, nil, "openssl", "pkcs8", "-in", p, "-passin", "pass:"+pass)
			got, _, err := ParsePrivateKey(plain, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().(equaler).Equal(k.key.Public()) {
				t.Fatal("openssl decrypts another key")
			}
			// The structure openssl -v2 aes-256-cbc writes, our iteration count.
			asn := string(testtool.Run(t, nil, "openssl", "asn1parse", "-in", p))
			for _, want := range []string{":PBES2", ":PBKDF2", ":hmacWithSHA256", ":aes-256-cbc", "INTEGER           :1000"} {
				if !strings.Contains(asn, want) {
					t.Errorf("asn1parse lacks %q:\n%s", want, asn)
				}
			}
			if k.name != "ed25519" { // ssh-keygen 9.2 reads no Ed25519 PKCS#8 at all
				pub := testtool.Run(t, nil, "ssh-keygen", "-y", "-P", pass, "-f", p)
				if sshPub, _, err := ParseAuthorizedKey(pub); err != nil || !sshPub.(equaler).Equal(k.key.Public()) {
					t.Errorf("ssh-keygen -y: %v", err)
				}
			}
			der, err := PEMToDER(pemOut)
			if err != nil {
				t.Fatal(err)
			}
			d := testtool.WriteFile(t, "k.der", der)
			plain = testtool.Run(t, nil, "openssl", "pkcs8", "-inform", "DER", "-in", d, "-passin", "pass:"+pass)
			if got, _, err := ParsePrivateKey(plain, nil, nil); err != nil || !got.Public().(equaler).Equal(k.key.Public()) {
				t.Errorf("DER: %v", err)
			}
			back, _, err := ParsePrivateKey(pemOut, []byte(pass), nil)
			if err != nil || !back.Public().(equaler).Equal(k.key.Public()) {
				t.Errorf("read back: %v", err)
			}
			if _, _, err := ParsePrivateKey(pemOut, []byte("wrong"), nil); !errors.Is(err, ErrIncorrectPassphrase) {
				t.Errorf("wrong passphrase: %v", err)
			}
		})
	}
}

// TestDEROutputsLikeOpenSSL: the DER and "RSA PUBLIC KEY" writers equal
// openssl's output byte for byte.
func TestDEROutputsLikeOpenSSL(t *testing.T) {
	testtool.Require(t, "openssl")
	for _, k := range testKeys(t) {
		t.Run(k.name, func(t *testing.T) {
			pkcs8, err := MarshalPKCS8PrivateKey(k.key)
			if err != nil {
				t.Fatal(err)
			}
			p := testtool.WriteFile(t, "k.pem", pkcs8)
			der, err := MarshalPKCS8PrivateKeyDER(k.key)
			if err != nil {
				t.Fatal(err)
			}
			if want := testtool.Run(t, nil, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", p, "-outform", "DER"); !bytes.Equal(der, want) {
				t.Error("PKCS#8 DER differs from openssl's")
			}
			spki, err := MarshalPKIXPublicKeyDER(k.key.Public())
			if err != nil {
				t.Fatal(err)
			}
			if want := testtool.Run(t, nil, "openssl", "pkey", "-in", p, "-pubout", "-outform", "DER"); !bytes.Equal(spki, want) {
				t.Error("SPKI DER differs from openssl's")
			}
			switch key := k.key.(type) {
			case *rsa.PrivateKey:
				d1, err := MarshalPKCS1PrivateKeyDER(key)
				if err != nil {
					t.Fatal(err)
				}
				if want := testtool.Run(t, nil, "openssl", "rsa", "-in", p, "-traditional", "-outform", "DER"); !bytes.Equal(d1, want) {
					t.Error("PKCS#1 DER differs from openssl's")
				}
				pub, err := MarshalPKCS1PublicKey(&key.PublicKey)
				if err != nil {
					t.Fatal(err)
				}
				if want := testtool.Run(t, nil, "openssl", "rsa", "-in", p, "-RSAPublicKey_out"); !bytes.Equal(pub, want) {
					t.Errorf("RSA PUBLIC KEY differs:\n%s\nwant\n%s", pub, want)
				}
				// openssl and ParsePublicKey read it back.
				pp := filepath.Join(filepath.Dir(p), "pub.pem")
				testtool.Run(t, nil, "openssl", "rsa", "-RSAPublicKey_in", "-in", testtool.WriteFile(t, "r.pem", pub), "-pubout", "-out", pp)
				if back, _, err := ParsePublicKey(pub); err != nil || !back.(equaler).Equal(&key.PublicKey) {
					t.Errorf("ParsePublicKey: %v", err)
				}
			case *ecdsa.PrivateKey:
				sec1, err := MarshalSEC1PrivateKey(key)
				if err != nil {
					t.Fatal(err)
				}
				if want := testtool.Run(t, nil, "openssl", "ec", "-in", p); !bytes.Equal(sec1, want) {
					t.Errorf("SEC1 differs:\n%s\nwant\n%s", sec1, want)
				}
			}
		})
	}
}

func TestEncryptedPKCS8Refusals(t *testing.T) {
	k := testKeys(t)[2].key
	if _, err := MarshalEncryptedPKCS8PrivateKey(k, nil, nil); err == nil {
		t.Error("empty passphrase accepted")
	}
	if _, err := MarshalEncryptedPKCS8PrivateKey(k, []byte("p"), &PKCS8EncryptOptions{Iterations: DefaultMaxPBKDF2Iterations + 1}); err == nil {
		t.Error("iterations above the reader's ceiling accepted")
	}
	out, err := MarshalEncryptedPKCS8PrivateKey(k, []byte("p"), &PKCS8EncryptOptions{Iterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PEMToDER(out); err != nil {
		t.Error(err)
	}
	o, _ := MarshalOpenSSHPrivateKey(k, nil)
	if _, err := PEMToDER(o); err == nil {
		t.Error("PEMToDER of an OpenSSH key")
	}
}

// TestLegacyPEMEncryptInterop: ssh-keygen and openssl read PKCS#1 and SEC1
// keys encrypted by EncryptLegacyPEM, with either cipher.
func TestLegacyPEMEncryptInterop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	const pass = "legacy pass"
	for _, k := range testKeys(t) {
		var plain []byte
		var err error
		switch key := k.key.(type) {
		case *rsa.PrivateKey:
			plain, err = MarshalPKCS1PrivateKey(key)
		case *ecdsa.PrivateKey:
			plain, err = MarshalSEC1PrivateKey(key)
		default:
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"AES-128-CBC", "AES-256-CBC"} {
			out, err := EncryptLegacyPEM(plain, []byte(pass), &LegacyPEMOptions{Cipher: c})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), "DEK-Info: "+c+",") {
				t.Fatalf("no DEK-Info header:\n%s", out)
			}
			p := testtool.WriteFile(t, "k.pem", out)
			pub := testtool.Run(t, nil, "ssh-keygen", "-y", "-P", pass, "-f", p)
			if got, _, err := ParseAuthorizedKey(pub); err != nil || !got.(equaler).Equal(k.key.Public()) {
				t.Errorf("%s %s: ssh-keygen -y: %v", k.name, c, err)
			}
			spki := testtool.Run(t, nil, "openssl", "pkey", "-in", p, "-passin", "pass:"+pass, "-pubout")
			if got, _, err := ParsePublicKey(spki); err != nil || !got.(equaler).Equal(k.key.Public()) {
				t.Errorf("%s %s: openssl: %v", k.name, c, err)
			}
			if back, _, err := ParsePrivateKey(out, []byte(pass), nil); err != nil || !back.Public().(equaler).Equal(k.key.Public()) {
				t.Errorf("%s %s: read back: %v", k.name, c, err)
			}
		}
	}
	if _, err := EncryptLegacyPEM([]byte("-----BEGIN PRIVATE KEY-----\nMA==\n-----END PRIVATE KEY-----\n"), []byte("p"), nil); err == nil {
		t.Error("PKCS#8 accepted")
	}
}
