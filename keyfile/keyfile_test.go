package keyfile

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/pemenc"
)

const testPass = "correct horse"

// wantFormat is what Parse must say for each fixture of testdata/make.sh.
var wantFormat = map[string]struct {
	format    Format
	encoding  Encoding
	encrypted bool
	private   bool
	comment   string
}{
	"rsa-pkcs1.pem":           {FormatPKCS1, EncodingPEM, false, true, ""},
	"rsa-pkcs1.der":           {FormatPKCS1, EncodingDER, false, true, ""},
	"rsa-pkcs8.pem":           {FormatPKCS8, EncodingPEM, false, true, ""},
	"rsa-pkcs8.der":           {FormatPKCS8, EncodingDER, false, true, ""},
	"rsa-pkcs8-enc.pem":       {FormatPKCS8Encrypted, EncodingPEM, true, true, ""},
	"rsa-pkcs8-enc.der":       {FormatPKCS8Encrypted, EncodingDER, true, true, ""},
	"rsa-pem-enc.pem":         {FormatPEMEncrypted, EncodingPEM, true, true, ""},
	"rsa-openssh.key":         {FormatOpenSSH, EncodingPEM, true, true, ""},
	"rsa-authorized.pub":      {FormatAuthorizedKeys, EncodingText, false, false, ""},
	"rsa-rfc4716.pub":         {FormatRFC4716, EncodingText, false, false, "2048-bit RSA, converted by root@vm from OpenSSH"},
	"rsa-pkix.pem":            {FormatPKIX, EncodingPEM, false, false, ""},
	"rsa-pkix.der":            {FormatPKIX, EncodingDER, false, false, ""},
	"rsa-pkix.b64":            {FormatPKIX, EncodingBase64, false, false, ""},
	"rsa-pkcs1-public.pem":    {FormatPKCS1PublicKey, EncodingPEM, false, false, ""},
	"rsa-v3.ppk":              {FormatPPK3, EncodingText, false, true, "rsa comment"},
	"rsa-v2-enc.ppk":          {FormatPPK2, EncodingText, true, true, "rsa comment"},
	"p256-sec1.pem":           {FormatSEC1, EncodingPEM, false, true, ""},
	"p256-sec1.der":           {FormatSEC1, EncodingDER, false, true, ""},
	"p256-pkcs8.pem":          {FormatPKCS8, EncodingPEM, false, true, ""},
	"p256-pem-enc.pem":        {FormatPEMEncrypted, EncodingPEM, true, true, ""},
	"p256-pkix.pem":           {FormatPKIX, EncodingPEM, false, false, ""},
	"p256-openssh.key":        {FormatOpenSSH, EncodingPEM, false, true, ""},
	"p256-v3-enc.ppk":         {FormatPPK3, EncodingText, true, true, "p256 comment"},
	"ed25519-openssh.key":     {FormatOpenSSH, EncodingPEM, false, true, "ed25519 comment"},
	"ed25519-openssh-enc.key": {FormatOpenSSH, EncodingPEM, true, true, "ed25519 comment"},
	"ed25519-authorized.pub":  {FormatAuthorizedKeys, EncodingText, false, false, "ed25519 comment"},
	"ed25519-v3.ppk":          {FormatPPK3, EncodingText, false, true, "ed25519 comment"},
	"ed25519-v3-enc.ppk":      {FormatPPK3, EncodingText, true, true, "ed25519 comment"},
	"edpkcs8-pkcs8.pem":       {FormatPKCS8, EncodingPEM, false, true, ""},
	"edpkcs8-pkcs8.der":       {FormatPKCS8, EncodingDER, false, true, ""},
	"edpkcs8-pkix.pem":        {FormatPKIX, EncodingPEM, false, false, ""},
	"rsa-sshcom.key":          {FormatSSHCom, EncodingText, false, true, "rsa comment"},
	"rsa-sshcom-enc.key":      {FormatSSHCom, EncodingText, true, true, "rsa comment"},
	"rsa-dropbear.key":        {FormatDropbear, EncodingBinary, false, true, ""},
	"p256-dropbear.key":       {FormatDropbear, EncodingBinary, false, true, ""},
	"ed25519-dropbear.key":    {FormatDropbear, EncodingBinary, false, true, ""},
	"ed25519-cert.pub":        {FormatCertificate, EncodingText, false, false, "ed25519 comment"},
	"rsa-pkcs8-pbe.pem":       {FormatPKCS8Encrypted, EncodingPEM, true, true, ""},
	"rsa-pkcs8-scrypt.pem":    {FormatPKCS8Encrypted, EncodingPEM, true, true, ""},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func authorizedLine(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	line, err := pemenc.MarshalAuthorizedKey(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(line))
}

// TestFixtures reads every tool-made file: right format, encoding, comment,
// and the public key the tools print for the base key.
func TestFixtures(t *testing.T) {
	bases := map[string]string{} // base key → authorized_keys line of its first file
	for name, w := range wantFormat {
		t.Run(name, func(t *testing.T) {
			k, err := Parse(readFixture(t, name), &ParseOptions{Passphrase: []byte(testPass)})
			if err != nil {
				t.Fatal(err)
			}
			if k.Format != w.format || k.Encoding != w.encoding || k.Encrypted != w.encrypted || k.Comment != w.comment {
				t.Errorf("got %s/%s encrypted=%v comment %q, want %s/%s encrypted=%v comment %q",
					k.Format, k.Encoding, k.Encrypted, k.Comment, w.format, w.encoding, w.encrypted, w.comment)
			}
			if (k.PrivateKey != nil) != w.private {
				t.Errorf("private key present = %v, want %v", k.PrivateKey != nil, w.private)
			}
			if k.PrivateKey != nil && authorizedLine(t, k.PrivateKey.Public()) != authorizedLine(t, k.PublicKey) {
				t.Error("PublicKey is not the private key's")
			}
			base, _, _ := strings.Cut(name, "-")
			got := authorizedLine(t, k.PublicKey)
			if want, err := os.ReadFile(filepath.Join("testdata", base+".want")); err == nil {
				f := strings.Fields(string(want))
				if got != f[0]+" "+f[1] {
					t.Errorf("public key differs from ssh-keygen's %s.want", base)
				}
			}
			bases[name] = base + " " + got
		})
	}
	seen := map[string]string{}
	for _, v := range bases {
		base, line, _ := strings.Cut(v, " ")
		if prev, ok := seen[base]; ok && prev != line {
			t.Errorf("files of base key %s disagree", base)
		}
		seen[base] = line
	}
	if len(wantFormat) != countFixtures(t) {
		t.Errorf("wantFormat lists %d files, testdata has %d key files", len(wantFormat), countFixtures(t))
	}
}

func countFixtures(t *testing.T) int {
	ents, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		switch filepath.Ext(e.Name()) {
		case ".want", ".sh", ".txt":
		default:
			if !e.IsDir() {
				n++
			}
		}
	}
	return n
}

// TestPassphraseMissing: every encrypted fixture without a passphrase gives
// the typed error, with the public key and comment where the format keeps
// them in clear.
func TestPassphraseMissing(t *testing.T) {
	for name, w := range wantFormat {
		if !w.encrypted {
			continue
		}
		t.Run(name, func(t *testing.T) {
			_, err := Parse(readFixture(t, name), nil)
			var pm *PassphraseMissingError
			if !errors.As(err, &pm) {
				t.Fatalf("err = %v, want *PassphraseMissingError", err)
			}
			if pm.Format != w.format {
				t.Errorf("Format = %s, want %s", pm.Format, w.format)
			}
			inClear := w.format == FormatOpenSSH || w.format == FormatPPK2 || w.format == FormatPPK3
			if (pm.PublicKey != nil) != inClear {
				t.Errorf("PublicKey set = %v, want %v", pm.PublicKey != nil, inClear)
			}
			isPPK := w.format == FormatPPK2 || w.format == FormatPPK3
			if isPPK && pm.Comment != w.comment {
				t.Errorf("Comment = %q, want %q", pm.Comment, w.comment)
			}
			if strings.Contains(err.Error(), testPass) {
				t.Error("error mentions the passphrase")
			}
		})
	}
}

func TestWrongPassphrase(t *testing.T) {
	for name, w := range wantFormat {
		if !w.encrypted || strings.HasSuffix(name, ".ppk") && strings.Contains(name, "v3") {
			continue // Argon2 files: covered by package ppk (slow here)
		}
		t.Run(name, func(t *testing.T) {
			_, err := Parse(readFixture(t, name), &ParseOptions{Passphrase: []byte("wrong")})
			if !errors.Is(err, ErrIncorrectPassphrase) {
				t.Fatalf("err = %v, want ErrIncorrectPassphrase", err)
			}
		})
	}
}

// TestFormatsOption: with Formats set, other formats are not even tried.
func TestFormatsOption(t *testing.T) {
	data := readFixture(t, "rsa-openssh.key")
	_, err := Parse(data, &ParseOptions{Formats: []Format{FormatAuthorizedKeys, FormatRFC4716, FormatPKIX}})
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("err = %v, want ErrUnknownFormat", err)
	}
	k, err := Parse(readFixture(t, "rsa-pkix.b64"), &ParseOptions{Formats: []Format{FormatPKIX}})
	if err != nil || k.Format != FormatPKIX || k.Encoding != EncodingBase64 {
		t.Fatalf("base64 SPKI: %+v, %v", k, err)
	}
}

func TestErrorsMatchSentinels(t *testing.T) {
	for _, c := range []struct {
		in   string
		want error
	}{
		{"", ErrUnknownFormat},
		{"hello", ErrUnknownFormat},
		{"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", ErrUnknownFormat},
		{"ssh-rsa AAAA", ErrMalformed},
		{"ssh-dss AAAAB3NzaC1kc3MAAAA=", ErrUnsupported},
		{"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", ErrMalformed},
		{"PuTTY-User-Key-File-1: ssh-rsa\n", ErrMalformed},
		{"PuTTY-User-Key-File-3: ssh-dss\nEncryption: none\n", ErrUnsupported},
	} {
		_, err := Parse([]byte(c.in), nil)
		if !errors.Is(err, c.want) {
			t.Errorf("Parse(%q) = %v, want %v", c.in, err, c.want)
		}
	}
	// The format package's own sentinel still matches, and its text is kept.
	_, err := Parse(readFixture(t, "rsa-pkcs8-enc.pem"), &ParseOptions{Passphrase: []byte("x")})
	if !errors.Is(err, pemenc.ErrIncorrectPassphrase) || !strings.HasPrefix(err.Error(), "pemenc: ") {
		t.Errorf("err = %v", err)
	}
}

func TestFormatsListed(t *testing.T) {
	got := Formats()
	for _, w := range wantFormat {
		found := false
		for _, f := range got {
			found = found || f == w.format
		}
		if !found {
			t.Errorf("Formats() lacks %s", w.format)
		}
	}
	if !bytes.Equal([]byte(FormatOpenSSH), []byte("openssh")) {
		t.Error("format names are part of the API")
	}
}

// TestCertificate: a certificate line yields the certified key, the checked
// certificate, and a tampered one is refused.
func TestCertificate(t *testing.T) {
	data := readFixture(t, "ed25519-cert.pub")
	k, err := Parse(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if k.Certificate == nil || k.Certificate.KeyID != "fixture id" || k.Certificate.Serial != 7 ||
		strings.Join(k.Certificate.ValidPrincipals, ",") != "alice,bob" {
		t.Fatalf("certificate %+v", k.Certificate)
	}
	f := strings.Fields(string(data))
	blob, _ := base64.StdEncoding.DecodeString(f[1])
	blob[len(blob)-100] ^= 1 // inside the signature key or signature
	bad := f[0] + " " + base64.StdEncoding.EncodeToString(blob)
	if _, err := Parse([]byte(bad), nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("tampered certificate: %v", err)
	}
}
