package ec2

import (
	"context"
	"crypto/ed25519"
	"reflect"
	"testing"
)

func createEd(t *testing.T, s *Service, name string) *CreateKeyPairOutput {
	t.Helper()
	out, err := s.CreateKeyPair(context.Background(), &CreateKeyPairInput{KeyName: name, KeyType: "ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func del(t *testing.T, s *Service, in *DeleteKeyPairInput) *DeleteKeyPairOutput {
	t.Helper()
	out, err := s.DeleteKeyPair(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Return {
		t.Fatal("Return false")
	}
	return out
}

func TestDeleteKeyPair(t *testing.T) {
	s := NewService(Options{})
	a := createEd(t, s, "a")
	b := createEd(t, s, "b")
	c := createEd(t, s, "c")
	cases := []struct {
		name   string
		in     DeleteKeyPairInput
		wantID string
		left   []string
	}{
		{"unknown name", DeleteKeyPairInput{KeyName: "nope"}, "", []string{"a", "b", "c"}},
		{"unknown id", DeleteKeyPairInput{KeyPairId: "key-0123456789abcdef0"}, "", []string{"a", "b", "c"}},
		{"name and id of different keys", DeleteKeyPairInput{KeyName: "a", KeyPairId: b.KeyPairId}, "", []string{"a", "b", "c"}},
		{"by name", DeleteKeyPairInput{KeyName: "a"}, a.KeyPairId, []string{"b", "c"}},
		{"by name again: idempotent", DeleteKeyPairInput{KeyName: "a"}, "", []string{"b", "c"}},
		{"by id", DeleteKeyPairInput{KeyPairId: b.KeyPairId}, b.KeyPairId, []string{"c"}},
		{"by id again: idempotent", DeleteKeyPairInput{KeyPairId: b.KeyPairId}, "", []string{"c"}},
		{"by name and id", DeleteKeyPairInput{KeyName: "c", KeyPairId: c.KeyPairId}, c.KeyPairId, []string{}},
	}
	for _, tc := range cases {
		out := del(t, s, &tc.in)
		if out.KeyPairId != tc.wantID {
			t.Errorf("%s: KeyPairId %q, want %q", tc.name, out.KeyPairId, tc.wantID)
		}
		d, err := s.DescribeKeyPairs(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(d.KeyPairs); !reflect.DeepEqual(got, tc.left) {
			t.Errorf("%s: left %q, want %q", tc.name, got, tc.left)
		}
	}
	// A deleted key pair is gone for Describe by name and id too.
	_, err := s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{KeyNames: []string{"a"}})
	expectAPIError(t, err, CodeNotFound, 400, "The key pair 'a' does not exist")
	_, err = s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{KeyPairIds: []string{b.KeyPairId}})
	expectAPIError(t, err, CodeNotFound, 400, "The key pair ID '"+b.KeyPairId+"' does not exist")
}

func TestDeleteValidationAndDryRun(t *testing.T) {
	s := NewService(Options{})
	createEd(t, s, "a")
	for _, dry := range []bool{false, true} {
		_, err := s.DeleteKeyPair(context.Background(), &DeleteKeyPairInput{DryRun: dry})
		expectAPIError(t, err, CodeMissingParameter, 400, "The request must contain the parameter KeyName or KeyPairId")
	}
	_, err := s.DeleteKeyPair(context.Background(), nil)
	expectAPIError(t, err, CodeMissingParameter, 400, "")
	for _, in := range []*DeleteKeyPairInput{{KeyName: "a", DryRun: true}, {KeyName: "nope", DryRun: true}} {
		_, err := s.DeleteKeyPair(context.Background(), in)
		expectAPIError(t, err, CodeDryRunOperation, 412, "Request would have succeeded, but DryRun flag is set.")
	}
	if s.count() != 1 {
		t.Fatal("DryRun deleted")
	}
}

// TestDeleteFreesNameAndQuota: a deleted name can be created again with a
// new id; the freed unit of quota can be used; ids are never reused.
func TestDeleteFreesNameAndQuota(t *testing.T) {
	for _, seed := range [][]byte{nil, []byte("quota")} {
		s := NewService(Options{MaxKeyPairs: 3, Seed: seed})
		ctx := context.Background()
		for _, n := range []string{"a", "b", "c"} {
			createEd(t, s, n)
		}
		_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "d", KeyType: "ed25519"})
		expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "")
		del(t, s, &DeleteKeyPairInput{KeyName: "b"})
		createEd(t, s, "d")
		_, err = s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "e", PublicKeyMaterial: []byte(edLine(1))})
		expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "")

		del(t, s, &DeleteKeyPairInput{KeyName: "a"}) // room for a2
		seen := map[string]bool{}
		keys := map[string]bool{}
		for i := range 50 {
			var id, fp string
			if i%2 == 0 {
				out := createEd(t, s, "a2")
				id, fp = out.KeyPairId, out.KeyMaterial
			} else {
				out, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "a2", PublicKeyMaterial: []byte(edLine(1))})
				if err != nil {
					t.Fatal(err)
				}
				id = out.KeyPairId
			}
			if seen[id] {
				t.Fatalf("seed %q: id %s reused at round %d", seed, id, i)
			}
			seen[id] = true
			if fp != "" {
				if keys[fp] {
					t.Fatalf("seed %q: key material repeated at round %d", seed, i)
				}
				keys[fp] = true
			}
			if d := del(t, s, &DeleteKeyPairInput{KeyName: "a2"}); d.KeyPairId != id {
				t.Fatalf("deleted %q, want %q", d.KeyPairId, id)
			}
		}
	}
}

// edLine is the authorized_keys line of a fixed Ed25519 key.
func edLine(i int) string {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = byte(i)
	line, err := publicKeyLine(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		panic(err)
	}
	return line
}
