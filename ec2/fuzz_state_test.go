package ec2

import (
	"context"
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
