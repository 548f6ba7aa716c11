// Package ec2 reproduces the EC2 key-pair API (CreateKeyPair, ImportKeyPair,
// DescribeKeyPairs, DeleteKeyPair) offline and byte for byte: the same validation, error codes, messages and
// HTTP statuses, the same KeyMaterial bytes and the same fingerprints as the
// real service (doc/ec2.md lists each fact and its source).
//
// A Service is one account's Region: key names are unique across create and
// import, at most Options.MaxKeyPairs (5,000) key pairs exist, and every
// method is safe for concurrent use. A name is reserved under the lock before
// the slow key generation and released if anything fails, so of many
// concurrent requests for one name exactly one succeeds, and nothing is
// stored when a request fails.
//
// Checks run in EC2's order: parameter validation, then DryRun, then the state
// checks (duplicate name, quota). Failures are *APIError values.
//
// Reproducibility: with Options.Seed, every output (keys, KeyPairId, OpenSSH
// checkints) is a function of (Seed, KeyName, KeyType, KeyFormat, Region,
// and how many times the name was created before) only, derived with
// HMAC-SHA256 in counter mode, so the order in which concurrent requests
// run does not matter, and create, delete, create gives a new key and id
// that another Service with the same seed reproduces. RSA keys then come from keygen.RSAFromSeed
// (c2sp.org/det-keygen). Without a seed each request draws a fresh 32-byte
// seed from crypto/rand and follows the same derivation.
//
// Regions holds one Service per Region, made on first use. State lives in
// a Store (MemoryStore by default; package boltstore keeps it in a file),
// and Regions.Snapshot and Regions.Restore save and load all of it as
// versioned JSON. Requests on one name take effect one after another (a
// request waits for one in flight on the same name), so concurrent creates
// and deletes of a name are linearizable with every Store.
//
// Choices no public evidence decides, made by this package:
// KeyName length is counted in bytes (anything non-ASCII is refused anyway);
// "leading or trailing space" means any ASCII whitespace; tag keys starting
// with "aws:" are refused in any letter case; a tag key given twice in one
// request is refused (InvalidParameterValue); tags from several key-pair
// TagSpecifications are merged in order. DescribeKeyPairs: KeyNames,
// KeyPairIds and Filters each narrow the result; a missing name is named
// before a missing id; at most 50 filters of 200 values of 1,024 bytes.
// DeleteKeyPair with both KeyName and KeyPairId deletes only a key pair
// that has both.
package ec2

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/keyforge/keyforge/keygen"
)

// Error codes (doc/ec2.md).
const (
	CodeMissingParameter      = "MissingParameter"
	CodeInvalidParameterValue = "InvalidParameterValue"
	CodeTagLimitExceeded      = "TagLimitExceeded"
	CodeDryRunOperation       = "DryRunOperation"
	CodeDuplicate             = "InvalidKeyPair.Duplicate"
	CodeKeyPairLimitExceeded  = "KeyPairLimitExceeded"
	CodeNotFound              = "InvalidKeyPair.NotFound"
	CodeInvalidKeyFormat      = "InvalidKey.Format"
)

// Defaults.
const (
	DefaultMaxKeyPairs = 5000
	DefaultPPKVersion  = 3
	DefaultRSABits     = 2048
	MaxTags            = 50
)

// Tag is an EC2 resource tag.
type Tag struct {
	Key   string
	Value string
}

// TagSpecification tags the resource a request creates; for key pairs
// ResourceType must be "key-pair".
type TagSpecification struct {
	ResourceType string
	Tags         []Tag
}

// CreateKeyPairInput is the CreateKeyPair request. KeyType is "rsa" (default
// when empty) or "ed25519"; KeyFormat "pem" (default) or "ppk".
type CreateKeyPairInput struct {
	KeyName           string
	KeyType           string
	KeyFormat         string
	TagSpecifications []TagSpecification
	DryRun            bool
}

// CreateKeyPairOutput is the CreateKeyPair response. Tags is nil unless the
// request carried tags, so `json:",omitempty"`-style encoders leave the key
// out exactly as EC2 does.
type CreateKeyPairOutput struct {
	KeyFingerprint string
	KeyMaterial    string
	KeyName        string
	KeyPairId      string
	Tags           []Tag `json:",omitempty"`
}

// APIError is an EC2 error: its code, message and HTTP status.
type APIError struct {
	Code       string
	Message    string
	HTTPStatus int
	cause      error // see Unwrap
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func apiErr(code string, status int, format string, a ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, a...), HTTPStatus: status}
}

// Options configure a Service.
type Options struct {
	// Region names the Region this Service stands for; it is the key of
	// its state in Store. Regions sets it per Service.
	Region string
	// Store keeps the key-pair records; nil means a new MemoryStore.
	Store Store
	// Seed, when set, makes every output reproducible (see the package doc).
	// Region is one of the inputs: one seed gives different key pairs and
	// ids in each Region (and the same as before in a Service without one).
	Seed []byte
	// MaxKeyPairs is the quota of key pairs; 0 means 5,000.
	MaxKeyPairs int
	// PPKVersion is the PuTTY key file version for KeyFormat "ppk": 2 or 3;
	// 0 means 3.
	PPKVersion int
	// PPKComment returns the Comment of a PPK file for a key name; nil means
	// the key name itself.
	PPKComment func(keyName string) string
	// RSABits is the modulus size of created RSA keys; 0 means 2048.
	RSABits int
	// RSAPool, when set, supplies the RSA keys of an unseeded Service, so
	// CreateKeyPair answers at once while the pool is warm. Its Bits must
	// equal RSABits. A seeded Service never uses it: its keys come from the
	// seed. The Service does not close the pool.
	RSAPool *keygen.Pool
	// Now returns the creation time recorded for DescribeKeyPairs; nil means
	// time.Now.
	Now func() time.Time
}

// Service is one account's key pairs in one Region.
type Service struct {
	opts  Options
	store Store

	// gate is held shared by every request and exclusively by Restore, so
	// a restore never interleaves with a request.
	gate sync.RWMutex

	mu       sync.Mutex
	loaded   bool
	order    []*Record          // creation order
	seq      map[*Record]uint64 // position in order (increasing, not dense)
	nextSeq  uint64
	byName   map[string]*Record
	ids      map[string]*Record
	gens     map[string]uint64        // last generation of every name ever stored
	busy     map[string]chan struct{} // names with a create or delete in flight; closed when done
	creating int                      // creates in flight (they count against the quota)
	newIDs   map[string]bool          // ids of creates in flight
}

// NewService returns a Service for Options.Region. With Options.Store nil
// it starts empty in memory; with a Store it loads the Region's state on
// first use (OpenService loads it at once and reports errors).
func NewService(opts Options) *Service {
	if opts.MaxKeyPairs <= 0 {
		opts.MaxKeyPairs = DefaultMaxKeyPairs
	}
	if opts.PPKVersion == 0 {
		opts.PPKVersion = DefaultPPKVersion
	}
	if opts.RSABits == 0 {
		opts.RSABits = DefaultRSABits
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Seed != nil {
		opts.Seed = append([]byte(nil), opts.Seed...)
	}
	s := &Service{
		opts:   opts,
		store:  opts.Store,
		busy:   make(map[string]chan struct{}),
		newIDs: make(map[string]bool),
	}
	if s.store == nil {
		s.store = NewMemoryStore()
		s.setState(RegionState{})
	}
	return s
}

// OpenService returns a Service for Options.Region with its state loaded
// from Options.Store.
func OpenService(ctx context.Context, opts Options) (*Service, error) {
	s := NewService(opts)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadLocked(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Region returns the Region the Service stands for (Options.Region).
func (s *Service) Region() string { return s.opts.Region }

func (s *Service) setState(st RegionState) {
	s.order = make([]*Record, 0, len(st.KeyPairs))
	s.byName = make(map[string]*Record, len(st.KeyPairs))
	s.ids = make(map[string]*Record, len(st.KeyPairs))
	s.gens = make(map[string]uint64, len(st.Generations))
	s.seq = make(map[*Record]uint64, len(st.KeyPairs))
	for k, v := range st.Generations {
		s.gens[k] = v
	}
	for i := range st.KeyPairs {
		r := st.KeyPairs[i]
		r.Tags = cloneTags(r.Tags)
		s.order = append(s.order, &r)
		s.byName[r.KeyName] = &r
		s.ids[r.KeyPairId] = &r
		if s.gens[r.KeyName] < r.Generation {
			s.gens[r.KeyName] = r.Generation
		}
	}
	// A store keeps commit order; concurrent commits may finish out of
	// creation-time order, which is the order the Service shows.
	slices.SortStableFunc(s.order, func(a, b *Record) int { return a.CreateTime.Compare(b.CreateTime) })
	s.renumberLocked()
	s.loaded = true
}

// loadLocked reads the Region's state from the store once; a failure is
// returned to the request and retried by the next.
func (s *Service) loadLocked(ctx context.Context) error {
	if s.loaded {
		return nil
	}
	st, err := s.store.Load(ctx, s.opts.Region)
	if err != nil {
		return fmt.Errorf("ec2: loading Region %q: %w", s.opts.Region, err)
	}
	s.setState(st)
	return nil
}

// waitLocked waits, with s.mu held (and released while waiting), until no
// create or delete of name is in flight.
func (s *Service) waitLocked(ctx context.Context, name string) error {
	for {
		ch := s.busy[name]
		if ch == nil {
			return nil
		}
		s.mu.Unlock()
		select {
		case <-ch:
			s.mu.Lock()
		case <-ctx.Done():
			s.mu.Lock()
			return ctx.Err()
		}
	}
}

// pending is a create between its state checks and its commit.
type pending struct {
	name     string
	gen      uint64
	done     chan struct{}
	finished bool
}

// reserve claims name for a create, running the state checks (duplicate,
// then quota; creates in flight count against the quota). A create or
// delete of the same name in flight is waited for, so requests on one name
// take effect one after another.
func (s *Service) reserve(ctx context.Context, name string) (*pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadLocked(ctx); err != nil {
		return nil, err
	}
	if err := s.waitLocked(ctx, name); err != nil {
		return nil, err
	}
	if s.byName[name] != nil {
		return nil, apiErr(CodeDuplicate, 400, "The keypair '%s' already exists.", name)
	}
	if len(s.byName)+s.creating >= s.opts.MaxKeyPairs {
		return nil, apiErr(CodeKeyPairLimitExceeded, 400,
			"Maximum of %d key pairs per Region reached.", s.opts.MaxKeyPairs)
	}
	p := &pending{name: name, gen: s.gens[name] + 1, done: make(chan struct{})}
	s.busy[name] = p.done
	s.creating++
	return p, nil
}

func (s *Service) release(p *pending) {
	s.mu.Lock()
	s.finishLocked(p)
	s.mu.Unlock()
}

func (s *Service) finishLocked(p *pending) {
	if p.finished {
		return
	}
	p.finished = true
	s.creating--
	delete(s.busy, p.name)
	close(p.done)
}

// commit stores rec under its reserved name: through the store first, then
// in memory. The id comes from newID, tried again on the (2^-64) chance that
// it is taken. On error nothing is stored.
func (s *Service) commit(ctx context.Context, p *pending, rec *Record, newID func() string) error {
	s.mu.Lock()
	for {
		rec.KeyPairId = newID()
		if s.ids[rec.KeyPairId] == nil && !s.newIDs[rec.KeyPairId] {
			break
		}
	}
	s.newIDs[rec.KeyPairId] = true
	rec.CreateTime = s.opts.Now().Round(0)
	rec.Generation = p.gen
	s.mu.Unlock()

	err := s.store.Put(context.WithoutCancel(ctx), s.opts.Region, *rec)

	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.newIDs, rec.KeyPairId)
	if err == nil {
		r := *rec
		r.Tags = cloneTags(r.Tags)
		s.insertLocked(&r)
		s.gens[r.KeyName] = r.Generation
	}
	s.finishLocked(p)
	if err != nil {
		return fmt.Errorf("ec2: storing key pair %q: %w", rec.KeyName, err)
	}
	return nil
}

// insertLocked adds r in creation-time order (almost always at the end).
func (s *Service) insertLocked(r *Record) {
	i := len(s.order)
	for i > 0 && s.order[i-1].CreateTime.After(r.CreateTime) {
		i--
	}
	// seq follows order: between its neighbours' (renumbering in the rare
	// case that an out-of-order insert finds no gap).
	if i == len(s.order) {
		s.nextSeq += 1 << 20
		s.seq[r] = s.nextSeq
	} else {
		lo := uint64(0)
		if i > 0 {
			lo = s.seq[s.order[i-1]]
		}
		hi := s.seq[s.order[i]]
		if hi-lo < 2 {
			s.renumberLocked()
			lo, hi = 0, s.seq[s.order[i]]
			if i > 0 {
				lo = s.seq[s.order[i-1]]
			}
		}
		s.seq[r] = lo + (hi-lo)/2
	}
	s.order = append(s.order, nil)
	copy(s.order[i+1:], s.order[i:])
	s.order[i] = r
	s.byName[r.KeyName] = r
	s.ids[r.KeyPairId] = r
}

func (s *Service) renumberLocked() {
	s.nextSeq = 0
	for _, o := range s.order {
		s.nextSeq += 1 << 20
		s.seq[o] = s.nextSeq
	}
}

func (s *Service) removeLocked(r *Record) {
	delete(s.seq, r)
	for i, o := range s.order {
		if o == r {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	delete(s.byName, r.KeyName)
	delete(s.ids, r.KeyPairId)
}

// count returns the number of stored key pairs (creates in flight excluded).
func (s *Service) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byName)
}
