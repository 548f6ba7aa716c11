package bench

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2/boltstore"
	"github.com/keyforge/keyforge/pemenc"
)

// describeService holds 5,000 imported key pairs, tagged tier=a/b/c.
func describeService(b *testing.B) *ec2.Service {
	svc := ec2.NewService(ec2.Options{Seed: []byte("describe bench")})
	line, err := pemenc.MarshalAuthorizedKey(ed25519.NewKeyFromSeed(make([]byte, 32)).Public(), "")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range ec2.DefaultMaxKeyPairs {
		tags := []ec2.TagSpecification{{ResourceType: "key-pair", Tags: []ec2.Tag{{Key: "tier", Value: string(rune('a' + i%3))}}}}
		if _, err := svc.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: fmt.Sprintf("host-%04d", i),
			PublicKeyMaterial: line, TagSpecifications: tags}); err != nil {
			b.Fatal(err)
		}
	}
	return svc
}

// BenchmarkDescribeKeyPairs: one DescribeKeyPairs over 5,000 key pairs.
func BenchmarkDescribeKeyPairs(b *testing.B) {
	svc := describeService(b)
	ctx := context.Background()
	cases := []struct {
		name string
		in   ec2.DescribeKeyPairsInput
		want int
	}{
		{"filter-wildcard-50", ec2.DescribeKeyPairsInput{Filters: []ec2.Filter{{Name: "key-name", Values: []string{"host-?99?"}}}}, 50},
		{"filter-and-tag", ec2.DescribeKeyPairsInput{Filters: []ec2.Filter{
			{Name: "key-name", Values: []string{"host-1*"}}, {Name: "tag:tier", Values: []string{"a"}}}}, 333},
		{"filter-none-match", ec2.DescribeKeyPairsInput{Filters: []ec2.Filter{{Name: "fingerprint", Values: []string{"nope*"}}}}, 0},
		{"names-3", ec2.DescribeKeyPairsInput{KeyNames: []string{"host-0001", "host-2500", "host-4999"}}, 3},
		{"filter-literal-names-3", ec2.DescribeKeyPairsInput{Filters: []ec2.Filter{{Name: "key-name", Values: []string{"host-0001", "host-2500", "host-4999"}}}}, 3},
		{"all-5000", ec2.DescribeKeyPairsInput{}, 5000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0, n := cpuTime(), 0
			for b.Loop() {
				out, err := svc.DescribeKeyPairs(ctx, &c.in)
				if err != nil || len(out.KeyPairs) != c.want {
					b.Fatalf("%d key pairs, %v; want %d", len(out.KeyPairs), err, c.want)
				}
				n++
			}
			// CPU time, not wall time: the machine is shared.
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(n)/1e3, "cpu-µs/op")
		})
	}
}

// BenchmarkStateInterleaved compares, in one process and in rotated
// rounds, synced commits per second of this disk (a plain write+fsync loop
// on a file beside the state file, the reference) with create/delete
// throughput in memory and with the durable store, at 1 and 16 concurrent
// clients. Each op is one Ed25519 CreateKeyPair or one DeleteKeyPair. Run
// with -benchtime 1x: each run lasts about rounds × 5 × slice.
func BenchmarkStateInterleaved(b *testing.B) {
	const rounds = 5
	slice := 300 * time.Millisecond
	dir := b.TempDir()
	if d := os.Getenv("KEYFORGE_BENCH_DIR"); d != "" {
		dir = d // another disk
	}
	store, err := boltstore.Open(filepath.Join(dir, "bench-state.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	defer os.Remove(filepath.Join(dir, "bench-state.db"))
	durable := ec2.NewService(ec2.Options{Region: "us-east-1", Store: store})
	memory := ec2.NewService(ec2.Options{Region: "us-east-1"})
	syncFile, err := os.CreateTemp(dir, "fsync-*")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(syncFile.Name())
	defer syncFile.Close()

	type work struct {
		name    string
		clients int
		run     func(stop *atomic.Bool, client int) int
	}
	var gen atomic.Int64
	createDelete := func(svc *ec2.Service) func(*atomic.Bool, int) int {
		return func(stop *atomic.Bool, client int) int {
			ctx := context.Background()
			n := 0
			for !stop.Load() {
				name := fmt.Sprintf("c%d-%d", client, gen.Add(1))
				if _, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: name, KeyType: "ed25519"}); err != nil {
					panic(err)
				}
				if _, err := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: name}); err != nil {
					panic(err)
				}
				n += 2
			}
			return n
		}
	}
	page := make([]byte, 4096)
	works := []work{
		{"fsync loop", 1, func(stop *atomic.Bool, _ int) int {
			n := 0
			for !stop.Load() {
				if _, err := syncFile.WriteAt(page, int64(n%64)*4096); err != nil {
					panic(err)
				}
				if err := syncFile.Sync(); err != nil {
					panic(err)
				}
				n++
			}
			return n
		}},
		{"memory", 1, createDelete(memory)},
		{"memory", 16, createDelete(memory)},
		{"boltstore", 1, createDelete(durable)},
		{"boltstore", 16, createDelete(durable)},
	}
	type total struct {
		ops int
		d   time.Duration
		cpu time.Duration
	}
	totals := make([]total, len(works))
	stats0 := store.Stats()
	for b.Loop() {
		for r := range rounds {
			for k := range works {
				i := (k + r) % len(works) // rotate the order every round
				w := works[i]
				var stop atomic.Bool
				var wg sync.WaitGroup
				var ops atomic.Int64
				cpu0 := cpuTime()
				t0 := time.Now()
				for c := range w.clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ops.Add(int64(w.run(&stop, c)))
					}()
				}
				time.Sleep(slice)
				stop.Store(true)
				wg.Wait()
				totals[i].d += time.Since(t0)
				totals[i].cpu += cpuTime() - cpu0
				totals[i].ops += int(ops.Load())
			}
		}
	}
	fsyncRate := float64(totals[0].ops) / totals[0].d.Seconds()
	b.ReportMetric(fsyncRate, "fsync/s")
	for i, w := range works[1:] {
		t := totals[i+1]
		rate := float64(t.ops) / t.d.Seconds()
		key := fmt.Sprintf("%s-c%d", w.name, w.clients)
		b.ReportMetric(rate, key+"-ops/s")
		b.ReportMetric(float64(t.cpu.Microseconds())/float64(t.ops), key+"-cpu-µs/op")
		if w.name == "boltstore" {
			b.ReportMetric(rate/fsyncRate, key+"÷fsync")
		}
	}
	b.ReportMetric(float64(totals[0].cpu.Microseconds())/float64(totals[0].ops), "fsync-cpu-µs/op")
	st := store.Stats()
	b.ReportMetric(float64(st.Requests-stats0.Requests)/float64(st.Commits-stats0.Commits), "boltstore-requests/commit")
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
