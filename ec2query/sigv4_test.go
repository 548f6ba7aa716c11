package ec2query

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The worked example of AWS's SigV4 documentation (IAM ListUsers).
func TestSigV4DocumentationVector(t *testing.T) {
	r := httptest.NewRequest("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	r.Host = "iam.amazonaws.com"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	si := &sigInfo{date: "20150830", region: "us-east-1", service: "iam", terminator: sigTerminator,
		signedHeaders: []string{"content-type", "host", "x-amz-date"}, amzDate: "20150830T123600Z"}
	empty := sha256.Sum256(nil)
	cr := canonicalRequest(r, r.URL.RawQuery, si, hex.EncodeToString(empty[:]))
	sum := sha256.Sum256([]byte(cr))
	if got := hex.EncodeToString(sum[:]); got != "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59" {
		t.Errorf("canonical request hash %s\n%s", got, cr)
	}
	key := signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam")
	sts := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n" + hex.EncodeToString(sum[:])
	if got := hex.EncodeToString(hmacSHA256(key, []byte(sts))); got != "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7" {
		t.Errorf("signature %s", got)
	}
}

var testCreds = Credentials{"AKIDTEST": "secret/test+key"}

var sigNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// sign signs r in place as a SigV4 client would (header form).
func sign(r *http.Request, body []byte, akid, secret, region string, at time.Time) {
	amz := at.UTC().Format(amzDateLayout)
	r.Header.Set("X-Amz-Date", amz)
	si := &sigInfo{accessKeyID: akid, date: amz[:8], region: region, service: "ec2", terminator: sigTerminator,
		signedHeaders: []string{"content-type", "host", "x-amz-date"}, amzDate: amz}
	sum := sha256.Sum256(body)
	cr := canonicalRequest(r, r.URL.RawQuery, si, hex.EncodeToString(sum[:]))
	crs := sha256.Sum256([]byte(cr))
	sts := sigAlgorithm + "\n" + amz + "\n" + amz[:8] + "/" + region + "/ec2/aws4_request\n" + hex.EncodeToString(crs[:])
	sig := hex.EncodeToString(hmacSHA256(signingKey(secret, amz[:8], region, "ec2"), []byte(sts)))
	r.Header.Set("Authorization", sigAlgorithm+" Credential="+akid+"/"+amz[:8]+"/"+region+"/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="+sig)
}

// presign adds a presigned query to a GET.
func presign(r *http.Request, akid, secret, region string, at time.Time, expires string) {
	amz := at.UTC().Format(amzDateLayout)
	q := r.URL.Query()
	q.Set("X-Amz-Algorithm", sigAlgorithm)
	q.Set("X-Amz-Credential", akid+"/"+amz[:8]+"/"+region+"/ec2/aws4_request")
	q.Set("X-Amz-Date", amz)
	q.Set("X-Amz-Expires", expires)
	q.Set("X-Amz-SignedHeaders", "host")
	r.URL.RawQuery = q.Encode()
	si := &sigInfo{presigned: true, date: amz[:8], region: region, service: "ec2", terminator: sigTerminator,
		signedHeaders: []string{"host"}, amzDate: amz}
	sum := sha256.Sum256(nil)
	cr := canonicalRequest(r, r.URL.RawQuery, si, hex.EncodeToString(sum[:]))
	crs := sha256.Sum256([]byte(cr))
	sts := sigAlgorithm + "\n" + amz + "\n" + amz[:8] + "/" + region + "/ec2/aws4_request\n" + hex.EncodeToString(crs[:])
	sig := hex.EncodeToString(hmacSHA256(signingKey(secret, amz[:8], region, "ec2"), []byte(sts)))
	r.URL.RawQuery += "&X-Amz-Signature=" + sig
}

func TestSigV4Verify(t *testing.T) {
	body := form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "s", "KeyType", "ed25519", "DryRun", "true")
	newReq := func() *http.Request {
		r := httptest.NewRequest("POST", "http://127.0.0.1:8080/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		return r
	}
	cases := []struct {
		name   string
		mutate func(r *http.Request)
		status int
		reason string
	}{
		{"valid", func(r *http.Request) { sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow) }, 412, ""},
		{"14 minutes early", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow.Add(-14*time.Minute))
		}, 412, ""},
		{"14 minutes late", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow.Add(14*time.Minute))
		}, 412, ""},
		{"unsigned", func(r *http.Request) {}, 401, "not signed"},
		{"wrong secret", func(r *http.Request) { sign(r, []byte(body), "AKIDTEST", "other", "eu-west-1", sigNow) }, 401, "does not match"},
		{"unknown key", func(r *http.Request) { sign(r, []byte(body), "AKIDOTHER", "secret/test+key", "eu-west-1", sigNow) }, 401, "unknown access key"},
		{"16 minutes old", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow.Add(-16*time.Minute))
		}, 401, "more than"},
		{"16 minutes ahead", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow.Add(16*time.Minute))
		}, 401, "more than"},
		{"tampered header", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}, 401, "does not match"},
		{"other region in scope", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "eu-west-1", "eu-west-2", 1))
		}, 401, "does not match"},
		{"scope date differs", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260304/", "/20260303/", 1))
		}, 401, "date"},
		{"no date", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Del("X-Amz-Date")
		}, 401, "X-Amz-Date"},
		{"Date header instead", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Del("X-Amz-Date")
			r.Header.Set("Date", sigNow.Format(http.TimeFormat))
		}, 401, "does not match"}, // x-amz-date was signed and is gone
		{"signature not hex", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-64]+strings.Repeat("z", 64))
		}, 401, "malformed signature"},
		{"short signature", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-2])
		}, 401, "malformed signature"},
		{"service s3", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/ec2/", "/s3/", 1))
		}, 401, "ec2/aws4_request"},
		{"sigv2", func(r *http.Request) { r.Header.Set("Authorization", "AWS AKIDTEST:abc") }, 401, "scheme"},
		{"malformed fields", func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential") }, 401, "malformed"},
		{"missing fields", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260304/us-east-1/ec2/aws4_request")
		}, 401, "lacks"},
		{"bad scope", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260304, SignedHeaders=host, Signature=00")
		}, 401, "scope"},
		{"unknown field", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=A/2/r/ec2/aws4_request, Foo=1")
		}, 401, "unknown Authorization field"},
		{"host not signed", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "content-type;host;x-amz-date", "content-type;x-amz-date", 1))
		}, 401, "include host"},
		{"payload hash mismatch", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
		}, 401, "X-Amz-Content-Sha256"},
		{"unsigned payload with a body", func(r *http.Request) {
			sign(r, []byte(body), "AKIDTEST", "secret/test+key", "eu-west-1", sigNow)
			r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		}, 401, "X-Amz-Content-Sha256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var in info
			h, _ := testHandler(t, &Options{Credentials: testCreds, Now: func() time.Time { return sigNow }})
			r := newReq()
			c.mutate(r)
			w := httptest.NewRecorder()
			resp := h.serve(r, rid, &in)
			w.WriteHeader(resp.status)
			w.Write(resp.body)
			if c.status == 401 {
				checkError(t, w, 401, "AuthFailure", "AWS was not able to validate the provided access credentials")
			} else if w.Code != c.status {
				t.Errorf("status %d: %s (auth: %s)", w.Code, w.Body, in.authReason)
			}
			if !strings.Contains(in.authReason, c.reason) {
				t.Errorf("reason %q, want %q", in.authReason, c.reason)
			}
			if c.status != 401 && in.region != "eu-west-1" {
				t.Errorf("region %q", in.region)
			}
		})
	}
}

func TestSigV4Presigned(t *testing.T) {
	h, _ := testHandler(t, &Options{Credentials: testCreds, Now: func() time.Time { return sigNow }})
	base := "http://localhost/?" + form1("Action", "CreateKeyPair", "Version", "2016-11-15", "KeyName", "p", "KeyType", "ed25519", "DryRun", "true")
	for _, c := range []struct {
		name    string
		at      time.Time
		expires string
		tamper  bool
		status  int
	}{
		{"valid", sigNow.Add(-time.Minute), "300", false, 412},
		{"expired", sigNow.Add(-10 * time.Minute), "300", false, 401},
		{"long expiry", sigNow.Add(-2 * time.Hour), "86400", false, 412},
		{"from the future", sigNow.Add(20 * time.Minute), "300", false, 401},
		{"expires too long", sigNow, "604801", false, 401},
		{"expires not a number", sigNow, "x", false, 401},
		{"tampered", sigNow, "300", true, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", base, nil)
			presign(r, "AKIDTEST", "secret/test+key", "sa-east-1", c.at, c.expires)
			if c.tamper {
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "KeyName=p", "KeyName=q", 1)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.status {
				t.Errorf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	got := canonicalQuery("b=2&a=x+y&a=%2F&X-Amz-Signature=s&c", true)
	if want := "a=%2F&a=x%20y&b=2&c="; got != want {
		t.Errorf("%s, want %s", got, want)
	}
	if got := uriEncode("/a b/ü~", false); got != "/a%20b/%C3%BC~" {
		t.Error(got)
	}
	if got := collapseSpaces("  a   b  c "); got != "a b c" {
		t.Errorf("%q", got)
	}
	_ = url.Values{}
}

func TestReadCredentials(t *testing.T) {
	c, err := ReadCredentials(strings.NewReader("# keys\nAKID1 s1\n\n  AKID2\ts2  \n"))
	if err != nil || len(c) != 2 || c["AKID1"] != "s1" || c["AKID2"] != "s2" {
		t.Fatalf("%v %v", c, err)
	}
	for _, bad := range []string{"", "# only\n", "AKID\n", "A B C\n", "A s\nA t\n", strings.Repeat("x", maxCredentialsFile+10)} {
		_, err := ReadCredentials(strings.NewReader(bad))
		if err == nil {
			t.Errorf("%.20q: no error", bad)
			continue
		}
		if strings.Contains(err.Error(), " s\n") || strings.Contains(err.Error(), "t\n") {
			t.Errorf("error shows a secret: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "ec2query: ") {
			t.Errorf("prefix: %v", err)
		}
	}
	if _, err := LoadCredentials("/nonexistent/creds"); err == nil {
		t.Error("missing file: no error")
	}
}
