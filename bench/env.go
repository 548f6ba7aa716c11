package bench

import (
	"os"
	"runtime"
	"strconv"
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

// CPUTicks returns the machine's busy and total clock ticks from /proc/stat
// (0, 0 where unavailable).
func CPUTicks() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	for i, s := range f[1:] {
		v, _ := strconv.ParseUint(s, 10, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// ProcTicks returns the user+system clock ticks used so far by process pid.
func ProcTicks(pid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; fields resume after its ')'.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return u + st
}

// Load measures how busy the machine was, outside the given processes,
// between NewLoad and Done.
type Load struct {
	pids        []int
	busy, total uint64
	own         uint64
}

// NewLoad starts measuring; pids are the processes that make up the
// measurement itself.
func NewLoad(pids ...int) *Load {
	l := &Load{pids: pids}
	l.busy, l.total = CPUTicks()
	for _, p := range pids {
		l.own += ProcTicks(p)
	}
	return l
}

// OtherCores returns the average number of cores kept busy by other
// processes since NewLoad (-1 if unknown).
func (l *Load) OtherCores() float64 {
	busy, total := CPUTicks()
	var own uint64
	for _, p := range l.pids {
		own += ProcTicks(p)
	}
	if total <= l.total {
		return -1
	}
	other := float64(busy-l.busy) - float64(own-l.own)
	if other < 0 {
		other = 0
	}
	return other / float64(total-l.total) * float64(runtime.NumCPU())
}
