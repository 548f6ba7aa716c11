package ec2

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/keygen"
)

// stored is the number of key pairs and reservations a Service holds.
func (s *Service) stored() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byName) + s.creating
}

// TestKeyNameControlCharacters: any byte below 0x20 and DEL are refused
// with InvalidParameterValue for every type and format and for import, and
// the message does not repeat the name (it could move a terminal cursor or
// break a log line).
func TestKeyNameControlCharacters(t *testing.T) {
	const msg = "Value for parameter KeyName is invalid. Control characters (bytes 0x00-0x1F and 0x7F) are not allowed."
	s := NewService(Options{Seed: []byte("control characters")})
	ctx := context.Background()
	ed := testKeyLine(t)
	var names []string
	for c := range 0x20 {
		names = append(names, "a"+string(rune(c))+"b")
	}
	names = append(names, "a\x7fb", "\nlead", "trail\n", "k\r\n", "nul\x00", "esc\x1b[2J", "\t", "é\n")
	for _, name := range names {
		for _, tf := range [][2]string{{"ed25519", "pem"}, {"ed25519", "ppk"}, {"rsa", "pem"}, {"rsa", "ppk"}} {
			for _, dry := range []bool{false, true} {
				_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: name, KeyType: tf[0], KeyFormat: tf[1], DryRun: dry})
				expectAPIError(t, err, CodeInvalidParameterValue, 400, msg)
			}
		}
		_, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: name, PublicKeyMaterial: ed})
		expectAPIError(t, err, CodeInvalidParameterValue, 400, msg)
	}
	if n := s.stored(); n != 0 {
		t.Fatalf("%d key pairs stored after refusals", n)
	}
	// Printable ASCII, including a space inside the name, is still fine.
	if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "a b~!@#$%^&*()", KeyType: "ed25519", KeyFormat: "ppk"}); err != nil {
		t.Fatal(err)
	}
}

// testKeyLine is an Ed25519 authorized_keys line.
func testKeyLine(t *testing.T) []byte {
	t.Helper()
	return []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 c")
}

// TestTagControlCharacters: tag keys with control characters or invalid
// UTF-8 and tag values with control characters other than tab, LF and CR
// or invalid UTF-8 are refused; the message names a key only when it is
// printable.
func TestTagControlCharacters(t *testing.T) {
	s := NewService(Options{Seed: []byte("tags")})
	ctx := context.Background()
	for _, c := range []struct {
		tag Tag
		msg string
	}{
		{Tag{"a\nb", "v"}, "The tag key must not contain control characters or invalid UTF-8."},
		{Tag{"a\x00", "v"}, "The tag key must not contain control characters or invalid UTF-8."},
		{Tag{"a\x7f", "v"}, "The tag key must not contain control characters or invalid UTF-8."},
		{Tag{"\xff", "v"}, "The tag key must not contain control characters or invalid UTF-8."},
		{Tag{"k", "a\x00b"}, "The tag value for key 'k' must not contain control characters other than tab, LF and CR, or invalid UTF-8."},
		{Tag{"k", "\x1b[31m"}, "The tag value for key 'k' must not contain control characters other than tab, LF and CR, or invalid UTF-8."},
		{Tag{"k", "\xc3"}, "The tag value for key 'k' must not contain control characters other than tab, LF and CR, or invalid UTF-8."},
	} {
		_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519", TagSpecifications: tagSpec(c.tag)})
		expectAPIError(t, err, CodeInvalidParameterValue, 400, c.msg)
		_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: testKeyLine(t), TagSpecifications: tagSpec(c.tag)})
		expectAPIError(t, err, CodeInvalidParameterValue, 400, c.msg)
	}
	out, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "ok", KeyType: "ed25519",
		TagSpecifications: tagSpec(Tag{"Name", "multi\tline\r\nvalue"}, Tag{"ключ", "значение"})})
	if err != nil || len(out.Tags) != 2 {
		t.Fatalf("%+v, %v", out, err)
	}
}

// TestCancellation: a canceled or expired context gives Unavailable (503,
// retrying is safe: nothing was stored) that also matches the context error.
func TestCancellation(t *testing.T) {
	s := NewService(Options{Seed: []byte("cancel")})
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	for _, c := range []struct {
		ctx  context.Context
		want error
		msg  string
	}{
		{canceled, context.Canceled, "The request was canceled before it completed; no key pair was stored."},
		{expired, context.DeadlineExceeded, "The request did not complete before its deadline; no key pair was stored."},
	} {
		for _, typ := range []string{"rsa", "ed25519"} {
			_, err := s.CreateKeyPair(c.ctx, &CreateKeyPairInput{KeyName: "k", KeyType: typ})
			expectAPIError(t, err, CodeUnavailable, 503, c.msg)
			if !errors.Is(err, c.want) {
				t.Fatalf("errors.Is(%v, %v) = false", err, c.want)
			}
		}
		_, err := s.ImportKeyPair(c.ctx, &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: testKeyLine(t)})
		expectAPIError(t, err, CodeUnavailable, 503, c.msg)
		if !errors.Is(err, c.want) {
			t.Fatalf("errors.Is(%v, %v) = false", err, c.want)
		}
		// Validation and DryRun still come first.
		_, err = s.CreateKeyPair(c.ctx, &CreateKeyPairInput{KeyName: " k"})
		expectAPIError(t, err, CodeInvalidParameterValue, 400, "")
		_, err = s.CreateKeyPair(c.ctx, &CreateKeyPairInput{KeyName: "k", DryRun: true})
		expectAPIError(t, err, CodeDryRunOperation, 412, "")
	}
	if n := s.stored(); n != 0 {
		t.Fatalf("%d key pairs stored", n)
	}
}

// TestInternalErrors: failures no request can cause (a misconfigured
// Service or hook, a closed pool) are InternalError 500 carrying the cause,
// and the name is free again.
func TestInternalErrors(t *testing.T) {
	ctx := context.Background()
	broken := keygen.NewPool(keygen.PoolOptions{Bits: 1000})
	defer broken.Close()
	for _, c := range []struct {
		name string
		opts Options
		in   CreateKeyPairInput
	}{
		{"PPKComment with a line break", Options{PPKComment: func(n string) string { return n + "\n" }}, CreateKeyPairInput{KeyName: "k", KeyType: "ed25519", KeyFormat: "ppk"}},
		{"bad PPKVersion", Options{PPKVersion: 7}, CreateKeyPairInput{KeyName: "k", KeyType: "ed25519", KeyFormat: "ppk"}},
		{"bad RSABits", Options{Seed: []byte("s"), RSABits: 1000}, CreateKeyPairInput{KeyName: "k"}},
		{"bad pool", Options{RSAPool: broken}, CreateKeyPairInput{KeyName: "k"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := NewService(c.opts)
			_, err := s.CreateKeyPair(ctx, &c.in)
			expectAPIError(t, err, CodeInternalError, 500, "An internal error has occurred.")
			if errors.Unwrap(err) == nil {
				t.Fatal("InternalError without its cause")
			}
			if n := s.stored(); n != 0 {
				t.Fatalf("%d key pairs stored", n)
			}
		})
	}
}

// TestHugeRequests: oversized fields are refused with the documented
// errors, without storing anything.
func TestHugeRequests(t *testing.T) {
	s := NewService(Options{Seed: []byte("huge")})
	ctx := context.Background()
	big := strings.Repeat("a", 1<<20)
	_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: big})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "Value for parameter KeyName is invalid. Length exceeds maximum of 255.")
	_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "k", PublicKeyMaterial: []byte(big)})
	expectAPIError(t, err, CodeInvalidKeyFormat, 400, "")
	var tags []Tag
	for i := range 100000 {
		tags = append(tags, Tag{fmt.Sprint(i), big[:256]})
	}
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(tags...)})
	expectAPIError(t, err, CodeTagLimitExceeded, 400, "")
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", TagSpecifications: []TagSpecification{{ResourceType: big}}})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "The resource type is not a valid taggable resource type for this operation.")
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", KeyType: big})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "Value for parameter KeyType is invalid. Valid values are: rsa, ed25519.")
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", KeyFormat: "p\npk"})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "Value for parameter KeyFormat is invalid. Valid values are: pem, ppk.")
	_, err = s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", TagSpecifications: tagSpec(Tag{big, "v"})})
	expectAPIError(t, err, CodeInvalidParameterValue, 400, "The tag key must be between 1 and 127 Unicode characters long.")
	if n := s.stored(); n != 0 {
		t.Fatalf("%d key pairs stored", n)
	}
}
