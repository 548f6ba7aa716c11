package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyforge/keyforge/ec2/boltstore"
	"github.com/keyforge/keyforge/ec2query"
	"github.com/keyforge/keyforge/keygen"
)

// lockedBuffer is a log sink the server and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs serve until the returned stop is called, which returns
// serve's error. The pool, if any, is sent on pools.
func startServe(t *testing.T, c serveConfig, pools chan<- *keygen.Pool) (endpoint string, logs *lockedBuffer, stop func() error) {
	t.Helper()
	c.onPool = func(p *keygen.Pool) { pools <- p }
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	logs = &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		err := serve(ctx, c, w, logs)
		w.Close()
		done <- err
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed no URL: %v; log:\n%s", <-done, logs)
	}
	go io.Copy(io.Discard, r)
	return strings.TrimSpace(line), logs, func() error { cancel(); return <-done }
}

// createRSA makes an RSA key pair through the endpoint and returns its key.
func createRSA(t *testing.T, endpoint, name string) *rsa.PrivateKey {
	t.Helper()
	form := url.Values{"Action": {"CreateKeyPair"}, "Version": {"2016-11-15"}, "KeyName": {name}}
	resp, err := http.PostForm(endpoint, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		KeyMaterial string `xml:"keyMaterial"`
	}
	if err := xml.Unmarshal(body, &out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("CreateKeyPair: %s %v\n%s", resp.Status, err, body)
	}
	b, _ := pem.Decode([]byte(out.KeyMaterial))
	if b == nil {
		t.Fatalf("no PEM in keyMaterial:\n%s", body)
	}
	k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestServePoolPersist: with --pool-persist, the unused pool keys go into
// the --state file at shutdown and a restarted server starts warm from
// them, handing out each at most once.
func TestServePoolPersist(t *testing.T) {
	state := filepath.Join(t.TempDir(), "keys.db")
	c := serveConfig{addr: "127.0.0.1:0", region: ec2query.DefaultRegion, state: state, pool: 3, poolPersist: true}
	pools := make(chan *keygen.Pool, 1)

	// First run: fill the pool, serve one key, stop.
	endpoint, logs, stop := startServe(t, c, pools)
	pool := <-pools
	waitPool(t, pool, 3)
	first := createRSA(t, endpoint, "first")
	if err := stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, logs)
	}
	if !strings.Contains(logs.String(), "saved the pool's unused keys") {
		t.Fatalf("no saved-keys log line:\n%s", logs)
	}

	// The file now holds the unused keys, not the one handed out.
	saved := peekSpareKeys(t, state)
	if len(saved) < 2 {
		t.Fatalf("%d keys saved, want at least 2", len(saved))
	}
	for _, k := range saved {
		if k.Equal(first) {
			t.Fatal("a key already handed out was saved as unused")
		}
	}

	// Second run: warm from the first request on, with the saved keys.
	endpoint, logs, stop = startServe(t, c, pools)
	pool = <-pools
	if s := pool.Stats(); s.Ready < len(saved) || s.Generated != 0 {
		t.Fatalf("restarted pool: %+v, want %d keys ready before any was generated", s, len(saved))
	}
	got := createRSA(t, endpoint, "second")
	if !got.Equal(saved[0]) {
		t.Fatal("the restarted server's first key is not the first saved one")
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, logs)
	}
	for _, k := range peekSpareKeys(t, state) {
		if k.Equal(got) || k.Equal(first) {
			t.Fatal("a handed-out key is in the file again")
		}
	}

	// A state file others may read is refused at start, not at shutdown.
	if err := os.Chmod(state, 0o644); err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // should it start after all
	defer cancel()
	if err := serve(ctx, c, io.Discard, &log); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("serve with a readable state file: %v, want a refusal naming 0600", err)
	}
}

func waitPool(t *testing.T, p *keygen.Pool, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for p.Len() < n {
		if time.Now().After(deadline) {
			t.Fatalf("pool holds %d keys after 60 s, want %d", p.Len(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// peekSpareKeys reads the spare keys of a closed state file and puts them
// back.
func peekSpareKeys(t *testing.T, path string) []*rsa.PrivateKey {
	t.Helper()
	s, err := boltstore.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ders, err := s.TakeSpareKeys(2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutSpareKeys(2048, ders); err != nil {
		t.Fatal(err)
	}
	var keys []*rsa.PrivateKey
	for _, der := range ders {
		k, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

func TestServePoolFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--pool-workers", "-1"}, "--pool-workers must be 0 or more"},
		{[]string{"--pool-persist"}, "--pool-persist needs --state"},
		{[]string{"--pool-persist", "--state", "x.db", "--pool", "0"}, "--pool-persist needs --pool 1 or more"},
		{[]string{"--pool-persist", "--state", "x.db", "--seed", "00112233445566778899aabbccddeeff"}, "does not apply with --seed"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runServe(c.args, nil, &stdout, &stderr); code == exitOK || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want a usage error with %q", c.args, code, stderr.String(), c.want)
		}
	}
}
