package keyfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestForeignReadFormats: Dropbear and ssh.com files, once refused, are read.
func TestForeignReadFormats(t *testing.T) {
	for file, format := range map[string]Format{
		"dropbear-rsa": FormatDropbear, "dropbear-ed25519": FormatDropbear, "dropbear-ecdsa": FormatDropbear,
		"sshcom-rsa": FormatSSHCom,
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "foreign", file))
		if err != nil {
			t.Fatal(err)
		}
		k, err := Parse(data, &ParseOptions{Passphrase: []byte("pw")})
		if err != nil || k.Format != format || k.PrivateKey == nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// TestForeignFormats: files of other producers are refused with their own
// sentinel, which also matches ErrUnsupportedFormat and ErrUnsupported.
// Made with the tools as testdata/foreign/README.md says.
func TestForeignFormats(t *testing.T) {
	for _, c := range []struct {
		file   string
		want   error
		format Format
	}{
		{"ssh1-rsa", ErrSSH1Key, FormatSSH1},
		{"rsa-cert.p12", ErrPKCS12, FormatPKCS12},
		{"rsa-nocert.p12", ErrPKCS12, FormatPKCS12},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "foreign", c.file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(data, &ParseOptions{Passphrase: []byte("pw")})
		if !errors.Is(err, c.want) || !errors.Is(err, ErrUnsupportedFormat) || !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v", c.file, err)
		}
		if errors.Is(err, ErrMalformed) {
			t.Errorf("%s: also ErrMalformed", c.file)
		}
		// Asked for other formats only, the file is not even recognised.
		if _, err := Parse(data, &ParseOptions{Formats: []Format{FormatPKIX}}); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%s with Formats: %v", c.file, err)
		}
	}
}
