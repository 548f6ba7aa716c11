package ec2query

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/ec2"
)

const testSeed = "ec2query test seed"

var testTime = time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.UTC)

func testHandler(t testing.TB, opts *Options) (*Handler, *ec2.Regions) {
	t.Helper()
	regions := ec2.NewRegions(ec2.Options{Seed: []byte(testSeed), Now: func() time.Time { return testTime }})
	if opts == nil {
		opts = &Options{}
	}
	if opts.RequestID == nil {
		opts.RequestID = func() string { return rid }
	}
	return NewHandler(regions, opts), regions
}

func post(h http.Handler, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func form1(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

const rid = "11111111-2222-4333-8444-555555555555"

func TestCreateKeyPairXML(t *testing.T) {
	h, _ := testHandler(t, nil)
	// What a seeded us-east-1 Service of the same seed answers.
	want, err := ec2.NewService(ec2.Options{Seed: []byte(testSeed), Region: "us-east-1"}).CreateKeyPair(context.Background(),
		&ec2.CreateKeyPairInput{KeyName: "my-key-pair", KeyType: "ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	w := post(h, form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "my-key-pair", "KeyType", "ed25519"))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	exp := `<?xml version="1.0" encoding="UTF-8"?><CreateKeyPairResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
		`<requestId>` + rid + `</requestId><keyFingerprint>` + want.KeyFingerprint + `</keyFingerprint>` +
		`<keyMaterial>` + want.KeyMaterial + `</keyMaterial><keyName>my-key-pair</keyName>` +
		`<keyPairId>` + want.KeyPairId + `</keyPairId></CreateKeyPairResponse>`
	if got := w.Body.String(); got != exp {
		t.Errorf("body:\n%s\nwant:\n%s", got, exp)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/xml;charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if got := w.Header().Get("X-Amzn-Requestid"); got != rid {
		t.Errorf("X-Amzn-Requestid %q", got)
	}
	if !strings.Contains(w.Body.String(), "-----BEGIN OPENSSH PRIVATE KEY-----\n") {
		t.Error("key material lost its line ends")
	}
}

func TestCreateKeyPairTagsXML(t *testing.T) {
	h, _ := testHandler(t, nil)
	// Client order differs; indices, not order, decide.
	body := "Version=2016-11-15&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.2.Value=" +
		"&TagSpecification.1.Tag.1.Value=x%26%3Cy%3E&TagSpecification.1.Tag.1.Key=a" +
		"&TagSpecification.1.ResourceType=key-pair&KeyName=t&KeyType=ed25519&Action=CreateKeyPair"
	w := post(h, body)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	want := `</keyPairId><tagSet><item><key>a</key><value>x&amp;&lt;y&gt;</value></item><item><key>b</key><value></value></item></tagSet></CreateKeyPairResponse>`
	if !strings.HasSuffix(w.Body.String(), want) {
		t.Errorf("body %s\nwant suffix %s", w.Body, want)
	}
}

func TestImportKeyPairXML(t *testing.T) {
	h, _ := testHandler(t, nil)
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 c\n"
	w := post(h, form1("Action", "ImportKeyPair", "Version", "2016-11-15", "KeyName", "imp",
		"PublicKeyMaterial", base64.StdEncoding.EncodeToString([]byte(pub))))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var doc struct {
		XMLName        xml.Name `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ ImportKeyPairResponse"`
		RequestID      string   `xml:"requestId"`
		KeyFingerprint string   `xml:"keyFingerprint"`
		KeyName        string   `xml:"keyName"`
		KeyPairID      string   `xml:"keyPairId"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.KeyFingerprint != "4LmcYnyBOqlloHZ5TKAxfa8BgMK2wL6WeOOTvXVdhmw=" || doc.KeyName != "imp" || doc.RequestID != rid {
		t.Errorf("%+v", doc)
	}
	if strings.Contains(w.Body.String(), "tagSet") || strings.Contains(w.Body.String(), "keyMaterial") {
		t.Errorf("untagged import: %s", w.Body)
	}
}

func TestErrorXML(t *testing.T) {
	h, _ := testHandler(t, nil)
	w := post(h, form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "d", "KeyType", "ed25519", "DryRun", "true"))
	exp := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>DryRunOperation</Code>" +
		"<Message>Request would have succeeded, but DryRun flag is set.</Message></Error></Errors>" +
		"<RequestID>" + rid + "</RequestID></Response>"
	if w.Code != 412 || w.Body.String() != exp {
		t.Errorf("status %d body:\n%s\nwant 412:\n%s", w.Code, w.Body, exp)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/xml;charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

type errorCase struct {
	name   string
	method string
	ctype  string // "" means form
	query  string
	body   string
	status int
	code   string
	msg    string // substring of the message
}

const cv = "Action=CreateKeyPair&Version=2016-11-15&"

var errorCases = []errorCase{
	{name: "no action", body: "Version=2016-11-15", status: 400, code: "MissingAction", msg: "The request is missing an action or a required parameter."},
	{name: "empty action", body: "Action=&Version=2016-11-15", status: 400, code: "MissingAction"},
	{name: "empty body", body: "", status: 400, code: "MissingAction"},
	{name: "unknown action", body: "Action=RunInstances&Version=2016-11-15", status: 400, code: "InvalidAction", msg: "The action RunInstances is not valid for this web service."},
	{name: "no version", body: "Action=CreateKeyPair&KeyName=a", status: 400, code: "MissingParameter", msg: "Version"},
	{name: "old version", body: "Action=CreateKeyPair&Version=2014-01-01&KeyName=a", status: 400, code: "InvalidParameterValue", msg: "Version"},
	{name: "bad escape", body: cv + "KeyName=%zz", status: 400, code: "MalformedQueryString"},
	{name: "bad escape in name", body: cv + "Key%2", status: 400, code: "MalformedQueryString"},
	{name: "no name", body: cv + "=v", status: 400, code: "MalformedQueryString"},
	{name: "bad query escape", query: "Action=%", body: "", status: 400, code: "MalformedQueryString"},
	{name: "duplicate", body: cv + "KeyName=a&KeyName=b", status: 400, code: "InvalidParameterValue", msg: "more than once"},
	{name: "duplicate across query and body", query: "KeyName=a", body: cv + "KeyName=a", status: 400, code: "InvalidParameterValue", msg: "more than once"},
	{name: "unknown parameter", body: cv + "KeyName=a&Foo=1", status: 400, code: "UnknownParameter", msg: "The parameter Foo is not recognized."},
	{name: "describe param on create", body: cv + "KeyName.1=a", status: 400, code: "UnknownParameter"},
	{name: "index zero", body: cv + "KeyName=a&TagSpecification.0.ResourceType=key-pair", status: 400, code: "InvalidParameterValue", msg: "index"},
	{name: "leading zero index", body: cv + "KeyName=a&TagSpecification.01.ResourceType=key-pair", status: 400, code: "InvalidParameterValue", msg: "index"},
	{name: "huge index", body: cv + "KeyName=a&TagSpecification.99999999999999999999.ResourceType=key-pair", status: 400, code: "InvalidParameterValue", msg: "index"},
	{name: "index too big", body: cv + "KeyName=a&TagSpecification.1048577.ResourceType=key-pair", status: 400, code: "InvalidParameterValue", msg: "index"},
	{name: "missing index", body: cv + "KeyName=a&TagSpecification.ResourceType=key-pair", status: 400, code: "UnknownParameter"},
	{name: "empty segment", body: cv + "KeyName=a&TagSpecification..ResourceType=key-pair", status: 400, code: "UnknownParameter"},
	{name: "bad boolean", body: cv + "KeyName=a&DryRun=yes", status: 400, code: "InvalidParameterValue", msg: "Value (yes) for parameter DryRun is invalid."},
	{name: "empty boolean", body: cv + "KeyName=a&DryRun=", status: 400, code: "InvalidParameterValue"},
	{name: "invalid utf-8 value", body: cv + "KeyName=%ff", status: 400, code: "InvalidParameterValue", msg: "UTF-8"},
	{name: "control character", body: cv + "KeyName=a%01", status: 400, code: "InvalidParameterValue"},
	{name: "control character in name", body: cv + "Key%01=a", status: 400, code: "UnknownParameter"},
	{name: "missing key name", body: cv + "KeyType=rsa", status: 400, code: "MissingParameter", msg: "KeyName"},
	{name: "bad key type", body: cv + "KeyName=a&KeyType=dsa", status: 400, code: "InvalidParameterValue"},
	{name: "bad resource type", body: cv + "KeyName=a&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=k", status: 400, code: "InvalidParameterValue", msg: "'instance' is not a valid taggable resource type"},
	{name: "tag value without key", body: cv + "KeyName=a&TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.1.Value=v", status: 400, code: "InvalidParameterValue"},
	{name: "bad base64", body: "Action=ImportKeyPair&Version=2016-11-15&KeyName=a&PublicKeyMaterial=%21%21%21%21", status: 400, code: "InvalidParameterValue", msg: "base64"},
	{name: "bad base64 padding", body: "Action=ImportKeyPair&Version=2016-11-15&KeyName=a&PublicKeyMaterial=QQ%3D", status: 400, code: "InvalidParameterValue", msg: "base64"},
	{name: "not a key", body: "Action=ImportKeyPair&Version=2016-11-15&KeyName=a&PublicKeyMaterial=QUJD", status: 400, code: "InvalidKey.Format", msg: "Key is not in valid OpenSSH public key format"},
	{name: "no material", body: "Action=ImportKeyPair&Version=2016-11-15&KeyName=a", status: 400, code: "MissingParameter"},
	{name: "json body", ctype: "application/json", body: `{"Action":"CreateKeyPair"}`, status: 400, code: "InvalidRequest", msg: "Content-Type"},
	{name: "bad content type", ctype: ";;", body: cv, status: 400, code: "InvalidRequest"},
	{name: "put", method: "PUT", body: cv + "KeyName=a", status: 400, code: "InvalidRequest", msg: "PUT"},
	{name: "body too large", body: cv + "KeyName=" + strings.Repeat("a", DefaultMaxBodyBytes), status: 400, code: "InvalidRequest", msg: "larger than"},
	{name: "too many parameters", body: cv + "KeyName=a" + manyTags(DefaultMaxParameters), status: 400, code: "InvalidRequest", msg: "parameters"},
	{name: "region in scope not valid", body: cv + "KeyName=a", status: 400, code: "InvalidParameterValue", msg: "Region"},
}

func manyTags(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("&TagSpecification.1.Tag.")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(".Value=v")
	}
	return b.String()
}

type errorDoc struct {
	XMLName   xml.Name `xml:"Response"`
	Code      string   `xml:"Errors>Error>Code"`
	Message   string   `xml:"Errors>Error>Message"`
	RequestID string   `xml:"RequestID"`
}

func TestBadRequests(t *testing.T) {
	h, _ := testHandler(t, nil)
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = "POST"
			}
			r := httptest.NewRequest(method, "/?"+c.query, strings.NewReader(c.body))
			ct := c.ctype
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			r.Header.Set("Content-Type", ct)
			if c.name == "region in scope not valid" {
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/US_EAST/ec2/aws4_request, SignedHeaders=host, Signature=00")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			checkError(t, w, c.status, c.code, c.msg)
		})
	}
}

func checkError(t *testing.T, w *httptest.ResponseRecorder, status int, code, msg string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	var doc errorDoc
	if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("error body is not XML: %v: %q", err, w.Body)
	}
	if doc.Code != code || !strings.Contains(doc.Message, msg) || doc.RequestID != rid {
		t.Errorf("got %s %q (request id %q), want %s %q", doc.Code, doc.Message, doc.RequestID, code, msg)
	}
	if !bytes.HasPrefix(w.Body.Bytes(), []byte(xmlDecl+"\n<Response>")) {
		t.Errorf("error framing: %q", w.Body)
	}
}

func TestGet(t *testing.T) {
	h, _ := testHandler(t, nil)
	r := httptest.NewRequest("GET", "/?"+form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "g", "KeyType", "ed25519"), nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<keyName>g</keyName>") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestNoContentType(t *testing.T) {
	h, _ := testHandler(t, nil)
	r := httptest.NewRequest("POST", "/", strings.NewReader(form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "n", "KeyType", "ed25519")))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestRegionFromScope(t *testing.T) {
	h, ts := testHandler(t, nil)
	body := form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "r", "KeyType", "ed25519")
	for _, region := range []string{"eu-west-1", "us-east-1"} {
		w := post(h, body, "Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd")
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", region, w.Code, w.Body)
		}
	}
	// Unsigned: the default Region, where "r" now exists.
	w := post(h, body)
	checkError(t, w, 400, ec2.CodeDuplicate, "The keypair 'r' already exists.")
	// Presigned query.
	q := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fap-south-2%2Fec2%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
	r := httptest.NewRequest("GET", "/?"+q+"&"+body, nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("presigned: %d %s", w.Code, w.Body)
	}
	if got := ts.List(); !reflect.DeepEqual(got, []string{"ap-south-2", "eu-west-1", "us-east-1"}) {
		t.Errorf("Regions in use: %v", got)
	}
}

func TestMaxRegions(t *testing.T) {
	h, _ := testHandler(t, &Options{MaxRegions: 2})
	body := form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "r", "KeyType", "ed25519", "DryRun", "true")
	for i, region := range []string{"r-1", "r-2", "r-1", "r-3"} {
		w := post(h, body, "Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=ab")
		if i < 3 && w.Code != 412 {
			t.Errorf("%s: %d %s", region, w.Code, w.Body)
		}
		if i == 3 {
			checkError(t, w, 400, "InvalidParameterValue", "at most 2 Regions")
		}
	}
}

func TestPanicRecovered(t *testing.T) {
	var logs bytes.Buffer
	h := newHandler(func(string) (*ec2.Service, error) { panic("boom") }, &Options{
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
		RequestID: func() string { return rid },
	})
	w := post(h, form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "p"))
	checkError(t, w, 500, "InternalError", "An internal error has occurred.")
	if !strings.Contains(logs.String(), "panic serving request") || !strings.Contains(logs.String(), "boom") ||
		!strings.Contains(logs.String(), "status=500") {
		t.Errorf("log: %s", logs.String())
	}
}

func TestRequestLog(t *testing.T) {
	var logs bytes.Buffer
	h, _ := testHandler(t, &Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	w := post(h, form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "logged", "KeyType", "ed25519"))
	if w.Code != 200 {
		t.Fatal(w.Body)
	}
	post(h, form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "logged", "KeyType", "ed25519"))
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line a request: %q", lines)
	}
	for _, want := range []string{"action=CreateKeyPair", "region=us-east-1", "status=200", "duration="} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %q lacks %q", lines[0], want)
		}
	}
	if !strings.Contains(lines[1], "status=400") || !strings.Contains(lines[1], "code=InvalidKeyPair.Duplicate") {
		t.Errorf("error line %q", lines[1])
	}
	if strings.Contains(logs.String(), "PRIVATE") || strings.Contains(logs.String(), "keyMaterial") {
		t.Error("log holds key material")
	}
}

func TestFormatUUID(t *testing.T) {
	var b [16]byte
	if got := FormatUUID(b); got != "00000000-0000-4000-8000-000000000000" {
		t.Error(got)
	}
	if u := randomUUID(); len(u) != 36 || u[14] != '4' {
		t.Error(u)
	}
}
