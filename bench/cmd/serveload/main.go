// Command serveload is the load generator for `keyforge serve`: it drives
// the EC2 Query endpoint over loopback HTTP with many connections and
// mixed actions in two Regions, and runs the same requests against
// moto_server side by side.
//
//	go run ./cmd/serveload -keyforge BIN [-moto moto_server] [-c 64] [-d 20s] -out results
//
// Every request loop is bounded in time and count, and only 127.0.0.1 is
// ever contacted. Scenarios (each target in turn, so machine load hits all
// alike):
//
//   - mixed: -c connections for -d, creates (ed25519 and RSA), imports,
//     describes and deletes in us-east-1 and eu-west-1, against keyforge in
//     memory, keyforge --state and moto; afterwards every Region's describe
//     must equal the set of acknowledged key pairs, and no request may fail.
//   - ed25519 create and describe (330 key pairs) throughput, keyforge vs moto.
//   - pooled RSA create latency while the pool is warm (keyforge --pool 64).
//   - describe of 5,000 key pairs, keyforge.
//
// Besides wall-clock figures it records the CPU time the server process
// used (from /proc), which the rest of a shared machine does not distort.
package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/keyforge/keyforge/bench"
)

var regions = []string{"us-east-1", "eu-west-1"}

// manyRegions spread the throughput runs' creates so that none reaches
// the 5,000 key pair quota (real Region names: moto accepts no others).
var manyRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
	"eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
	"ap-southeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1"}

const perRegion = 4500

// target is a running server under test.
type target struct {
	name string
	url  string
	cmd  *exec.Cmd
	pid  int
}

func (t *target) stop() {
	if t.cmd == nil {
		return
	}
	t.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.cmd.Process.Kill()
		<-done
	}
}

// cpuSeconds is the user+system CPU time of pid and its threads.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

func startKeyforge(bin, name string, args ...string) *target {
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = io.Discard // one line a request: not wanted here
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	line := make([]byte, 64)
	n, _ := out.Read(line)
	u := strings.TrimSpace(string(line[:n]))
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		log.Fatalf("keyforge serve printed %q", u)
	}
	go io.Copy(io.Discard, out)
	return &target{name: name, url: u, cmd: cmd, pid: cmd.Process.Pid}
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startMoto(bin string) *target {
	port := freePort()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	u := "http://127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			break
		}
		if i > 600 {
			log.Fatal("moto_server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &target{name: "moto", url: u, cmd: cmd, pid: cmd.Process.Pid}
}

// resetMoto empties moto's state between scenarios.
func resetMoto(t *target) {
	if t.name != "moto" {
		return
	}
	resp, err := http.Post(t.url+"/moto-api/reset", "", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
}

var client = &http.Client{Transport: &http.Transport{
	MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256, IdleConnTimeout: time.Minute,
}, Timeout: 60 * time.Second}

// call sends one EC2 Query request; the Region travels in a SigV4-shaped
// Authorization header (neither server checks signatures here).
func call(t *target, region string, params url.Values) (int, []byte, error) {
	params.Set("Version", "2016-11-15")
	req, _ := http.NewRequest("POST", t.url+"/", strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// stats are one action's latencies.
type stats struct {
	Count  int     `json:"count"`
	Errors int     `json:"errors"`
	P50    float64 `json:"p50_ms"`
	P99    float64 `json:"p99_ms"`
	Max    float64 `json:"max_ms"`
	PerSec float64 `json:"per_sec"`
}

func summarize(d []time.Duration, errs int, wall time.Duration) stats {
	s := stats{Count: len(d), Errors: errs}
	if len(d) == 0 {
		return s
	}
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return float64(x) / 1e6 }
	s.P50 = ms(d[len(d)/2])
	s.P99 = ms(d[min(len(d)-1, len(d)*99/100)])
	s.Max = ms(d[len(d)-1])
	s.PerSec = float64(len(d)) / wall.Seconds()
	return s
}

type recorder struct {
	mu   sync.Mutex
	lat  map[string][]time.Duration
	errs map[string]int
	msgs []string
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, errs: map[string]int{}}
}

func (r *recorder) add(action string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errs[action]++
		if len(r.msgs) < 5 {
			r.msgs = append(r.msgs, action+": "+err.Error())
		}
		return
	}
	r.lat[action] = append(r.lat[action], d)
}

// Result is one scenario on one target.
type Result struct {
	Scenario   string           `json:"scenario"`
	Target     string           `json:"target"`
	Conns      int              `json:"conns"`
	Seconds    float64          `json:"seconds"`
	Total      stats            `json:"total"`
	Actions    map[string]stats `json:"actions"`
	ServerCPU  float64          `json:"server_cpu_s"`
	CPUPerOpUs float64          `json:"server_cpu_us_per_op"`
	EndCheck   string           `json:"end_check,omitempty"`
	ErrorLog   []string         `json:"error_samples,omitempty"`
}

func (r *recorder) result(scenario string, t *target, conns int, wall time.Duration, cpu float64) Result {
	res := Result{Scenario: scenario, Target: t.name, Conns: conns, Seconds: wall.Seconds(), Actions: map[string]stats{}, ServerCPU: cpu, ErrorLog: r.msgs}
	var all []time.Duration
	errs := 0
	for a, d := range r.lat {
		res.Actions[a] = summarize(slices.Clone(d), r.errs[a], wall)
		all = append(all, d...)
	}
	for a, n := range r.errs {
		errs += n
		if _, ok := res.Actions[a]; !ok {
			res.Actions[a] = stats{Errors: n}
		}
	}
	res.Total = summarize(all, errs, wall)
	if res.Total.Count > 0 {
		res.CPUPerOpUs = cpu / float64(res.Total.Count) * 1e6
	}
	return res
}

func expect(status int, body []byte, err error, want int) error {
	if err != nil {
		return err
	}
	if status != want {
		if len(body) > 300 {
			body = body[:300]
		}
		return fmt.Errorf("HTTP %d: %s", status, body)
	}
	return nil
}

var edPub = func() string {
	// A fixed Ed25519 public key (the EC2 documentation's vector).
	return base64.StdEncoding.EncodeToString([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 load\n"))
}()

// keySet tracks the acknowledged key pairs of one Region.
type keySet struct {
	mu    sync.Mutex
	names map[string]bool
	order []string
}

func (k *keySet) add(n string) {
	k.mu.Lock()
	k.names[n] = true
	k.order = append(k.order, n)
	k.mu.Unlock()
}

// take removes and returns some acknowledged name ("" if none).
func (k *keySet) take(rng *rand.Rand) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.order) > 0 {
		i := rng.IntN(len(k.order))
		n := k.order[i]
		k.order[i] = k.order[len(k.order)-1]
		k.order = k.order[:len(k.order)-1]
		if k.names[n] {
			delete(k.names, n)
			return n
		}
	}
	return ""
}

func (k *keySet) any(rng *rand.Rand) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.order) == 0 {
		return ""
	}
	return k.order[rng.IntN(len(k.order))]
}

type describeDoc struct {
	Items []struct {
		Name string `xml:"keyName"`
	} `xml:"keySet>item"`
}

func describeNames(t *target, region string) (map[string]bool, error) {
	st, b, err := call(t, region, url.Values{"Action": {"DescribeKeyPairs"}})
	if err := expect(st, b, err, 200); err != nil {
		return nil, err
	}
	var d describeDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	m := map[string]bool{}
	for _, it := range d.Items {
		m[it.Name] = true
	}
	return m, nil
}

// mixed runs the mixed workload and then the end check.
func mixed(t *target, conns int, dur time.Duration, maxOps int64) Result {
	sets := map[string]*keySet{}
	for _, r := range regions {
		sets[r] = &keySet{names: map[string]bool{}}
	}
	rec := newRecorder()
	var ops atomic.Int64
	var seq atomic.Int64
	cpu0 := cpuSeconds(t.pid)
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for time.Now().Before(deadline) && ops.Add(1) <= maxOps {
				region := regions[rng.IntN(len(regions))]
				ks := sets[region]
				name := fmt.Sprintf("k%d", seq.Add(1))
				p := rng.IntN(100)
				var action string
				var params url.Values
				want := 200
				var onOK func()
				switch {
				case p < 38:
					action, params = "CreateKeyPair/ed25519", url.Values{"Action": {"CreateKeyPair"}, "KeyName": {name}, "KeyType": {"ed25519"}}
					onOK = func() { ks.add(name) }
				case p < 40:
					action, params = "CreateKeyPair/rsa", url.Values{"Action": {"CreateKeyPair"}, "KeyName": {name}}
					onOK = func() { ks.add(name) }
				case p < 50:
					action, params = "ImportKeyPair", url.Values{"Action": {"ImportKeyPair"}, "KeyName": {name}, "PublicKeyMaterial": {edPub}}
					onOK = func() { ks.add(name) }
				case p < 80:
					n := ks.any(rng)
					if n == "" {
						continue
					}
					// By name: a name deleted meanwhile is NotFound, which is right.
					action, params = "DescribeKeyPairs/name", url.Values{"Action": {"DescribeKeyPairs"}, "Filter.1.Name": {"key-name"}, "Filter.1.Value.1": {n}}
				case p < 85:
					action, params = "DescribeKeyPairs/all", url.Values{"Action": {"DescribeKeyPairs"}}
				default:
					n := ks.take(rng)
					if n == "" {
						continue
					}
					action, params = "DeleteKeyPair", url.Values{"Action": {"DeleteKeyPair"}, "KeyName": {n}}
				}
				t0 := time.Now()
				st, b, err := call(t, region, params)
				d := time.Since(t0)
				err = expect(st, b, err, want)
				rec.add(action, d, err)
				if err == nil && onOK != nil {
					onOK()
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	res := rec.result("mixed", t, conns, wall, cpuSeconds(t.pid)-cpu0)
	// End check: describe equals the acknowledged set in every Region.
	var check []string
	for _, r := range regions {
		have, err := describeNames(t, r)
		if err != nil {
			check = append(check, r+": "+err.Error())
			continue
		}
		sets[r].mu.Lock()
		missingN, extra := 0, 0
		for n := range sets[r].names {
			if !have[n] {
				missingN++
			}
		}
		for n := range have {
			if !sets[r].names[n] {
				extra++
			}
		}
		check = append(check, fmt.Sprintf("%s: %d key pairs, %d acknowledged missing, %d unexpected", r, len(have), missingN, extra))
		if missingN == 0 && extra == 0 {
			check[len(check)-1] = fmt.Sprintf("%s: %d key pairs = acknowledged set", r, len(have))
		}
		sets[r].mu.Unlock()
	}
	res.EndCheck = strings.Join(check, "; ")
	return res
}

// closed runs one action from conns connections for dur (at most maxOps).
func closed(scenario string, t *target, conns int, dur time.Duration, maxOps int64, want int, mk func(i int64) (string, url.Values)) Result {
	rec := newRecorder()
	var ops atomic.Int64
	cpu0 := cpuSeconds(t.pid)
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := ops.Add(1)
				if i > maxOps {
					return
				}
				region, params := mk(i)
				t0 := time.Now()
				st, b, err := call(t, region, params)
				rec.add(scenario, time.Since(t0), expect(st, b, err, want))
			}
		}()
	}
	wg.Wait()
	return rec.result(scenario, t, conns, time.Since(start), cpuSeconds(t.pid)-cpu0)
}

// preload imports n key pairs into region with conns connections.
func preload(t *target, region string, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				st, b, err := call(t, region, url.Values{"Action": {"ImportKeyPair"}, "KeyName": {fmt.Sprintf("pre-%05d", i)}, "PublicKeyMaterial": {edPub}})
				if expect(st, b, err, 200) != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		log.Fatalf("%s: preload: %d imports failed", t.name, failed.Load())
	}
}

// waitIdle waits until t has used no CPU for a second (its pool is full;
// on a busy machine its low-priority refill can take long), at most max.
func waitIdle(t *target, max time.Duration) {
	deadline := time.Now().Add(max)
	last := cpuSeconds(t.pid)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		now := cpuSeconds(t.pid)
		if now-last < 0.02 {
			log.Printf("%s idle after %.1f s of CPU", t.name, now)
			return
		}
		last = now
	}
	log.Printf("%s still busy after %v", t.name, max)
}

// paced sends n requests one at a time, one every interval.
func paced(scenario string, t *target, n int, every time.Duration, region string, mk func(i int) url.Values) Result {
	rec := newRecorder()
	cpu0 := cpuSeconds(t.pid)
	start := time.Now()
	for i := range n {
		next := start.Add(time.Duration(i) * every)
		time.Sleep(time.Until(next))
		t0 := time.Now()
		st, b, err := call(t, region, mk(i))
		rec.add(scenario, time.Since(t0), expect(st, b, err, 200))
	}
	return rec.result(scenario, t, 1, time.Since(start), cpuSeconds(t.pid)-cpu0)
}

func main() {
	kfBin := flag.String("keyforge", "", "keyforge binary (required)")
	motoBin := flag.String("moto", "moto_server", "moto_server to compare with (empty: none)")
	conns := flag.Int("c", 64, "concurrent connections")
	dur := flag.Duration("d", 20*time.Second, "duration of the mixed runs")
	short := flag.Duration("short", 5*time.Second, "duration of the throughput runs")
	outDir := flag.String("out", "results", "directory for serveload.json")
	flag.Parse()
	if *kfBin == "" {
		log.Fatal("-keyforge BIN is required")
	}
	stateDir, err := os.MkdirTemp("", "serveload-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(stateDir)
	const maxOps = 2_000_000 // bound on any loop besides time
	var results []Result
	report := func(r Result) {
		results = append(results, r)
		log.Printf("%-24s %-16s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %8.2f ms  errors %d  cpu %.0f µs/op %s",
			r.Scenario, r.Target, r.Total.PerSec, r.Total.P50, r.Total.P99, r.Total.Max, r.Total.Errors, r.CPUPerOpUs, r.EndCheck)
		for _, e := range r.ErrorLog {
			log.Printf("  error: %s", e)
		}
	}
	env := bench.CurrentEnv()

	var moto *target
	if *motoBin != "" {
		if p, err := exec.LookPath(*motoBin); err == nil {
			moto = startMoto(p)
			defer moto.stop()
		} else {
			log.Printf("no %s: moto comparison skipped", *motoBin)
		}
	}

	// Mixed workload: keyforge in memory, keyforge --state, moto.
	for _, mk := range []func() *target{
		func() *target { return startKeyforge(*kfBin, "keyforge", "--pool", "64") },
		func() *target {
			return startKeyforge(*kfBin, "keyforge --state", "--pool", "64", "--state", filepath.Join(stateDir, "mixed.db"))
		},
		func() *target { resetMoto(moto); return moto },
	} {
		if moto == nil && len(results) == 2 {
			break
		}
		t := mk()
		if t.name != "moto" {
			time.Sleep(3 * time.Second) // let the pool start filling
		}
		report(mixed(t, *conns, *dur, maxOps))
		if t.name != "moto" {
			t.stop()
		}
	}

	// ed25519 create throughput and describe of 330 key pairs, each on a
	// fresh keyforge and a reset moto.
	fresh := func() []*target {
		ts := []*target{startKeyforge(*kfBin, "keyforge", "--pool", "0")}
		if moto != nil {
			resetMoto(moto)
			ts = append(ts, moto)
		}
		return ts
	}
	targets := fresh()
	for _, t := range targets {
		var n atomic.Int64
		report(closed("create ed25519", t, *conns, *short, int64(len(manyRegions)*perRegion), 200, func(int64) (string, url.Values) {
			i := n.Add(1)
			return manyRegions[int(i-1)/perRegion], url.Values{"Action": {"CreateKeyPair"}, "KeyName": {fmt.Sprintf("ed-%d", i)}, "KeyType": {"ed25519"}}
		}))
	}
	targets[0].stop()
	targets = fresh()
	for _, t := range targets {
		preload(t, "eu-west-1", 330)
		report(closed("describe 330", t, *conns, *short, maxOps, 200, func(int64) (string, url.Values) {
			return "eu-west-1", url.Values{"Action": {"DescribeKeyPairs"}}
		}))
	}
	targets[0].stop()

	// Pooled RSA create while the pool is warm: 40 requests at 10/s from a
	// pool of 64 that has had time to fill.
	kp := startKeyforge(*kfBin, "keyforge --pool 64", "--pool", "64")
	waitIdle(kp, 90*time.Second)
	report(paced("create rsa, warm pool", kp, 40, 100*time.Millisecond, "us-east-1", func(i int) url.Values {
		return url.Values{"Action": {"CreateKeyPair"}, "KeyName": {fmt.Sprintf("rsa-%d", i)}}
	}))
	kp.stop()

	// Describe of 5,000 key pairs.
	k5 := startKeyforge(*kfBin, "keyforge", "--pool", "0")
	preload(k5, "us-east-1", 5000)
	if have, err := describeNames(k5, "us-east-1"); err != nil || len(have) != 5000 {
		log.Fatalf("describe 5000: %d %v", len(have), err)
	}
	report(paced("describe 5000", k5, 100, 20*time.Millisecond, "us-east-1", func(int) url.Values {
		return url.Values{"Action": {"DescribeKeyPairs"}}
	}))
	k5.stop()

	out := struct {
		Env     bench.Env `json:"env"`
		Conns   int       `json:"conns"`
		Results []Result  `json:"results"`
	}{env, *conns, results}
	b, _ := json.MarshalIndent(out, "", "  ")
	if err := os.WriteFile(filepath.Join(*outDir, "serveload.json"), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	failed := false
	for _, r := range results {
		if r.Total.Errors > 0 || (r.EndCheck != "" && strings.Contains(r.EndCheck, "missing")) {
			failed = true
		}
	}
	if moto != nil {
		moto.stop()
	}
	if failed {
		log.Print("FAIL: errors or a failed end check")
		os.Exit(1)
	}
}
