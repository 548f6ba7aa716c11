package keyfile

// Format names, as Key.Format reports them.
const (
	FormatOpenSSH        Format = "openssh"         // openssh-key-v1 ("OPENSSH PRIVATE KEY")
	FormatPKCS1          Format = "pkcs1"           // "RSA PRIVATE KEY"
	FormatPKCS8          Format = "pkcs8"           // "PRIVATE KEY"
	FormatPKCS8Encrypted Format = "pkcs8-encrypted" // "ENCRYPTED PRIVATE KEY" (PBES2)
	FormatSEC1           Format = "sec1"            // "EC PRIVATE KEY"
	FormatPEMEncrypted   Format = "pem-encrypted"   // PKCS#1 or SEC1 under Proc-Type/DEK-Info
	FormatPPK2           Format = "ppk2"            // PuTTY-User-Key-File-2
	FormatPPK3           Format = "ppk3"            // PuTTY-User-Key-File-3
	FormatAuthorizedKeys Format = "authorized_keys" // "<alg> <base64> [comment]"
	FormatRFC4716        Format = "rfc4716"         // "---- BEGIN SSH2 PUBLIC KEY ----"
	FormatPKIX           Format = "pkix"            // SubjectPublicKeyInfo ("PUBLIC KEY")
	FormatPKCS1PublicKey Format = "pkcs1-public"    // "RSA PUBLIC KEY"
	FormatSSHCom         Format = "sshcom"          // "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
	FormatDropbear       Format = "dropbear"        // dropbearkey's binary key
	FormatCertificate    Format = "openssh-cert"    // "<alg>-cert-v01@openssh.com <base64> [comment]"
)

// formats is the detection order. Each entry lives in the file named
// after its format; adding a format is one file and one line here.
var formats = []*format{
	ssh1Format,
	sshcomFormat,
	dropbearFormat,
	pkcs12Format,
	ppk2Format,
	ppk3Format,
	rfc4716Format,
	opensshFormat,
	pemEncryptedFormat,
	pkcs1Format,
	pkcs8Format,
	pkcs8EncryptedFormat,
	sec1Format,
	pkixFormat,
	pkcs1PublicFormat,
	certificateFormat,
	authorizedKeysFormat,
}

// format is one entry of the registry.
type format struct {
	name Format
	// match looks at the armour only (cheap, no decoding).
	match func(in *input) bool
	// parse decodes a matched input.
	parse func(in *input, o *ParseOptions) (*Key, error)
}
