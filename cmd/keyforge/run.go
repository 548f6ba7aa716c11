package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
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

// commands lists the subcommands; their synopses (one constant per command,
// beside its flags) are the one source of every usage text.
var commands = []struct {
	name, synopsis string
	run            func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}{
	{"create", createSynopsis, runCreate},
	{"import", importSynopsis, runImport},
	{"fingerprint", fingerprintSynopsis, runFingerprint},
	{"convert", convertSynopsis, runConvert},
	{"inspect", inspectSynopsis, runInspect},
	{"serve", serveSynopsis, runServe},
}

func usageText() string {
	var b strings.Builder
	b.WriteString("keyforge creates, imports, converts and fingerprints SSH key pairs as AWS EC2 does.\n\nUsage:\n")
	for _, c := range commands {
		b.WriteString("  keyforge " + c.synopsis + "\n")
	}
	b.WriteString("  keyforge --version\n\nRun \"keyforge COMMAND --help\" for a command's options.\n")
	return b.String()
}

// run is the whole CLI; main only wires it to the process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText())
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usageText())
		return exitOK
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, "keyforge", version())
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "keyforge: unknown command %q\n\n%s", args[0], usageText())
	return exitUsage
}

// version is the module version the binary was built from ("(devel)" for a
// source build) and, when recorded, the VCS revision.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + runtime.Version()
}

// newFlagSet returns a FlagSet whose errors and help the caller prints.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// aliasMark starts the usage string of a flag that is another name of the
// flag named after it; help prints the names together.
const aliasMark = "\x00alias of "

// alias registers names as other spellings of the flag primary.
func alias(fs *flag.FlagSet, primary string, names ...string) {
	f := fs.Lookup(primary)
	for _, n := range names {
		fs.Var(f.Value, n, aliasMark+primary)
	}
}

// outFlag is the output-file flag, spelled -o and --out in every command
// (plus any older names).
func outFlag(fs *flag.FlagSet, usage string, oldNames ...string) *string {
	p := fs.String("out", "", usage)
	alias(fs, "out", append([]string{"o"}, oldNames...)...)
	return p
}

// usageOf renders a command's synopsis and flags, each as the user types it
// (-o for one letter, --name otherwise) with its other spellings.
func usageOf(fs *flag.FlagSet, synopsis string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: keyforge %s\n\nOptions:\n", synopsis)
	aliases := map[string][]string{}
	fs.VisitAll(func(f *flag.Flag) {
		if p, ok := strings.CutPrefix(f.Usage, aliasMark); ok {
			aliases[p] = append(aliases[p], f.Name)
		}
	})
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, aliasMark) {
			return
		}
		names := append([]string{f.Name}, aliases[f.Name]...)
		slices.SortStableFunc(names, func(a, b string) int { return min(len(a), 2) - min(len(b), 2) })
		for i, n := range names {
			names[i] = dashed(n)
		}
		arg, usage := flag.UnquoteUsage(f)
		b.WriteString("  " + strings.Join(names, ", "))
		if arg != "" {
			b.WriteString(" " + arg)
		}
		b.WriteString("\n    \t" + usage)
		if d := f.DefValue; d != "" && d != "0" && d != "false" {
			fmt.Fprintf(&b, " (default %s)", d)
		}
		b.WriteString("\n")
	})
	return b.String()
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// parseArgs parses flags anywhere among the arguments (like most CLIs, not
// only before the first operand) and returns the operands; everything after
// "--" is an operand, even when it starts with "-". ok is false when the
// caller must return code.
func parseArgs(fs *flag.FlagSet, synopsis string, args []string, stdout, stderr io.Writer) (operands []string, code int, ok bool) {
	var after []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, after = args[:i], args[i+1:]
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageOf(fs, synopsis))
			return nil, exitOK, false
		}
		if err != nil {
			return nil, usageError(stderr, fs, synopsis, flagMessage(err, args)), false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return append(operands, after...), 0, true
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

// stdinOnce refuses naming standard input ("-") for more than one of paths:
// the first reader would consume what the second expects.
func stdinOnce(paths map[string]string) string {
	var names []string
	for name, p := range paths {
		if p == "-" {
			names = append(names, name)
		}
	}
	if len(names) < 2 {
		return ""
	}
	slices.Sort(names)
	return "standard input (-) can be read only once, but " + strings.Join(names, " and ") + " name it"
}

// usageError prints msg and the command's synopsis (not the whole option
// list, which would bury the message) and returns the usage exit code.
func usageError(stderr io.Writer, fs *flag.FlagSet, synopsis, msg string) int {
	fmt.Fprintf(stderr, "keyforge %s: %s\nUsage: keyforge %s\nRun \"keyforge %s --help\" for the options.\n", fs.Name(), msg, synopsis, fs.Name())
	return exitUsage
}

// flagMessage rewords the flag package's errors, which name every flag with
// one dash ("flag provided but not defined: -bogus"), the way the flags are
// typed and documented (--bogus, -o).
func flagMessage(err error, args []string) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		typed := "-" + name
		if slices.ContainsFunc(args, func(a string) bool { return a == "-"+typed || strings.HasPrefix(a, "-"+typed+"=") }) {
			typed = "-" + typed
		}
		return fmt.Sprintf("unknown option %s (an operand starting with - goes after --)", typed)
	}
	for _, f := range []struct{ prefix, format string }{
		{"flag needs an argument: -", "%s needs a value"},
		{"bad flag syntax: ", "bad option syntax: %s"},
	} {
		if name, ok := strings.CutPrefix(msg, f.prefix); ok {
			if f.prefix != "bad flag syntax: " {
				name = dashed(strings.TrimPrefix(name, "-"))
			}
			return fmt.Sprintf(f.format, name)
		}
	}
	// invalid value "x" for flag -name: reason
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if i := strings.Index(rest, " for flag -"); i >= 0 {
			val, tail := rest[:i], rest[i+len(" for flag -"):]
			if name, reason, ok := strings.Cut(tail, ": "); ok {
				return fmt.Sprintf("invalid value %s for %s: %s", val, dashed(name), reason)
			}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		if i := strings.Index(rest, " for -"); i >= 0 {
			val, tail := rest[:i], rest[i+len(" for -"):]
			if name, _, ok := strings.Cut(tail, ": "); ok {
				return fmt.Sprintf("%s takes no value (got %s)", dashed(name), val)
			}
		}
	}
	return msg
}

// libraryPrefixes are the error prefixes of keyforge's packages. They help a
// program that logs a library error; a CLI user gets the file name and the
// message without them (the format is named in the message where it matters).
var libraryPrefixes = []string{"pemenc", "ppk", "keyfile", "sshcom", "dropbear", "sshcert", "fido", "keygen", "keytype", "sshwire", "safefile", "fingerprint"}

// userText removes the package prefixes from an error's text.
func userText(err error) string {
	parts := strings.Split(err.Error(), ": ")
	var out []string
	for i, p := range parts {
		if i == len(parts)-1 || !slices.Contains(libraryPrefixes, p) {
			out = append(out, p)
		}
	}
	return strings.Join(out, ": ")
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
		fmt.Fprintf(stderr, "keyforge: %s\n", userText(err))
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
// as puttygen reads passphrase files: everything before the first CR, LF
// or NUL (so "pw\r\n", "pw\r", "pw\rjunk" and "pw\x00junk" all mean "pw",
// as puttygen 0.78 --old-passphrase and openssl -passin file: read them;
// ssh-keygen takes passphrases only from a terminal or -P/-N, which cannot
// hold a NUL either). An empty path means no passphrase.
func readPassphrase(path string, stdin io.Reader) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readInput(path, stdin)
	if err != nil {
		return nil, fmt.Errorf("reading passphrase file: %w", err)
	}
	if i := bytes.IndexAny(data, "\r\n\x00"); i >= 0 {
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
