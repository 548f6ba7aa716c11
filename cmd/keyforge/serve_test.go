package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeHelp(t *testing.T) {
	out, _, code := runCLI(t, "", "serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	_, examples, ok := strings.Cut(out, "Each option with an example:")
	if !ok {
		t.Fatalf("help has no examples:\n%s", out)
	}
	out = examples
	for _, opt := range []string{"--addr", "--region", "--state", "--seed", "--pool", "--pool-workers", "--pool-persist", "--credentials"} {
		// Each option is explained with a keyforge serve line and an aws command.
		i := strings.Index(out, "  "+opt+" ")
		if i < 0 {
			t.Errorf("help does not explain %s", opt)
			continue
		}
		block := out[i:]
		if j := strings.Index(block[2:], "\n  --"); j >= 0 {
			block = block[:j+2]
		}
		if !strings.Contains(block, "keyforge serve "+opt) || !strings.Contains(block, "aws ec2 ") {
			t.Errorf("%s has no example:\n%s", opt, block)
		}
	}
}

func TestServeUsageErrors(t *testing.T) {
	for args, want := range map[string]int{
		"serve --region Bad_Region":       2,
		"serve --pool -1":                 2,
		"serve --seed 00":                 2,
		"serve --nope":                    2,
		"serve extra":                     2,
		"serve --credentials /nonexist/x": 1,
		"serve --addr 256.0.0.1:1":        1,
	} {
		_, errOut, code := runCLI(t, "", strings.Fields(args)...)
		if code != want || errOut == "" {
			t.Errorf("keyforge %s: exit %d, want %d; stderr %q", args, code, want, errOut)
		}
	}
}

// syncBuf is a goroutine-safe buffer for the server's streams.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve in-process: the URL on stdout, a log line a request, and a clean
// stop when the context ends, after which the state file opens again.
func TestServeInProcess(t *testing.T) {
	state := filepath.Join(t.TempDir(), "keys.db")
	creds := filepath.Join(t.TempDir(), "creds")
	os.WriteFile(creds, []byte("AKID secret\n"), 0o600)
	for round, c := range []serveConfig{
		{addr: "127.0.0.1:0", region: "eu-west-3", state: state},
		{addr: "127.0.0.1:0", region: "eu-west-3", state: state, credentials: creds},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuf
		done := make(chan error, 1)
		go func() { done <- serve(ctx, c, &stdout, &stderr) }()
		var url string
		for i := 0; i < 500 && url == ""; i++ {
			url = strings.TrimSpace(stdout.String())
			time.Sleep(10 * time.Millisecond)
		}
		if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
			t.Fatalf("printed %q", url)
		}
		resp, err := http.Post(url, "application/x-www-form-urlencoded",
			strings.NewReader("Action=CreateKeyPair&Version=2016-11-15&KeyType=ed25519&KeyName=k"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// Round 0 creates k; round 1 checks signatures, so the unsigned request is refused.
		want := []int{200, 401}[round]
		if resp.StatusCode != want {
			t.Errorf("round %d: status %d: %s", round, resp.StatusCode, body)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
		log := stderr.String()
		want1 := []string{"action=CreateKeyPair region=eu-west-3 status=200", "action=CreateKeyPair region=- status=401"}[round]
		if !strings.Contains(log, want1) || !strings.Contains(log, "msg=stopped") {
			t.Errorf("log:\n%s", log)
		}
		if strings.Contains(log, "PRIVATE KEY") {
			t.Error("log holds key material")
		}
	}
}
