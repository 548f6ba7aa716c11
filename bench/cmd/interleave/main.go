// Command interleave times RSA key generation by keyforge, crypto/rsa and
// filippo.io/keygen key by key, interleaved, at each requested GOMAXPROCS, and
// writes means and ratios as JSON into the results directory.
//
// keyforge's pure-Go path (-tags purego) joins the rounds from a worker
// process built with that tag: the tag would also remove crypto/rsa's
// assembly, so crypto/rsa must run in a normal build for a fair ratio.
//
//	go run ./cmd/interleave -n 100 -procs 1,2 -out results
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/keyforge/keyforge/bench"
)

// Output is the JSON written for one GOMAXPROCS setting.
type Output struct {
	Kind       string    `json:"kind"` // "interleave"
	Env        bench.Env `json:"env"`
	Build      string    `json:"build"` // of this process: "default" or "purego"
	GOMAXPROCS int       `json:"gomaxprocs"`
	Clock      string    `json:"clock"` // "cpu" (process CPU time per key) or "wall"
	Bits       int       `json:"bits"`
	Keys       int       `json:"keys_per_generator"`
	Mismatches int       `json:"det_keygen_mismatches"`
	// OtherCores is the average number of cores other processes on the
	// machine kept busy during this run: noise the interleaving spreads
	// evenly, but which takes the second core from the parallel search.
	OtherCores float64         `json:"other_processes_cores"`
	Results    []*bench.Result `json:"results"`
}

func main() {
	n := flag.Int("n", 100, "keys per generator")
	bits := flag.Int("bits", 2048, "RSA modulus size")
	procs := flag.String("procs", "1,2", "comma-separated GOMAXPROCS values")
	out := flag.String("out", "results", "directory for the JSON files")
	samples := flag.Bool("samples", true, "include per-key samples in the JSON")
	withPurego := flag.Bool("purego", true, "also time keyforge built with -tags purego, in a worker process")
	clock := flag.String("clock", "auto", "per-key clock: cpu (process CPU time), wall, or auto (cpu at GOMAXPROCS=1, wall above)")
	workerMode := flag.Bool("worker", false, "internal: serve key requests on stdin (see worker.go)")
	flag.Parse()

	if *workerMode {
		if err := runWorker(os.Stdin, os.Stdout); err != nil {
			fatal(err)
		}
		return
	}
	gens := bench.Generators()
	var w *worker
	if *withPurego && !purego {
		var err error
		if w, err = startPuregoWorker(); err != nil {
			fatal(err)
		}
		defer w.close()
		gens = append(gens, bench.Generator{Name: bench.KeyforgePurego, Remote: w.gen, Det: true})
	}

	build := "default"
	if purego {
		build = "purego"
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	for _, p := range strings.Split(*procs, ",") {
		gmp, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || gmp < 1 {
			fatal(fmt.Errorf("bad -procs value %q", p))
		}
		prev := runtime.GOMAXPROCS(gmp)
		if w != nil {
			w.gmp = gmp
		}
		o := Output{Kind: "interleave", Env: bench.CurrentEnv(), Build: build, GOMAXPROCS: gmp, Bits: *bits, Keys: *n}
		r := bench.NewRun(*bits, gens)
		useCPU := *clock == "cpu" || *clock == "auto" && gmp == 1
		if useCPU {
			r.Clock = bench.CPUClock
			o.Clock = "cpu"
		} else {
			o.Clock = "wall"
		}
		if w != nil {
			w.cpu = useCPU
		}
		pids := []int{os.Getpid()}
		if w != nil {
			pids = append(pids, w.cmd.Process.Pid)
		}
		load := bench.NewLoad(pids...)
		for i := 0; i < *n; i++ {
			if err := r.Round(); err != nil {
				fatal(err)
			}
			if (i+1)%10 == 0 {
				fmt.Fprintf(os.Stderr, "%s GOMAXPROCS=%d: %d/%d keys each\n", build, gmp, i+1, *n)
			}
		}
		o.OtherCores = load.OtherCores()
		runtime.GOMAXPROCS(prev)
		r.Finish()
		o.Results, o.Mismatches = r.Results, r.Mismatches
		for _, res := range r.Results {
			fmt.Printf("%-8s GOMAXPROCS=%d %-18s mean %7.2f ms ± %5.2f  median %7.2f  max %7.2f  ratio vs crypto/rsa %.3f ± %.3f\n",
				build, gmp, res.Name, res.Mean, res.StdErr, res.Median, res.Max, res.RatioVsCryptoRSA, res.RatioVsCryptoRSA*res.RatioRelErr)
			if !*samples {
				res.SampleMS = nil
			}
		}
		fmt.Printf("clock: %s; other processes kept %.2f cores busy on average during this run\n", o.Clock, o.OtherCores)
		if r.Mismatches > 0 {
			fmt.Printf("WARNING: in %d rounds the det-keygen generators' moduli differed for the same seed\n", r.Mismatches)
		}
		b, err := json.MarshalIndent(o, "", "  ")
		if err != nil {
			fatal(err)
		}
		name := filepath.Join(*out, fmt.Sprintf("interleave-gomaxprocs%d.json", gmp))
		if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
			fatal(err)
		}
		fmt.Fprintln(os.Stderr, "wrote", name)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "interleave:", err)
	os.Exit(1)
}
