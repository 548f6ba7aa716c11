package keyfile

import (
	"bytes"
	"encoding/asn1"
	"errors"
)

// Key files of other producers that keyforge recognises but does not read:
// each is refused with its own sentinel, which also matches
// ErrUnsupportedFormat, and says how to convert the file. Each is a registry
// entry, so a reader for one replaces its refusal in this list (Dropbear and
// ssh.com files, once refused here, are read: dropbear.go, sshcom.go).
var (
	// ErrUnsupportedFormat is matched by every refusal below.
	ErrUnsupportedFormat = errors.New("keyfile: unsupported key file format")
	// ErrSSH1Key: an SSH protocol 1 RSA key ("SSH PRIVATE KEY FILE FORMAT
	// 1.1"); protocol 1 is obsolete and OpenSSH no longer reads these.
	ErrSSH1Key error = &formatError{"an SSH-1 (rsa1) private key: protocol 1 keys are obsolete; make a new key"}
	// ErrPKCS12: a PKCS#12 (.p12/.pfx) file.
	ErrPKCS12 error = &formatError{"a PKCS#12 file (extract the key with `openssl pkcs12 -in IN -nocerts -out OUT`)"}
)

// Refused formats, as Key.Format would name them.
const (
	FormatSSH1   Format = "ssh1"
	FormatPKCS12 Format = "pkcs12"
)

// formatError is a key file in a format keyforge recognises but does not read.
type formatError struct{ msg string }

func (e *formatError) Error() string        { return "keyfile: " + e.msg }
func (e *formatError) Is(target error) bool { return target == ErrUnsupportedFormat }

const (
	ssh1Magic    = "SSH PRIVATE KEY FILE FORMAT 1.1\n"
	oidPKCS7Base = "1.2.840.113549.1.7."
)

func refusal(name Format, match func(in *input) bool, err error) *format {
	return &format{name: name, match: match, parse: func(*input, *ParseOptions) (*Key, error) { return nil, err }}
}

var (
	ssh1Format   = refusal(FormatSSH1, func(in *input) bool { return bytes.HasPrefix(in.data, []byte(ssh1Magic)) }, ErrSSH1Key)
	pkcs12Format = refusal(FormatPKCS12, func(in *input) bool { return in.encoding == EncodingDER && isPKCS12(in.der) }, ErrPKCS12)
)

// pfx is the head of a PKCS#12 PFX (RFC 7292): version 3 and a PKCS#7
// ContentInfo.
type pfx struct {
	Version  int
	AuthSafe struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"optional,explicit,tag:0"`
	}
	MacData asn1.RawValue `asn1:"optional"`
}

func isPKCS12(der []byte) bool {
	var p pfx
	rest, err := asn1.Unmarshal(der, &p)
	return err == nil && len(rest) == 0 && p.Version == 3 &&
		len(p.AuthSafe.ContentType.String()) > len(oidPKCS7Base) &&
		p.AuthSafe.ContentType.String()[:len(oidPKCS7Base)] == oidPKCS7Base
}
