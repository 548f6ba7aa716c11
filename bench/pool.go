package bench

// PoolResult is the outcome of a paced CreateKeyPair run.
type PoolResult struct {
	Kind     string  `json:"kind"` // "pool"
	Env      Env     `json:"env"`
	PoolSize int     `json:"pool_size"` // 0: no pool, keys made inline
	Bits     int     `json:"bits"`
	Rate     float64 `json:"requests_per_second"`
	WarmupMS float64 `json:"warmup_ms"`
	// Over2ms counts requests slower than the 2 ms goal.
	Over2ms int `json:"over_2ms"`
	Stats
}
