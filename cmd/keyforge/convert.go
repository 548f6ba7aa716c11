package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/keyforge/keyforge/dropbear"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/keyfile"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
	"github.com/keyforge/keyforge/sshcom"
)

const convertSynopsis = "convert --to FORMAT [--der] [--passphrase-file F] [--new-passphrase-file G] [--ppk-param kdf=argon2id|argon2i|argon2d,memory=KiB,passes=N,parallelism=N] [--kdf-rounds N] [--max-kdf-work N] [--comment C] [-o OUT [--force]] [--] IN"

// puttygen names OpenSSH and PEM keys without a comment this way on import.
const importedComment = "imported-openssh-key"

type convertOpts struct {
	to         string
	der        bool
	maxIter    int // PBKDF2 ceiling of the reader (--max-kdf-work)
	newPass    []byte
	ppk        ppk.MarshalOptions
	kdfRounds  int
	comment    *string
	hasNewPass bool
}

func runConvert(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("convert")
	to := fs.String("to", "", formatsHelp())
	der := fs.Bool("der", false, "write the DER form instead of PEM ("+formatNames(func(f outFormat) bool { return f.der })+")")
	passFile := fs.String("passphrase-file", "", "passphrase of the input key: first line of `F`")
	newPassFile := fs.String("new-passphrase-file", "", "encrypt the output ("+formatNames(func(f outFormat) bool { return f.encrypt })+") with the first line of `G`; empty means unencrypted")
	ppkParam := fs.String("ppk-param", "", "PPK v3 KDF `PARAMS`: kdf=argon2id|argon2i|argon2d,memory=KiB,passes=N,parallelism=N")
	kdfRounds := fs.Int("kdf-rounds", 0, "KDF rounds `N`: bcrypt rounds of encrypted openssh output (default 24; above 200 needs --max-kdf-work), PBKDF2 iterations of pkcs8-encrypted (default 100000)")
	kdfWork := addKDFFlag(fs)
	var comment optString
	fs.Var(&comment, "comment", "comment `C` for the output (default: the input's)")
	outPath := outFlag(fs, "write to a new file `OUT` (mode 0600 for private keys, 0644 for public) instead of stdout")
	force := fs.Bool("force", false, "let -o replace an existing file (never a symbolic link or special file)")
	ops, code, ok := parseArgs(fs, convertSynopsis, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(ops) != 1 {
		return usageError(stderr, fs, convertSynopsis, "expected exactly one input file IN")
	}
	f, known := lookupFormat(*to)
	if *to == "" {
		return usageError(stderr, fs, convertSynopsis, fmt.Sprintf("--to FORMAT is required, one of %s", formatNames(nil)))
	}
	if !known {
		return usageError(stderr, fs, convertSynopsis, fmt.Sprintf("--to must be one of %s (got %q)", formatNames(nil), *to))
	}
	if *der && !f.der {
		return usageError(stderr, fs, convertSynopsis, fmt.Sprintf("--der: --to %s has no DER form (formats with one: %s)", *to, formatNames(func(f outFormat) bool { return f.der })))
	}
	if *force && *outPath == "" {
		return usageError(stderr, fs, convertSynopsis, "--force applies to -o/--out only")
	}
	if msg := checkConvertFlags(*to, ops[0], *passFile, *newPassFile, *ppkParam, *kdfRounds, comment.set); msg != "" {
		return usageError(stderr, fs, convertSynopsis, msg)
	}
	lim, err := kdfLimitsFlag(*kdfWork)
	if err != nil {
		return usageError(stderr, fs, convertSynopsis, err.Error())
	}
	opts := convertOpts{to: *to, kdfRounds: *kdfRounds, der: *der}
	if comment.set {
		opts.comment = &comment.v
	}
	if *ppkParam != "" {
		if err := ppk.ParseKDFParams(*ppkParam, &opts.ppk, &lim.ppk); err != nil {
			msg := "--ppk-param: " + strings.TrimPrefix(err.Error(), ppk.ErrUnsafeKDF.Error()+": ")
			if strings.Contains(msg, "ceiling") {
				msg += "; raise the ceilings with --max-kdf-work"
			}
			return usageError(stderr, fs, convertSynopsis, msg)
		}
	}
	if *kdfRounds < 0 {
		return usageError(stderr, fs, convertSynopsis, "--kdf-rounds must be positive")
	}
	if maxIter := lim.pem.MaxPBKDF2Iterations; *to != "openssh" && maxIter > 0 && *kdfRounds > maxIter {
		return usageError(stderr, fs, convertSynopsis, fmt.Sprintf("--kdf-rounds %d is above the %d PBKDF2 iterations keyforge reads; raise both with %s",
			*kdfRounds, maxIter, raiseHint(uint64(*kdfRounds), pemenc.DefaultMaxPBKDF2Iterations)))
	}
	opts.maxIter = lim.pem.MaxPBKDF2Iterations
	if *to == "openssh" && *kdfRounds > lim.pem.MaxBcryptRounds {
		// keyforge would refuse to read what it wrote.
		return usageError(stderr, fs, convertSynopsis, fmt.Sprintf("--kdf-rounds %d is above the %d rounds keyforge reads; raise both with %s",
			*kdfRounds, lim.pem.MaxBcryptRounds, raiseHint(uint64(*kdfRounds), pemenc.DefaultMaxBcryptRounds)))
	}
	if err := checkOutput(*outPath, *force); err != nil {
		return fail(stderr, err)
	}
	pass, err := readPassphrase(*passFile, stdin)
	if err != nil {
		return fail(stderr, err)
	}
	if *newPassFile != "" {
		if opts.newPass, err = readPassphrase(*newPassFile, stdin); err != nil {
			return fail(stderr, err)
		}
		opts.hasNewPass = len(opts.newPass) > 0
	}
	k, err := openKey(ops[0], stdin, pass, f.private, lim)
	if err != nil {
		return fail(stderr, err)
	}
	out, err := convert(k, opts)
	if err != nil {
		return fail(stderr, err)
	}
	if *outPath == "" {
		if _, err := stdout.Write(out); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	if err := writeOutput(*outPath, out, f.private, *force); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// checkConvertFlags refuses flag combinations that would silently do
// nothing or read the wrong thing: an option for another output format, a
// comment for a format without one, stdin named twice.
func checkConvertFlags(to, in, passFile, newPassFile, ppkParam string, kdfRounds int, comment bool) string {
	if msg := stdinOnce(map[string]string{"IN": in, "--passphrase-file": passFile, "--new-passphrase-file": newPassFile}); msg != "" {
		return msg
	}
	if ppkParam != "" && to != "ppk" {
		return fmt.Sprintf("--ppk-param applies to --to ppk only (PPK version 3), not --to %s", to)
	}
	if kdfRounds != 0 && to != "openssh" && to != "pkcs8" && to != "pkcs8-encrypted" {
		return fmt.Sprintf("--kdf-rounds applies to --to openssh, pkcs8 and pkcs8-encrypted only, not --to %s", to)
	}
	if f, _ := lookupFormat(to); comment && !f.comment {
		return fmt.Sprintf("--comment: --to %s has no comment field", to)
	}
	return ""
}

func convert(k *keyfile.Key, o convertOpts) ([]byte, error) {
	out, err := encode(k, o)
	if err == nil && o.hasNewPass && (o.to == "pkcs1" || o.to == "sec1") {
		// The encryption these PEM forms have (what ssh-keygen -m PEM writes).
		out, err = pemenc.EncryptLegacyPEM(out, o.newPass, nil)
	}
	if err != nil || !o.der {
		return out, err
	}
	return pemenc.PEMToDER(out)
}

func encode(k *keyfile.Key, o convertOpts) ([]byte, error) {
	comment := k.Comment
	if o.comment != nil {
		comment = *o.comment
	}
	if f, _ := lookupFormat(o.to); o.hasNewPass && !f.encrypt {
		return nil, fmt.Errorf("--to %s cannot be encrypted; formats that can: %s", o.to, formatNames(func(f outFormat) bool { return f.encrypt }))
	}
	if o.to == "pkcs8" && o.hasNewPass {
		o.to = "pkcs8-encrypted"
	}
	switch o.to {
	case "ppk", "ppk2":
		if comment == "" && o.comment == nil && k.Format != keyfile.FormatPPK2 && k.Format != keyfile.FormatPPK3 {
			comment = importedComment
		}
		if strings.ContainsAny(comment, "\r\n") {
			return nil, errors.New("a PPK comment cannot contain line breaks")
		}
		eo := o.ppk
		eo.Version = 3
		if o.to == "ppk2" {
			eo.Version = 2
		}
		eo.Comment = comment
		eo.Passphrase = o.newPass
		return ppk.Marshal(k.PrivateKey, &eo)
	case "openssh":
		return pemenc.MarshalOpenSSHPrivateKey(k.PrivateKey, &pemenc.OpenSSHOptions{
			Comment: comment, Passphrase: o.newPass, Rounds: o.kdfRounds})
	case "pkcs1":
		r, ok := k.PrivateKey.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("pkcs1 holds RSA keys only, not %s", typeName(k.PublicKey))
		}
		return pemenc.MarshalPKCS1PrivateKey(r)
	case "pkcs8":
		return pemenc.MarshalPKCS8PrivateKey(k.PrivateKey)
	case "public":
		return pemenc.MarshalAuthorizedKey(k.PublicKey, comment)
	case "rfc4716":
		return pemenc.MarshalRFC4716PublicKey(k.PublicKey, comment)
	case "pkix":
		return pemenc.MarshalPKIXPublicKey(k.PublicKey)
	case "pkcs8-encrypted":
		if !o.hasNewPass {
			return nil, fmt.Errorf("--to pkcs8-encrypted needs a passphrase: give --new-passphrase-file")
		}
		return pemenc.MarshalEncryptedPKCS8PrivateKey(k.PrivateKey, o.newPass, &pemenc.PKCS8EncryptOptions{Iterations: o.kdfRounds, MaxIterations: o.maxIter})
	case "sec1":
		e, ok := k.PrivateKey.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("sec1 holds ECDSA keys only, not %s", typeName(k.PublicKey))
		}
		return pemenc.MarshalSEC1PrivateKey(e)
	case "sshcom":
		if _, ok := k.PrivateKey.(*rsa.PrivateKey); !ok {
			return nil, fmt.Errorf("sshcom holds RSA keys only here (puttygen writes no other), not %s", typeName(k.PublicKey))
		}
		return sshcom.Marshal(k.PrivateKey, &sshcom.MarshalOptions{Comment: comment, Passphrase: o.newPass})
	case "dropbear":
		return dropbear.Marshal(k.PrivateKey, nil)
	case "pkcs1-public":
		r, ok := k.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("pkcs1-public holds RSA keys only, not %s", typeName(k.PublicKey))
		}
		return pemenc.MarshalPKCS1PublicKey(r)
	}
	return nil, fmt.Errorf("unknown format %q", o.to)
}

func typeName(pub crypto.PublicKey) string {
	t, _, err := keytype.Describe(pub)
	if err != nil {
		return "this key"
	}
	return t
}

// optString is a string flag that records whether it was given.
type optString struct {
	v   string
	set bool
}

func (o *optString) String() string     { return o.v }
func (o *optString) Set(v string) error { o.v, o.set = v, true; return nil }
