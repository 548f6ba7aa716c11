package ec2

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Record is what a Store keeps per key pair: everything DescribeKeyPairs
// shows, and the name's generation. The private key is never stored.
type Record struct {
	KeyName        string    `json:"keyName"`
	KeyPairId      string    `json:"keyPairId"`
	KeyType        string    `json:"keyType"` // "rsa" or "ed25519"
	KeyFingerprint string    `json:"keyFingerprint"`
	PublicKey      string    `json:"publicKey"` // authorized_keys form without comment: "<alg> <base64>"
	Tags           []Tag     `json:"tags,omitempty"`
	CreateTime     time.Time `json:"createTime"`
	// Generation counts the creations of KeyName in the Region, starting at
	// 1; a seeded Service derives keys and ids from it, so create, delete,
	// create gives new (and reproducible) outputs the second time.
	Generation uint64 `json:"generation"`
}

// RegionState is the whole state of one Region in a Store.
type RegionState struct {
	// KeyPairs in creation order.
	KeyPairs []Record `json:"keyPairs"`
	// Generations holds the last generation of every name ever stored in
	// the Region, deleted names included; nil when empty.
	Generations map[string]uint64 `json:"generations,omitempty"`
}

// Store keeps the key-pair records of every Region, so that an emulator can
// keep them where it likes. A Service loads its Region once, keeps it in
// memory and is its only writer: a Store must not be shared by two Services
// of one Region (Regions hands out one Service per Region).
//
// Put and Delete are called concurrently; each must return only once the
// change is as durable as the Store promises, and an error must mean that
// nothing changed. The Service passes a context without cancellation to
// them, so that a key pair is never half created.
type Store interface {
	// Load returns the state of region (empty when unknown).
	Load(ctx context.Context, region string) (RegionState, error)
	// Put adds rec, whose name is not in the Region, and records
	// rec.Generation as the name's generation.
	Put(ctx context.Context, region string, rec Record) error
	// Delete removes the key pair named keyName, keeping its generation.
	Delete(ctx context.Context, region, keyName string) error
	// Replace sets the whole state of region, atomically.
	Replace(ctx context.Context, region string, st RegionState) error
	// Regions lists the Regions that have state, sorted.
	Regions(ctx context.Context) ([]string, error)
}

// MemoryStore is the in-memory Store, the default. Its state ends with the
// process; Regions.Snapshot saves it.
type MemoryStore struct {
	mu      sync.Mutex
	regions map[string]*memRegion
}

type memRegion struct {
	recs []Record // creation order
	gens map[string]uint64
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{regions: make(map[string]*memRegion)}
}

func (m *MemoryStore) region(name string) *memRegion {
	r := m.regions[name]
	if r == nil {
		r = &memRegion{gens: make(map[string]uint64)}
		m.regions[name] = r
	}
	return r
}

// Load implements Store.
func (m *MemoryStore) Load(_ context.Context, region string) (RegionState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.regions[region]
	if r == nil {
		return RegionState{}, nil
	}
	return copyState(RegionState{KeyPairs: r.recs, Generations: r.gens}), nil
}

// Put implements Store.
func (m *MemoryStore) Put(_ context.Context, region string, rec Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.region(region)
	rec.Tags = cloneTags(rec.Tags)
	r.recs = append(r.recs, rec)
	r.gens[rec.KeyName] = rec.Generation
	return nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, region, keyName string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.regions[region]
	if r == nil {
		return nil
	}
	for i := range r.recs {
		if r.recs[i].KeyName == keyName {
			r.recs = append(r.recs[:i], r.recs[i+1:]...)
			break
		}
	}
	return nil
}

// Replace implements Store.
func (m *MemoryStore) Replace(_ context.Context, region string, st RegionState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st = copyState(st)
	if st.Generations == nil {
		st.Generations = make(map[string]uint64)
	}
	m.regions[region] = &memRegion{recs: st.KeyPairs, gens: st.Generations}
	return nil
}

// Regions implements Store.
func (m *MemoryStore) Regions(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for name, r := range m.regions {
		if len(r.recs) > 0 || len(r.gens) > 0 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// copyState deep-copies st so that callers never share slices or maps.
func copyState(st RegionState) RegionState {
	out := RegionState{KeyPairs: make([]Record, len(st.KeyPairs))}
	for i, r := range st.KeyPairs {
		r.Tags = cloneTags(r.Tags)
		out.KeyPairs[i] = r
	}
	if len(st.Generations) > 0 {
		out.Generations = make(map[string]uint64, len(st.Generations))
		for k, v := range st.Generations {
			out.Generations[k] = v
		}
	}
	return out
}
