package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/keygen"
)

// PoolResult is the outcome of a paced CreateKeyPair run.
type PoolResult struct {
	Kind     string  `json:"kind"` // "pool"
	Env      Env     `json:"env"`
	PoolSize int     `json:"pool_size"` // 0: no pool, keys made inline
	Bits     int     `json:"bits"`
	Rate     float64 `json:"requests_per_second"`
	WarmupMS float64 `json:"warmup_ms"`
	// Over2ms counts requests slower than 2 ms.
	Over2ms int `json:"over_2ms"`
	// OtherCores is how many cores other processes kept busy on average
	// during the requests: with both cores taken, a request can wait a
	// scheduler time slice (a few ms) behind the pool's refill.
	OtherCores float64 `json:"other_processes_cores"`
	Stats
}

// MeasurePool makes n RSA CreateKeyPair requests (alternating pem and ppk),
// paced at rate per second, against an ec2.Service whose RSA keys come from
// a keygen.Pool of size keys, filled before the first request. size 0 means
// no pool: every key is generated inline, for contrast. Latency is the
// whole CreateKeyPair call.
func MeasurePool(ctx context.Context, size int, rate float64, n int) (*PoolResult, error) {
	res := &PoolResult{Kind: "pool", Env: CurrentEnv(), PoolSize: size, Bits: 2048, Rate: rate}
	var opts ec2.Options
	if size > 0 {
		pool := keygen.NewPool(keygen.PoolOptions{Bits: 2048, Size: size})
		defer pool.Close()
		start := time.Now()
		for pool.Len() < size {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			time.Sleep(5 * time.Millisecond)
		}
		res.WarmupMS = float64(time.Since(start)) / float64(time.Millisecond)
		opts.RSAPool = pool
	}
	svc := ec2.NewService(opts)
	load := NewLoad(os.Getpid())
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		format := "pem"
		if i%2 == 1 {
			format = "ppk"
		}
		in := &ec2.CreateKeyPairInput{KeyName: fmt.Sprintf("pool-%d", i), KeyType: "rsa", KeyFormat: format}
		start := time.Now()
		if _, err := svc.CreateKeyPair(ctx, in); err != nil {
			return nil, err
		}
		d := time.Since(start)
		ds = append(ds, d)
		if d > 2*time.Millisecond {
			res.Over2ms++
		}
	}
	res.OtherCores = load.OtherCores()
	res.Stats = Summarise(ds)
	return res, nil
}
