package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// aws-sdk-go-v2 (smithy-go's ClientHandler, up to smithy-go 1.28.9 at
// least) races net/http over the request body, and a server that answers
// fast loses the race for it. The body smithy-go gives the transport is a
// "safe" wrapper whose WriteTo returns io.EOF once closed, and smithy-go
// closes it as soon as Client.Do returns. net/http, for a body it cannot
// prove is in memory, flushes the headers, copies Content-Length bytes
// straight to the socket, and only then reads the body once more to check
// that it has no extra bytes. If the response headers arrive in between,
// Do returns, the SDK closes the body, the extra read fails with io.EOF,
// the transport's write loop counts that as a write error and closes the
// connection, and whatever of the response body was not read yet is lost:
// "deserialization failed, failed to decode response body, read tcp ...:
// use of closed network connection". Nothing in the response (framing,
// headers, timing of the server's reads) can prevent it; a response that
// came in the client's first read survives. A slow server (moto_server
// answers a describe of 300 key pairs in tens of milliseconds) never
// shows it; keyforge serve answers in about a millisecond.

// bufferedBody is the workaround for SDK users: an HTTPClient that hands
// the transport its own in-memory copy of the request body. net/http then
// writes headers and body in one flush after its checks, and the SDK's
// early Close no longer touches the body being written.
type bufferedBody struct{ next aws.HTTPClient }

func (b bufferedBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.Do(r)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return b.next.Do(r2)
}

func raceClient(url string, hc aws.HTTPClient) *ec2sdk.Client {
	return ec2sdk.New(ec2sdk.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   hc,
	})
}

// TestSDKLargeDescribes runs 200 describes of 320 key pairs through the
// SDK with the workaround and wants every one to succeed; then it shows
// that without it the SDK fails as often against a plain net/http server
// sending keyforge's recorded response as against keyforge serve, and only
// with the closed-connection error.
func TestSDKLargeDescribes(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	const keys = 320
	fixed := raceClient(s.URL, bufferedBody{http.DefaultClient})
	for i := range keys {
		if _, err := fixed.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{
			KeyName: aws.String(fmt.Sprintf("many-%04d", i)), KeyType: types.KeyTypeEd25519}); err != nil {
			t.Fatal(err)
		}
	}
	describe := func(c *ec2sdk.Client) error {
		out, err := c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{})
		if err == nil && len(out.KeyPairs) != keys {
			t.Fatalf("describe: %d key pairs, want %d", len(out.KeyPairs), keys)
		}
		return err
	}
	for i := range 200 {
		if err := describe(fixed); err != nil {
			t.Fatalf("describe %d with a buffered request body: %v", i, err)
		}
	}

	// The same bytes from the plainest net/http handler there is.
	req, _ := http.NewRequest("POST", s.URL, strings.NewReader("Action=DescribeKeyPairs&Version=2016-11-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("describe: %d %v", resp.StatusCode, err)
	}
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.Write(doc)
	}))
	defer plain.Close()

	sdkServe := raceClient(s.URL, nil)
	sdkPlain := raceClient(plain.URL, nil)
	var failServe, failPlain int
	for range 100 {
		for _, c := range []struct {
			c *ec2sdk.Client
			n *int
		}{{sdkServe, &failServe}, {sdkPlain, &failPlain}} {
			if err := describe(c.c); err != nil {
				if !errors.Is(err, net.ErrClosed) {
					t.Fatalf("describe: %v", err)
				}
				*c.n++
			}
		}
	}
	t.Logf("SDK without the workaround: %d/100 describes failed against keyforge serve, %d/100 against a plain net/http server", failServe, failPlain)
	if failServe >= 10 && failPlain == 0 {
		t.Errorf("the race hit keyforge serve %d times and a plain server never", failServe)
	}
}

// closedEOFBody is smithy-go's request body reduced to what matters: once
// closed, WriteTo reports io.EOF.
type closedEOFBody struct {
	mu     sync.Mutex
	r      *bytes.Reader
	closed bool
}

func (b *closedEOFBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.EOF
	}
	return b.r.Read(p)
}

func (b *closedEOFBody) WriteTo(w io.Writer) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.EOF
	}
	return b.r.WriteTo(w)
}

func (b *closedEOFBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

// TestBodyCloseRaceWithoutSDK reproduces the SDK's failure with net/http
// alone: a plain server, a 64 KiB answer, and a request body closed the
// moment Do returns, as smithy-go does.
func TestBodyCloseRaceWithoutSDK(t *testing.T) {
	answer := bytes.Repeat([]byte("x"), 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write(answer)
	}))
	defer srv.Close()
	get := func(body io.ReadCloser) error {
		req, _ := http.NewRequest("POST", srv.URL, body)
		req.ContentLength = 40
		resp, err := srv.Client().Do(req)
		if err != nil {
			return err
		}
		body.Close()
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil && n != int64(len(answer)) {
			t.Fatalf("read %d bytes", n)
		}
		return err
	}
	payload := strings.Repeat("a", 40)
	for i := range 200 {
		if err := get(io.NopCloser(strings.NewReader(payload))); err != nil {
			t.Fatalf("request %d with an in-memory body: %v", i, err)
		}
	}
	for i := range 2000 {
		err := get(&closedEOFBody{r: bytes.NewReader([]byte(payload))})
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("request %d: %v", i, err)
			}
			t.Logf("request %d failed as the SDK does: %v", i, err)
			return
		}
	}
	t.Log("the race did not happen in 2000 requests")
}
