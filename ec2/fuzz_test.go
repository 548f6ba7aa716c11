package ec2

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// documentedErrors is the table of errors.go: each code's HTTP status and
// the shapes its messages take.
var documentedErrors = map[string]struct {
	status   int
	messages []*regexp.Regexp
}{
	CodeMissingParameter: {400, res(`The request must contain the parameter (KeyName|PublicKeyMaterial)`)},
	CodeInvalidParameterValue: {400, res(
		`Value for parameter KeyName is invalid\. Length exceeds maximum of 255\.`,
		`Value for parameter KeyName is invalid\. Control characters \(bytes 0x00-0x1F and 0x7F\) are not allowed\.`,
		`Value \([^\x00-\x1f\x7f]{1,255}\) for parameter KeyName is invalid\. Character sets beyond ASCII are not supported\.`,
		`Value \([ -~]{1,255}\) for parameter KeyName is invalid\. Leading and trailing spaces are not allowed\.`,
		`Value (\([ -~]{0,64}\) )?for parameter (KeyType|KeyFormat) is invalid\. Valid values are: (rsa, ed25519|pem, ppk)\.`,
		`'[ -~]{0,64}' is not a valid taggable resource type for this operation\.`,
		`The resource type is not a valid taggable resource type for this operation\.`,
		`Tag keys starting with 'aws:' are reserved for internal use`,
		`The tag key must be between 1 and 127 Unicode characters long\.`,
		`The tag key must not contain control characters or invalid UTF-8\.`,
		`The tag value for key '[^\x00-\x1f\x7f]{1,508}' must be at most 256 Unicode characters long\.`,
		`The tag value for key '[^\x00-\x1f\x7f]{1,508}' must not contain control characters other than tab, LF and CR, or invalid UTF-8\.`,
		`Duplicate tag key '[^\x00-\x1f\x7f]{1,508}' specified\.`,
	)},
	CodeTagLimitExceeded:     {400, res(`The maximum number of tags per resource \(50\) has been exceeded\.`)},
	CodeDryRunOperation:      {412, res(`Request would have succeeded, but DryRun flag is set\.`)},
	CodeDuplicate:            {400, res(`The keypair '[ -~]{1,255}' already exists\.`)},
	CodeKeyPairLimitExceeded: {400, res(`Maximum of 1 key pairs per Region reached\.`)},
	CodeInvalidKeyFormat:     {400, res(`Key is not in valid OpenSSH public key format`)},
	CodeUnavailable:          {503, res(`The request was canceled before it completed; no key pair was stored\.`)},
}

func res(exprs ...string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, e := range exprs {
		out = append(out, regexp.MustCompile(`^(?s:`+e+`)$`))
	}
	return out
}

// Bits of FuzzRequests' ctl byte.
const (
	fuzzDryRun       = 1 << iota
	fuzzCanceled     // a canceled context
	fuzzImport       // ImportKeyPair instead of CreateKeyPair
	fuzzResourceType // the first tag field is the ResourceType
	fuzzTwoSpecs     // tags split over two TagSpecifications
	fuzzDuplicate    // the name is already taken
	fuzzFull         // the quota (1) is already used by another name
)

// FuzzRequests: whatever a request carries, CreateKeyPair and ImportKeyPair
// return either a well-formed output or an *APIError from the documented
// table (code, HTTP status, message shape, no control characters), and a
// failed request stores nothing. Cheap per input: a seeded Service, RSA
// creation only where it ends before key generation (a canceled context).
func FuzzRequests(f *testing.F) {
	ed := []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 c\n")
	rsaPub, err := os.ReadFile(filepath.Join("testdata", "rsa2048.pub"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("k", "ed25519", "pem", []byte("Name\x00web"), []byte(nil), byte(0))
	f.Add("k", "ed25519", "ppk", []byte("a\x00b\x00c\x00d"), []byte(nil), byte(fuzzTwoSpecs))
	f.Add("k\n", "ed25519", "ppk", []byte(nil), []byte(nil), byte(0))
	f.Add("k", "rsa", "ppk", []byte(nil), []byte(nil), byte(0))
	f.Add("k", "", "", []byte(nil), []byte(nil), byte(fuzzDryRun))
	f.Add("k", "ed25519", "pem", []byte("instance\x00a\x00b"), []byte(nil), byte(fuzzResourceType))
	f.Add("k", "ed25519", "pem", []byte("aws:x\x00v"), []byte(nil), byte(fuzzDuplicate))
	f.Add("k", "ed25519", "pem", []byte(nil), []byte(nil), byte(fuzzFull))
	f.Add("imp", "", "", []byte("k\x00v"), ed, byte(fuzzImport))
	f.Add("imp", "", "", []byte(nil), rsaPub, byte(fuzzImport|fuzzDuplicate))
	f.Add("imp", "", "", []byte(nil), []byte("ssh-dss AAAA"), byte(fuzzImport))
	f.Add("imp", "", "", []byte(nil), ed, byte(fuzzImport|fuzzCanceled))
	f.Add(" k", "ed25519", "pem", []byte("k\x00\x1b"), []byte(nil), byte(fuzzCanceled))
	f.Fuzz(func(t *testing.T, name, keyType, keyFormat string, tagBytes, material []byte, ctl byte) {
		opts := Options{Seed: []byte("fuzz requests")}
		if ctl&fuzzFull != 0 {
			opts.MaxKeyPairs = 1
		}
		s := NewService(opts)
		ctx := context.Background()
		other := "other"
		if ctl&fuzzDuplicate != 0 {
			other = name
		}
		if ctl&(fuzzDuplicate|fuzzFull) != 0 && validateKeyName(other) == nil {
			if _, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: other, PublicKeyMaterial: ed}); err != nil {
				t.Fatalf("setup: %v", err)
			}
		}
		specs := fuzzTags(tagBytes, ctl)
		isRSA := keyType == "" || keyType == "rsa"
		if ctl&fuzzCanceled != 0 || (ctl&fuzzImport == 0 && isRSA) {
			c, cancel := context.WithCancel(ctx)
			cancel()
			ctx = c
		}
		before := s.stored()
		var err error
		if ctl&fuzzImport != 0 {
			var out *ImportKeyPairOutput
			out, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: name, PublicKeyMaterial: material,
				TagSpecifications: specs, DryRun: ctl&fuzzDryRun != 0})
			if err == nil && (out.KeyName != name || !keyPairIDRe.MatchString(out.KeyPairId) || out.KeyFingerprint == "") {
				t.Fatalf("import output %+v", out)
			}
		} else {
			var out *CreateKeyPairOutput
			out, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: name, KeyType: keyType, KeyFormat: keyFormat,
				TagSpecifications: specs, DryRun: ctl&fuzzDryRun != 0})
			if err == nil && (out.KeyName != name || !keyPairIDRe.MatchString(out.KeyPairId) || out.KeyMaterial == "" || out.KeyFingerprint == "") {
				t.Fatalf("create output %+v", out)
			}
		}
		after := s.stored()
		if err == nil {
			if after != before+1 {
				t.Fatalf("success stored %d key pairs", after-before)
			}
			return
		}
		if after != before {
			t.Fatalf("failure %v changed the store from %d to %d", err, before, after)
		}
		var ae *APIError
		if !errors.As(err, &ae) || error(ae) != err {
			t.Fatalf("error %v (%T) is not an *APIError", err, err)
		}
		doc, ok := documentedErrors[ae.Code]
		if !ok || ae.HTTPStatus != doc.status {
			t.Fatalf("undocumented error %s/%d: %q", ae.Code, ae.HTTPStatus, ae.Message)
		}
		matched := false
		for _, re := range doc.messages {
			matched = matched || re.MatchString(ae.Message)
		}
		if !matched || strings.ContainsFunc(ae.Message, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("%s message %q is not a documented shape", ae.Code, ae.Message)
		}
		if ae.Code == CodeUnavailable && !errors.Is(err, context.Canceled) {
			t.Fatal("Unavailable does not wrap context.Canceled")
		}
	})
}

var keyPairIDRe = regexp.MustCompile(`^key-0[0-9a-f]{16}$`)

// fuzzTags reads NUL-separated fields as key, value pairs.
func fuzzTags(b []byte, ctl byte) []TagSpecification {
	if len(b) == 0 {
		return nil
	}
	fields := bytes.Split(b, []byte{0})
	rt := "key-pair"
	if ctl&fuzzResourceType != 0 {
		rt, fields = string(fields[0]), fields[1:]
	}
	var tags []Tag
	for i := 0; i < len(fields); i += 2 {
		t := Tag{Key: string(fields[i])}
		if i+1 < len(fields) {
			t.Value = string(fields[i+1])
		}
		tags = append(tags, t)
	}
	if ctl&fuzzTwoSpecs != 0 && len(tags) > 1 {
		h := len(tags) / 2
		return []TagSpecification{{ResourceType: rt, Tags: tags[:h]}, {ResourceType: "key-pair", Tags: tags[h:]}}
	}
	return []TagSpecification{{ResourceType: rt, Tags: tags}}
}
