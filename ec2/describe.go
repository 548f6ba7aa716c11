package ec2

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Filter is one DescribeKeyPairs filter: a key pair matches when any of
// Values matches (values are OR'ed); a request's filters are AND'ed.
//
// Names: "key-pair-id", "fingerprint", "key-name", "tag-key" (any tag's
// key) and "tag:<key>" (the value of the tag whose key is exactly <key>).
// In values, "*" matches any run of characters (also none), "?" exactly
// one, and "\" makes the next character literal ("\*", "\?", "\\"); a
// final lone "\" is literal. Matching is case-sensitive.
type Filter struct {
	Name   string
	Values []string
}

// DescribeKeyPairsInput is the DescribeKeyPairs request. KeyNames,
// KeyPairIds and Filters each narrow the result (a key pair must pass all
// that are given); every name and id listed must exist.
type DescribeKeyPairsInput struct {
	KeyNames         []string
	KeyPairIds       []string
	Filters          []Filter
	IncludePublicKey bool
	DryRun           bool
}

// KeyPairInfo is one key pair in a DescribeKeyPairs response. Tags is never
// nil ([]Tag{} when untagged: EC2 shows an empty list). PublicKey is set
// only with IncludePublicKey: "<alg> <base64> <key-name>".
type KeyPairInfo struct {
	KeyPairId      string
	KeyFingerprint string
	KeyName        string
	KeyType        string
	PublicKey      string `json:",omitempty"`
	Tags           []Tag
	CreateTime     time.Time
}

// DescribeKeyPairsOutput is the DescribeKeyPairs response: the matching key
// pairs in creation order, empty (not an error) when none match.
type DescribeKeyPairsOutput struct {
	KeyPairs []KeyPairInfo
}

// Bounds on a request's filters, so that matching stays cheap. EC2
// documents none for this call; 200 values is its limit on other calls.
const (
	MaxFilters      = 50
	MaxFilterValues = 200
	maxFilterValue  = 1024
)

// DescribeKeyPairs lists key pairs as EC2 does. A name or id in KeyNames or
// KeyPairIds that does not exist is InvalidKeyPair.NotFound, naming the
// first missing one (names checked before ids, each in request order).
func (s *Service) DescribeKeyPairs(ctx context.Context, in *DescribeKeyPairsInput) (*DescribeKeyPairsOutput, error) {
	if in == nil {
		in = &DescribeKeyPairsInput{}
	}
	// 1. Parameter validation.
	match, lits, err := compileFilters(in.Filters)
	if err != nil {
		return nil, err
	}
	// 2. DryRun.
	if in.DryRun {
		return nil, dryRunError()
	}
	if err := ctx.Err(); err != nil {
		return nil, asAPIError(err)
	}
	// 3. State.
	s.gate.RLock()
	defer s.gate.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadLocked(ctx); err != nil {
		return nil, asAPIError(err)
	}
	var names, ids map[string]bool
	if len(in.KeyNames) > 0 {
		names = make(map[string]bool, len(in.KeyNames))
		for _, n := range in.KeyNames {
			if s.byName[n] == nil {
				return nil, notFoundName(n)
			}
			names[n] = true
		}
	}
	if len(in.KeyPairIds) > 0 {
		ids = make(map[string]bool, len(in.KeyPairIds))
		for _, id := range in.KeyPairIds {
			if s.ids[id] == nil {
				return nil, apiErr(CodeNotFound, 400, "The key pair ID '%s' does not exist", id)
			}
			ids[id] = true
		}
	}
	var matched []*Record
	ntags := 0
	for _, r := range s.candidatesLocked(in, lits) {
		if names != nil && !names[r.KeyName] || ids != nil && !ids[r.KeyPairId] || !match(r) {
			continue
		}
		matched = append(matched, r)
		ntags += len(r.Tags)
	}
	// One allocation for the items and one for all their tags; each item's
	// Tags is capped, so appending to one never writes into the next.
	out := &DescribeKeyPairsOutput{KeyPairs: make([]KeyPairInfo, len(matched))}
	tags := make([]Tag, 0, ntags)
	for i, r := range matched {
		start := len(tags)
		tags = append(tags, r.Tags...)
		info := &out.KeyPairs[i]
		*info = KeyPairInfo{
			KeyPairId:      r.KeyPairId,
			KeyFingerprint: r.KeyFingerprint,
			KeyName:        r.KeyName,
			KeyType:        r.KeyType,
			Tags:           tags[start:len(tags):len(tags)],
			CreateTime:     r.CreateTime,
		}
		if in.IncludePublicKey {
			info.PublicKey = r.PublicKey + " " + r.KeyName
		}
	}
	return out, nil
}

// literalSet is a key-name or key-pair-id filter without wildcards: its
// key pairs can be looked up instead of scanned for.
type literalSet struct {
	byID   bool
	values []string
}

// candidatesLocked returns, in creation order, the key pairs a request can
// match: found by name or id when the request lists names or ids or has a
// literal key-name or key-pair-id filter (the smallest such list), else all.
func (s *Service) candidatesLocked(in *DescribeKeyPairsInput, lits []literalSet) []*Record {
	best := literalSet{values: nil}
	found := false
	consider := func(l literalSet) {
		if !found || len(l.values) < len(best.values) {
			best, found = l, true
		}
	}
	if len(in.KeyNames) > 0 {
		consider(literalSet{values: in.KeyNames})
	}
	if len(in.KeyPairIds) > 0 {
		consider(literalSet{byID: true, values: in.KeyPairIds})
	}
	for _, l := range lits {
		consider(l)
	}
	if !found || 4*len(best.values) > len(s.order) {
		return s.order
	}
	seen := make(map[*Record]bool, len(best.values))
	var out []*Record
	for _, v := range best.values {
		r := s.byName[v]
		if best.byID {
			r = s.ids[v]
		}
		if r != nil && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *Record) int { return cmp.Compare(s.seq[a], s.seq[b]) })
	return out
}

func notFoundName(name string) error {
	return apiErr(CodeNotFound, 400, "The key pair '%s' does not exist", name)
}

// compileFilters validates filters and returns the predicate they make,
// and the literal sets among them.
func compileFilters(filters []Filter) (func(*Record) bool, []literalSet, error) {
	var lits []literalSet
	if len(filters) > MaxFilters {
		return nil, nil, apiErr(CodeInvalidParameterValue, 400,
			"The maximum number of filters (%d) has been exceeded.", MaxFilters)
	}
	preds := make([]func(*Record) bool, 0, len(filters))
	for _, f := range filters {
		if len(f.Values) == 0 {
			return nil, nil, apiErr(CodeInvalidParameterValue, 400, "The filter '%s' has no values.", f.Name)
		}
		if len(f.Values) > MaxFilterValues {
			return nil, nil, apiErr(CodeInvalidParameterValue, 400,
				"The maximum number of values (%d) for filter '%s' has been exceeded.", MaxFilterValues, f.Name)
		}
		pats := make([]pattern, len(f.Values))
		for i, v := range f.Values {
			if len(v) > maxFilterValue {
				return nil, nil, apiErr(CodeInvalidParameterValue, 400,
					"A value for filter '%s' exceeds the maximum length of %d.", f.Name, maxFilterValue)
			}
			pats[i] = compilePattern(v)
		}
		var scratch []rune // the predicate runs on one goroutine at a time
		any := func(s string) bool {
			for _, p := range pats {
				if ok, _ := p.matchSteps(s, &scratch); ok {
					return true
				}
			}
			return false
		}
		var pred func(*Record) bool
		switch {
		case f.Name == "key-pair-id":
			pred = func(r *Record) bool { return any(r.KeyPairId) }
		case f.Name == "fingerprint":
			pred = func(r *Record) bool { return any(r.KeyFingerprint) }
		case f.Name == "key-name":
			pred = func(r *Record) bool { return any(r.KeyName) }
		case f.Name == "tag-key":
			pred = func(r *Record) bool {
				for _, t := range r.Tags {
					if any(t.Key) {
						return true
					}
				}
				return false
			}
		case strings.HasPrefix(f.Name, "tag:") && len(f.Name) > len("tag:"):
			key := f.Name[len("tag:"):]
			pred = func(r *Record) bool {
				for _, t := range r.Tags {
					if t.Key == key {
						return any(t.Value)
					}
				}
				return false
			}
		default:
			return nil, nil, apiErr(CodeInvalidParameterValue, 400, "The filter '%s' is invalid", f.Name)
		}
		preds = append(preds, pred)
		if f.Name == "key-name" || f.Name == "key-pair-id" {
			l := literalSet{byID: f.Name == "key-pair-id"}
			for _, p := range pats {
				if !p.literal {
					l.values = nil
					break
				}
				l.values = append(l.values, p.literalAll)
			}
			if l.values != nil {
				lits = append(lits, l)
			}
		}
	}
	return func(r *Record) bool {
		for _, p := range preds {
			if !p(r) {
				return false
			}
		}
		return true
	}, lits, nil
}

// pattern is a compiled filter value: literal runs separated by stars.
// Each element of parts is a sequence of tokens, a token being a literal
// character or any (-1, from "?"). Characters are Unicode code points (tag
// values may hold any), so "?" matches one character, not one byte.
type pattern struct {
	parts      [][]rune
	leadStar   bool
	trailStar  bool
	minLen     int
	hasStar    bool
	literalAll string // the whole value, escapes removed, when it has no wildcards
	literal    bool
	strParts   []string // parts as strings, when there is no "?"
}

const anyChar = -1

func compilePattern(v string) pattern {
	var p pattern
	cur := []rune{}
	p.literal = true
	rs := []rune(v)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && i+1 < len(rs):
			i++
			cur = append(cur, rs[i])
		case c == '*':
			p.literal = false
			if !p.hasStar && len(cur) == 0 {
				p.leadStar = true
			}
			p.hasStar = true
			if len(cur) > 0 {
				p.parts = append(p.parts, cur)
				cur = []rune{}
			}
			p.trailStar = true
			continue
		case c == '?':
			p.literal = false
			cur = append(cur, anyChar)
		default:
			cur = append(cur, c)
		}
		p.trailStar = false
	}
	if len(cur) > 0 || !p.hasStar {
		p.parts = append(p.parts, cur)
	}
	for _, part := range p.parts {
		p.minLen += len(part)
	}
	hasAny := false
	for _, part := range p.parts {
		hasAny = hasAny || slices.Contains(part, anyChar)
	}
	if !hasAny {
		// Without "?", bytes match as characters do: UTF-8 is
		// self-synchronising, so a part found in the bytes starts and ends
		// on character boundaries.
		for _, part := range p.parts {
			p.strParts = append(p.strParts, string(part))
		}
	}
	if p.literal {
		// Byte for byte, so that even invalid UTF-8 compares exactly.
		lit := make([]byte, 0, len(v))
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) {
				i++
			}
			lit = append(lit, v[i])
		}
		p.literalAll = string(lit)
	}
	return p
}

// matchPart reports whether part matches s at off, adding the tokens
// compared to *steps.
func matchPart(s []rune, off int, part []rune, steps *int) bool {
	for i, t := range part {
		*steps++
		if t != anyChar && s[off+i] != t {
			return false
		}
	}
	return true
}

func (p pattern) match(s string) bool {
	ok, _ := p.matchSteps(s, nil)
	return ok
}

// matchSteps reports whether subject matches, and the tokens compared.
// scratch, when not nil, is reused for the subject's code points.
func (p pattern) matchSteps(subject string, scratch *[]rune) (bool, int) {
	if p.literal {
		return subject == p.literalAll, len(subject)
	}
	if len(subject) < p.minLen { // a character is at least a byte
		return false, 0
	}
	if p.strParts != nil {
		return p.matchStrings(subject)
	}
	var buf []rune
	if scratch != nil {
		buf = (*scratch)[:0]
	}
	for _, r := range subject {
		buf = append(buf, r)
	}
	if scratch != nil {
		*scratch = buf
	}
	return p.matchRunes(buf)
}

// matchStrings matches a pattern without "?" (so hasStar) with
// strings.Index, each part at its leftmost position after the previous.
func (p pattern) matchStrings(s string) (bool, int) {
	parts := p.strParts
	steps := 0
	if !p.leadStar {
		steps += len(parts[0])
		if !strings.HasPrefix(s, parts[0]) {
			return false, steps
		}
		s = s[len(parts[0]):]
		parts = parts[1:]
	}
	if !p.trailStar && len(parts) > 0 {
		last := parts[len(parts)-1]
		parts = parts[:len(parts)-1]
		steps += len(last)
		if !strings.HasSuffix(s, last) {
			return false, steps
		}
		s = s[:len(s)-len(last)]
	}
	for _, part := range parts {
		steps += len(s)
		i := strings.Index(s, part)
		if i < 0 {
			return false, steps
		}
		s = s[i+len(part):]
	}
	return true, steps
}

// matchRunes matches s. Without stars it is a fixed-length comparison;
// with stars, each literal part is placed at its leftmost possible
// position, which is optimal, so the work is at most len(s)·(tokens in p).
func (p pattern) matchRunes(s []rune) (bool, int) {
	steps := 0
	n := len(s)
	if n < p.minLen {
		return false, 0
	}
	if !p.hasStar {
		return n == p.minLen && matchPart(s, 0, p.parts[0], &steps), steps
	}
	parts := p.parts
	pos := 0
	if !p.leadStar {
		first := parts[0]
		if !matchPart(s, 0, first, &steps) {
			return false, steps
		}
		pos = len(first)
		parts = parts[1:]
	}
	end := n
	if !p.trailStar && len(parts) > 0 {
		last := parts[len(parts)-1]
		parts = parts[:len(parts)-1]
		end = n - len(last)
		if end < pos || !matchPart(s, end, last, &steps) {
			return false, steps
		}
	}
	for _, part := range parts {
		found := false
		for i := pos; i+len(part) <= end; i++ {
			if matchPart(s, i, part, &steps) {
				pos = i + len(part)
				found = true
				break
			}
		}
		if !found {
			return false, steps
		}
	}
	return true, steps
}
