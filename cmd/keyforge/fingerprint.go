package main

import (
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"io"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/keyfile"
)

const fingerprintSynopsis = "fingerprint [--json] [--passphrase-file F] [--max-kdf-work N] [--] FILE"

// fingerprintJSON is `keyforge fingerprint --json`. EC2Import is what
// ImportKeyPair shows for the key (RSA, Ed25519); EC2Create what
// CreateKeyPair shows: for RSA it needs the private key, for Ed25519 it is
// EC2Import.
type fingerprintJSON struct {
	Type      string
	Bits      int
	Comment   string
	SHA256    string
	MD5       string
	EC2Import string `json:",omitempty"`
	EC2Create string `json:",omitempty"`
}

func runFingerprint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("fingerprint")
	asJSON := fs.Bool("json", false, "print all fingerprints as JSON")
	passFile := fs.String("passphrase-file", "", "read the key's passphrase from the first line of `F`")
	kdfWork := addKDFFlag(fs)
	ops, code, ok := parseArgs(fs, fingerprintSynopsis, args, stdout, stderr)
	if !ok {
		return code
	}
	lim, err := kdfLimitsFlag(*kdfWork)
	if err != nil {
		return usageError(stderr, fs, fingerprintSynopsis, err.Error())
	}
	if len(ops) != 1 {
		return usageError(stderr, fs, fingerprintSynopsis, "expected exactly one key FILE")
	}
	if msg := stdinOnce(map[string]string{"FILE": ops[0], "--passphrase-file": *passFile}); msg != "" {
		return usageError(stderr, fs, fingerprintSynopsis, msg)
	}
	pass, err := readPassphrase(*passFile, stdin)
	if err != nil {
		return fail(stderr, err)
	}
	k, err := openKey(ops[0], stdin, pass, false, lim)
	if err != nil {
		return fail(stderr, err)
	}
	res, err := fingerprints(k)
	if err != nil {
		return fail(stderr, err)
	}
	if *asJSON {
		if err := printJSON(stdout, res); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	comment := res.Comment
	// ssh-keygen says "no comment" for formats without one, but prints the
	// (empty) comment an unencrypted OpenSSH private key carries.
	if comment == "" && (k.PrivateKey == nil || k.Format != keyfile.FormatOpenSSH) {
		comment = "no comment"
	}
	fmt.Fprintf(stdout, "%d %s %s (%s)\n", res.Bits, res.SHA256, comment, res.Type)
	return exitOK
}

func fingerprints(k *keyfile.Key) (*fingerprintJSON, error) {
	typ, bits, err := keytype.Describe(k.PublicKey)
	if err != nil {
		return nil, err
	}
	if k.Certificate != nil {
		typ += "-CERT" // ssh-keygen -l shows the certified key so
	}
	res := &fingerprintJSON{Type: typ, Bits: bits, Comment: k.Comment}
	if res.SHA256, err = fingerprint.SHA256(k.PublicKey); err != nil {
		return nil, err
	}
	if res.MD5, err = fingerprint.MD5(k.PublicKey); err != nil {
		return nil, err
	}
	switch k.PublicKey.(type) {
	case *rsa.PublicKey, ed25519.PublicKey:
		if k.Certificate != nil {
			break // EC2 imports no certificates
		}
		if res.EC2Import, err = fingerprint.EC2Imported(k.PublicKey); err != nil {
			return nil, err
		}
	}
	switch p := k.PrivateKey.(type) {
	case *rsa.PrivateKey:
		if res.EC2Create, err = fingerprint.EC2Created(p); err != nil {
			return nil, err
		}
	}
	if _, ok := k.PublicKey.(ed25519.PublicKey); ok && k.Certificate == nil {
		res.EC2Create = res.EC2Import
	}
	return res, nil
}
