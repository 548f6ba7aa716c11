package ec2

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"

	"github.com/keyforge/keyforge/pemenc"
)

// Regions is one account's key pairs in every Region: one Service per
// Region, made on first use from shared Options (each Region has its own
// names and its own quota) and sharing Options.Store. It is safe for
// concurrent use.
//
// Region names are 1 to 64 lowercase ASCII letters, digits and hyphens,
// starting with a letter and not ending with a hyphen ("us-east-1",
// "eu-central-2", or an emulator's own such as "local"); anything else is
// an InvalidParameterValue APIError. Whether a Region exists on AWS is not
// checked.
type Regions struct {
	opts Options

	mu       sync.Mutex
	services map[string]*Service
}

var regionRE = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,62}[a-z0-9])?$`)

// ValidRegion reports whether name is a Region name Regions accepts.
func ValidRegion(name string) bool { return regionRE.MatchString(name) }

// NewRegions returns a Regions whose Services are made from opts (its
// Region field is ignored). With opts.Store nil they share a new
// MemoryStore.
func NewRegions(opts Options) *Regions {
	if opts.Store == nil {
		opts.Store = NewMemoryStore()
	}
	return &Regions{opts: opts, services: make(map[string]*Service)}
}

// OpenRegions is NewRegions that also opens every Region that has state in
// opts.Store, so that List shows them at once.
func OpenRegions(ctx context.Context, opts Options) (*Regions, error) {
	r := NewRegions(opts)
	names, err := r.opts.Store.Regions(ctx)
	if err != nil {
		return nil, fmt.Errorf("ec2: listing Regions: %w", err)
	}
	for _, n := range names {
		if _, err := r.service(ctx, n); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Service returns the Service of region, making it (and loading its state
// from the store) on first use.
func (r *Regions) Service(region string) (*Service, error) {
	return r.service(context.Background(), region)
}

func (r *Regions) service(ctx context.Context, region string) (*Service, error) {
	if !ValidRegion(region) {
		return nil, invalidRegion(region)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.services[region]; s != nil {
		return s, nil
	}
	opts := r.opts
	opts.Region = region
	s, err := OpenService(ctx, opts)
	if err != nil {
		return nil, err
	}
	r.services[region] = s
	return s, nil
}

func invalidRegion(region string) error {
	return apiErr(CodeInvalidParameterValue, 400, "Value (%s) for parameter Region is invalid.", region)
}

// List returns the Regions whose Service has been made, sorted.
func (r *Regions) List() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.services))
	for n := range r.services {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Snapshot format: versioned JSON, one object per Region.
const (
	SnapshotFormat  = "keyforge-ec2-state"
	SnapshotVersion = 1
)

type snapshotFile struct {
	Format  string                 `json:"format"`
	Version int                    `json:"version"`
	Regions map[string]RegionState `json:"regions"`
}

// Snapshot returns the state of every Region (those made and those in the
// store) as versioned JSON, for emulators that persist state their own way.
// Requests in flight are not included; each Region is a consistent cut.
func (r *Regions) Snapshot(ctx context.Context) ([]byte, error) {
	names, err := r.allRegions(ctx)
	if err != nil {
		return nil, err
	}
	snap := snapshotFile{Format: SnapshotFormat, Version: SnapshotVersion, Regions: map[string]RegionState{}}
	for _, n := range names {
		s, err := r.service(ctx, n)
		if err != nil {
			return nil, err
		}
		st, err := s.state(ctx)
		if err != nil {
			return nil, err
		}
		if len(st.KeyPairs) > 0 || len(st.Generations) > 0 {
			snap.Regions[n] = st
		}
	}
	b, err := json.MarshalIndent(snap, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("ec2: encoding snapshot: %w", err)
	}
	return append(b, '\n'), nil
}

// Restore replaces the state of every Region with the snapshot's: Regions
// absent from it become empty. The snapshot is checked in full first (a
// bad one changes nothing); requests wait while it is applied. A store
// failure part way leaves the Regions before it restored, the rest as they
// were.
func (r *Regions) Restore(ctx context.Context, data []byte) error {
	snap, err := parseSnapshot(data, r.maxKeyPairs())
	if err != nil {
		return err
	}
	names, err := r.allRegions(ctx)
	if err != nil {
		return err
	}
	for n := range snap.Regions {
		names = append(names, n)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	// Lock in name order, so concurrent Restores cannot deadlock.
	var locked []*Service
	defer func() {
		for _, s := range locked {
			s.gate.Unlock()
		}
	}()
	for _, n := range names {
		s, err := r.service(ctx, n)
		if err != nil {
			return err
		}
		s.gate.Lock()
		locked = append(locked, s)
	}
	for i, n := range names {
		if err := locked[i].replace(ctx, snap.Regions[n]); err != nil {
			return err
		}
	}
	return nil
}

func (r *Regions) maxKeyPairs() int {
	if r.opts.MaxKeyPairs <= 0 {
		return DefaultMaxKeyPairs
	}
	return r.opts.MaxKeyPairs
}

// allRegions lists the Regions made and those with state in the store.
func (r *Regions) allRegions(ctx context.Context) ([]string, error) {
	stored, err := r.opts.Store.Regions(ctx)
	if err != nil {
		return nil, fmt.Errorf("ec2: listing Regions: %w", err)
	}
	names := append(r.List(), stored...)
	slices.Sort(names)
	return slices.Compact(names), nil
}

// state returns a copy of the Service's committed state.
func (s *Service) state(ctx context.Context) (RegionState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadLocked(ctx); err != nil {
		return RegionState{}, err
	}
	st := RegionState{KeyPairs: make([]Record, len(s.order))}
	for i, r := range s.order {
		st.KeyPairs[i] = *r
	}
	if len(s.gens) > 0 {
		st.Generations = s.gens
	}
	return copyState(st), nil
}

// replace sets the Service's state, with s.gate held exclusively.
func (s *Service) replace(ctx context.Context, st RegionState) error {
	if err := s.store.Replace(context.WithoutCancel(ctx), s.opts.Region, st); err != nil {
		return fmt.Errorf("ec2: restoring Region %q: %w", s.opts.Region, err)
	}
	s.mu.Lock()
	s.setState(st)
	s.mu.Unlock()
	return nil
}

// parseSnapshot decodes and checks a snapshot: the format and version, and
// every record as CreateKeyPair or ImportKeyPair would have stored it.
func parseSnapshot(data []byte, max int) (*snapshotFile, error) {
	var snap snapshotFile
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("ec2: snapshot is not valid JSON: %w", err)
	}
	if snap.Format != SnapshotFormat {
		return nil, fmt.Errorf("ec2: not a keyforge snapshot (format %q, want %q)", snap.Format, SnapshotFormat)
	}
	if snap.Version < 1 || snap.Version > SnapshotVersion {
		return nil, fmt.Errorf("ec2: snapshot version %d is not supported (this build reads version %d)", snap.Version, SnapshotVersion)
	}
	for name, st := range snap.Regions {
		if !ValidRegion(name) {
			return nil, fmt.Errorf("ec2: snapshot: invalid Region name %q", name)
		}
		fixed, err := CheckRegionState(st, max)
		if err != nil {
			return nil, fmt.Errorf("ec2: snapshot: Region %q: %w", name, err)
		}
		snap.Regions[name] = fixed
	}
	return &snap, nil
}

// CheckRegionState checks st as a store should before trusting it: valid,
// unique names and ids, known key types whose public keys parse and match,
// tags as a request could give them, at most max key pairs, and a
// generation for every name at least its record's. It returns st with the
// generations completed.
func CheckRegionState(st RegionState, max int) (RegionState, error) {
	if len(st.KeyPairs) > max {
		return st, fmt.Errorf("%d key pairs exceed the quota of %d", len(st.KeyPairs), max)
	}
	st = copyState(st)
	if st.Generations == nil {
		st.Generations = make(map[string]uint64)
	}
	names := make(map[string]bool, len(st.KeyPairs))
	ids := make(map[string]bool, len(st.KeyPairs))
	for i, r := range st.KeyPairs {
		if err := validateKeyName(r.KeyName); err != nil {
			return st, fmt.Errorf("key pair %d: %v", i, err)
		}
		if names[r.KeyName] {
			return st, fmt.Errorf("key name %q appears twice", r.KeyName)
		}
		names[r.KeyName] = true
		if !keyPairIDRE.MatchString(r.KeyPairId) {
			return st, fmt.Errorf("key pair %q: malformed KeyPairId %q", r.KeyName, r.KeyPairId)
		}
		if ids[r.KeyPairId] {
			return st, fmt.Errorf("KeyPairId %q appears twice", r.KeyPairId)
		}
		ids[r.KeyPairId] = true
		pub, comment, err := pemenc.ParseAuthorizedKey([]byte(r.PublicKey))
		if err != nil || comment != "" {
			return st, fmt.Errorf("key pair %q: PublicKey is not \"<alg> <base64>\"", r.KeyName)
		}
		typ := keyTypeOf(pub)
		if r.KeyType != typ {
			return st, fmt.Errorf("key pair %q: KeyType %q does not match its %s public key", r.KeyName, r.KeyType, typ)
		}
		if r.KeyFingerprint == "" {
			return st, fmt.Errorf("key pair %q: no KeyFingerprint", r.KeyName)
		}
		if _, err := collectTags([]TagSpecification{{ResourceType: "key-pair", Tags: r.Tags}}); err != nil {
			return st, fmt.Errorf("key pair %q: tags: %v", r.KeyName, err)
		}
		if r.Generation == 0 {
			return st, fmt.Errorf("key pair %q: generation 0", r.KeyName)
		}
		if st.Generations[r.KeyName] < r.Generation {
			st.Generations[r.KeyName] = r.Generation
		}
	}
	return st, nil
}

var keyPairIDRE = regexp.MustCompile(`^key-[0-9a-f]{17}$`)
