package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// serveLoad is results/serveload.json, written by cmd/serveload.
type serveLoad struct {
	Env struct {
		Time    string `json:"time"`
		Go      string `json:"go_version"`
		CPU     string `json:"cpu"`
		NumCPU  int    `json:"num_cpu"`
		LoadAvg string `json:"loadavg_at_start"`
	} `json:"env"`
	Conns   int        `json:"conns"`
	Results []serveRun `json:"results"`
}

type serveStats struct {
	Count  int     `json:"count"`
	Errors int     `json:"errors"`
	P50    float64 `json:"p50_ms"`
	P99    float64 `json:"p99_ms"`
	Max    float64 `json:"max_ms"`
	PerSec float64 `json:"per_sec"`
}

type serveRun struct {
	Scenario   string                `json:"scenario"`
	Target     string                `json:"target"`
	Conns      int                   `json:"conns"`
	Seconds    float64               `json:"seconds"`
	Total      serveStats            `json:"total"`
	Actions    map[string]serveStats `json:"actions"`
	ServerCPU  float64               `json:"server_cpu_s"`
	CPUPerOpUs float64               `json:"server_cpu_us_per_op"`
	EndCheck   string                `json:"end_check"`
}

func (s *serveLoad) find(scenario, target string) *serveRun {
	for i := range s.Results {
		if s.Results[i].Scenario == scenario && s.Results[i].Target == target {
			return &s.Results[i]
		}
	}
	return nil
}

// writeServeLoad appends the keyforge serve section when its results exist.
func writeServeLoad(w *bytes.Buffer, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var s serveLoad
	if err := json.Unmarshal(b, &s); err != nil {
		fatal(fmt.Errorf("%s: %w", path, err))
	}
	fmt.Fprintf(w, "\n## keyforge serve under load\n\n")
	fmt.Fprintf(w, "`cmd/serveload` (%s, %d× %s, %s; load average at start %s): HTTP on 127.0.0.1 only, every loop\n",
		s.Env.Time, s.Env.NumCPU, s.Env.CPU, s.Env.Go, s.Env.LoadAvg)
	fmt.Fprintf(w, "bounded in time and count. The load generator shares the machine's cores with the server, so\n")
	fmt.Fprintf(w, "requests per second are a floor; the server's own CPU time per request (from /proc, user +\n")
	fmt.Fprintf(w, "system, the pool's refill included) is the figure other load on the machine disturbs least.\n")
	fmt.Fprintf(w, "moto_server is moto 5.2.1, run the same way with the same requests.\n\n")

	fmt.Fprintf(w, "### Mixed workload: %d connections, two Regions\n\n", s.Conns)
	fmt.Fprintf(w, "Per request: 38%% CreateKeyPair ed25519, 2%% CreateKeyPair RSA, 10%% ImportKeyPair, 30%% DescribeKeyPairs\n")
	fmt.Fprintf(w, "filtered by one name, 5%% DescribeKeyPairs of the whole Region, 15%% DeleteKeyPair of an acknowledged key\n")
	fmt.Fprintf(w, "pair, in us-east-1 or eu-west-1. The end check describes each Region and compares it with the set of\n")
	fmt.Fprintf(w, "acknowledged creates and imports less acknowledged deletes.\n\n")
	fmt.Fprintf(w, "| server | seconds | requests | errors | req/s | p50 ms | p99 ms | max ms | server CPU µs/req | end check |\n")
	fmt.Fprintf(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	var mixed []*serveRun
	for i := range s.Results {
		if r := &s.Results[i]; r.Scenario == "mixed" {
			mixed = append(mixed, r)
			fmt.Fprintf(w, "| %s | %.1f | %d | %d | %.0f | %.2f | %.2f | %.2f | %.0f | %s |\n", r.Target, r.Seconds, r.Total.Count,
				r.Total.Errors, r.Total.PerSec, r.Total.P50, r.Total.P99, r.Total.Max, r.CPUPerOpUs, r.EndCheck)
		}
	}
	fmt.Fprintf(w, "\nPer action (p50 / p99 / max ms):\n\n| action |")
	for _, r := range mixed {
		fmt.Fprintf(w, " %s |", r.Target)
	}
	fmt.Fprintf(w, "\n| --- |%s\n", strings.Repeat(" --- |", len(mixed)))
	var actions []string
	if len(mixed) > 0 {
		for a := range mixed[0].Actions {
			actions = append(actions, a)
		}
	}
	sort.Strings(actions)
	for _, a := range actions {
		fmt.Fprintf(w, "| %s |", a)
		for _, r := range mixed {
			st := r.Actions[a]
			fmt.Fprintf(w, " %d: %.2f / %.2f / %.2f |", st.Count, st.P50, st.P99, st.Max)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "\n### Throughput against moto\n\n")
	fmt.Fprintf(w, "%d connections for a few seconds each: CreateKeyPair ed25519 (names spread over 16 Regions to stay under\n", s.Conns)
	fmt.Fprintf(w, "the quota), and DescribeKeyPairs of a Region holding 330 key pairs. Target: at least 50× moto.\n\n")
	fmt.Fprintf(w, "| scenario | keyforge req/s | moto req/s | × (req/s) | keyforge CPU µs/req | moto CPU µs/req | × (CPU) | target ≥ 50× |\n")
	fmt.Fprintf(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, sc := range []string{"create ed25519", "describe 330"} {
		k, m := s.find(sc, "keyforge"), s.find(sc, "moto")
		if k == nil || m == nil || m.Total.PerSec == 0 || k.CPUPerOpUs == 0 {
			continue
		}
		wall, cpu := k.Total.PerSec/m.Total.PerSec, m.CPUPerOpUs/k.CPUPerOpUs
		fmt.Fprintf(w, "| %s | %.0f | %.1f | **%.0f×** | %.0f | %.0f | **%.0f×** | %s |\n", sc, k.Total.PerSec, m.Total.PerSec, wall,
			k.CPUPerOpUs, m.CPUPerOpUs, cpu, metText(wall >= 50, cpu >= 50))
	}

	fmt.Fprintf(w, "\n### Latency on one connection\n\n")
	fmt.Fprintf(w, "| scenario | requests | p50 ms | p99 ms | max ms | target | |\n| --- | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, c := range []struct {
		scenario, target, goal string
		limit                  float64
		desc                   string
	}{
		{"create rsa, warm pool", "keyforge --pool 64", "p99 ≤ 1 ms", 1, "RSA CreateKeyPair at 10/s, 40 requests, from a pool of 64 that had filled (server idle)"},
		{"describe 5000", "keyforge", "≤ 5 ms", 5, "DescribeKeyPairs of a Region holding 5,000 key pairs (1.6 MB of XML), one at a time"},
	} {
		r := s.find(c.scenario, c.target)
		if r == nil {
			continue
		}
		met := "met"
		if r.Total.P99 > c.limit {
			met = "**not met** at p99"
			if r.Total.P50 <= c.limit {
				met += " (met at p50)"
			}
		}
		fmt.Fprintf(w, "| %s | %d | %.2f | %.2f | %.2f | %s: %s | %s |\n", c.desc, r.Total.Count, r.Total.P50, r.Total.P99, r.Total.Max, c.goal, met, fmt.Sprintf("server CPU %.0f µs/req", r.CPUPerOpUs))
	}
	fmt.Fprintf(w, "\nWith 40 or 100 requests the p99 is decided by the slowest one or two, and on a shared machine a single\n")
	fmt.Fprintf(w, "stall of the server process (scheduling, a garbage collection waiting for the pool's lowest-priority\n")
	fmt.Fprintf(w, "refill thread) is enough; the p50 and the server CPU time show the work itself.\n")
	fmt.Fprintf(w, "\nReproduce: `go build -o /tmp/keyforge ../cmd/keyforge && go run ./cmd/serveload -keyforge /tmp/keyforge -out results`\n")
	fmt.Fprintf(w, "(about 3 minutes; `-moto ''` leaves moto out).\n")
}

func metText(wall, cpu bool) string {
	switch {
	case wall && cpu:
		return "met"
	case cpu:
		return "met in CPU time; **not met** in req/s"
	case wall:
		return "met in req/s; **not met** in CPU time"
	}
	return "**not met**"
}
