package ec2query

import (
	"bufio"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SigV4 constants.
const (
	sigAlgorithm  = "AWS4-HMAC-SHA256"
	sigTerminator = "aws4_request"
	sigService    = "ec2"
	amzDateLayout = "20060102T150405Z"
	scopeLayout   = "20060102"

	// ClockSkew is how far a signature's time may be from the server's,
	// either way, as EC2 allows.
	ClockSkew = 15 * time.Minute
	// maxPresignExpires is SigV4's ceiling on X-Amz-Expires (7 days).
	maxPresignExpires = 7 * 24 * 3600
)

// sigInfo is what a request says about its signature. Region is all the
// server needs when signatures are not checked.
type sigInfo struct {
	presigned     bool
	accessKeyID   string
	date          string // yyyymmdd of the credential scope
	region        string
	service       string
	terminator    string
	signedHeaders []string
	signature     string
	amzDate       string // X-Amz-Date
	expires       int    // presigned only
}

// authError is a SigV4 failure; reason goes to the log, never to the client
// (EC2 answers every such failure with the same AuthFailure text).
type authError struct{ reason string }

func (e *authError) Error() string { return e.reason }

func authFail(format string, a ...any) *authError {
	return &authError{reason: fmt.Sprintf(format, a...)}
}

// parseSig extracts the signature fields from the Authorization header or
// the presigned query. It returns (nil, nil) for an unsigned request.
func parseSig(r *http.Request, query url.Values) (*sigInfo, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return parseAuthorization(h, r)
	}
	if query.Get("X-Amz-Credential") != "" || query.Get("X-Amz-Signature") != "" || query.Get("X-Amz-Algorithm") != "" {
		return parsePresigned(query)
	}
	return nil, nil
}

func parseAuthorization(h string, r *http.Request) (*sigInfo, error) {
	alg, rest, _ := strings.Cut(h, " ")
	if alg != sigAlgorithm {
		return nil, authFail("unsupported Authorization scheme %.32q", alg)
	}
	si := &sigInfo{}
	var haveCred, haveSH, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, authFail("malformed Authorization header")
		}
		switch k {
		case "Credential":
			if err := si.setCredential(v); err != nil {
				return nil, err
			}
			haveCred = true
		case "SignedHeaders":
			si.signedHeaders = strings.Split(v, ";")
			haveSH = true
		case "Signature":
			si.signature = v
			haveSig = true
		default:
			return nil, authFail("unknown Authorization field %.32q", k)
		}
	}
	if !haveCred || !haveSH || !haveSig {
		return nil, authFail("Authorization header lacks Credential, SignedHeaders or Signature")
	}
	si.amzDate = r.Header.Get("X-Amz-Date")
	if si.amzDate == "" {
		// SigV4 allows the Date header instead.
		if d, err := http.ParseTime(r.Header.Get("Date")); err == nil {
			si.amzDate = d.UTC().Format(amzDateLayout)
		}
	}
	return si, nil
}

func parsePresigned(q url.Values) (*sigInfo, error) {
	if q.Get("X-Amz-Algorithm") != sigAlgorithm {
		return nil, authFail("unsupported X-Amz-Algorithm")
	}
	si := &sigInfo{presigned: true}
	if err := si.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return nil, err
	}
	si.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	si.signature = q.Get("X-Amz-Signature")
	si.amzDate = q.Get("X-Amz-Date")
	exp, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || exp < 1 || exp > maxPresignExpires {
		return nil, authFail("X-Amz-Expires missing or out of range")
	}
	si.expires = exp
	return si, nil
}

// setCredential parses AKID/yyyymmdd/region/service/aws4_request.
func (si *sigInfo) setCredential(v string) error {
	parts := strings.Split(v, "/")
	if len(parts) != 5 {
		return authFail("malformed credential scope")
	}
	si.accessKeyID, si.date, si.region, si.service, si.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}

// verify checks the signature of r against secrets (access key id →
// secret access key) at time now. body is the request body as read.
func (si *sigInfo) verify(r *http.Request, rawQuery string, body []byte, secrets map[string]string, now time.Time) error {
	if si.service != sigService || si.terminator != sigTerminator {
		return authFail("credential scope is not for ec2/aws4_request")
	}
	secret, ok := secrets[si.accessKeyID]
	if !ok {
		return authFail("unknown access key id %.64q", si.accessKeyID)
	}
	t, err := time.Parse(amzDateLayout, si.amzDate)
	if err != nil {
		return authFail("missing or malformed X-Amz-Date")
	}
	if t.Format(scopeLayout) != si.date {
		return authFail("credential scope date does not match X-Amz-Date")
	}
	if si.presigned {
		if now.Before(t.Add(-ClockSkew)) || now.After(t.Add(time.Duration(si.expires)*time.Second)) {
			return authFail("presigned request not yet valid or expired")
		}
	} else if d := now.Sub(t); d > ClockSkew || d < -ClockSkew {
		return authFail("signature time %s is more than %v from the server's", si.amzDate, ClockSkew)
	}
	if !slices.IsSorted(si.signedHeaders) || !slices.Contains(si.signedHeaders, "host") {
		return authFail("SignedHeaders must be sorted and include host")
	}
	want, err := hex.DecodeString(si.signature)
	if err != nil || len(want) != sha256.Size {
		return authFail("malformed signature")
	}
	// A stated payload hash must match the body; UNSIGNED-PAYLOAD is only
	// accepted when there is no body to leave unsigned.
	bodyHash := sha256.Sum256(body)
	h := hex.EncodeToString(bodyHash[:])
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case payloadHash == "":
		payloadHash = h
	case payloadHash == "UNSIGNED-PAYLOAD" && len(body) == 0:
	case payloadHash != h:
		return authFail("X-Amz-Content-Sha256 does not match the body")
	}
	canonical := canonicalRequest(r, rawQuery, si, payloadHash)
	sum := sha256.Sum256([]byte(canonical))
	scope := si.date + "/" + si.region + "/" + si.service + "/" + si.terminator
	stringToSign := sigAlgorithm + "\n" + si.amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := signingKey(secret, si.date, si.region, si.service)
	got := hmacSHA256(key, []byte(stringToSign))
	if !hmac.Equal(got, want) {
		return authFail("signature does not match")
	}
	return nil
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(sigTerminator))
}

// canonicalRequest builds SigV4's canonical request for r.
func canonicalRequest(r *http.Request, rawQuery string, si *sigInfo, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(rawQuery, si.presigned))
	b.WriteByte('\n')
	for _, h := range si.signedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(si.signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return collapseSpaces(r.Host)
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return strings.TrimSpace(v)
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := r.Header.Values(name)
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = collapseSpaces(v)
	}
	return strings.Join(out, ",")
}

// collapseSpaces trims v and reduces each run of spaces to one, as SigV4's
// canonical headers require.
func collapseSpaces(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	prev := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' && prev {
			continue
		}
		prev = c == ' '
		b.WriteByte(c)
	}
	return b.String()
}

// canonicalQuery re-encodes the query string sorted by key, then value;
// a presigned request leaves out its own signature.
func canonicalQuery(rawQuery string, presigned bool) string {
	if rawQuery == "" {
		return ""
	}
	type kv struct{ k, v string }
	var params []kv
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			// The form parser refuses such a query before any handler runs;
			// here it only has to not match.
			continue
		}
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		params = append(params, kv{uriEncode(k, true), uriEncode(v, true)})
	}
	slices.SortFunc(params, func(a, b kv) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.v, b.v)) })
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// uriEncode percent-encodes everything outside RFC 3986's unreserved set,
// with uppercase hex; '/' is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// Credentials are access key ids mapped to their secret access keys; a
// Handler with Credentials verifies every request's SigV4 signature.
type Credentials map[string]string

// maxCredentialsFile bounds what ReadCredentials reads.
const maxCredentialsFile = 1 << 20

// ReadCredentials parses a credentials file: one "ACCESS_KEY_ID SECRET"
// pair a line, separated by spaces or tabs; blank lines and lines starting
// with '#' are skipped. Errors name the line, never the secret.
func ReadCredentials(r io.Reader) (Credentials, error) {
	creds := Credentials{}
	sc := bufio.NewScanner(io.LimitReader(r, maxCredentialsFile+1))
	sc.Buffer(make([]byte, 4096), maxCredentialsFile+1)
	n, total := 0, 0
	for sc.Scan() {
		n++
		total += len(sc.Bytes()) + 1
		if total > maxCredentialsFile {
			return nil, fmt.Errorf("ec2query: credentials: larger than %d bytes", maxCredentialsFile)
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("ec2query: credentials line %d: want ACCESS_KEY_ID SECRET", n)
		}
		if _, dup := creds[f[0]]; dup {
			return nil, fmt.Errorf("ec2query: credentials line %d: access key id %q given twice", n, f[0])
		}
		creds[f[0]] = f[1]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ec2query: credentials: %w", err)
	}
	if len(creds) == 0 {
		return nil, fmt.Errorf("ec2query: credentials: no ACCESS_KEY_ID SECRET lines")
	}
	return creds, nil
}

// LoadCredentials reads a credentials file (see ReadCredentials).
func LoadCredentials(path string) (Credentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ec2query: %w", err)
	}
	defer f.Close()
	return ReadCredentials(f)
}
