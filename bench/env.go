package bench

import (
	"os"
	"runtime"
	"strings"
	"time"
)

// Env describes where and when a measurement ran.
type Env struct {
	Time      string `json:"time"`
	GoVersion string `json:"go_version"`
	CPU       string `json:"cpu"`
	NumCPU    int    `json:"num_cpu"`
	LoadAvg   string `json:"loadavg_at_start,omitempty"`
}

// CurrentEnv returns the Env of this process now.
func CurrentEnv() Env {
	e := Env{
		Time:      time.Now().UTC().Format(time.RFC3339),
		GoVersion: runtime.Version(),
		NumCPU:    runtime.NumCPU(),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				e.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		e.LoadAvg = strings.TrimSpace(string(b))
	}
	return e
}
