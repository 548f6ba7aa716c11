package ec2query

import (
	"encoding/xml"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/ec2"
)

// FuzzRequest feeds arbitrary requests to a Handler with and without
// signature checks: every answer must be a well-formed XML document with a
// 200, 400, 401 or 412 status, never a 5xx, and never a panic.
func FuzzRequest(f *testing.F) {
	f.Add(false, "", "Action=CreateKeyPair&Version=2016-11-15&KeyName=a&KeyType=ed25519", "application/x-www-form-urlencoded", "")
	f.Add(false, "", "Action=CreateKeyPair&Version=2016-11-15&KeyName=t&KeyType=ed25519&TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=%26", "", "")
	f.Add(false, "", "Action=ImportKeyPair&Version=2016-11-15&KeyName=i&PublicKeyMaterial=c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUxSK3pOUWJZWTVPUnVoWVhHTVRTbmpSTHpTOUM1ZFVkV1JLZGxxaTIwcTI=", "", "")
	f.Add(false, "", "Action=DescribeKeyPairs&Version=2016-11-15&KeyName.1=a&Filter.1.Name=key-name&Filter.1.Value.1=*&IncludePublicKey=true", "", "")
	f.Add(false, "", "Action=DeleteKeyPair&Version=2016-11-15&KeyName=a&DryRun=false", "", "")
	f.Add(true, "Action=CreateKeyPair&Version=2016-11-15&KeyName=g&KeyType=ed25519", "", "", "")
	f.Add(false, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20260101%2Fus-west-2%2Fec2%2Faws4_request", "Action=DescribeKeyPairs&Version=2016-11-15", "", "")
	f.Add(false, "", "Action=CreateKeyPair&Version=2016-11-15&KeyName=a&TagSpecification.01.Tag.0.Key=%zz", "text/plain", "AWS4-HMAC-SHA256 Credential=A/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=00")
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	// A quota of 2 a Region keeps the fuzzer from spending its time making
	// RSA keys: once a Region is full, a create stops before generating.
	regions := func() *ec2.Regions { return ec2.NewRegions(ec2.Options{Seed: []byte(testSeed), MaxKeyPairs: 2}) }
	open := NewHandler(regions(), &Options{Now: now, MaxRegions: 4, RequestID: func() string { return rid }})
	closed := NewHandler(regions(), &Options{Now: now, Credentials: testCreds, RequestID: func() string { return rid }})
	f.Fuzz(func(t *testing.T, get bool, query, body, ctype, auth string) {
		for _, h := range []*Handler{open, closed} {
			method := "POST"
			if get {
				method = "GET"
			}
			r := httptest.NewRequest(method, "/", strings.NewReader(body))
			r.URL.RawQuery = query
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			if auth != "" {
				r.Header.Set("Authorization", auth)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			switch w.Code {
			case 200, 400, 401, 412:
			default:
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var doc struct{ XMLName xml.Name }
			if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatalf("not XML (%v): %q", err, w.Body)
			}
			if (w.Code == 200) == (doc.XMLName.Local == "Response") {
				t.Fatalf("status %d with document %s", w.Code, doc.XMLName.Local)
			}
		}
	})
}
