// Command pool measures CreateKeyPair latency for RSA keys taken from a warm
// keygen.Pool at a steady request rate,
// and, for contrast, without a pool. Writes results/pool.json.
//
//	go run ./cmd/pool -size 16 -rate 10 -n 50 -baseline 20 -out results
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/keyforge/keyforge/bench"
)

func main() {
	size := flag.Int("size", 16, "pool size (keys kept ready)")
	rate := flag.Float64("rate", 10, "requests per second")
	n := flag.Int("n", 50, "requests with the warm pool")
	baseline := flag.Int("baseline", 20, "requests without a pool (0: skip)")
	out := flag.String("out", "results", "directory for pool.json")
	flag.Parse()

	ctx := context.Background()
	var results []*bench.PoolResult
	runs := []struct{ size, n int }{{*size, *n}}
	if *baseline > 0 {
		runs = append(runs, struct{ size, n int }{0, *baseline})
	}
	for _, r := range runs {
		res, err := bench.MeasurePool(ctx, r.size, *rate, r.n)
		if err != nil {
			fatal(err)
		}
		res.SampleMS = nil
		fmt.Printf("pool size %2d, %g req/s, %d requests: p50 %.3f ms  p99 %.3f ms  max %.3f ms  mean %.3f ms  over 2 ms: %d  (warm-up %.0f ms; other processes: %.2f cores)\n",
			res.PoolSize, res.Rate, res.N, res.Median, res.P99, res.Max, res.Mean, res.Over2ms, res.WarmupMS, res.OtherCores)
		results = append(results, res)
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

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "pool:", err)
	os.Exit(1)
}
