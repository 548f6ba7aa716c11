// Package storetest checks that an ec2.Store keeps its contract and that a
// Service over it keeps its concurrency guarantees: 64 concurrent creates
// of one name have one winner, concurrent creates and deletes of one name
// are linearizable, nothing is stored when a request fails, and a seeded
// Service over a reopened store goes on as one that never stopped. The
// MemoryStore and boltstore tests call Run; so can the tests of an
// emulator's own Store:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, storetest.Opener{New: func(t *testing.T) ec2.Store { return newMyStore(t) }})
//	}
//
// Run them under -race.
package storetest

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/pemenc"
)

// Opener makes a Store for a test. Reopen, when the Store is durable,
// closes the given one and opens the same state again; nil means the store
// is reused as it is (in memory).
type Opener struct {
	New    func(t *testing.T) ec2.Store
	Reopen func(t *testing.T, s ec2.Store) ec2.Store
}

func (o Opener) reopen(t *testing.T, s ec2.Store) ec2.Store {
	if o.Reopen == nil {
		return s
	}
	return o.Reopen(t, s)
}

// Run runs every check.
func Run(t *testing.T, o Opener) {
	t.Run("Contract", func(t *testing.T) { testContract(t, o) })
	t.Run("OneWinner", func(t *testing.T) { testOneWinner(t, o) })
	t.Run("Linearizable", func(t *testing.T) { testLinearizable(t, o) })
	t.Run("NothingStoredOnFailure", func(t *testing.T) { testNothingStored(t, o) })
	t.Run("Reopen", func(t *testing.T) { testReopen(t, o) })
}

// PublicKeyLine returns the authorized_keys form of a fixed Ed25519 key.
func PublicKeyLine(i int) string {
	seed := make([]byte, ed25519.SeedSize)
	seed[0], seed[1] = byte(i), byte(i>>8)
	b, err := pemenc.MarshalAuthorizedKey(ed25519.NewKeyFromSeed(seed).Public(), "")
	if err != nil {
		panic(err)
	}
	return string(b[:len(b)-1])
}

func rec(name string, i int, gen uint64) ec2.Record {
	return ec2.Record{
		KeyName:        name,
		KeyPairId:      fmt.Sprintf("key-0%016x", i),
		KeyType:        "ed25519",
		KeyFingerprint: fmt.Sprintf("fp%d", i),
		PublicKey:      PublicKeyLine(i),
		CreateTime:     time.Date(2026, 1, 2, 3, 4, 5, i*1e6, time.UTC),
		Generation:     gen,
	}
}

func testContract(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.New(t)
	st, err := s.Load(ctx, "us-east-1")
	if err != nil || len(st.KeyPairs) != 0 || len(st.Generations) != 0 {
		t.Fatalf("new store: %+v, %v", st, err)
	}
	a, b, c := rec("a", 1, 1), rec("b", 2, 1), rec("c", 3, 4)
	a.Tags = []ec2.Tag{{Key: "env", Value: "prod"}, {Key: "empty", Value: ""}}
	for _, r := range []ec2.Record{a, b, c} {
		if err := s.Put(ctx, "us-east-1", r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, "eu-west-1", rec("a", 9, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "us-east-1", "b"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "us-east-1", "nonexistent"); err != nil {
		t.Fatalf("deleting a missing name: %v", err)
	}
	s = o.reopen(t, s)
	check := func(s ec2.Store) {
		t.Helper()
		st, err := s.Load(ctx, "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		want := ec2.RegionState{KeyPairs: []ec2.Record{a, c}, Generations: map[string]uint64{"a": 1, "b": 1, "c": 4}}
		if !equalState(st, want) {
			t.Fatalf("Load = %+v\nwant %+v", st, want)
		}
		st, err = s.Load(ctx, "eu-west-1")
		if err != nil || len(st.KeyPairs) != 1 || st.KeyPairs[0].KeyPairId != rec("a", 9, 1).KeyPairId {
			t.Fatalf("other Region: %+v, %v", st, err)
		}
		regions, err := s.Regions(ctx)
		if err != nil || !reflect.DeepEqual(regions, []string{"eu-west-1", "us-east-1"}) {
			t.Fatalf("Regions = %q, %v", regions, err)
		}
	}
	check(s)
	// The Store must not keep the caller's slices.
	st, _ = s.Load(ctx, "us-east-1")
	st.KeyPairs[0].Tags[0].Value = "changed"
	check(s)

	repl := ec2.RegionState{KeyPairs: []ec2.Record{rec("z", 7, 2)}, Generations: map[string]uint64{"z": 2, "old": 5}}
	if err := s.Replace(ctx, "eu-west-1", repl); err != nil {
		t.Fatal(err)
	}
	s = o.reopen(t, s)
	if st, err := s.Load(ctx, "eu-west-1"); err != nil || !equalState(st, repl) {
		t.Fatalf("after Replace: %+v, %v", st, err)
	}
	if err := s.Replace(ctx, "eu-west-1", ec2.RegionState{}); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Load(ctx, "eu-west-1"); err != nil || len(st.KeyPairs) != 0 || len(st.Generations) != 0 {
		t.Fatalf("after empty Replace: %+v, %v", st, err)
	}
	if regions, _ := s.Regions(ctx); !reflect.DeepEqual(regions, []string{"us-east-1"}) {
		t.Fatalf("emptied Region still listed: %q", regions)
	}
}

func equalState(a, b ec2.RegionState) bool {
	if len(a.KeyPairs) != len(b.KeyPairs) || len(a.Generations) != len(b.Generations) {
		return false
	}
	for i := range a.KeyPairs {
		x, y := a.KeyPairs[i], b.KeyPairs[i]
		if !x.CreateTime.Equal(y.CreateTime) {
			return false
		}
		x.CreateTime, y.CreateTime = time.Time{}, time.Time{}
		if len(x.Tags) == 0 && len(y.Tags) == 0 {
			x.Tags, y.Tags = nil, nil
		}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	for k, v := range a.Generations {
		if b.Generations[k] != v {
			return false
		}
	}
	return true
}

func service(t *testing.T, s ec2.Store, seed string) *ec2.Service {
	t.Helper()
	opts := ec2.Options{Region: "us-east-1", Store: s}
	if seed != "" {
		opts.Seed = []byte(seed)
	}
	svc, err := ec2.OpenService(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func describe(t *testing.T, svc *ec2.Service) []ec2.KeyPairInfo {
	t.Helper()
	out, err := svc.DescribeKeyPairs(context.Background(), &ec2.DescribeKeyPairsInput{IncludePublicKey: true})
	if err != nil {
		t.Fatal(err)
	}
	return out.KeyPairs
}

func code(err error) string {
	var ae *ec2.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	if err == nil {
		return ""
	}
	return "other: " + err.Error()
}

// testOneWinner: 64 concurrent creates and imports of one name, exactly
// one wins, and that one is what the store holds.
func testOneWinner(t *testing.T, o Opener) {
	st := o.New(t)
	svc := service(t, st, "")
	ctx := context.Background()
	var wg sync.WaitGroup
	var wins atomic.Int32
	var winner atomic.Value
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var id string
			var err error
			if i%2 == 0 {
				var out *ec2.CreateKeyPairOutput
				out, err = svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "one", KeyType: "ed25519"})
				if err == nil {
					id = out.KeyPairId
				}
			} else {
				var out *ec2.ImportKeyPairOutput
				out, err = svc.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: "one", PublicKeyMaterial: []byte(PublicKeyLine(i))})
				if err == nil {
					id = out.KeyPairId
				}
			}
			switch code(err) {
			case "":
				wins.Add(1)
				winner.Store(id)
			case ec2.CodeDuplicate:
			default:
				t.Errorf("request %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d winners, want 1", wins.Load())
	}
	st = o.reopen(t, st)
	kp := describe(t, service(t, st, ""))
	if len(kp) != 1 || kp[0].KeyPairId != winner.Load() {
		t.Fatalf("stored %+v, winner %v", kp, winner.Load())
	}
}

// testLinearizable runs concurrent creates and deletes of one name (by name
// and by id). Each success is an event on one register: the created ids
// must each be deleted at most once, by an acknowledged delete, and the
// survivor (if any) is the one created id not deleted, in memory and in
// the store after reopening.
func testLinearizable(t *testing.T, o Opener) {
	st := o.New(t)
	svc := service(t, st, "")
	ctx := context.Background()
	var mu sync.Mutex
	created := map[string]bool{}
	deleted := map[string]int{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 40 {
				switch r.IntN(3) {
				case 0:
					out, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "x", KeyType: "ed25519"})
					if err == nil {
						mu.Lock()
						if created[out.KeyPairId] {
							t.Errorf("id %s handed out twice", out.KeyPairId)
						}
						created[out.KeyPairId] = true
						mu.Unlock()
					} else if code(err) != ec2.CodeDuplicate {
						t.Error(err)
					}
				case 1:
					out, err := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: "x"})
					if err != nil || !out.Return {
						t.Error(out, err)
						continue
					}
					if out.KeyPairId != "" {
						mu.Lock()
						deleted[out.KeyPairId]++
						mu.Unlock()
					}
				case 2:
					// Delete by an id seen so far (possibly deleted already).
					kp, err := svc.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
					if err != nil || len(kp.KeyPairs) > 1 {
						t.Error(kp, err)
						continue
					}
					if len(kp.KeyPairs) == 1 {
						out, err := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyPairId: kp.KeyPairs[0].KeyPairId})
						if err != nil {
							t.Error(err)
						} else if out.KeyPairId != "" {
							mu.Lock()
							deleted[out.KeyPairId]++
							mu.Unlock()
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	var alive []string
	for id := range created {
		switch deleted[id] {
		case 0:
			alive = append(alive, id)
		case 1:
		default:
			t.Errorf("id %s deleted %d times", id, deleted[id])
		}
	}
	for id := range deleted {
		if !created[id] {
			t.Errorf("deleted id %s was never created", id)
		}
	}
	if len(alive) > 1 {
		t.Fatalf("%d key pairs alive: %v", len(alive), alive)
	}
	for _, svc := range []*ec2.Service{svc, service(t, o.reopen(t, st), "")} {
		kp := describe(t, svc)
		if len(kp) != len(alive) || len(kp) == 1 && kp[0].KeyPairId != alive[0] {
			t.Fatalf("stored %+v, want %v", kp, alive)
		}
	}
	if len(created) < 5 {
		t.Fatalf("only %d creates succeeded: the test did not test much", len(created))
	}
}

// failing wraps a Store, failing Put and Delete when told to.
type failing struct {
	ec2.Store
	fail atomic.Bool
}

var errInjected = errors.New("injected store failure")

func (f *failing) Put(ctx context.Context, region string, r ec2.Record) error {
	if f.fail.Load() {
		return errInjected
	}
	return f.Store.Put(ctx, region, r)
}

func (f *failing) Delete(ctx context.Context, region, name string) error {
	if f.fail.Load() {
		return errInjected
	}
	return f.Store.Delete(ctx, region, name)
}

// testNothingStored: a request that fails, in validation, in a state check
// or in the store, leaves memory and the store as they were.
func testNothingStored(t *testing.T, o Opener) {
	st := o.New(t)
	f := &failing{Store: st}
	svc, err := ec2.OpenService(context.Background(), ec2.Options{Region: "us-east-1", Store: f, MaxKeyPairs: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	keep, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "keep", KeyType: "ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fails := []func() error{
		func() error {
			_, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "keep", KeyType: "ed25519"})
			return err
		},
		func() error {
			_, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: " bad", KeyType: "ed25519"})
			return err
		},
		func() error {
			_, err := svc.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: "new", PublicKeyMaterial: []byte("ssh-dss AAAA")})
			return err
		},
		func() error {
			_, err := svc.CreateKeyPair(cancelled, &ec2.CreateKeyPairInput{KeyName: "new", KeyType: "ed25519"})
			return err
		},
		func() error {
			_, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "new", KeyType: "ed25519", DryRun: true})
			return err
		},
	}
	for i, fn := range fails {
		if err := fn(); err == nil {
			t.Fatalf("case %d succeeded", i)
		}
	}
	f.fail.Store(true)
	if _, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "new", KeyType: "ed25519"}); !errors.Is(err, errInjected) || code(err) != ec2.CodeInternalError {
		t.Fatalf("create with a failing store: %v", err)
	}
	if _, err := svc.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: "new", PublicKeyMaterial: []byte(PublicKeyLine(3))}); !errors.Is(err, errInjected) {
		t.Fatalf("import with a failing store: %v", err)
	}
	_, err = svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: "keep"})
	if !errors.Is(err, errInjected) || code(err) != ec2.CodeInternalError {
		t.Fatalf("delete with a failing store: %v", err)
	}
	f.fail.Store(false)
	st = o.reopen(t, st)
	reopened := service(t, st, "")
	for _, svc := range []*ec2.Service{svc, reopened} {
		kp := describe(t, svc)
		if len(kp) != 1 || kp[0].KeyPairId != keep.KeyPairId {
			t.Fatalf("state after failures: %+v", kp)
		}
	}
	// The failed name is free and the quota unused by the failures.
	svc = reopened
	if _, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: "new", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
}

// testReopen: a seeded Service over a reopened store goes on exactly as
// one that never stopped (generations survive delete and reopen).
func testReopen(t *testing.T, o Opener) {
	ctx := context.Background()
	steps := func(svc *ec2.Service, from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			name := fmt.Sprintf("k%d", i%3)
			if i%2 == 1 {
				d, err := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: name})
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, "delete "+d.KeyPairId)
				continue
			}
			c, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: name, KeyType: "ed25519"})
			if err != nil {
				out = append(out, code(err))
				continue
			}
			out = append(out, c.KeyPairId+" "+c.KeyFingerprint)
		}
		return out
	}
	mem := ec2.NewService(ec2.Options{Region: "us-east-1", Seed: []byte("reopen")})
	want := steps(mem, 0, 24)

	st := o.New(t)
	got := steps(service(t, st, "reopen"), 0, 10)
	st = o.reopen(t, st)
	got = append(got, steps(service(t, st, "reopen"), 10, 24)...)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after reopen:\n%q\nwant\n%q", got, want)
	}
}
