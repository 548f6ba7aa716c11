package ec2

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// expectAPIError checks err is an *APIError with the given code, status and
// (when msg is not empty) message.
func expectAPIError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want *APIError %s", err, err, code)
	}
	if ae.Code != code || ae.HTTPStatus != status {
		t.Fatalf("error = %s/%d %q, want %s/%d", ae.Code, ae.HTTPStatus, ae.Message, code, status)
	}
	if msg != "" && ae.Message != msg {
		t.Fatalf("message = %q, want %q", ae.Message, msg)
	}
	if ae.Error() != ae.Code+": "+ae.Message {
		t.Fatalf("Error() = %q", ae.Error())
	}
}

func tagSpec(tags ...Tag) []TagSpecification {
	return []TagSpecification{{ResourceType: "key-pair", Tags: tags}}
}

func manyTags(n int) []Tag {
	var t []Tag
	for i := range n {
		t = append(t, Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
	}
	return t
}

// TestCreateValidationTable covers every CreateKeyPair row of doc/ec2.md's error table
// 1.4, each with DryRun both off and on (validation comes before DryRun),
// and checks that nothing was stored.
func TestCreateValidationTable(t *testing.T) {
	long := strings.Repeat("a", 256)
	cases := []struct {
		name   string
		in     CreateKeyPairInput
		code   string
		status int
		msg    string
	}{
		{"missing name", CreateKeyPairInput{}, CodeMissingParameter, 400,
			"The request must contain the parameter KeyName"},
		{"name too long", CreateKeyPairInput{KeyName: long}, CodeInvalidParameterValue, 400,
			"Value for parameter KeyName is invalid. Length exceeds maximum of 255."},
		{"non-ASCII name", CreateKeyPairInput{KeyName: "clé"}, CodeInvalidParameterValue, 400,
			"Value (clé) for parameter KeyName is invalid. Character sets beyond ASCII are not supported."},
		{"leading space", CreateKeyPairInput{KeyName: " k"}, CodeInvalidParameterValue, 400,
			"Value ( k) for parameter KeyName is invalid. Leading and trailing spaces are not allowed."},
		{"trailing space", CreateKeyPairInput{KeyName: "k "}, CodeInvalidParameterValue, 400,
			"Value (k ) for parameter KeyName is invalid. Leading and trailing spaces are not allowed."},
		{"trailing tab", CreateKeyPairInput{KeyName: "k\t"}, CodeInvalidParameterValue, 400, ""},
		{"bad KeyType", CreateKeyPairInput{KeyName: "k", KeyType: "dsa"}, CodeInvalidParameterValue, 400,
			"Value (dsa) for parameter KeyType is invalid. Valid values are: rsa, ed25519."},
		{"KeyType is case-sensitive", CreateKeyPairInput{KeyName: "k", KeyType: "RSA"}, CodeInvalidParameterValue, 400, ""},
		{"bad KeyFormat", CreateKeyPairInput{KeyName: "k", KeyFormat: "der"}, CodeInvalidParameterValue, 400,
			"Value (der) for parameter KeyFormat is invalid. Valid values are: pem, ppk."},
		{"bad resource type", CreateKeyPairInput{KeyName: "k", TagSpecifications: []TagSpecification{{ResourceType: "instance", Tags: []Tag{{"a", "b"}}}}},
			CodeInvalidParameterValue, 400, "'instance' is not a valid taggable resource type for this operation."},
		{"aws: tag", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{"aws:x", "v"})},
			CodeInvalidParameterValue, 400, "Tag keys starting with 'aws:' are reserved for internal use"},
		{"AWS: tag", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{"AWS:x", "v"})},
			CodeInvalidParameterValue, 400, "Tag keys starting with 'aws:' are reserved for internal use"},
		{"tag key 128 chars", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{strings.Repeat("é", 128), "v"})},
			CodeInvalidParameterValue, 400, "The tag key must be between 1 and 127 Unicode characters long."},
		{"empty tag key", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{"", "v"})},
			CodeInvalidParameterValue, 400, "The tag key must be between 1 and 127 Unicode characters long."},
		{"tag value 257 chars", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{"a", strings.Repeat("é", 257)})},
			CodeInvalidParameterValue, 400, "The tag value for key 'a' must be at most 256 Unicode characters long."},
		{"duplicate tag key", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{"a", "1"}, Tag{"a", "2"})},
			CodeInvalidParameterValue, 400, "Duplicate tag key 'a' specified."},
		{"51 tags", CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(manyTags(51)...)},
			CodeTagLimitExceeded, 400, "The maximum number of tags per resource (50) has been exceeded."},
	}
	for _, tc := range cases {
		for _, dry := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/dry=%v", tc.name, dry), func(t *testing.T) {
				s := NewService(Options{})
				in := tc.in
				in.DryRun = dry
				out, err := s.CreateKeyPair(context.Background(), &in)
				if out != nil {
					t.Fatalf("got output %+v", out)
				}
				expectAPIError(t, err, tc.code, tc.status, tc.msg)
				if n := s.count(); n != 0 {
					t.Fatalf("%d key pairs stored after a failure", n)
				}
			})
		}
	}
}

func TestCreateValidBoundaries(t *testing.T) {
	s := NewService(Options{})
	ctx := context.Background()
	ok := []CreateKeyPairInput{
		{KeyName: strings.Repeat("a", 255), KeyType: "ed25519"},
		{KeyName: "in side", KeyType: "ed25519"},
		{KeyName: "tags50", KeyType: "ed25519", TagSpecifications: tagSpec(manyTags(50)...)},
		{KeyName: "longtag", KeyType: "ed25519", TagSpecifications: tagSpec(Tag{strings.Repeat("é", 127), strings.Repeat("é", 256)}, Tag{"empty-value", ""})},
		{KeyName: "awsish", KeyType: "ed25519", TagSpecifications: tagSpec(Tag{"aws", "v"}, Tag{"x:aws:", "v"})},
	}
	for _, in := range ok {
		if _, err := s.CreateKeyPair(ctx, &in); err != nil {
			t.Errorf("%.20s: %v", in.KeyName, err)
		}
	}
}

func TestDryRun(t *testing.T) {
	s := NewService(Options{})
	ctx := context.Background()
	in := &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519", DryRun: true}
	_, err := s.CreateKeyPair(ctx, in)
	expectAPIError(t, err, CodeDryRunOperation, 412, "Request would have succeeded, but DryRun flag is set.")
	if s.count() != 0 {
		t.Fatal("DryRun stored a key pair")
	}
	// State checks come after DryRun: a duplicate name still answers DryRunOperation.
	if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateKeyPair(ctx, in)
	expectAPIError(t, err, CodeDryRunOperation, 412, "")
}

func TestDuplicateAndQuota(t *testing.T) {
	s := NewService(Options{MaxKeyPairs: 2})
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: n, KeyType: "ed25519"}); err != nil {
			t.Fatal(err)
		}
	}
	// Duplicate is checked before the quota.
	_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "a", KeyType: "ed25519"})
	expectAPIError(t, err, CodeDuplicate, 400, "The keypair 'a' already exists.")
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "c", KeyType: "ed25519"})
	expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "Maximum of 2 key pairs per Region reached.")
	if s.count() != 2 {
		t.Fatalf("count = %d", s.count())
	}
}

func TestDefaultQuotaIs5000(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 5,000 keys")
	}
	s := NewService(Options{Seed: []byte("quota")})
	ctx := context.Background()
	for i := range DefaultMaxKeyPairs {
		if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: fmt.Sprint(i), KeyType: "ed25519"}); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
	_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "one-more", KeyType: "ed25519"})
	expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "Maximum of 5000 key pairs per Region reached.")
}

func TestNilInputAndCanceledContext(t *testing.T) {
	s := NewService(Options{})
	_, err := s.CreateKeyPair(context.Background(), nil)
	expectAPIError(t, err, CodeMissingParameter, 400, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.count() != 0 {
		t.Fatal("canceled request stored a key pair")
	}
	// The name was released: it can be created now.
	if _, err := s.CreateKeyPair(context.Background(), &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
}

func asAPI(err error, target **APIError) bool { return errors.As(err, target) }
