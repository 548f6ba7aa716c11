package ec2query_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2query"
)

func Example() {
	// One line mounts the endpoint; point any AWS client's endpoint URL at it.
	srv := httptest.NewServer(ec2query.NewHandler(ec2.NewRegions(ec2.Options{}), nil))
	defer srv.Close()

	form := url.Values{"Action": {"CreateKeyPair"}, "Version": {"2016-11-15"}, "KeyName": {"demo"}, "KeyType": {"ed25519"}}
	resp, err := http.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	fmt.Println(strings.Contains(string(body), "<keyName>demo</keyName>"))

	// The same name again: EC2's error document, status 400.
	resp, _ = http.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	_, msg, _ := strings.Cut(string(body), "<Message>")
	msg, _, _ = strings.Cut(msg, "</Message>")
	fmt.Println(resp.StatusCode, msg)
	// Output:
	// 200 OK text/xml;charset=UTF-8
	// true
	// 400 The keypair 'demo' already exists.
}
