package interop

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SIGTERM while RSA creates (generated inline, --pool 0) are in flight:
// every request the server had taken is answered 200, the process exits 0,
// and with --state every answered key pair is there after a restart.
// Connections still in the kernel's accept queue when the listener closes
// fail (refused, reset or EOF) without being served: those names must not
// exist afterwards, or an answer was lost.
func TestGracefulShutdown(t *testing.T) {
	state := filepath.Join(t.TempDir(), "keys.db")
	s := launch(t, "--pool", "0", "--state", state)
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	var answered, unserved []string
	var afterTerm int
	var termAt time.Time
	started := make(chan struct{}, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("inflight-%d", i)
			body := url.Values{"Action": {"CreateKeyPair"}, "Version": {"2016-11-15"}, "KeyName": {name}}.Encode()
			started <- struct{}{}
			resp, err := http.Post(s.URL, "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
					t.Errorf("%s: %v (want an answer or a connection that was never served)", name, err)
				}
				mu.Lock()
				unserved = append(unserved, name)
				mu.Unlock()
				return
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			if resp.StatusCode != 200 {
				t.Errorf("%s: status %d", name, resp.StatusCode)
				return
			}
			answered = append(answered, name)
			if !termAt.IsZero() {
				afterTerm++
			}
		}()
	}
	for range n {
		<-started
	}
	time.Sleep(20 * time.Millisecond) // the requests are on their way
	mu.Lock()
	termAt = time.Now()
	mu.Unlock()
	s.cmd.Process.Signal(syscall.SIGTERM)
	wg.Wait()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30 s after SIGTERM")
	}
	if !strings.Contains(s.stderr.String(), "msg=stopped") {
		t.Errorf("log:\n%s", s.stderr)
	}
	t.Logf("%d of %d answered, %d of them after SIGTERM", len(answered), n, afterTerm)
	if afterTerm == 0 {
		t.Log("no request was still in flight at SIGTERM (machine too fast); nothing to check there")
	}
	s2 := startServer(t, "--state", state)
	have, err := describeRaw(s2, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range answered {
		if have[name] == "" {
			t.Errorf("%s was answered but is not in the state file", name)
		}
	}
	for _, name := range unserved {
		if have[name] != "" {
			t.Errorf("%s was created but its answer was lost", name)
		}
	}
}
