package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/internal/safefile"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // API or I/O error
	exitUsage = 2
)

const usageText = `keyforge creates, imports, converts and fingerprints SSH key pairs as AWS EC2 does.

Usage:
  keyforge create --name N [--type rsa|ed25519] [--format pem|ppk] [--tag K=V]... [--seed HEX] [--key-out FILE [--force]]
  keyforge import --name N --public-key FILE [--tag K=V]... [--seed HEX]
  keyforge fingerprint [--json] [--passphrase-file F] FILE
  keyforge convert --to FORMAT [--passphrase-file F] [--new-passphrase-file G] [-o OUT [--force]] IN

Run "keyforge COMMAND --help" for a command's options.
`

type command struct {
	run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"create":      {runCreate},
	"import":      {runImport},
	"fingerprint": {runFingerprint},
	"convert":     {runConvert},
}

// run is the whole CLI; main only wires it to the process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "keyforge: unknown command %q\n\n%s", args[0], usageText)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

// newFlagSet returns a FlagSet whose errors and help the caller prints.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// usageOf renders a command's synopsis and flags.
func usageOf(fs *flag.FlagSet, synopsis string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Usage: keyforge %s\n\nOptions:\n", synopsis)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// parseArgs parses flags anywhere among the arguments (like most CLIs, not
// only before the first operand) and returns the operands. ok is false when
// the caller must return code.
func parseArgs(fs *flag.FlagSet, synopsis string, args []string, stdout, stderr io.Writer) (operands []string, code int, ok bool) {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageOf(fs, synopsis))
			return nil, exitOK, false
		}
		if err != nil {
			return nil, usageError(stderr, fs, synopsis, err.Error()), false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return operands, 0, true
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

func usageError(stderr io.Writer, fs *flag.FlagSet, synopsis, msg string) int {
	fmt.Fprintf(stderr, "keyforge %s: %s\n%s", fs.Name(), msg, usageOf(fs, synopsis))
	return exitUsage
}

// fail prints an error the way the CLI reports them: API errors as
// "keyforge: <Code>: <Message>", anything else as "keyforge: <error>".
func fail(stderr io.Writer, err error) int {
	var ae *ec2.APIError
	if errors.As(err, &ae) {
		if cause := ae.Unwrap(); ae.Code == ec2.CodeInternalError && cause != nil {
			fmt.Fprintf(stderr, "keyforge: %s: %s (%v)\n", ae.Code, ae.Message, cause)
		} else {
			fmt.Fprintf(stderr, "keyforge: %s: %s\n", ae.Code, ae.Message)
		}
	} else {
		fmt.Fprintf(stderr, "keyforge: %v\n", err)
	}
	return exitError
}

// printJSON writes v as the AWS CLI does: 4-space indent, no HTML escaping.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// tagFlag collects repeated --tag K=V values.
type tagFlag []ec2.Tag

func (t *tagFlag) String() string { return "" }

func (t *tagFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("tag %q is not KEY=VALUE", v)
	}
	*t = append(*t, ec2.Tag{Key: k, Value: val})
	return nil
}

func (t tagFlag) specs() []ec2.TagSpecification {
	if len(t) == 0 {
		return nil
	}
	return []ec2.TagSpecification{{ResourceType: "key-pair", Tags: t}}
}

// maxInputFile bounds what the CLI reads from a key file.
const maxInputFile = 1 << 20

func readInput(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputFile {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a key file", path, maxInputFile)
	}
	return data, nil
}

// readPassphrase returns the first line of path without its line ending,
// as puttygen reads passphrase files: everything before the first CR or LF
// (so "pw\r\n", "pw\r" and "pw\rjunk" all mean "pw", as puttygen 0.78
// reads them). An empty path means no passphrase.
func readPassphrase(path string, stdin io.Reader) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readInput(path, stdin)
	if err != nil {
		return nil, fmt.Errorf("reading passphrase file: %w", err)
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		data = data[:i]
	}
	return data, nil
}

// writeOutput writes a key file with the safefile rules: atomic, no
// symbolic links or special files, no existing file replaced unless force,
// private files 0600 from creation.
func writeOutput(path string, data []byte, private, force bool) error {
	return forceHint(safefile.Write(path, data, safefile.Options{Private: private, Force: force}))
}

// checkOutput refuses an output path before any work is done for it.
func checkOutput(path string, force bool) error {
	if path == "" {
		return nil
	}
	return forceHint(safefile.Check(path, safefile.Options{Force: force}))
}

func forceHint(err error) error {
	if errors.Is(err, safefile.ErrExists) {
		return fmt.Errorf("%w; use --force to replace it", err)
	}
	return err
}
