package pemenc

import (
	"encoding/asn1"
	"fmt"

	"github.com/keyforge/keyforge/internal/keytype"
)

// encryptionOIDs names the encryption schemes, KDFs, PRFs and ciphers of
// encrypted PKCS#8 files that this package does not implement, so that a
// refusal says what the file uses.
var encryptionOIDs = map[string]string{
	// PBES1 with MD2 (not in Go's library; the other PBES1 and PKCS#12 PBE
	// schemes and scrypt are read, pkcs8_legacy.go).
	"1.2.840.113549.1.5.1":  "PBES1 pbeWithMD2AndDES-CBC",
	"1.2.840.113549.1.5.4":  "PBES1 pbeWithMD2AndRC2-CBC",
	"1.2.840.113549.1.5.14": "PBMAC1",
	// KDFs.
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
