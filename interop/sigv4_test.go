package interop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	akid   = "AKIDLOCAL"
	secret = "s3cret/with+chars"
)

func authServer(t *testing.T, args ...string) *server {
	creds := filepath.Join(t.TempDir(), "creds")
	if err := os.WriteFile(creds, []byte("# test keys\n"+akid+" "+secret+"\nAKIDOTHER other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return startServer(t, append([]string{"--credentials", creds}, args...)...)
}

// The server verifies what aws-sdk-go-v2's own signer makes: a client with
// the right secret works; a wrong secret, an unknown key and an unsigned
// request get 401 AuthFailure.
func TestSigV4SDKClient(t *testing.T) {
	s := authServer(t)
	ctx := context.Background()
	const authMsg = "AWS was not able to validate the provided access credentials"
	good := sdkClient(s, "eu-central-1", credentials.NewStaticCredentialsProvider(akid, secret, ""))
	if _, err := good.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("signed"), KeyType: types.KeyTypeEd25519}); err != nil {
		t.Fatal(err)
	}
	out, err := good.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{KeyNames: []string{"signed"}})
	if err != nil || len(out.KeyPairs) != 1 {
		t.Fatalf("describe: %v %v", out, err)
	}
	// A session token is signed too and does not disturb verification.
	withToken := sdkClient(s, "eu-central-1", credentials.NewStaticCredentialsProvider(akid, secret, "session-token"))
	if _, err := withToken.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{}); err != nil {
		t.Fatal(err)
	}
	for name, creds := range map[string]aws.CredentialsProvider{
		"wrong secret": credentials.NewStaticCredentialsProvider(akid, "wrong", ""),
		"unknown key":  credentials.NewStaticCredentialsProvider("AKIDNOBODY", secret, ""),
		"unsigned":     aws.AnonymousCredentials{},
	} {
		c := sdkClient(s, "eu-central-1", creds)
		_, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("x-" + strings.ReplaceAll(name, " ", "-")), KeyType: types.KeyTypeEd25519})
		t.Run(name, func(t *testing.T) { apiError(t, s, err, "AuthFailure", authMsg, 401) })
	}
	// Nothing was created by the refused requests.
	out, err = good.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{})
	if err != nil || len(out.KeyPairs) != 1 {
		t.Errorf("after refusals: %+v %v", out, err)
	}
	if strings.Contains(s.stderr.String(), secret) {
		t.Error("the log shows a secret")
	}
}

// Requests signed by the SDK's v4.Signer at chosen times: within 15
// minutes of the server's clock they pass, beyond it they get 401; and
// presigned GETs work until they expire.
func TestSigV4SDKSigner(t *testing.T) {
	s := authServer(t)
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	signer := v4.NewSigner()
	body := url.Values{"Action": {"DescribeKeyPairs"}, "Version": {"2016-11-15"}}.Encode()
	emptyHash := sha256.Sum256(nil)
	bodyHash := sha256.Sum256([]byte(body))
	send := func(req *http.Request) (int, string) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(at time.Time) (int, string) {
		req, _ := http.NewRequest("POST", s.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if err := signer.SignHTTP(ctx, creds, req, hex.EncodeToString(bodyHash[:]), "ec2", "ap-northeast-1", at); err != nil {
			t.Fatal(err)
		}
		return send(req)
	}
	now := time.Now()
	for _, c := range []struct {
		name   string
		at     time.Time
		status int
	}{
		{"now", now, 200},
		{"14 minutes slow", now.Add(-14 * time.Minute), 200},
		{"14 minutes fast", now.Add(14 * time.Minute), 200},
		{"20 minutes slow", now.Add(-20 * time.Minute), 401},
		{"20 minutes fast", now.Add(20 * time.Minute), 401},
	} {
		status, b := post(c.at)
		if status != c.status {
			t.Errorf("%s: %d %s", c.name, status, b)
		}
		if status == 401 && !strings.Contains(b, "<Code>AuthFailure</Code>") {
			t.Errorf("%s: %s", c.name, b)
		}
	}
	// A body changed after signing.
	req, _ := http.NewRequest("POST", s.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	signer.SignHTTP(ctx, creds, req, hex.EncodeToString(bodyHash[:]), "ec2", "ap-northeast-1", now)
	tampered := strings.Replace(body, "DescribeKeyPairs", "DescribeKeyPairz", 1)
	req.Body = io.NopCloser(strings.NewReader(tampered))
	if status, b := send(req); status != 401 {
		t.Errorf("tampered body: %d %s", status, b)
	}

	presign := func(at time.Time, expires string) (int, string) {
		q := url.Values{"Action": {"DescribeKeyPairs"}, "Version": {"2016-11-15"}, "X-Amz-Expires": {expires}}
		req, _ := http.NewRequest("GET", s.URL+"/?"+q.Encode(), nil)
		signed, _, err := signer.PresignHTTP(ctx, creds, req, hex.EncodeToString(emptyHash[:]), "ec2", "ap-northeast-1", at)
		if err != nil {
			t.Fatal(err)
		}
		req, _ = http.NewRequest("GET", signed, nil)
		return send(req)
	}
	if status, b := presign(now.Add(-time.Minute), "300"); status != 200 || !strings.Contains(b, "DescribeKeyPairsResponse") {
		t.Errorf("presigned: %d %s", status, b)
	}
	if status, b := presign(now.Add(-10*time.Minute), "300"); status != 401 {
		t.Errorf("expired presigned: %d %s", status, b)
	}
	if !strings.Contains(s.stderr.String(), "region=ap-northeast-1") {
		t.Error("signed Region not used")
	}
}
