package pemenc

import (
	"bytes"
	"encoding/asn1"
	"encoding/binary"
	"fmt"

	"github.com/keyforge/keyforge/internal/keytype"
)

// formatError is a key file in a format this package recognises but does
// not read. Each is its own sentinel and also matches ErrUnsupportedFormat.
type formatError struct{ msg string }

func (e *formatError) Error() string        { return "pemenc: " + e.msg }
func (e *formatError) Is(target error) bool { return target == ErrUnsupportedFormat }

// Refusals of key files from other producers, for errors.Is. Each also
// matches ErrUnsupportedFormat, and says how to convert the file.
var (
	// ErrDropbearKey: dropbear's own binary private key format
	// (dropbearkey). Convert it with `dropbearconvert dropbear openssh IN OUT`.
	ErrDropbearKey error = &formatError{"a dropbear private key (convert it with `dropbearconvert dropbear openssh IN OUT`)"}
	// ErrSSHComKey: an ssh.com (SECSH) "---- BEGIN SSH2 ENCRYPTED PRIVATE
	// KEY ----" file. Convert it with `puttygen IN -O private-openssh -o OUT`.
	ErrSSHComKey error = &formatError{"an ssh.com SSH2 private key (convert it with `puttygen IN -O private-openssh -o OUT`)"}
	// ErrSSH1Key: an SSH protocol 1 RSA key ("SSH PRIVATE KEY FILE FORMAT
	// 1.1"); protocol 1 is obsolete and OpenSSH no longer reads these.
	ErrSSH1Key error = &formatError{"an SSH-1 (rsa1) private key: protocol 1 keys are obsolete; make a new key"}
	// ErrPKCS12: a PKCS#12 (.p12/.pfx) file. Extract the key with
	// `openssl pkcs12 -in IN -nocerts -out OUT`.
	ErrPKCS12 error = &formatError{"a PKCS#12 file (extract the key with `openssl pkcs12 -in IN -nocerts -out OUT`)"}
)

const (
	ssh1Magic    = "SSH PRIVATE KEY FILE FORMAT 1.1\n"
	sshcomBegin  = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
	oidPKCS7Base = "1.2.840.113549.1.7."
)

// foreignFormat names a key file of another producer, or returns nil.
func foreignFormat(data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte(ssh1Magic)):
		return ErrSSH1Key
	case bytes.HasPrefix(bytes.TrimSpace(data), []byte(sshcomBegin)):
		return ErrSSHComKey
	case isDropbear(data):
		return ErrDropbearKey
	case len(data) > 0 && data[0] == 0x30 && isPKCS12(data):
		return ErrPKCS12
	}
	return nil
}

// isDropbear reports whether data starts as dropbear's key files do: an
// SSH wire string holding a key algorithm name, followed by the key's
// fields (no text format starts with a zero byte).
func isDropbear(data []byte) bool {
	if len(data) < 4+7 || data[0] != 0 {
		return false
	}
	n := binary.BigEndian.Uint32(data)
	if n < 7 || n > 64 || uint64(len(data)) < 4+uint64(n) {
		return false
	}
	alg := data[4 : 4+n]
	for _, c := range alg {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return bytes.HasPrefix(alg, []byte("ssh-")) || bytes.HasPrefix(alg, []byte("ecdsa-"))
}

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

// encryptionOIDs names the encryption schemes, KDFs, PRFs and ciphers of
// encrypted PKCS#8 files that this package does not implement, so that a
// refusal says what the file uses.
var encryptionOIDs = map[string]string{
	// PBES1 (RFC 8018) and PKCS#12 PBE (RFC 7292 appendix C).
	"1.2.840.113549.1.5.1":    "PBES1 pbeWithMD2AndDES-CBC",
	"1.2.840.113549.1.5.3":    "PBES1 pbeWithMD5AndDES-CBC",
	"1.2.840.113549.1.5.4":    "PBES1 pbeWithMD2AndRC2-CBC",
	"1.2.840.113549.1.5.6":    "PBES1 pbeWithMD5AndRC2-CBC",
	"1.2.840.113549.1.5.10":   "PBES1 pbeWithSHA1AndDES-CBC",
	"1.2.840.113549.1.5.11":   "PBES1 pbeWithSHA1AndRC2-CBC",
	"1.2.840.113549.1.12.1.1": "PKCS#12 pbeWithSHAAnd128BitRC4",
	"1.2.840.113549.1.12.1.2": "PKCS#12 pbeWithSHAAnd40BitRC4",
	"1.2.840.113549.1.12.1.3": "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC",
	"1.2.840.113549.1.12.1.4": "PKCS#12 pbeWithSHAAnd2-KeyTripleDES-CBC",
	"1.2.840.113549.1.12.1.5": "PKCS#12 pbeWithSHAAnd128BitRC2-CBC",
	"1.2.840.113549.1.12.1.6": "PKCS#12 pbeWithSHAAnd40BitRC2-CBC",
	"1.2.840.113549.1.5.14":   "PBMAC1",
	// KDFs.
	"1.3.6.1.4.1.11591.4.11":     "scrypt",
	"1.2.840.113549.1.9.16.3.18": "Argon2",
	// PRFs.
	"1.2.840.113549.2.12":   "hmacWithSHA512-224",
	"1.2.840.113549.2.13":   "hmacWithSHA512-256",
	"1.2.156.10197.1.401.2": "hmacWithSM3",
	"1.2.643.7.1.1.4.1":     "HMAC-GOST R 34.11-2012-256",
	"1.2.643.7.1.1.4.2":     "HMAC-GOST R 34.11-2012-512",
	// Ciphers.
	"1.3.14.3.2.7":              "DES-CBC (single DES)",
	"1.2.840.113549.3.2":        "RC2-CBC",
	"1.2.840.113549.3.4":        "RC4",
	"1.2.840.113549.3.9":        "RC5-CBC",
	"1.3.6.1.4.1.188.7.1.1.2":   "IDEA-CBC",
	"1.3.6.1.4.1.3029.1.2":      "Blowfish-CBC",
	"1.2.840.113533.7.66.10":    "CAST5-CBC",
	"1.2.392.200011.61.1.1.1.2": "Camellia-128-CBC",
	"1.2.392.200011.61.1.1.1.3": "Camellia-192-CBC",
	"1.2.392.200011.61.1.1.1.4": "Camellia-256-CBC",
	"1.2.410.200046.1.1.2":      "ARIA-128-CBC",
	"1.2.410.200046.1.1.7":      "ARIA-192-CBC",
	"1.2.410.200046.1.1.12":     "ARIA-256-CBC",
	"1.2.410.200004.1.4":        "SEED-CBC",
	"1.2.156.10197.1.104.2":     "SM4-CBC",
	"2.16.840.1.101.3.4.1.1":    "AES-128-ECB",
	"2.16.840.1.101.3.4.1.3":    "AES-128-OFB",
	"2.16.840.1.101.3.4.1.4":    "AES-128-CFB",
	"2.16.840.1.101.3.4.1.6":    "AES-128-GCM",
	"2.16.840.1.101.3.4.1.7":    "AES-128-CCM",
	"2.16.840.1.101.3.4.1.21":   "AES-192-ECB",
	"2.16.840.1.101.3.4.1.23":   "AES-192-OFB",
	"2.16.840.1.101.3.4.1.24":   "AES-192-CFB",
	"2.16.840.1.101.3.4.1.26":   "AES-192-GCM",
	"2.16.840.1.101.3.4.1.27":   "AES-192-CCM",
	"2.16.840.1.101.3.4.1.41":   "AES-256-ECB",
	"2.16.840.1.101.3.4.1.43":   "AES-256-OFB",
	"2.16.840.1.101.3.4.1.44":   "AES-256-CFB",
	"2.16.840.1.101.3.4.1.46":   "AES-256-GCM",
	"2.16.840.1.101.3.4.1.47":   "AES-256-CCM",
	"1.2.643.7.1.1.5.1":         "GOST R 34.12-2015 Magma",
	"1.2.643.7.1.1.5.2":         "GOST R 34.12-2015 Kuznyechik",
	"1.2.840.113549.1.9.16.3.6": "id-alg-CMS3DESwrap",
}

// unsupportedEncryption names an encryption scheme, KDF, PRF or cipher by
// its name when known (its OID otherwise).
func unsupportedEncryption(what string, oid asn1.ObjectIdentifier) error {
	name, ok := encryptionOIDs[oid.String()]
	if !ok {
		name = "OID " + oid.String()
	}
	return fmt.Errorf("%w: %s %s", ErrUnsupportedEncryption, what, name)
}

// unsupportedCipherName is unsupportedEncryption for formats that name
// their cipher in text (legacy PEM DEK-Info, OpenSSH).
func unsupportedCipherName(what, name string) error {
	return fmt.Errorf("%w: %s %s", ErrUnsupportedEncryption, what, keytype.Quote(name))
}
