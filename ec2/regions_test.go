package ec2

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSeededAcrossDelete: create, delete, create of one name gives a new
// id and key; the same sequence on another Service with the same seed gives
// the same outputs; a Service that never deletes is unchanged.
func TestSeededAcrossDelete(t *testing.T) {
	ctx := context.Background()
	run := func() []string {
		s := NewService(Options{Seed: []byte("again"), Region: "us-east-1"})
		var out []string
		for i := range 3 {
			c, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})
			if err != nil {
				t.Fatal(err)
			}
			imp, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "i", PublicKeyMaterial: []byte(edLine(7))})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.KeyPairId, c.KeyMaterial, c.KeyFingerprint, imp.KeyPairId)
			if i < 2 {
				del(t, s, &DeleteKeyPairInput{KeyName: "k"})
				del(t, s, &DeleteKeyPairInput{KeyPairId: imp.KeyPairId})
			}
		}
		return out
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, same requests, different outputs")
	}
	for i := 0; i < 4; i++ {
		if i == 2 {
			continue // a re-created Ed25519 key differs, so its fingerprint; checked via the material
		}
		if a[i] == a[i+4] || a[i+4] == a[i+8] || a[i] == a[i+8] {
			t.Errorf("field %d repeats across generations: %q %q %q", i, a[i], a[i+4], a[i+8])
		}
	}
	// The first generation is what a Service without delete makes.
	s := NewService(Options{Seed: []byte("again"), Region: "us-east-1"})
	c := createEd(t, s, "k")
	if c.KeyPairId != a[0] || c.KeyMaterial != a[1] {
		t.Error("first generation differs from a fresh Service's")
	}
	// A failed create does not use up a generation.
	s2 := NewService(Options{Seed: []byte("again"), Region: "us-east-1"})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s2.CreateKeyPair(cancelled, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"}); err == nil {
		t.Fatal("cancelled create succeeded")
	}
	if c := createEd(t, s2, "k"); c.KeyPairId != a[0] {
		t.Error("a failed create changed the next create's outputs")
	}
}

func TestRegions(t *testing.T) {
	ctx := context.Background()
	r := NewRegions(Options{Seed: []byte("regions"), MaxKeyPairs: 2})
	if got := r.List(); len(got) != 0 {
		t.Fatalf("List of new Regions = %q", got)
	}
	for _, bad := range []string{"", "US-EAST-1", "us_east_1", "-us", "us-", "us east", "é", strings.Repeat("a", 65), "../x"} {
		_, err := r.Service(bad)
		expectAPIError(t, err, CodeInvalidParameterValue, 400, "Value ("+bad+") for parameter Region is invalid.")
	}
	for _, good := range []string{"us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "local", "a", strings.Repeat("a", 64)} {
		if !ValidRegion(good) {
			t.Errorf("ValidRegion(%q) = false", good)
		}
	}
	east, err := r.Service("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := r.Service("us-east-1"); again != east {
		t.Fatal("Service made twice for one Region")
	}
	west, err := r.Service("eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.List(); !reflect.DeepEqual(got, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("List = %q", got)
	}
	if east.Region() != "us-east-1" {
		t.Fatalf("Region() = %q", east.Region())
	}
	// Names, ids, keys and quota are per Region.
	e, w := createEd(t, east, "k"), createEd(t, west, "k")
	if e.KeyPairId == w.KeyPairId || e.KeyMaterial == w.KeyMaterial {
		t.Error("one seed gives the same key pair in two Regions")
	}
	createEd(t, east, "k2")
	_, err = east.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k3", KeyType: "ed25519"})
	expectAPIError(t, err, CodeKeyPairLimitExceeded, 400, "")
	createEd(t, west, "k2") // west has its own quota
	del(t, east, &DeleteKeyPairInput{KeyName: "k"})
	d, _ := west.DescribeKeyPairs(ctx, nil)
	if got := names(d.KeyPairs); !reflect.DeepEqual(got, []string{"k", "k2"}) {
		t.Errorf("delete in one Region changed another: %q", got)
	}
	_, err = west.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{KeyPairIds: []string{e.KeyPairId}})
	expectAPIError(t, err, CodeNotFound, 400, "")
	if out := del(t, west, &DeleteKeyPairInput{KeyPairId: e.KeyPairId}); out.KeyPairId != "" {
		t.Error("deleted another Region's key pair by id")
	}
}

func TestSnapshotRestore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	opts := Options{Seed: []byte("snap"), Now: func() time.Time { now = now.Add(time.Millisecond); return now }}
	r := NewRegions(opts)
	east, _ := r.Service("us-east-1")
	west, _ := r.Service("eu-west-1")
	r.Service("ap-south-1") // made, never used: not in the snapshot
	tagged := &CreateKeyPairInput{KeyName: "t", KeyType: "ed25519",
		TagSpecifications: []TagSpecification{{ResourceType: "key-pair", Tags: []Tag{{"env", "prod"}, {"e", ""}}}}}
	if _, err := east.CreateKeyPair(ctx, tagged); err != nil {
		t.Fatal(err)
	}
	createEd(t, east, "gone")
	del(t, east, &DeleteKeyPairInput{KeyName: "gone"})
	if _, err := east.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: "imp", PublicKeyMaterial: []byte(edLine(3))}); err != nil {
		t.Fatal(err)
	}
	createEd(t, west, "w")

	snap, err := r.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(snap, &raw); err != nil || raw["format"] != SnapshotFormat || raw["version"] != float64(SnapshotVersion) {
		t.Fatalf("snapshot header: %v %v", raw["format"], raw["version"])
	}
	if regions := raw["regions"].(map[string]any); len(regions) != 2 {
		t.Fatalf("snapshot Regions: %v", regions)
	}

	describeAll := func(r *Regions) map[string][]KeyPairInfo {
		out := map[string][]KeyPairInfo{}
		for _, n := range []string{"us-east-1", "eu-west-1"} {
			s, err := r.Service(n)
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{IncludePublicKey: true})
			if err != nil {
				t.Fatal(err)
			}
			out[n] = d.KeyPairs
		}
		return out
	}
	r2 := NewRegions(opts)
	stale, _ := r2.Service("sa-east-1")
	createEd(t, stale, "old") // replaced: Regions absent from the snapshot become empty
	if err := r2.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if a, b := describeAll(r), describeAll(r2); !reflect.DeepEqual(a, b) {
		t.Fatalf("restored\n%+v\nwant\n%+v", b, a)
	}
	if d, _ := stale.DescribeKeyPairs(ctx, nil); len(d.KeyPairs) != 0 {
		t.Error("Region absent from the snapshot kept its key pairs")
	}
	// Generations survive: re-creating "gone" continues where it left off.
	east2, _ := r2.Service("us-east-1")
	if a, b := createEd(t, east, "gone"), createEd(t, east2, "gone"); a.KeyPairId != b.KeyPairId || a.KeyMaterial != b.KeyMaterial {
		t.Error("restored Region does not continue the generations")
	}
	// And the restored state snapshots to the same bytes.
	del(t, east, &DeleteKeyPairInput{KeyName: "gone"})
	del(t, east2, &DeleteKeyPairInput{KeyName: "gone"})
	snap2, _ := r2.Snapshot(ctx)
	snap1, _ := r.Snapshot(ctx)
	if string(snap1) != string(snap2) {
		t.Errorf("snapshots differ:\n%s\n%s", snap1, snap2)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	r := NewRegions(Options{Seed: []byte("snap")})
	east, _ := r.Service("us-east-1")
	createEd(t, east, "keep")
	good, _ := r.Snapshot(ctx)
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	rec := func(m map[string]any) map[string]any {
		return m["regions"].(map[string]any)["us-east-1"].(map[string]any)["keyPairs"].([]any)[0].(map[string]any)
	}
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"not JSON", []byte("{"), "not valid JSON"},
		{"other format", edit(func(m map[string]any) { m["format"] = "x" }), "not a keyforge snapshot"},
		{"newer", edit(func(m map[string]any) { m["version"] = 2 }), "version 2 is not supported"},
		{"version 0", edit(func(m map[string]any) { m["version"] = 0 }), "version 0 is not supported"},
		{"bad region", edit(func(m map[string]any) {
			m["regions"].(map[string]any)["Bad Region"] = map[string]any{}
		}), "invalid Region name"},
		{"bad name", edit(func(m map[string]any) { rec(m)["keyName"] = " x" }), "Leading and trailing spaces"},
		{"bad id", edit(func(m map[string]any) { rec(m)["keyPairId"] = "key-1" }), "malformed KeyPairId"},
		{"bad key", edit(func(m map[string]any) { rec(m)["publicKey"] = "ssh-ed25519 AAAA" }), "PublicKey"},
		{"wrong type", edit(func(m map[string]any) { rec(m)["keyType"] = "rsa" }), "does not match"},
		{"no generation", edit(func(m map[string]any) { rec(m)["generation"] = 0 }), "generation 0"},
		{"bad tag", edit(func(m map[string]any) { rec(m)["tags"] = []any{map[string]any{"Key": "aws:x", "Value": ""}} }), "reserved"},
		{"duplicate", edit(func(m map[string]any) {
			kp := m["regions"].(map[string]any)["us-east-1"].(map[string]any)
			kp["keyPairs"] = append(kp["keyPairs"].([]any), kp["keyPairs"].([]any)[0])
		}), "appears twice"},
	}
	target := NewRegions(Options{})
	ts, _ := target.Service("eu-west-1")
	createEd(t, ts, "untouched")
	for _, c := range cases {
		err := target.Restore(ctx, c.data)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "ec2: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.msg)
		}
		if d, _ := ts.DescribeKeyPairs(ctx, nil); len(d.KeyPairs) != 1 {
			t.Fatalf("%s: a refused snapshot changed state", c.name)
		}
	}
	if err := target.Restore(ctx, good); err != nil {
		t.Fatal(err)
	}
	small := NewRegions(Options{MaxKeyPairs: 1})
	big := NewRegions(Options{MaxKeyPairs: 2})
	bs, _ := big.Service("us-east-1")
	createEd(t, bs, "a")
	createEd(t, bs, "b")
	data, _ := big.Snapshot(ctx)
	if err := small.Restore(ctx, data); err == nil || !strings.Contains(err.Error(), "quota") {
		t.Errorf("over-quota snapshot: %v", err)
	}
}

// TestOpenRegions: Regions with state in the store are listed at once.
func TestOpenRegions(t *testing.T) {
	ctx := context.Background()
	st := NewMemoryStore()
	r := NewRegions(Options{Store: st})
	s, _ := r.Service("eu-north-1")
	createEd(t, s, "k")
	r.Service("us-west-2") // no state
	r2, err := OpenRegions(ctx, Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if got := r2.List(); !reflect.DeepEqual(got, []string{"eu-north-1"}) {
		t.Fatalf("List = %q", got)
	}
}
