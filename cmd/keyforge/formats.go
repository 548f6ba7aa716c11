package main

import (
	"fmt"
	"strings"
)

// outFormat is one output format of convert: what it holds, whether it can
// be encrypted, carries a comment or has a DER form, and the tool whose
// output it matches (and which reads it).
type outFormat struct {
	name    string
	private bool
	encrypt bool // --new-passphrase-file applies
	comment bool // --comment applies
	der     bool // --der applies
	tool    string
	help    string
}

// outFormats is every convert --to format, in the order --help lists them.
var outFormats = []outFormat{
	{"openssh", true, true, true, false, "ssh-keygen", "OpenSSH openssh-key-v1 private key (bcrypt KDF with --new-passphrase-file)"},
	{"ppk", true, true, true, false, "puttygen", "PuTTY key file version 3 (Argon2)"},
	{"ppk2", true, true, true, false, "puttygen --ppk-param version=2", "PuTTY key file version 2"},
	{"pkcs1", true, true, false, true, "openssl rsa -traditional, ssh-keygen -m PEM", "PKCS#1 RSA PRIVATE KEY (RSA only; legacy PEM encryption, AES-128-CBC, with --new-passphrase-file)"},
	{"pkcs8", true, true, false, true, "openssl pkcs8 -topk8 -nocrypt", "PKCS#8 PRIVATE KEY (encrypted as pkcs8-encrypted with --new-passphrase-file)"},
	{"pkcs8-encrypted", true, true, false, true, "openssl pkcs8 -topk8 -v2 aes-256-cbc", "PKCS#8 ENCRYPTED PRIVATE KEY: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC (needs --new-passphrase-file)"},
	{"sec1", true, true, false, true, "openssl ec, ssh-keygen -m PEM", "SEC1 EC PRIVATE KEY (ECDSA only; legacy PEM encryption with --new-passphrase-file)"},
	{"sshcom", true, true, true, false, "puttygen -O private-sshcom", "ssh.com/Tectia SSH2 private key (RSA only; 3des-cbc with --new-passphrase-file)"},
	{"dropbear", true, false, false, false, "dropbearkey, dropbearconvert", "Dropbear private key (binary; no encryption, no comment)"},
	{"public", false, false, true, false, "ssh-keygen -y", "authorized_keys line with comment"},
	{"rfc4716", false, false, true, false, "ssh-keygen -e", "RFC 4716 SSH2 public key block"},
	{"pkix", false, false, false, true, "openssl pkey -pubout", "PKIX PUBLIC KEY (SubjectPublicKeyInfo)"},
	{"pkcs1-public", false, false, false, true, "openssl rsa -RSAPublicKey_out", "PKCS#1 RSA PUBLIC KEY (RSA only)"},
}

func lookupFormat(name string) (outFormat, bool) {
	for _, f := range outFormats {
		if f.name == name {
			return f, true
		}
	}
	return outFormat{}, false
}

// formatNames lists the formats with a property (all when pred is nil).
func formatNames(pred func(outFormat) bool) string {
	var names []string
	for _, f := range outFormats {
		if pred == nil || pred(f) {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ", ")
}

// formatsHelp is the --to list of convert --help: name, what, matching tool.
func formatsHelp() string {
	var b strings.Builder
	b.WriteString("output `FORMAT`, one of:")
	for _, f := range outFormats {
		fmt.Fprintf(&b, "\n    \t  %-16s %s [%s]", f.name, f.help, f.tool)
	}
	return b.String()
}
