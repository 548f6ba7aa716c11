package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"

	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// fuzzLimits keeps fuzz executions fast: hostile KDF parameters above them
// are refused before any work.
var fuzzLimits = &kdfLimits{
	pem: pemenc.ParseOptions{MaxBcryptRounds: 2, MaxPBKDF2Iterations: 4096},
	ppk: ppk.ParseOptions{MaxMemory: 64, MaxPasses: 4, MaxWork: 128},
}

// TestMaxKDFWork: keys the tools write above the default ceilings
// (ssh-keygen -a 201, puttygen --ppk-param passes=65, openssl -iter
// 2000001) are refused by default with a pointer to --max-kdf-work, and
// read with it.
func TestMaxKDFWork(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("pw\n"), 0o600)
	for _, f := range []string{"ed25519-a201", "ed25519-passes65.ppk", "ed25519-iter2000001.pem"} {
		path := filepath.Join("testdata", "kdf", f)
		_, errOut, code := runCLI(t, "", "convert", "--to", "public", "--passphrase-file", pw, path)
		if code != exitError || !strings.Contains(errOut, "--max-kdf-work") {
			t.Errorf("%s without --max-kdf-work: exit %d, %s", f, code, errOut)
		}
		if !testtool.Long() {
			continue // about 2 s of KDF per file: KEYFORGE_LONG=1 runs it
		}
		out, errOut, code := runCLI(t, "", "convert", "--to", "pkcs8", "--passphrase-file", pw, "--max-kdf-work", "2", path)
		if code != 0 || !strings.Contains(out, "BEGIN PRIVATE KEY") {
			t.Errorf("%s with --max-kdf-work 2: exit %d, %s", f, code, errOut)
		}
	}
	for _, v := range []string{"0", "4097", "-1", "x"} {
		if _, _, code := runCLI(t, "", "fingerprint", "--max-kdf-work", v, filepath.Join("testdata", "kdf", "ed25519-a201")); code != exitUsage {
			t.Errorf("--max-kdf-work %s: exit %d", v, code)
		}
	}
}

// TestConvertWritesOnlyWhatItReads: convert refuses KDF settings above
// the ceilings it reads with (--kdf-rounds 201, --ppk-param beyond the
// Argon2 ceilings) unless --max-kdf-work raises both, and what it then
// writes reads back with the same flag.
func TestConvertWritesOnlyWhatItReads(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("pw\n"), 0o600)
	in := filepath.Join("..", "..", "ppk", "testdata", "ed25519-v3-none.ppk")
	for _, args := range [][]string{
		{"--to", "openssh", "--kdf-rounds", "201"},
		{"--to", "ppk", "--ppk-param", "memory=262145"},
		{"--to", "ppk", "--ppk-param", "passes=65"},
		{"--to", "ppk", "--ppk-param", "memory=262144,passes=3"},
	} {
		_, errOut, code := runCLI(t, "", append(append([]string{"convert", "--new-passphrase-file", pw}, args...), in)...)
		if code != exitUsage || !strings.Contains(errOut, "--max-kdf-work") {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
	out := filepath.Join(dir, "k")
	// At the default ceiling exactly, no flag is needed either way.
	if _, errOut, code := runCLI(t, "", "convert", "--to", "ppk", "--ppk-param", "memory=64,passes=2", "--new-passphrase-file", pw, "-o", out+".ppk", in); code != 0 {
		t.Errorf("small ppk: exit %d, %s", code, errOut)
	}
	if !testtool.Long() {
		return // writing and reading 201 bcrypt rounds takes seconds: KEYFORGE_LONG=1 runs it
	}
	mustRun(t, "convert", "--to", "openssh", "--kdf-rounds", "201", "--max-kdf-work", "2", "--new-passphrase-file", pw, "-o", out, in)
	if _, errOut, code := runCLI(t, "", "convert", "--to", "pkcs8", "--passphrase-file", pw, out); code != exitError || !strings.Contains(errOut, "--max-kdf-work") {
		t.Errorf("reading 201 rounds by default: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "", "convert", "--to", "pkcs8", "--passphrase-file", pw, "--max-kdf-work", "2", out); code != 0 {
		t.Errorf("reading 201 rounds with --max-kdf-work 2: exit %d, %s", code, errOut)
	}
}

// TestPassphraseFileNUL: a passphrase file ends at its first NUL, as
// puttygen reads it: this puttygen-made file, written with the passphrase
// file "ab\0cd\n", opens with "ab" and with that file, not with "abcd".
func TestPassphraseFileNUL(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join("testdata", "passphrase", "ed25519-ab.ppk")
	for content, ok := range map[string]bool{"ab\x00cd\n": true, "ab\n": true, "ab\x00": true, "abcd\n": false, "ab\x00cd\x00": true} {
		pf := filepath.Join(dir, "p")
		os.WriteFile(pf, []byte(content), 0o600)
		_, errOut, code := runCLI(t, "", "convert", "--to", "pkcs8", "--passphrase-file", pf, key)
		if (code == 0) != ok {
			t.Errorf("passphrase file %q: exit %d, %s", content, code, errOut)
		}
	}
}
