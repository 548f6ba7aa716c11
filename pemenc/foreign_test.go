package pemenc

import (
	"crypto/ecdsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readForeign(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "foreign", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantPub fails unless pub is the key of the tool-written .pub file.
func wantPub(t *testing.T, pub any, pubFile string) {
	t.Helper()
	want, _, err := ParseAuthorizedKey(readForeign(t, pubFile))
	if err != nil {
		t.Fatal(err)
	}
	if !publicEqual(pub, want) {
		t.Fatalf("key differs from %s", pubFile)
	}
}

// TestCompressedECPoints: SEC1, PKCS#8 and PKIX EC keys with compressed
// points (openssl ec -conv_form compressed) read as the key ssh-keygen -y
// prints for them.
func TestCompressedECPoints(t *testing.T) {
	for _, c := range []string{"p256", "p384", "p521"} {
		k, _, err := ParsePrivateKey(readForeign(t, c+"-compressed.sec1.pem"), nil, nil)
		if err != nil {
			t.Fatalf("%s SEC1: %v", c, err)
		}
		wantPub(t, k.Public(), c+".pub")
		pub, _, err := ParsePublicKey(readForeign(t, c+"-compressed.pkix.pem"))
		if err != nil {
			t.Fatalf("%s PKIX: %v", c, err)
		}
		wantPub(t, pub, c+".pub")
	}
	k, _, err := ParsePrivateKey(readForeign(t, "p256-compressed.pkcs8.pem"), nil, nil)
	if err != nil {
		t.Fatalf("PKCS#8: %v", err)
	}
	wantPub(t, k.Public(), "p256.pub")

	// A compressed point that is not on the curve, and one that does not
	// match the scalar, are still refused.
	sec1 := readForeign(t, "p256-compressed.sec1.pem")
	b, _ := decodeArmor(sec1)
	der := append([]byte(nil), b.Bytes...)
	der[len(der)-1] ^= 1
	if _, err := parseSEC1DER(der); !errors.Is(err, ErrMalformed) {
		t.Fatalf("altered compressed point: %v", err)
	}
	if _, err := parseECPoint(k.(*ecdsa.PrivateKey).Curve, []byte{2}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("short compressed point: %v", err)
	}
}

// TestBareDER: encrypted PKCS#8 DER is decrypted with the passphrase; RSA
// public keys in PKCS#1 and SPKI DER are read; a private key given for a
// public one is named.
func TestBareDER(t *testing.T) {
	enc := readForeign(t, "rsa-encrypted-pkcs8.der")
	k, _, err := ParsePrivateKey(enc, []byte("pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantPub(t, k.Public(), "rsa.pub")
	if _, _, err := ParsePrivateKey(enc, nil, nil); !errors.Is(err, ErrPassphraseRequired) {
		t.Errorf("no passphrase: %v", err)
	}
	if _, _, err := ParsePrivateKey(enc, []byte("wrong"), nil); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, _, err := ParsePublicKey(enc); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "encrypted PKCS#8") {
		t.Errorf("ParsePublicKey(encrypted PKCS#8 DER): %v", err)
	}
	for _, f := range []string{"rsa-pkcs1-public.der", "rsa-spki.der"} {
		pub, _, err := ParsePublicKey(readForeign(t, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		wantPub(t, pub, "rsa.pub")
		if _, _, err := ParsePrivateKey(readForeign(t, f), nil, nil); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "public key") {
			t.Errorf("ParsePrivateKey(%s): %v", f, err)
		}
	}
	p8, _ := MarshalPKCS8PrivateKey(k)
	b, _ := decodeArmor(p8)
	if _, _, err := ParsePublicKey(b.Bytes); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "private key") {
		t.Errorf("ParsePublicKey(PKCS#8 DER): %v", err)
	}
	if _, _, err := ParsePublicKey([]byte("\x01\x02binary")); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "binary") {
		t.Errorf("binary input: %v", err)
	}
}

// TestUnsupportedEncryption: ciphers and KDFs this package does not
// implement are named, under ErrUnsupportedEncryption, never as an
// unsupported key type or a bare OID.
func TestUnsupportedEncryption(t *testing.T) {
	for file, name := range map[string]string{
		"pkcs8-camellia256.pem": "Camellia-256-CBC",
		"pkcs8-des-cbc.pem":     "single DES",
		"pkcs8-aria256.pem":     "ARIA-256-CBC",
		"pkcs8-sha512-256.pem":  "hmacWithSHA512-256",
		"pkcs8-sm4.pem":         "SM4-CBC",
		"pkcs8-aes256-ofb.pem":  "AES-256-OFB",
		"legacy-camellia.pem":   "CAMELLIA-256-CBC",
		"legacy-seed.pem":       "SEED-CBC",
	} {
		_, _, err := ParsePrivateKey(readForeign(t, file), []byte("pw"), nil)
		if !errors.Is(err, ErrUnsupportedEncryption) || errors.Is(err, ErrUnsupportedKeyType) ||
			!strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "OID") {
			t.Errorf("%s: %v", file, err)
		}
	}
	// Legacy schemes and scrypt, once refused here, are read.
	for _, file := range []string{"pkcs8-scrypt.pem", "pkcs8-pbes1-md5-des.pem", "pkcs8-pbes1-sha1-3des.pem", "pkcs8-pbes1-sha1-rc2-40.pem"} {
		if _, _, err := ParsePrivateKey(readForeign(t, file), []byte("pw"), nil); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	// OpenSSH: an unknown cipher or KDF name.
	o, _ := MarshalOpenSSHPrivateKey(fuzzKeys()[0], &OpenSSHOptions{Rand: zeroReader{}, Passphrase: []byte("pw"), Rounds: 1})
	b, _ := decodeArmor(o)
	for old, repl := range map[string]string{"aes256-ctr": "blowfish-cbc", "bcrypt": "scrypt"} {
		raw := []byte(strings.Replace(string(b.Bytes), old, repl[:len(old)], 1))
		if len(repl) != len(old) {
			raw = []byte(strings.Replace(string(b.Bytes), "\x00\x00\x00\x06bcrypt", "\x00\x00\x00\x06scrypt", 1))
		}
		_, _, err := ParsePrivateKey(encodeArmor(opensshPEMType, nil, raw, 70), []byte("pw"), nil)
		if !errors.Is(err, ErrUnsupportedEncryption) || errors.Is(err, ErrUnsupportedKeyType) {
			t.Errorf("OpenSSH %s: %v", repl, err)
		}
	}
	if _, err := MarshalOpenSSHPrivateKey(fuzzKeys()[0], &OpenSSHOptions{Passphrase: []byte("pw"), Cipher: "rc4"}); !errors.Is(err, ErrUnsupportedEncryption) {
		t.Errorf("encode with rc4: %v", err)
	}
}

// TestCommentTrailingBlanks: a .pub comment keeps its trailing blanks, as
// `ssh-keygen -l` prints them; blanks between key and comment are not
// part of it, and a comment of blanks only is no comment.
func TestCommentTrailingBlanks(t *testing.T) {
	line, _ := MarshalAuthorizedKey(fuzzKeys()[0].Public(), "")
	key := strings.TrimSuffix(string(line), "\n")
	for in, want := range map[string]string{
		key + " my comment  \t \n":          "my comment  \t ",
		key + "   lead  mid\ttab  \r\n":     "lead  mid\ttab  ",
		key + "\t  \n":                      "",
		key + " c \n\n  \n":                 "c ",
		"\n# x\n" + key + " c d  \n\n":      "c d  ",
		`command="a b" ` + key + " opt c  ": "opt c  ",
	} {
		_, c, err := ParsePublicKey([]byte(in))
		if err != nil || c != want {
			t.Errorf("ParsePublicKey(%q) comment = %q, %v; want %q", in, c, err, want)
		}
		if !strings.HasPrefix(in, "\n") {
			_, c, err = ParseAuthorizedKey([]byte(in))
			if err != nil || c != want {
				t.Errorf("ParseAuthorizedKey(%q) comment = %q, %v; want %q", in, c, err, want)
			}
		}
	}
}
