package ec2query

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/keyforge/keyforge/ec2"
)

// Error codes the protocol layer adds to ec2's.
const (
	CodeAuthFailure          = "AuthFailure"
	CodeInvalidAction        = "InvalidAction"
	CodeMissingAction        = "MissingAction"
	CodeMalformedQueryString = "MalformedQueryString"
	CodeUnknownParameter     = "UnknownParameter"
	CodeInvalidRequest       = "InvalidRequest"
	CodeInternalError        = "InternalError"
)

// Limits on one request's parameters.
const (
	// DefaultMaxParameters bounds the parameters of one request.
	DefaultMaxParameters = 10000
	// maxIndex bounds a list index (KeyName.N, Tag.M, ...).
	maxIndex = 1 << 20
)

func badRequest(code, format string, a ...any) *ec2.APIError {
	return &ec2.APIError{Code: code, Message: fmt.Sprintf(format, a...), HTTPStatus: 400}
}

// form is a request's parameters, each name once.
type form map[string]string

// parseForm adds the parameters of an x-www-form-urlencoded string to f.
// skipAuth leaves out SigV4's presigned X-Amz-* parameters (they are the
// signature, not the request). Every malformed input is a 400 error.
func parseForm(f form, s string, maxParams int, skipAuth bool) error {
	for len(s) > 0 {
		var part string
		part, s, _ = strings.Cut(s, "&")
		if part == "" {
			continue
		}
		rk, rv, _ := strings.Cut(part, "=")
		k, err := url.QueryUnescape(rk)
		if err != nil {
			return badRequest(CodeMalformedQueryString, "The query string contains a syntax error: bad escape in a parameter name.")
		}
		v, err := url.QueryUnescape(rv)
		if err != nil {
			return badRequest(CodeMalformedQueryString, "The query string contains a syntax error: bad escape in the value of %s.", printable(k))
		}
		if k == "" {
			return badRequest(CodeMalformedQueryString, "The query string contains a syntax error: a parameter has no name.")
		}
		if skipAuth && strings.HasPrefix(k, "X-Amz-") {
			continue
		}
		if !utf8.ValidString(k) || !xmlSafe(k) {
			return badRequest(CodeUnknownParameter, "The parameter %s is not recognized.", printable(k))
		}
		if !utf8.ValidString(v) || !xmlSafe(v) {
			return badRequest(ec2.CodeInvalidParameterValue,
				"Value for parameter %s is invalid. It must be UTF-8 text without control characters.", k)
		}
		if _, dup := f[k]; dup {
			return badRequest(ec2.CodeInvalidParameterValue, "The parameter %s is given more than once.", k)
		}
		if len(f) >= maxParams {
			return badRequest(CodeInvalidRequest, "The request has more than %d parameters.", maxParams)
		}
		f[k] = v
	}
	return nil
}

// xmlSafe reports whether s has only characters an XML response can carry
// back unchanged (no C0 controls but tab, LF and CR; no U+FFFE/U+FFFF).
func xmlSafe(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || !(r < 0x80 || xmlChar(r)) {
			return false
		}
	}
	return true
}

// printable quotes a parameter name for an error message, short.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// entry is one parameter matched to a shape: its list indices in order.
type entry struct {
	idx   []int
	value string
}

// split returns a parameter name's shape ("TagSpecification.N.Tag.N.Key")
// and its indices. Indices are decimal, 1-based, without leading zeros.
func split(name string) (shape string, idx []int, err error) {
	if !strings.Contains(name, ".") {
		return name, nil, nil
	}
	segs := strings.Split(name, ".")
	for i, s := range segs {
		if s == "" || s[0] < '0' || s[0] > '9' {
			continue
		}
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > maxIndex || s[0] == '0' {
			return "", nil, badRequest(ec2.CodeInvalidParameterValue,
				"The parameter %s has an invalid list index %q: indices are whole numbers from 1 to %d.", printable(name), printable(s), maxIndex)
		}
		segs[i] = "N"
		idx = append(idx, n)
	}
	return strings.Join(segs, "."), idx, nil
}

// match sorts f's parameters by shape. Action, Version and the shapes in
// allowed are known; anything else is UnknownParameter.
func (f form) match(allowed ...string) (map[string][]entry, error) {
	known := make(map[string]bool, len(allowed))
	for _, a := range allowed {
		known[a] = true
	}
	out := make(map[string][]entry)
	// Sorted, so the parameter an error names does not depend on map order.
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "Action" || k == "Version" {
			continue
		}
		shape, idx, err := split(k)
		if err != nil {
			return nil, err
		}
		if !known[shape] {
			return nil, badRequest(CodeUnknownParameter, "The parameter %s is not recognized.", printable(k))
		}
		out[shape] = append(out[shape], entry{idx, f[k]})
	}
	return out, nil
}

func single(m map[string][]entry, name string) string {
	if e := m[name]; len(e) > 0 {
		return e[0].value
	}
	return ""
}

// boolean parses an EC2 boolean: "true" or "false" (any case); absent is
// false.
func boolean(m map[string][]entry, name string) (bool, error) {
	e := m[name]
	if len(e) == 0 {
		return false, nil
	}
	switch strings.ToLower(e[0].value) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badRequest(ec2.CodeInvalidParameterValue,
		"Value (%s) for parameter %s is invalid. Expected 'true' or 'false'.", printable(e[0].value), name)
}

// list returns the values of a flat list (KeyName.N) in index order.
func list(m map[string][]entry, shape string) []string {
	es := m[shape]
	if len(es) == 0 {
		return nil
	}
	sort.Slice(es, func(i, j int) bool { return es[i].idx[0] < es[j].idx[0] })
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.value
	}
	return out
}

// group collects entries of nested shapes by their first index, in index
// order: the members of TagSpecification.N or Filter.N.
type group struct {
	index   int
	members map[string][]entry // by shape, with the first index dropped
}

func groups(m map[string][]entry, shapes ...string) []*group {
	by := make(map[int]*group)
	for _, s := range shapes {
		for _, e := range m[s] {
			g := by[e.idx[0]]
			if g == nil {
				g = &group{index: e.idx[0], members: make(map[string][]entry)}
				by[e.idx[0]] = g
			}
			g.members[s] = append(g.members[s], entry{e.idx[1:], e.value})
		}
	}
	out := make([]*group, 0, len(by))
	for _, g := range by {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].index < out[j].index })
	return out
}

const (
	tsResourceType = "TagSpecification.N.ResourceType"
	tsTagKey       = "TagSpecification.N.Tag.N.Key"
	tsTagValue     = "TagSpecification.N.Tag.N.Value"
)

var tagSpecShapes = []string{tsResourceType, tsTagKey, tsTagValue}

// tagSpecifications assembles TagSpecification.N.ResourceType and
// TagSpecification.N.Tag.M.Key/Value. A tag without a Value has the empty
// value (clients send "Value=" for it anyway); one without a Key has the
// empty key, which ec2 refuses.
func tagSpecifications(m map[string][]entry) []ec2.TagSpecification {
	gs := groups(m, tagSpecShapes...)
	if len(gs) == 0 {
		return nil
	}
	specs := make([]ec2.TagSpecification, 0, len(gs))
	for _, g := range gs {
		sp := ec2.TagSpecification{ResourceType: single(g.members, tsResourceType)}
		tags := make(map[int]*ec2.Tag)
		var order []int
		tag := func(i int) *ec2.Tag {
			t := tags[i]
			if t == nil {
				t = &ec2.Tag{}
				tags[i] = t
				order = append(order, i)
			}
			return t
		}
		for _, e := range g.members[tsTagKey] {
			tag(e.idx[0]).Key = e.value
		}
		for _, e := range g.members[tsTagValue] {
			tag(e.idx[0]).Value = e.value
		}
		sort.Ints(order)
		for _, i := range order {
			sp.Tags = append(sp.Tags, *tags[i])
		}
		specs = append(specs, sp)
	}
	return specs
}

// publicKeyMaterial decodes ImportKeyPair's PublicKeyMaterial: standard
// base64, padded as every client sends it (unpadded is accepted too).
func publicKeyMaterial(v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	v = strings.NewReplacer("\r", "", "\n", "").Replace(v)
	enc := base64.StdEncoding
	if len(v)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	b, err := enc.Strict().DecodeString(v)
	if err != nil {
		return nil, badRequest(ec2.CodeInvalidParameterValue,
			"Value for parameter PublicKeyMaterial is invalid. It must be base64-encoded.")
	}
	return b, nil
}
