package ec2

import (
	"context"
	"errors"
	"testing"
	"time"
)

// blockingStore holds every Put until release is closed.
type blockingStore struct {
	*MemoryStore
	entered chan struct{}
	release chan struct{}
}

func (b *blockingStore) Put(ctx context.Context, region string, r Record) error {
	b.entered <- struct{}{}
	<-b.release
	return b.MemoryStore.Put(ctx, region, r)
}

// TestWaitForNameInFlight: requests on a name with a create in flight wait
// for it (and give up with Unavailable when their context ends); Restore
// waits for requests in flight.
func TestWaitForNameInFlight(t *testing.T) {
	st := &blockingStore{MemoryStore: NewMemoryStore(), entered: make(chan struct{}, 8), release: make(chan struct{})}
	r := NewRegions(Options{Store: st})
	s, err := r.Service("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := make(chan error, 1)
	go func() {
		_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})
		first <- err
	}()
	<-st.entered // the create is in the store

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err = s.CreateKeyPair(short, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519"})
	expectAPIError(t, err, CodeUnavailable, 503, "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap the deadline", err)
	}
	short2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	_, err = s.DeleteKeyPair(short2, &DeleteKeyPairInput{KeyName: "k"})
	expectAPIError(t, err, CodeUnavailable, 503, "The request did not complete; no key pair was deleted.")

	// Other names are not held up.
	if _, err := s.DeleteKeyPair(ctx, &DeleteKeyPairInput{KeyName: "other"}); err != nil {
		t.Fatal(err)
	}
	// A delete of k waits for the create, then deletes what it made.
	deleted := make(chan *DeleteKeyPairOutput, 1)
	go func() {
		out, err := s.DeleteKeyPair(ctx, &DeleteKeyPairInput{KeyName: "k"})
		if err != nil {
			t.Error(err)
		}
		deleted <- out
	}()
	select {
	case <-deleted:
		t.Fatal("delete did not wait for the create in flight")
	case <-time.After(50 * time.Millisecond):
	}
	st.release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if out := <-deleted; out.KeyPairId == "" {
		t.Error("the waiting delete found nothing to delete")
	}

	// Restore waits for a create in flight, then replaces its result too.
	go func() {
		_, err := s.CreateKeyPair(ctx, &CreateKeyPairInput{KeyName: "k2", KeyType: "ed25519"})
		first <- err
	}()
	<-st.entered
	restored := make(chan error, 1)
	snap := []byte(`{"format":"keyforge-ec2-state","version":1,"regions":{}}`)
	go func() { restored <- r.Restore(ctx, snap) }()
	select {
	case <-restored:
		t.Fatal("restore did not wait for the request in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(st.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-restored; err != nil {
		t.Fatal(err)
	}
	if d, _ := s.DescribeKeyPairs(ctx, nil); len(d.KeyPairs) != 0 {
		t.Fatalf("after restore of an empty snapshot: %+v", d.KeyPairs)
	}
}
