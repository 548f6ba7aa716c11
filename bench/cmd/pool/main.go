// Command pool measures CreateKeyPair latency for RSA keys taken from a warm
// keygen.Pool: paced requests on a quiet machine and beside busy loops,
// bursts larger than the pool, and, for contrast, no pool at all. Rows are
// interleaved over -rounds; results go to results/pool.json.
//
//	go run ./cmd/pool -rows quiet,session,control,burst-seq,burst-conc,none -rounds 2 -out results
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/keyforge/keyforge/bench"
)

func main() {
	rows := flag.String("rows", "quiet,session,burst-seq,burst-conc,none",
		"comma-separated rows: quiet, session (busy loops in this session), process (busy goroutines in this process), burst-seq, burst-conc, none (no pool), control (as session, but Ed25519 requests: the pool stays full and idle)")
	size := flag.Int("size", 16, "pool size for paced rows")
	workers := flag.Int("workers", 0, "keygen.PoolOptions.Workers (0: default)")
	rate := flag.Float64("rate", 10, "requests per second")
	n := flag.Int("n", 150, "paced requests per row")
	busy := flag.Int("busy", 2, "busy loops in the session and process rows")
	gcEvery := flag.Duration("gc-every", time.Second, "force a GC this often in paced rows (0: never)")
	burstSize := flag.Int("burst-size", 32, "pool size for burst rows")
	burstN := flag.Int("burst-n", 100, "requests per burst")
	baseline := flag.Int("baseline", 20, "requests in the no-pool row")
	rounds := flag.Int("rounds", 1, "times to repeat the rows, interleaved")
	out := flag.String("out", "results", "directory for pool.json")
	flag.Parse()

	var plan []bench.PoolRun
	for _, row := range strings.Split(*rows, ",") {
		paced := bench.PoolRun{Size: *size, Workers: *workers, Rate: *rate, N: *n, GCEvery: *gcEvery}
		switch row {
		case "quiet":
			plan = append(plan, paced)
		case "session", "process":
			paced.Busy, paced.BusyIn = *busy, row
			plan = append(plan, paced)
		case "control":
			paced.Busy, paced.BusyIn, paced.KeyType = *busy, "session", "ed25519"
			plan = append(plan, paced)
		case "burst-seq", "burst-conc":
			mode := map[string]string{"burst-seq": "sequential", "burst-conc": "concurrent"}[row]
			plan = append(plan, bench.PoolRun{Size: *burstSize, Workers: *workers, N: *burstN, Burst: mode})
		case "none":
			plan = append(plan, bench.PoolRun{Rate: *rate, N: *baseline})
		default:
			fatal(fmt.Errorf("unknown row %q", row))
		}
	}

	ctx := context.Background()
	var results []*bench.PoolResult
	for range *rounds {
		for _, r := range plan {
			res, err := bench.MeasurePoolRun(ctx, r)
			if err != nil {
				fatal(err)
			}
			res.SampleMS = nil
			fmt.Println(describe(res))
			results = append(results, res)
		}
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		fatal(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	name := filepath.Join(*out, "pool.json")
	if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintln(os.Stderr, "wrote", name)
}

func describe(r *bench.PoolResult) string {
	what := fmt.Sprintf("pool %2d, %g req/s", r.PoolSize, r.Rate)
	if r.Burst != "" {
		what = fmt.Sprintf("pool %2d, %s burst", r.PoolSize, r.Burst)
	}
	if r.KeyType != "" {
		what += ", " + r.KeyType + " requests"
	}
	if r.Busy > 0 {
		what += fmt.Sprintf(", %d busy loops in %s", r.Busy, r.BusyIn)
	}
	s := fmt.Sprintf("%s, %d requests: p50 %.3f ms  p99 %.3f ms  max %.3f ms  over 2 ms: %d  waited %d  min ready %d",
		what, r.N, r.Median, r.P99, r.Max, r.Over2ms, r.Waited, r.MinReady)
	if r.Generated > 0 {
		s += fmt.Sprintf("  made %d keys at %.1f ms CPU each", r.Generated, r.CPUPerKeyMS)
	}
	if r.RefillMS > 0 {
		s += fmt.Sprintf("  refilled in %.0f ms", r.RefillMS)
	}
	return s + fmt.Sprintf("  GC: %d cycles, %d pauses, p99 ≤ %.3f ms, max ≤ %.3f ms  cores: own %.2f busy %.2f other %.2f",
		r.GC.Cycles, r.GC.Pauses, r.GC.P99MS, r.GC.MaxMS, r.OwnCores, r.BusyCores, r.OtherCores)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "pool:", err)
	os.Exit(1)
}
