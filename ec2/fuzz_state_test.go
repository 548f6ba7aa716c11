package ec2

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRestore: any bytes given to Restore are refused with an error or
// restored to a state that snapshots back to an equivalent snapshot; never
// a panic.
func FuzzRestore(f *testing.F) {
	r := NewRegions(Options{Seed: []byte("fuzz")})
	s, _ := r.Service("us-east-1")
	ctx := context.Background()
	s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "a", KeyType: "ed25519",
		TagSpecifications: []TagSpecification{{ResourceType: "key-pair", Tags: []Tag{{"k", "v"}}}}})
	s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "b", PublicKeyMaterial: []byte(edLine(1))})
	s.DeleteKeyPair(ctx, &DeleteKeyPairInput{KeyName: "b"})
	snap, err := r.Snapshot(ctx)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(snap)
	f.Add([]byte(`{"format":"keyforge-ec2-state","version":1,"regions":{}}`))
	f.Add([]byte(`{"format":"keyforge-ec2-state","version":1,"regions":{"x":{"keyPairs":null,"generations":{"a":3}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewRegions(Options{MaxKeyPairs: 10})
		if err := r.Restore(ctx, data); err != nil {
			if !strings.HasPrefix(err.Error(), "ec2: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		snap, err := r.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r2 := NewRegions(Options{MaxKeyPairs: 10})
		if err := r2.Restore(ctx, snap); err != nil {
			t.Fatalf("own snapshot refused: %v\n%s", err, snap)
		}
		snap2, _ := r2.Snapshot(ctx)
		if string(snap) != string(snap2) {
			t.Fatalf("snapshot not stable:\n%s\n%s", snap, snap2)
		}
	})
}

// FuzzFilterPattern compares the wildcard matcher with a regexp reading of
// the same rules and checks its work bound.
func FuzzFilterPattern(f *testing.F) {
	f.Add("web-*", "web-1")
	f.Add(`db\*1`, "db*1")
	f.Add("*a*b?c*", "xxaybzc")
	f.Add(`v\`, `v\`)
	f.Add("caf?", "café")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || len(s) > 64 {
			return
		}
		got, steps := compilePattern(p).matchSteps(s, nil)
		// The regexp reads valid UTF-8 only.
		if utf8.ValidString(p) && utf8.ValidString(s) {
			if want := globRE(p).MatchString(s); got != want {
				t.Fatalf("pattern %q subject %q: %v, want %v", p, s, got, want)
			}
		}
		if steps > (len(s)+1)*(len(p)+1) {
			t.Fatalf("pattern %q subject %q: %d steps", p, s, steps)
		}
	})
}

// FuzzDescribeDelete: DescribeKeyPairs and DeleteKeyPair with arbitrary
// names, ids and filters return only *APIError, and Describe's result
// agrees with a scan that checks each item by name.
func FuzzDescribeDelete(f *testing.F) {
	f.Add("web-*", "key-name", "web-1", "", byte(0))
	f.Add(`db\*1`, "tag:env", "", "key-0123456789abcdef0", byte(1))
	f.Add("?", "tag-key", "x", "x", byte(2))
	f.Add("*", "bogus", "", "", byte(3))
	f.Fuzz(func(t *testing.T, value, filterName, name, id string, ctl byte) {
		s := NewService(Options{Seed: []byte("fuzz describe")})
		ctx := context.Background()
		for _, n := range []string{"web-1", "web-2", "db*1", "x"} {
			in := &CreateKeyPairInput{KeyName: n, KeyType: "ed25519",
				TagSpecifications: []TagSpecification{{ResourceType: "key-pair", Tags: []Tag{{"env", n}}}}}
			if _, err := s.CreateKeyPair(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		in := &DescribeKeyPairsInput{Filters: []Filter{{Name: filterName, Values: []string{value}}}, DryRun: ctl&1 != 0}
		if ctl&2 != 0 {
			in.KeyNames = []string{name}
		}
		out, err := s.DescribeKeyPairs(ctx, in)
		var ae *APIError
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("describe: %T %v", err, err)
		}
		if err == nil {
			for _, kp := range out.KeyPairs {
				one, err := s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{KeyNames: []string{kp.KeyName}, Filters: in.Filters})
				if err != nil || len(one.KeyPairs) != 1 {
					t.Fatalf("%s listed, but not alone: %v %v", kp.KeyName, one, err)
				}
			}
		}
		before := s.count()
		d, err := s.DeleteKeyPair(ctx, &DeleteKeyPairInput{KeyName: name, KeyPairId: id, DryRun: ctl&4 != 0})
		if err != nil {
			if !errors.As(err, &ae) {
				t.Fatalf("delete: %T %v", err, err)
			}
			if s.count() != before {
				t.Fatal("a failed delete deleted")
			}
			return
		}
		if want := before - 1; (d.KeyPairId != "") != (s.count() == want) || !d.Return {
			t.Fatalf("delete said %+v, %d → %d key pairs", d, before, s.count())
		}
	})
}
