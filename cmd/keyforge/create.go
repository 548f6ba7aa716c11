package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/keygen"
)

const createSynopsis = "create --name N [--type rsa|ed25519] [--format pem|ppk [--ppk-version 2|3]] [--tag K=V]... [--seed HEX [--region R]] [-o FILE [--force]] [--dry-run]"

// keyPairJSON is what `aws ec2 create-key-pair` and `import-key-pair` print:
// keys in this order, Tags only when given, KeyMaterial left out when it
// went to a file (and always for import).
type keyPairJSON struct {
	KeyFingerprint string
	KeyMaterial    string `json:",omitempty"`
	KeyName        string
	KeyPairId      string
	Tags           []ec2.Tag `json:",omitempty"`
}

func runCreate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("create")
	name := fs.String("name", "", "`N`: the key pair name (required)")
	typ := fs.String("type", "rsa", "key `TYPE`: rsa or ed25519")
	format := fs.String("format", "pem", "key `FORMAT`: pem or ppk")
	var tags tagFlag
	fs.Var(&tags, "tag", "tag `K=V` (repeatable)")
	seedHex := fs.String("seed", "", "`HEX` seed (at least 16 bytes) making every output reproducible")
	region := fs.String("region", "", "`Region` a seeded output is derived for, as keyforge serve --seed derives it (e.g. us-east-1)")
	keyOut := outFlag(fs, "write KeyMaterial to a new `FILE` (mode 0600) instead of printing it", "key-out")
	force := fs.Bool("force", false, "let -o replace an existing file (never a symbolic link or special file)")
	ppkVersion := fs.Int("ppk-version", 3, "PuTTY key file version `V` for --format ppk: 2 or 3")
	dryRun := fs.Bool("dry-run", false, "validate only (fails with DryRunOperation when the request would succeed)")
	ops, code, ok := parseArgs(fs, createSynopsis, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(ops) != 0 {
		return usageError(stderr, fs, createSynopsis, fmt.Sprintf("unexpected argument %q", ops[0]))
	}
	if *ppkVersion != 2 && *ppkVersion != 3 {
		return usageError(stderr, fs, createSynopsis, "--ppk-version must be 2 or 3")
	}
	if *region != "" && !ec2.ValidRegion(*region) {
		return usageError(stderr, fs, createSynopsis, fmt.Sprintf("--region %q is not a Region name", *region))
	}
	if *force && *keyOut == "" {
		return usageError(stderr, fs, createSynopsis, "--force applies to -o/--out only")
	}
	if isSet(fs, "ppk-version") && *format != "ppk" {
		return usageError(stderr, fs, createSynopsis, "--ppk-version applies to --format ppk only")
	}
	seed, err := parseSeed(*seedHex)
	if err != nil {
		return usageError(stderr, fs, createSynopsis, err.Error())
	}
	if err := checkOutput(*keyOut, *force); err != nil {
		return fail(stderr, err)
	}
	svc, err := ec2.New(ec2.Options{Region: *region, Seed: seed, PPKVersion: *ppkVersion})
	if err != nil {
		return fail(stderr, err)
	}
	out, err := svc.CreateKeyPair(context.Background(), &ec2.CreateKeyPairInput{
		KeyName: *name, KeyType: *typ, KeyFormat: *format,
		TagSpecifications: tags.specs(), DryRun: *dryRun,
	})
	if err != nil {
		return fail(stderr, err)
	}
	res := keyPairJSON{out.KeyFingerprint, out.KeyMaterial, out.KeyName, out.KeyPairId, out.Tags}
	if *keyOut != "" {
		// A key file needs its final newline (ssh-keygen refuses one without);
		// PPK material already ends with one.
		if err := writeOutput(*keyOut, []byte(withNewline(out.KeyMaterial)), true, *force); err != nil {
			return fail(stderr, err)
		}
		res.KeyMaterial = ""
	}
	if err := printJSON(stdout, res); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// parseSeed reads --seed: hexadecimal, at least det-keygen's minimum of
// keygen.MinSeedSize bytes (a shorter seed would make reproducible keys
// that are also guessable).
func parseSeed(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("--seed must be hexadecimal (an even number of 0-9a-f digits)")
	}
	if len(b) < keygen.MinSeedSize {
		return nil, fmt.Errorf("--seed must be at least %d bytes (%d hex digits), got %d", keygen.MinSeedSize, 2*keygen.MinSeedSize, len(b))
	}
	return b, nil
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// isSet reports whether the flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name || f.Usage == aliasMark+name })
	return set
}
