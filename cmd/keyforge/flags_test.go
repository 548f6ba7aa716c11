package main

import (
	"strings"
	"testing"
)

// TestFlagChecks: flags whose value would be ignored or misread are usage
// errors (exit 2) with a message naming the flag.
func TestFlagChecks(t *testing.T) {
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"create", "--name", "k", "--ppk-version", "2"}, "keyforge create: --ppk-version applies to --format ppk only\n"},
		{[]string{"create", "--name", "k", "--format", "pem", "--ppk-version", "3"}, "keyforge create: --ppk-version applies to --format ppk only\n"},
		{[]string{"create", "--name", "k", "--force"}, "keyforge create: --force applies to -o/--out only\n"},
		{[]string{"convert", "--to", "public", "--force", "in"}, "keyforge convert: --force applies to -o/--out only\n"},
		{[]string{"convert", "--to", "public", "--passphrase-file", "-", "-"}, "keyforge convert: standard input (-) can be read only once, but --passphrase-file and IN name it\n"},
		{[]string{"convert", "--to", "ppk", "--passphrase-file", "-", "--new-passphrase-file", "-", "in"}, "keyforge convert: standard input (-) can be read only once, but --new-passphrase-file and --passphrase-file name it\n"},
		{[]string{"fingerprint", "--passphrase-file", "-", "-"}, "keyforge fingerprint: standard input (-) can be read only once, but --passphrase-file and FILE name it\n"},
		{[]string{"convert", "--to", "ppk2", "--ppk-param", "memory=16", "in"}, "keyforge convert: --ppk-param applies to --to ppk only (PPK version 3), not --to ppk2\n"},
		{[]string{"convert", "--to", "openssh", "--ppk-param", "memory=16", "in"}, "keyforge convert: --ppk-param applies to --to ppk only (PPK version 3), not --to openssh\n"},
		{[]string{"convert", "--to", "ppk", "--kdf-rounds", "16", "in"}, "keyforge convert: --kdf-rounds applies to --to openssh, pkcs8 and pkcs8-encrypted only, not --to ppk\n"},
		{[]string{"convert", "--to", "pkcs8", "--comment", "c", "in"}, "keyforge convert: --comment: --to pkcs8 has no comment field\n"},
		{[]string{"convert", "--to", "pkix", "--comment", "", "in"}, "keyforge convert: --comment: --to pkix has no comment field\n"},
		{[]string{"convert", "--to", "pkcs1", "--comment", "c", "in"}, "keyforge convert: --comment: --to pkcs1 has no comment field\n"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, "", tc.args...)
			if code != exitUsage || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2", code, out, errOut)
			}
			if !strings.HasPrefix(errOut, tc.msg) || !strings.Contains(errOut, "Usage: keyforge") {
				t.Fatalf("stderr %q, want %q then the usage", errOut, tc.msg)
			}
		})
	}
}
