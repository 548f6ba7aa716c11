package ec2

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/internal/testtool"
	"github.com/keyforge/keyforge/pemenc"
)

// describeFixture is a Service with key pairs whose names and tags
// exercise every filter, wildcard and escape.
func describeFixture(t *testing.T) (*Service, map[string]*CreateKeyPairOutput) {
	t.Helper()
	clock := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	s := NewService(Options{Seed: []byte("describe"), Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	keys := []struct {
		name string
		tags []Tag
	}{
		{"web-1", []Tag{{"env", "prod"}, {"team", "a"}}},
		{"web-2", []Tag{{"env", "dev"}}},
		{"db*1", []Tag{{"k?", `v\`}, {"city", "Zürich"}}},
		{"db-1", []Tag{{"env", "prod*"}}},
		{`back\slash`, nil},
		{"x", nil},
	}
	out := map[string]*CreateKeyPairOutput{}
	for _, k := range keys {
		in := &CreateKeyPairInput{KeyName: k.name, KeyType: "ed25519"}
		if k.tags != nil {
			in.TagSpecifications = []TagSpecification{{ResourceType: "key-pair", Tags: k.tags}}
		}
		o, err := s.CreateKeyPair(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out[k.name] = o
	}
	return s, out
}

func names(kp []KeyPairInfo) []string {
	out := []string{}
	for _, k := range kp {
		out = append(out, k.KeyName)
	}
	return out
}

func TestDescribeFilters(t *testing.T) {
	s, keys := describeFixture(t)
	all := []string{"web-1", "web-2", "db*1", "db-1", `back\slash`, "x"}
	f := func(name string, values ...string) Filter { return Filter{Name: name, Values: values} }
	cases := []struct {
		name    string
		filters []Filter
		want    []string
	}{
		{"none", nil, all},
		{"key-name exact", []Filter{f("key-name", "web-1")}, []string{"web-1"}},
		{"key-name no match", []Filter{f("key-name", "web")}, []string{}},
		{"key-name star suffix", []Filter{f("key-name", "web-*")}, []string{"web-1", "web-2"}},
		{"key-name star prefix", []Filter{f("key-name", "*-1")}, []string{"web-1", "db-1"}},
		{"key-name star inside", []Filter{f("key-name", "w*1")}, []string{"web-1"}},
		{"key-name star alone", []Filter{f("key-name", "*")}, all},
		{"key-name stars", []Filter{f("key-name", "**")}, all},
		{"key-name stars around, no match", []Filter{f("key-name", "*q*")}, []string{}},
		{"key-name star matches empty", []Filter{f("key-name", "x*")}, []string{"x"}},
		{"key-name question", []Filter{f("key-name", "web-?")}, []string{"web-1", "web-2"}},
		{"key-name question needs one", []Filter{f("key-name", "x?")}, []string{}},
		{"key-name question wrong length", []Filter{f("key-name", "web?")}, []string{}},
		{"key-name question star", []Filter{f("key-name", "?b*")}, []string{"db*1", "db-1"}},
		{"key-name star matches star", []Filter{f("key-name", "db*1")}, []string{"db*1", "db-1"}},
		{"key-name escaped star", []Filter{f("key-name", `db\*1`)}, []string{"db*1"}},
		{"key-name escaped question", []Filter{f("key-name", `db\?1`)}, []string{}},
		{"key-name escaped backslash", []Filter{f("key-name", `back\\slash`)}, []string{`back\slash`}},
		{"key-name escaped plain char", []Filter{f("key-name", `w\eb-1`)}, []string{"web-1"}},
		{"key-name backslash before star", []Filter{f("key-name", `back\\*`)}, []string{`back\slash`}},
		{"key-name case-sensitive", []Filter{f("key-name", "WEB-1")}, []string{}},
		{"key-name empty value", []Filter{f("key-name", "")}, []string{}},
		{"values OR'ed", []Filter{f("key-name", "web-1", "x", "nope")}, []string{"web-1", "x"}},
		{"filters AND'ed", []Filter{f("key-name", "web-*"), f("tag:env", "prod")}, []string{"web-1"}},
		{"filters AND'ed, none", []Filter{f("key-name", "x"), f("tag-key", "env")}, []string{}},
		{"same filter twice AND'ed", []Filter{f("key-name", "*1"), f("key-name", "d*")}, []string{"db*1", "db-1"}},
		{"tag-key", []Filter{f("tag-key", "env")}, []string{"web-1", "web-2", "db-1"}},
		{"tag-key wildcard", []Filter{f("tag-key", "t*")}, []string{"web-1"}},
		{"tag-key question matches question", []Filter{f("tag-key", "k?")}, []string{"db*1"}},
		{"tag-key escaped question", []Filter{f("tag-key", `k\?`)}, []string{"db*1"}},
		{"tag-key any", []Filter{f("tag-key", "*")}, []string{"web-1", "web-2", "db*1", "db-1"}},
		{"tag value", []Filter{f("tag:env", "prod")}, []string{"web-1"}},
		{"tag value star", []Filter{f("tag:env", "prod*")}, []string{"web-1", "db-1"}},
		{"tag value escaped star", []Filter{f("tag:env", `prod\*`)}, []string{"db-1"}},
		{"tag value any: keys with the tag", []Filter{f("tag:env", "*")}, []string{"web-1", "web-2", "db-1"}},
		{"tag key is literal", []Filter{f("tag:e*", "*")}, []string{}},
		{"tag key with question", []Filter{f("tag:k?", `v\\`)}, []string{"db*1"}},
		{"tag value trailing lone backslash", []Filter{f("tag:k?", `v\`)}, []string{"db*1"}},
		{"tag value question matches one character", []Filter{f("tag:city", "Z?rich")}, []string{"db*1"}},
		{"tag value non-ASCII literal", []Filter{f("tag:city", "Zürich")}, []string{"db*1"}},
		{"tag value question is not a byte", []Filter{f("tag:city", "Z??rich")}, []string{}},
		{"tag value case-sensitive", []Filter{f("tag:env", "PROD")}, []string{}},
		{"tag missing key", []Filter{f("tag:nope", "*")}, []string{}},
		{"key-pair-id", []Filter{f("key-pair-id", keys["web-2"].KeyPairId)}, []string{"web-2"}},
		{"key-pair-id wildcard", []Filter{f("key-pair-id", "key-0*")}, all},
		{"key-pair-id two", []Filter{f("key-pair-id", keys["x"].KeyPairId, keys["db-1"].KeyPairId)}, []string{"db-1", "x"}},
		{"fingerprint", []Filter{f("fingerprint", keys["x"].KeyFingerprint)}, []string{"x"}},
		{"fingerprint wildcard", []Filter{f("fingerprint", "*=")}, all},
		{"fingerprint no match", []Filter{f("fingerprint", "aa:bb")}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{Filters: c.filters})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out.KeyPairs); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestDescribeFilterErrors(t *testing.T) {
	s, _ := describeFixture(t)
	many := make([]Filter, MaxFilters+1)
	for i := range many {
		many[i] = Filter{Name: "key-name", Values: []string{"*"}}
	}
	cases := []struct {
		filters []Filter
		msg     string
	}{
		{[]Filter{{Name: "key-type", Values: []string{"rsa"}}}, "The filter 'key-type' is invalid"},
		{[]Filter{{Name: "tag:", Values: []string{"a"}}}, "The filter 'tag:' is invalid"},
		{[]Filter{{Name: "Key-Name", Values: []string{"a"}}}, "The filter 'Key-Name' is invalid"},
		{[]Filter{{Name: "", Values: []string{"a"}}}, "The filter '' is invalid"},
		{[]Filter{{Name: "key-name"}}, "The filter 'key-name' has no values."},
		{[]Filter{{Name: "key-name", Values: make([]string, MaxFilterValues+1)}},
			"The maximum number of values (200) for filter 'key-name' has been exceeded."},
		{[]Filter{{Name: "key-name", Values: []string{strings.Repeat("*", maxFilterValue+1)}}},
			"A value for filter 'key-name' exceeds the maximum length of 1024."},
		{many, "The maximum number of filters (50) has been exceeded."},
	}
	for _, c := range cases {
		_, err := s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{Filters: c.filters})
		expectAPIError(t, err, CodeInvalidParameterValue, 400, c.msg)
		// Validation comes before DryRun.
		_, err = s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{Filters: c.filters, DryRun: true})
		expectAPIError(t, err, CodeInvalidParameterValue, 400, c.msg)
	}
}

// globRE is an independent reading of the wildcard rules, as a regexp.
func globRE(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		case c == '*':
			b.WriteString(`.*`)
		case c == '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

// TestPatternAgainstRegexp compares the matcher with globRE on random
// ASCII patterns and subjects over a small alphabet (so matches happen).
func TestPatternAgainstRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alpha := []rune(`ab*?\é`)
	rnd := func(n int, a []rune) string {
		b := make([]rune, r.IntN(n))
		for i := range b {
			b[i] = a[r.IntN(len(a))]
		}
		return string(b)
	}
	matches := 0
	for range 20000 {
		p, s := rnd(8, alpha), rnd(8, alpha)
		want := globRE(p).MatchString(s)
		got, steps := compilePattern(p).matchSteps(s, nil)
		if got != want {
			t.Fatalf("pattern %q subject %q: match %v, want %v", p, s, got, want)
		}
		if steps > (len(s)+1)*(len(p)+1) {
			t.Fatalf("pattern %q subject %q: %d steps", p, s, steps)
		}
		if want {
			matches++
		}
	}
	if matches < 1000 {
		t.Fatalf("only %d matches: the test tests little", matches)
	}
}

// TestPatternCost: the tokens compared stay within len(subject)·len(pattern)
// whatever the stars, and grow no faster than that product as both grow.
func TestPatternCost(t *testing.T) {
	for _, n := range []int{16, 64, 256, 1024} {
		subject := strings.Repeat("a", n)
		for _, p := range []string{
			strings.Repeat("*a", n/2) + "b",       // many stars, fails at the end
			strings.Repeat("a*", n/4) + "b*a",     // a part that never occurs
			"*" + strings.Repeat("a", n/2) + "b*", // a long part tried at every offset
			strings.Repeat("?", n-1) + "b",
		} {
			ok, steps := compilePattern(p).matchSteps(subject, nil)
			if ok {
				t.Fatalf("%q matched", p)
			}
			if bound := len(subject) * len(p); steps > bound {
				t.Errorf("n=%d pattern %.20q…: %d steps > %d", n, p, steps, bound)
			}
		}
	}
	// A literal part longer than the subject costs nothing.
	if ok, steps := compilePattern(strings.Repeat("a", 1000)+"*").matchSteps("aaa", nil); ok || steps != 0 {
		t.Fatalf("long literal: %v, %d steps", ok, steps)
	}
}

func TestDescribeNamesAndIds(t *testing.T) {
	s, keys := describeFixture(t)
	ctx := context.Background()
	// Items come in creation order, whatever the request order, once each.
	out, err := s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{KeyNames: []string{"x", "web-1", "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(out.KeyPairs); !reflect.DeepEqual(got, []string{"web-1", "x"}) {
		t.Errorf("by name: %q", got)
	}
	out, err = s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{KeyPairIds: []string{keys["x"].KeyPairId, keys["web-2"].KeyPairId}})
	if err != nil || !reflect.DeepEqual(names(out.KeyPairs), []string{"web-2", "x"}) {
		t.Errorf("by id: %v %v", out, err)
	}
	// Names, ids and filters all narrow.
	out, err = s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{
		KeyNames: []string{"web-1", "web-2"}, KeyPairIds: []string{keys["web-2"].KeyPairId, keys["x"].KeyPairId}})
	if err != nil || !reflect.DeepEqual(names(out.KeyPairs), []string{"web-2"}) {
		t.Errorf("names and ids: %v %v", out, err)
	}
	out, err = s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{
		KeyNames: []string{"web-1", "web-2"}, Filters: []Filter{{Name: "tag:env", Values: []string{"dev"}}}})
	if err != nil || !reflect.DeepEqual(names(out.KeyPairs), []string{"web-2"}) {
		t.Errorf("names and filter: %v %v", out, err)
	}
	// Each item carries every field; Tags is [] when untagged.
	out, err = s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{KeyNames: []string{"web-1", "x"}})
	if err != nil {
		t.Fatal(err)
	}
	w, x := out.KeyPairs[0], out.KeyPairs[1]
	want := KeyPairInfo{KeyPairId: keys["web-1"].KeyPairId, KeyFingerprint: keys["web-1"].KeyFingerprint,
		KeyName: "web-1", KeyType: "ed25519", Tags: []Tag{{"env", "prod"}, {"team", "a"}},
		CreateTime: time.Date(2026, 3, 4, 5, 6, 8, 0, time.UTC)}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("item\n%+v\nwant\n%+v", w, want)
	}
	if x.Tags == nil || len(x.Tags) != 0 || x.PublicKey != "" {
		t.Errorf("untagged item: Tags %#v, PublicKey %q", x.Tags, x.PublicKey)
	}
	// The caller may change what it got without changing the Service.
	w.Tags[0].Value = "changed"
	out, _ = s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{KeyNames: []string{"web-1"}})
	if out.KeyPairs[0].Tags[0].Value != "prod" {
		t.Error("Describe shares its tags with the Service")
	}
	// Nothing matches: an empty list, not nil and not an error.
	out, err = s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{Filters: []Filter{{Name: "key-name", Values: []string{"zzz"}}}})
	if err != nil || out.KeyPairs == nil || len(out.KeyPairs) != 0 {
		t.Errorf("no match: %#v %v", out, err)
	}
	empty := NewService(Options{})
	out, err = empty.DescribeKeyPairs(ctx, nil)
	if err != nil || out.KeyPairs == nil || len(out.KeyPairs) != 0 {
		t.Errorf("empty Service: %#v %v", out, err)
	}
}

func TestDescribeNotFound(t *testing.T) {
	s, keys := describeFixture(t)
	id := keys["x"].KeyPairId
	cases := []struct {
		name       string
		names, ids []string
		msg        string
	}{
		{"name", []string{"nope"}, nil, "The key pair 'nope' does not exist"},
		{"name among found", []string{"x", "nope", "web-1"}, nil, "The key pair 'nope' does not exist"},
		{"first missing name in request order", []string{"x", "b-missing", "a-missing"}, nil, "The key pair 'b-missing' does not exist"},
		{"id", nil, []string{"key-0123456789abcdef0"}, "The key pair ID 'key-0123456789abcdef0' does not exist"},
		{"malformed id", nil, []string{"bogus"}, "The key pair ID 'bogus' does not exist"},
		{"first missing id", nil, []string{id, "key-0000000000000000b", "key-0000000000000000a"},
			"The key pair ID 'key-0000000000000000b' does not exist"},
		{"mixed: names before ids", []string{"x", "nope"}, []string{"key-0000000000000000a"}, "The key pair 'nope' does not exist"},
		{"mixed: names found, id missing", []string{"x"}, []string{id, "key-0000000000000000a"},
			"The key pair ID 'key-0000000000000000a' does not exist"},
		{"a name is not an id", nil, []string{"x"}, "The key pair ID 'x' does not exist"},
		{"an id is not a name", []string{id}, nil, "The key pair '" + id + "' does not exist"},
		{"empty name", []string{""}, nil, "The key pair '' does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{KeyNames: c.names, KeyPairIds: c.ids})
			expectAPIError(t, err, CodeNotFound, 400, c.msg)
		})
	}
	// A filter that matches nothing is not NotFound.
	if _, err := s.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{
		Filters: []Filter{{Name: "key-name", Values: []string{"nope"}}}}); err != nil {
		t.Error(err)
	}
}

func TestDescribeDryRun(t *testing.T) {
	s, _ := describeFixture(t)
	for _, in := range []*DescribeKeyPairsInput{
		{DryRun: true},
		{DryRun: true, KeyNames: []string{"nope"}}, // state is not checked under DryRun
		{DryRun: true, Filters: []Filter{{Name: "key-name", Values: []string{"*"}}}},
	} {
		_, err := s.DescribeKeyPairs(context.Background(), in)
		expectAPIError(t, err, CodeDryRunOperation, 412, "Request would have succeeded, but DryRun flag is set.")
	}
}

// TestDescribeIncludePublicKey: PublicKey is "<alg> <base64> <name>" for
// created and imported RSA and Ed25519 keys, the same key ssh-keygen sees
// in the private key or the imported file.
func TestDescribeIncludePublicKey(t *testing.T) {
	s := NewService(Options{Seed: []byte("fixtures")})
	ctx := context.Background()
	type item struct {
		name    string
		keyFile string // what ssh-keygen -l reads for the same key
		fp      string
	}
	var items []item
	dir := t.TempDir()
	for _, typ := range []string{"rsa", "ed25519"} {
		name := "my-" + typ + "-pem" // as fixtures, so the RSA key is made once
		if typ == "rsa" {
			out := fixtures(t)["rsa+pem"]
			if _, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: name}); err != nil {
				t.Fatal(err)
			}
			items = append(items, item{name, writeTemp(t, dir, name, out.KeyMaterial+"\n"), out.KeyFingerprint})
			continue
		}
		out, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: name, KeyType: typ})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item{name, writeTemp(t, dir, name, out.KeyMaterial+"\n"), out.KeyFingerprint})
	}
	for _, typ := range []string{"rsa", "ed25519"} {
		priv := dir + "/imp-" + typ
		runTool(t, "ssh-keygen", "-q", "-t", typ, "-N", "", "-C", "a comment", "-f", priv)
		pub := readFile(t, priv+".pub")
		name := "imported-" + typ
		out, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: name, PublicKeyMaterial: pub})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item{name, priv + ".pub", out.KeyFingerprint})
	}
	out, err := s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{IncludePublicKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.KeyPairs) != len(items) {
		t.Fatalf("%d items", len(out.KeyPairs))
	}
	for i, it := range items {
		kp := out.KeyPairs[i]
		if kp.KeyName != it.name || kp.KeyFingerprint != it.fp {
			t.Fatalf("item %d: %+v", i, kp)
		}
		f := strings.Split(kp.PublicKey, " ")
		wantAlg := map[string]string{"rsa": "ssh-rsa", "ed25519": "ssh-ed25519"}[kp.KeyType]
		if len(f) != 3 || f[0] != wantAlg || f[2] != it.name {
			t.Fatalf("%s: PublicKey %q", it.name, kp.PublicKey)
		}
		got := sshKeygenL(t, writeTemp(t, dir, it.name+".describe.pub", kp.PublicKey+"\n"))
		want := sshKeygenL(t, it.keyFile)
		// Same bits, same SHA256 fingerprint, type; the comment is the key name.
		if got[0] != want[0] || got[1] != want[1] || got[len(got)-1] != want[len(want)-1] || got[2] != it.name {
			t.Errorf("%s: ssh-keygen -l says %q for PublicKey, %q for the key", it.name, got, want)
		}
		if kp.KeyType == "ed25519" {
			// The EC2 fingerprint is ssh-keygen's SHA256 with padding.
			if strings.TrimPrefix(got[1], "SHA256:")+"=" != kp.KeyFingerprint {
				t.Errorf("%s: fingerprint %s, ssh-keygen %s", it.name, kp.KeyFingerprint, got[1])
			}
		}
		k, comment, err := pemenc.ParseAuthorizedKey([]byte(kp.PublicKey))
		if err != nil || comment != it.name {
			t.Fatal(err, comment)
		}
		if _, ok := k.(ed25519.PublicKey); ok != (kp.KeyType == "ed25519") {
			t.Errorf("%s: KeyType %s for %T", it.name, kp.KeyType, k)
		}
	}
}

func sshKeygenL(t *testing.T, path string) []string {
	t.Helper()
	return strings.Fields(string(runTool(t, "ssh-keygen", "-l", "-E", "sha256", "-f", path)))
}

func TestDescribeLarge(t *testing.T) {
	// 5,000 key pairs: Describe with a filter returns the right ones in
	// creation order.
	s := NewService(Options{Seed: []byte("large")})
	ctx := context.Background()
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public()
	line, _ := pemenc.MarshalAuthorizedKey(pub, "")
	for i := range DefaultMaxKeyPairs {
		if _, err := s.ImportKeyPair(ctx, &ImportKeyPairInput{KeyName: fmt.Sprintf("k%04d", i), PublicKeyMaterial: line}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := s.DescribeKeyPairs(ctx, &DescribeKeyPairsInput{Filters: []Filter{{Name: "key-name", Values: []string{"k?99?"}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	for i := range 5 {
		for j := range 10 {
			want = append(want, fmt.Sprintf("k%d99%d", i, j))
		}
	}
	if got := names(out.KeyPairs); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
	// Looked up, not scanned: still in creation order, once each.
	ids := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, s.byName[n].KeyPairId)
		}
		return out
	}
	for _, in := range []*DescribeKeyPairsInput{
		{KeyNames: []string{"k4000", "k0002", "k4000", "k0001"}},
		{KeyPairIds: ids("k4000", "k0002", "k0001")},
		{Filters: []Filter{{Name: "key-name", Values: []string{"k4000", "nope", "k0002", "k0001"}}}},
		{Filters: []Filter{{Name: "key-pair-id", Values: ids("k4000", "k0002", "k0001")}}},
		{KeyNames: []string{"k4000", "k0002", "k0001", "k0003"}, Filters: []Filter{{Name: "key-name", Values: []string{"k4000", "k0002", "k0001"}}}},
	} {
		out, err := s.DescribeKeyPairs(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(out.KeyPairs); !reflect.DeepEqual(got, []string{"k0001", "k0002", "k4000"}) {
			t.Errorf("%+v: got %q", in, got)
		}
	}
}

// TestCreationOrder: items are in creation-time order even when commits
// finish out of that order, and stay so after reloading from a store.
func TestCreationOrder(t *testing.T) {
	times := []int{5, 1, 3, 2, 4, 0, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}
	i := 0
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := NewMemoryStore()
	s := NewService(Options{Store: st, Now: func() time.Time {
		t := base.Add(time.Duration(times[i]) * time.Second)
		i++
		return t
	}})
	var want []string
	for j := range times {
		createEd(t, s, fmt.Sprintf("n%02d", j))
	}
	for sec := range times {
		for j, tm := range times {
			if tm == sec {
				want = append(want, fmt.Sprintf("n%02d", j))
			}
		}
	}
	reloaded, err := OpenService(context.Background(), Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*Service{s, reloaded} {
		out, _ := svc.DescribeKeyPairs(context.Background(), nil)
		if got := names(out.KeyPairs); !reflect.DeepEqual(got, want) {
			t.Fatalf("order %q, want %q", got, want)
		}
		// A lookup by name gives the same order.
		out, _ = svc.DescribeKeyPairs(context.Background(), &DescribeKeyPairsInput{KeyNames: []string{"n00", "n05", "n01"}})
		if got := names(out.KeyPairs); !reflect.DeepEqual(got, []string{"n05", "n01", "n00"}) {
			t.Fatalf("lookup order %q", got)
		}
	}
}

func writeTemp(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runTool(t *testing.T, tool string, args ...string) []byte {
	t.Helper()
	return testtool.Run(t, nil, tool, args...)
}
