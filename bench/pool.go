package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/keygen"
)

// PoolRun configures one warm-pool measurement.
type PoolRun struct {
	Size    int     // pool size; 0: no pool, every key generated inline
	Workers int     // keygen.PoolOptions.Workers; 0: the default
	Rate    float64 // requests per second, paced by a ticker
	N       int     // requests
	// Burst, when "sequential" or "concurrent", sends the N requests at
	// once instead of paced: one after another, or all together.
	Burst string
	// Busy is how many busy loops run beside the server while it is
	// measured; BusyIn says where: "session" (shell loops started by this
	// process, so in its session and process group, like a test suite run
	// from the same terminal) or "process" (goroutines in this process).
	Busy   int
	BusyIn string
	// KeyType is the requests' key type: "rsa" (the default) or "ed25519",
	// which leaves the pool alone: a control row for the machine's own
	// scheduling delays.
	KeyType string
	// GCEvery forces a garbage collection this often during the requests,
	// so stop-the-world pauses are sampled under the load (0: only the
	// runtime's own cycles).
	GCEvery time.Duration
}

// PoolResult is the outcome of a PoolRun.
type PoolResult struct {
	Kind     string  `json:"kind"` // "pool"
	Env      Env     `json:"env"`
	PoolSize int     `json:"pool_size"` // 0: no pool, keys made inline
	Workers  int     `json:"workers,omitempty"`
	Bits     int     `json:"bits"`
	Rate     float64 `json:"requests_per_second"`
	Burst    string  `json:"burst,omitempty"`
	KeyType  string  `json:"key_type,omitempty"`
	Busy     int     `json:"busy_loops,omitempty"`
	BusyIn   string  `json:"busy_in,omitempty"`
	WarmupMS float64 `json:"warmup_ms"`
	// Over2ms counts requests slower than 2 ms.
	Over2ms int `json:"over_2ms"`
	// Waited counts requests that found the pool empty; MinReady is the
	// fewest keys ready after any request.
	Waited   uint64 `json:"waited"`
	MinReady int    `json:"min_ready"`
	// Generated is how many keys the refill made during the requests, and
	// CPUPerKeyMS this process's CPU time over them (it varies with how
	// busy the machine's cores and caches are).
	Generated   uint64  `json:"generated"`
	CPUPerKeyMS float64 `json:"cpu_per_key_ms,omitempty"`
	// RefillMS is, for a burst, the time from its last response until the
	// pool was full again.
	RefillMS float64 `json:"refill_ms,omitempty"`
	// OtherCores is how many cores processes other than this one and its
	// busy loops kept busy on average during the requests (the machine is
	// shared); BusyCores and OwnCores are the busy loops' and this
	// process's share.
	OtherCores float64 `json:"other_processes_cores"`
	BusyCores  float64 `json:"busy_loops_cores,omitempty"`
	OwnCores   float64 `json:"own_cores"`
	GC         GCStats `json:"gc"`
	Stats
}

// GCStats summarises garbage collection during a measurement.
type GCStats struct {
	Cycles uint64 `json:"cycles"`
	// Pauses counts stop-the-world pauses; P99MS and MaxMS are upper
	// bounds of the runtime's histogram buckets.
	Pauses uint64  `json:"pauses"`
	P99MS  float64 `json:"pause_p99_ms"`
	MaxMS  float64 `json:"pause_max_ms"`
}

// MeasurePool is MeasurePoolRun with paced requests on an otherwise idle
// process: n RSA CreateKeyPair requests at rate per second from a pool of
// size keys.
func MeasurePool(ctx context.Context, size int, rate float64, n int) (*PoolResult, error) {
	return MeasurePoolRun(ctx, PoolRun{Size: size, Rate: rate, N: n})
}

// MeasurePoolRun makes RSA-2048 CreateKeyPair requests (alternating pem and
// ppk) against an ec2.Service whose keys come from a keygen.Pool filled
// before the first request. Latency is the whole CreateKeyPair call.
func MeasurePoolRun(ctx context.Context, r PoolRun) (*PoolResult, error) {
	res := &PoolResult{Kind: "pool", Env: CurrentEnv(), PoolSize: r.Size, Workers: r.Workers, Bits: 2048,
		Rate: r.Rate, Burst: r.Burst, Busy: r.Busy, BusyIn: r.BusyIn, KeyType: r.KeyType}
	keyType := r.KeyType
	if keyType == "" {
		keyType = "rsa"
	}
	var opts ec2.Options
	var pool *keygen.Pool
	if r.Size > 0 {
		var err error
		pool, err = keygen.StartPool(keygen.PoolOptions{Bits: 2048, Size: r.Size, Workers: r.Workers})
		if err != nil {
			return nil, err
		}
		defer pool.Close()
		start := time.Now()
		if err := waitFull(ctx, pool, r.Size); err != nil {
			return nil, err
		}
		res.WarmupMS = ms(time.Since(start))
		res.MinReady = r.Size
		opts.RSAPool = pool
	}
	svc := ec2.NewService(opts)

	stopBusy, busyPIDs, err := startBusy(r.Busy, r.BusyIn)
	if err != nil {
		return nil, err
	}
	defer stopBusy()
	time.Sleep(200 * time.Millisecond) // let the loops take the cores

	stopGC := forceGC(r.GCEvery)
	gc0 := readGC()
	load := NewLoad(append([]int{os.Getpid()}, busyPIDs...)...)
	own0 := ProcTicks(os.Getpid())
	busy0 := ticks(busyPIDs)
	_, total0 := CPUTicks()
	start0 := time.Now()

	var gen0 uint64
	if pool != nil {
		gen0 = pool.Stats().Generated
	}
	var mu sync.Mutex
	ds := make([]time.Duration, 0, r.N)
	one := func(i int) error {
		format := "pem"
		if i%2 == 1 {
			format = "ppk"
		}
		in := &ec2.CreateKeyPairInput{KeyName: fmt.Sprintf("pool-%d", i), KeyType: keyType, KeyFormat: format}
		start := time.Now()
		_, err := svc.CreateKeyPair(ctx, in)
		d := time.Since(start)
		if err != nil {
			return err
		}
		mu.Lock()
		ds = append(ds, d)
		if pool != nil {
			res.MinReady = min(res.MinReady, pool.Len())
		}
		mu.Unlock()
		return nil
	}
	switch r.Burst {
	case "":
		tick := time.NewTicker(time.Duration(float64(time.Second) / r.Rate))
		for i := 0; i < r.N; i++ {
			select {
			case <-tick.C:
			case <-ctx.Done():
				tick.Stop()
				return nil, ctx.Err()
			}
			if err := one(i); err != nil {
				tick.Stop()
				return nil, err
			}
		}
		tick.Stop()
	case "sequential":
		for i := 0; i < r.N; i++ {
			if err := one(i); err != nil {
				return nil, err
			}
		}
	case "concurrent":
		errs := make(chan error, r.N)
		var wg sync.WaitGroup
		for i := 0; i < r.N; i++ {
			wg.Go(func() { errs <- one(i) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("unknown burst mode %q", r.Burst)
	}
	end := time.Now()
	stopGC()
	res.GC = readGC().since(gc0)
	res.OtherCores = load.OtherCores()
	if _, total := CPUTicks(); total > total0 {
		cores := float64(runtime.NumCPU()) / float64(total-total0)
		res.OwnCores = float64(ProcTicks(os.Getpid())-own0) * cores
		if len(busyPIDs) > 0 {
			res.BusyCores = float64(ticks(busyPIDs)-busy0) * cores
		}
	}
	if pool != nil {
		st := pool.Stats()
		res.Waited = st.Waits
		res.Generated = st.Generated - gen0
		if res.Generated > 0 && r.BusyIn != "process" { // busy goroutines' CPU is this process's
			res.CPUPerKeyMS = res.OwnCores * ms(end.Sub(start0)) / float64(res.Generated)
		}
		if r.Burst != "" {
			if err := waitFull(ctx, pool, r.Size); err != nil {
				return nil, err
			}
			res.RefillMS = ms(time.Since(end))
		}
	}
	res.Stats = Summarise(ds)
	for _, d := range ds {
		if d > 2*time.Millisecond {
			res.Over2ms++
		}
	}
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func waitFull(ctx context.Context, pool *keygen.Pool, size int) error {
	for pool.Len() < size {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

func ticks(pids []int) (t uint64) {
	for _, p := range pids {
		t += ProcTicks(p)
	}
	return t
}

// startBusy starts n busy loops in the given place and returns a function
// that stops them, and their process ids (none for goroutines).
func startBusy(n int, in string) (stop func(), pids []int, err error) {
	if n == 0 {
		return func() {}, nil, nil
	}
	switch in {
	case "process":
		done := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				x := 0
				for {
					select {
					case <-done:
						return
					default:
					}
					for range 1 << 16 {
						x++
					}
				}
			})
		}
		return func() { close(done); wg.Wait() }, nil, nil
	case "session", "":
		var cmds []*exec.Cmd
		stop = func() {
			for _, c := range cmds {
				c.Process.Kill()
				c.Wait()
			}
		}
		for range n {
			c := exec.Command("sh", "-c", "while :; do :; done")
			if err := c.Start(); err != nil {
				stop()
				return nil, nil, fmt.Errorf("starting a busy loop: %w", err)
			}
			cmds = append(cmds, c)
			pids = append(pids, c.Process.Pid)
		}
		return stop, pids, nil
	}
	return nil, nil, fmt.Errorf("busy loops in %q: want session or process", in)
}

// forceGC runs runtime.GC every d until the returned function is called.
func forceGC(d time.Duration) (stop func()) {
	if d <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				runtime.GC()
			case <-done:
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

type gcSample struct {
	cycles uint64
	counts []uint64
	bounds []float64 // seconds; len(counts)+1
}

func readGC() gcSample {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/sched/pauses/total/gc:seconds"}}
	metrics.Read(s)
	h := s[1].Value.Float64Histogram()
	return gcSample{cycles: s[0].Value.Uint64(), counts: append([]uint64(nil), h.Counts...), bounds: h.Buckets}
}

func (s gcSample) since(old gcSample) GCStats {
	g := GCStats{Cycles: s.cycles - old.cycles}
	diff := make([]uint64, len(s.counts))
	for i := range diff {
		diff[i] = s.counts[i] - old.counts[i]
		g.Pauses += diff[i]
	}
	upper := func(i int) float64 {
		b := s.bounds[i+1]
		if math.IsInf(b, 1) {
			b = s.bounds[i]
		}
		return b * 1000
	}
	var seen uint64
	for i, c := range diff {
		if c == 0 {
			continue
		}
		seen += c
		if g.P99MS == 0 && float64(seen) >= 0.99*float64(g.Pauses) {
			g.P99MS = upper(i)
		}
		g.MaxMS = upper(i)
	}
	return g
}
