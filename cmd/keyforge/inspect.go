package main

import (
	"fmt"
	"io"
	"time"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/keyfile"
)

const inspectSynopsis = "inspect [--passphrase-file F] [--max-kdf-work N] [--utc] [--] FILE"

// runInspect prints what `ssh-keygen -L -f FILE` prints for an OpenSSH
// certificate (its signature checked first), and for any other key file its
// format, type, size, fingerprint and comment.
func runInspect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("inspect")
	passFile := fs.String("passphrase-file", "", "read the key's passphrase from the first line of `F`")
	kdfWork := addKDFFlag(fs)
	utc := fs.Bool("utc", false, "show certificate validity in UTC (default: the local time zone, as ssh-keygen)")
	ops, code, ok := parseArgs(fs, inspectSynopsis, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(ops) != 1 {
		return usageError(stderr, fs, inspectSynopsis, "expected exactly one key FILE")
	}
	if msg := stdinOnce(map[string]string{"FILE": ops[0], "--passphrase-file": *passFile}); msg != "" {
		return usageError(stderr, fs, inspectSynopsis, msg)
	}
	lim, err := kdfLimitsFlag(*kdfWork)
	if err != nil {
		return usageError(stderr, fs, inspectSynopsis, err.Error())
	}
	pass, err := readPassphrase(*passFile, stdin)
	if err != nil {
		return fail(stderr, err)
	}
	k, err := openKey(ops[0], stdin, pass, false, lim)
	if err != nil {
		return fail(stderr, err)
	}
	name := ops[0]
	if name == "-" {
		name = "(stdin):1" // as ssh-keygen names standard input
	}
	if k.Certificate != nil {
		loc := time.Local
		if *utc {
			loc = time.UTC
		}
		fmt.Fprint(stdout, k.Certificate.Describe(name, loc))
		return exitOK
	}
	typ, bits, err := keytype.Describe(k.PublicKey)
	if err != nil {
		return fail(stderr, err)
	}
	fp, err := fingerprint.SHA256(k.PublicKey)
	if err != nil {
		return fail(stderr, err)
	}
	// Without a passphrase an encrypted file shows only what it keeps in
	// clear (loadKey): its public key, and for PPK the comment.
	locked := k.Encrypted && k.PrivateKey == nil
	var kind string
	switch {
	case locked:
		kind = "encrypted private key, not decrypted"
	case k.PrivateKey != nil && k.Encrypted:
		kind = string(k.Encoding) + ", encrypted private key"
	case k.PrivateKey != nil:
		kind = string(k.Encoding) + ", private key"
	default:
		kind = string(k.Encoding) + ", public key"
	}
	comment := fmt.Sprintf("%q", k.Comment)
	if locked && k.Format == keyfile.FormatOpenSSH {
		comment = "(encrypted; give --passphrase-file to read it)"
	}
	fmt.Fprintf(stdout, "%s:\n", name)
	fmt.Fprintf(stdout, "        Format: %s (%s)\n", k.Format, kind)
	fmt.Fprintf(stdout, "        Type: %s %d\n", typ, bits)
	fmt.Fprintf(stdout, "        Public key: %s\n", fp)
	fmt.Fprintf(stdout, "        Comment: %s\n", comment)
	return exitOK
}
