package main

import (
	"context"
	"fmt"
	"io"

	"github.com/keyforge/keyforge/ec2"
)

const importSynopsis = "import --name N --public-key FILE [--tag K=V]... [--seed HEX [--region R]] [--dry-run]"

func runImport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("import")
	name := fs.String("name", "", "`N`: the key pair name (required)")
	pubFile := fs.String("public-key", "", "public key `FILE`: OpenSSH line, RFC 4716 block or base64 SPKI DER (- for stdin)")
	var tags tagFlag
	fs.Var(&tags, "tag", "tag `K=V` (repeatable)")
	seedHex := fs.String("seed", "", "`HEX` seed (at least 16 bytes) making the KeyPairId reproducible")
	region := fs.String("region", "", "`Region` a seeded output is derived for, as keyforge serve --seed derives it (e.g. us-east-1)")
	dryRun := fs.Bool("dry-run", false, "validate only (fails with DryRunOperation when the request would succeed)")
	ops, code, ok := parseArgs(fs, importSynopsis, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(ops) != 0 {
		return usageError(stderr, fs, importSynopsis, fmt.Sprintf("unexpected argument %q", ops[0]))
	}
	if *region != "" && !ec2.ValidRegion(*region) {
		return usageError(stderr, fs, importSynopsis, fmt.Sprintf("--region %q is not a Region name", *region))
	}
	seed, err := parseSeed(*seedHex)
	if err != nil {
		return usageError(stderr, fs, importSynopsis, err.Error())
	}
	var material []byte
	if *pubFile != "" {
		if material, err = readInput(*pubFile, stdin); err != nil {
			return fail(stderr, err)
		}
	}
	svc := ec2.NewService(ec2.Options{Region: *region, Seed: seed})
	out, err := svc.ImportKeyPair(context.Background(), &ec2.ImportKeyPairInput{
		KeyName: *name, PublicKeyMaterial: material, TagSpecifications: tags.specs(), DryRun: *dryRun,
	})
	if err != nil {
		return fail(stderr, err)
	}
	if err := printJSON(stdout, keyPairJSON{KeyFingerprint: out.KeyFingerprint, KeyName: out.KeyName,
		KeyPairId: out.KeyPairId, Tags: out.Tags}); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
