package ec2query

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/ec2"
)

func benchHandler(b *testing.B, n int) *Handler {
	regions := ec2.NewRegions(ec2.Options{})
	svc, _ := regions.Service(DefaultRegion)
	pub := []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 c\n")
	for i := range n {
		if _, err := svc.ImportKeyPair(context.Background(), &ec2.ImportKeyPairInput{KeyName: fmt.Sprintf("key-%05d", i), PublicKeyMaterial: pub}); err != nil {
			b.Fatal(err)
		}
	}
	return NewHandler(regions, nil)
}

// discard is a ResponseWriter that keeps only the status, so benchmarks
// measure the Handler and not a recorder's copy of the body.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

func serveBody(h *Handler, body string) int {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, r)
	return w.code
}

// BenchmarkDescribe5000 is DescribeKeyPairs of 5,000 key pairs through the
// Handler (parsing, the Service, the XML), without the network.
func BenchmarkDescribe5000(b *testing.B) {
	h := benchHandler(b, 5000)
	b.ReportAllocs()
	for b.Loop() {
		if c := serveBody(h, "Action=DescribeKeyPairs&Version=2016-11-15"); c != 200 {
			b.Fatal(c)
		}
	}
}

// BenchmarkCreateEd25519 is one Ed25519 CreateKeyPair through the Handler.
func BenchmarkCreateEd25519(b *testing.B) {
	h := benchHandler(b, 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if c := serveBody(h, "Action=CreateKeyPair&Version=2016-11-15&KeyType=ed25519&KeyName=k"+fmt.Sprint(i)); c != 200 {
			b.Fatal(c)
		}
		if i%4000 == 0 { // stay under the quota
			h = benchHandler(b, 0)
		}
	}
}
