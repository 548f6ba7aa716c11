package interop

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// TestKill9 runs keyforge serve --state under concurrent creates, imports
// and deletes in two Regions, SIGKILLs it mid-flight, restarts it on the
// same file, and checks that every acknowledged create and import is there
// with its id and no acknowledged delete came back. Several rounds share
// one file, so each restart also reloads what the earlier rounds left.
func TestKill9(t *testing.T) {
	state := filepath.Join(t.TempDir(), "keys.db")
	regions := []string{"us-east-1", "eu-west-1"}
	// want[region][name] is the id of an acknowledged key pair ("" once an
	// acknowledged delete removed it); unacknowledged operations may or may
	// not have happened and are not recorded.
	want := map[string]map[string]string{}
	for _, r := range regions {
		want[r] = map[string]string{}
	}
	// pending[region][name]: a delete was sent but not acknowledged; the
	// key pair may or may not be there after the kill.
	pending := map[string]map[string]bool{}
	for _, r := range regions {
		pending[r] = map[string]bool{}
	}
	pub := []byte(edLine(t, "kill"))
	const rounds, workers = 5, 16
	for round := range rounds {
		s := launch(t, "--state", state, "--pool", "0")
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var acked atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				region := regions[w%len(regions)]
				c := sdkClient(s, region, nil)
				for i := 0; ctx.Err() == nil; i++ {
					name := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					var id string
					var err error
					if i%3 == 2 {
						var out *ec2sdk.ImportKeyPairOutput
						if out, err = c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String(name), PublicKeyMaterial: pub}); err == nil {
							id = aws.ToString(out.KeyPairId)
						}
					} else {
						var out *ec2sdk.CreateKeyPairOutput
						if out, err = c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String(name), KeyType: types.KeyTypeEd25519}); err == nil {
							id = aws.ToString(out.KeyPairId)
						}
					}
					if err != nil {
						checkKillError(t, ctx, err)
						return
					}
					mu.Lock()
					want[region][name] = id
					mu.Unlock()
					acked.Add(1)
					if i%4 == 3 { // delete an earlier one of this worker's
						victim := fmt.Sprintf("r%d-w%d-%d", round, w, i-2)
						mu.Lock()
						_, ok := want[region][victim]
						if ok {
							pending[region][victim] = true
						}
						mu.Unlock()
						if !ok {
							continue
						}
						if _, err := c.DeleteKeyPair(ctx, &ec2sdk.DeleteKeyPairInput{KeyName: aws.String(victim)}); err != nil {
							checkKillError(t, ctx, err)
							return
						}
						mu.Lock()
						want[region][victim] = ""
						delete(pending[region], victim)
						mu.Unlock()
					}
				}
			}()
		}
		// Kill once writes are flowing, at a random moment.
		deadline := time.Now().Add(10 * time.Second)
		for acked.Load() < 100 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(200)) * time.Millisecond)
		s.kill()
		cancel()
		wg.Wait()
		if acked.Load() < 100 {
			t.Fatalf("round %d: only %d writes acknowledged before the kill", round, acked.Load())
		}

		// Restart on the same file and compare.
		s2 := launch(t, "--state", state, "--pool", "0")
		t.Logf("round %d: killed %s, restarted at %s", round, s.URL, s2.URL)
		for _, region := range regions {
			have, err := describeRaw(s2, region)
			if err != nil {
				t.Fatal(err)
			}
			lost, resurrected := 0, 0
			for name, id := range want[region] {
				switch got, ok := have[name]; {
				case pending[region][name]:
					// an unacknowledged delete: either outcome is right
				case id != "" && got != id:
					lost++
					if lost < 5 {
						t.Errorf("round %d %s: acknowledged %s (%s) is %q after the restart", round, region, name, id, got)
					}
				case id == "" && ok:
					resurrected++
					t.Errorf("round %d %s: acknowledged delete of %s undone", round, region, name)
				}
			}
			if lost > 0 {
				t.Errorf("round %d %s: %d acknowledged key pairs lost", round, region, lost)
			}
			// Adopt what the restart shows for operations that were in flight.
			for name := range pending[region] {
				want[region][name] = have[name]
			}
			pending[region] = map[string]bool{}
			for name, id := range have {
				want[region][name] = id
			}
		}
		t.Logf("round %d: %d writes acknowledged before SIGKILL; all present after restart", round, acked.Load())
		s2.stop(t)
	}
}

// describeRaw lists a Region's key pairs (name → id) over plain HTTP with
// encoding/xml, so that the check of what survived a SIGKILL depends on no
// SDK (aws-sdk-go-v2 needs bufferedBody for large describes: see
// bodyrace_test.go).
func describeRaw(s *server, region string) (map[string]string, error) {
	req, _ := http.NewRequest("POST", s.URL, strings.NewReader("Action=DescribeKeyPairs&Version=2016-11-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("describe: %d %s", resp.StatusCode, b)
	}
	var doc struct {
		Items []struct {
			Name string `xml:"keyName"`
			ID   string `xml:"keyPairId"`
		} `xml:"keySet>item"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	have := make(map[string]string, len(doc.Items))
	for _, it := range doc.Items {
		have[it.Name] = it.ID
	}
	return have, nil
}

// checkKillError accepts the errors a killed server causes (connection
// refused or reset, cancelled context) and nothing else.
func checkKillError(t *testing.T, ctx context.Context, err error) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		t.Errorf("API error under load: %v", err)
	}
}
