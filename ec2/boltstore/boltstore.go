// Package boltstore is a durable ec2.Store: one file, kept with bbolt, that
// holds the key pairs of every Region. Only programs that import this
// package link bbolt.
//
// Every Put, Delete and Replace is committed and synced to disk before it
// returns, so an acknowledged create, import or delete survives a crash or
// a kill. Concurrent requests share transactions (group commit): while one
// commit is being synced, the requests that arrive queue up and go into the
// next one together, so throughput grows with concurrency while a lone
// request never waits for company.
//
// The file records its format and version. Open refuses, and leaves byte
// for byte untouched, a file that is not a keyforge state file, that is
// corrupt, or whose version is newer than this build reads: it opens it
// read-only, checks every record, and only then opens it for writing. A new
// file is made complete under a temporary name and then linked into place,
// so a crash never leaves a half-made state file. A file that another
// process has open fails at once with ErrLocked.
//
// The file is created with mode 0600. It holds public keys only, unless
// PutSpareKeys is used: then it also holds private keys, and PutSpareKeys
// refuses a file that others may read.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/keyforge/keyforge/ec2"
)

// Format and Version identify a keyforge state file.
const (
	Format  = "keyforge-ec2-state"
	Version = 1
)

// Errors, wrapped with the file name and detail; test with errors.Is.
var (
	ErrLocked   = errors.New("boltstore: state file is locked by another process")
	ErrForeign  = errors.New("boltstore: not a keyforge state file")
	ErrCorrupt  = errors.New("boltstore: state file is corrupt")
	ErrNewer    = errors.New("boltstore: state file has a newer format version")
	ErrClosed   = errors.New("boltstore: store is closed")
	ErrReadable = errors.New("boltstore: state file is readable by others")
)

// Options configure Open.
type Options struct {
	// LockTimeout is how long Open waits for another process to release
	// the file; 0 means 100ms.
	LockTimeout time.Duration
	// MaxBatch bounds how many requests share one transaction; 0 means 256.
	MaxBatch int
}

// Bucket and key names of format version 1.
var (
	metaBucket    = []byte("keyforge")
	formatKey     = []byte("format")
	versionKey    = []byte("version")
	regionsBucket = []byte("regions")
	spareBucket   = []byte("spare-keys")
	keyPairsB     = []byte("keypairs")    // seq (8 bytes, big endian) → JSON ec2.Record
	namesB        = []byte("names")       // key name → seq
	gensB         = []byte("generations") // key name → generation (8 bytes)
)

// Store is the durable ec2.Store. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string

	mu     sync.RWMutex // guards closed against the send on ops
	closed bool
	ops    chan *op
	done   chan struct{}
	batch  int

	commits  atomic.Int64 // write transactions
	requests atomic.Int64 // requests committed in them
}

// Stats counts the store's synced write transactions and the requests they
// carried; Requests/Commits is how many requests share a commit.
type Stats struct {
	Commits, Requests int64
}

// Stats returns the counts since Open.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Requests: s.requests.Load()}
}

type op struct {
	fn  func(*bolt.Tx) error
	err chan error
}

// refusal is an op's error that left the transaction untouched, so the
// other requests in it can still commit.
type refusal struct{ error }

// Open opens the state file at path, creating it when it does not exist.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 100 * time.Millisecond
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 256
	}
	for {
		fi, err := os.Lstat(path)
		if errors.Is(err, os.ErrNotExist) {
			err = create(path, o)
			if errors.Is(err, os.ErrExist) {
				continue // made meanwhile by someone else: check theirs
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("boltstore: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%w: %s is not a regular file", ErrForeign, path)
		}
		if fi.Size() == 0 {
			return nil, fmt.Errorf("%w: %s is empty", ErrForeign, path)
		}
		break
	}
	// Check the file without the means to change it.
	ro, err := openDB(path, o, true)
	if err != nil {
		return nil, err
	}
	err = verify(ro)
	ro.Close()
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	db, err := openDB(path, o, false)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path, ops: make(chan *op, o.MaxBatch), done: make(chan struct{}), batch: o.MaxBatch}
	go s.commitLoop()
	return s, nil
}

func openDB(path string, o Options, readOnly bool) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout:  o.LockTimeout,
		ReadOnly: readOnly,
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			// Never follow a symlink, and never create here: create does.
			return os.OpenFile(name, (flag&^os.O_CREATE)|oNoFollow, mode)
		},
	})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("%w: %s (another keyforge process is using it)", ErrLocked, path)
	case errors.Is(err, bolt.ErrInvalid), errors.Is(err, bolt.ErrVersionMismatch), errors.Is(err, bolt.ErrChecksum):
		return nil, fmt.Errorf("%w: %s: %v", ErrForeign, path, err)
	default:
		return nil, fmt.Errorf("boltstore: opening %s: %w", path, err)
	}
}

// create makes a new state file: complete under a temporary name, synced,
// then linked to path, which must not exist (os.ErrExist otherwise).
func create(path string, o Options) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("boltstore: %w", err)
	}
	name := tmp.Name()
	tmp.Close()
	defer os.Remove(name)
	if err := os.Chmod(name, 0o600); err != nil {
		return fmt.Errorf("boltstore: %w", err)
	}
	db, err := bolt.Open(name, 0o600, &bolt.Options{Timeout: o.LockTimeout})
	if err != nil {
		return fmt.Errorf("boltstore: creating %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucket(metaBucket)
		if err != nil {
			return err
		}
		if err := m.Put(formatKey, []byte(Format)); err != nil {
			return err
		}
		if err := m.Put(versionKey, []byte(strconv.Itoa(Version))); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(regionsBucket); err != nil {
			return err
		}
		_, err = tx.CreateBucket(spareBucket)
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("boltstore: creating %s: %w", path, err)
	}
	if err := os.Link(name, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		return fmt.Errorf("boltstore: creating %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the new name durable
		d.Close()
	}
	return nil
}

// verify checks, on a read-only handle, that db is a keyforge state file of
// a version this build reads, and that every stored Region is valid.
func verify(db *bolt.DB) (err error) {
	// A corrupt file can make bbolt panic or fault on a bad page reference.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return db.View(func(tx *bolt.Tx) error {
		if fi, err := os.Stat(db.Path()); err != nil || fi.Size() < tx.Size() {
			return fmt.Errorf("%w: truncated", ErrCorrupt)
		}
		m := tx.Bucket(metaBucket)
		if m == nil {
			return fmt.Errorf("%w: no %q bucket", ErrForeign, metaBucket)
		}
		if f := m.Get(formatKey); string(f) != Format {
			return fmt.Errorf("%w: format %q", ErrForeign, f)
		}
		v, err := strconv.Atoi(string(m.Get(versionKey)))
		if err != nil || v < 1 {
			return fmt.Errorf("%w: version %q", ErrCorrupt, m.Get(versionKey))
		}
		if v > Version {
			return fmt.Errorf("%w: version %d, this build reads up to %d", ErrNewer, v, Version)
		}
		rb := tx.Bucket(regionsBucket)
		if rb == nil || tx.Bucket(spareBucket) == nil {
			return fmt.Errorf("%w: missing buckets", ErrCorrupt)
		}
		return rb.ForEach(func(k, v []byte) error {
			b := rb.Bucket(k)
			if b == nil || !bytes.HasPrefix(k, []byte("r:")) {
				return fmt.Errorf("%w: stray key %q in regions", ErrCorrupt, k)
			}
			st, err := loadRegion(b)
			if err != nil {
				return err
			}
			// The quota is the Service's to enforce, not the file's.
			if _, err := ec2.CheckRegionState(st, math.MaxInt); err != nil {
				return fmt.Errorf("%w: Region %q: %v", ErrCorrupt, k[2:], err)
			}
			return nil
		})
	})
}

// loadRegion reads a Region's bucket, checking its indexes agree.
func loadRegion(b *bolt.Bucket) (ec2.RegionState, error) {
	var st ec2.RegionState
	kp, names, gens := b.Bucket(keyPairsB), b.Bucket(namesB), b.Bucket(gensB)
	if kp == nil || names == nil || gens == nil {
		return st, fmt.Errorf("%w: Region bucket incomplete", ErrCorrupt)
	}
	err := kp.ForEach(func(k, v []byte) error {
		var r ec2.Record
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: record %x: %v", ErrCorrupt, k, err)
		}
		if !bytes.Equal(names.Get([]byte(r.KeyName)), k) {
			return fmt.Errorf("%w: name index disagrees for %q", ErrCorrupt, r.KeyName)
		}
		st.KeyPairs = append(st.KeyPairs, r)
		return nil
	})
	if err != nil {
		return st, err
	}
	if n := names.Stats().KeyN; n != len(st.KeyPairs) {
		return st, fmt.Errorf("%w: %d names for %d records", ErrCorrupt, n, len(st.KeyPairs))
	}
	err = gens.ForEach(func(k, v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("%w: generation of %q", ErrCorrupt, k)
		}
		if st.Generations == nil {
			st.Generations = make(map[string]uint64)
		}
		st.Generations[string(k)] = binary.BigEndian.Uint64(v)
		return nil
	})
	return st, err
}

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Close waits for the requests in flight and closes the file.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.ops)
	s.mu.Unlock()
	<-s.done
	return s.db.Close()
}

// update runs fn in a shared, synced write transaction.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	o := &op{fn: fn, err: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	s.ops <- o
	s.mu.RUnlock()
	return <-o.err
}

// commitLoop is the group commit: it takes every request queued while the
// previous commit was syncing and commits them in one transaction.
func (s *Store) commitLoop() {
	defer close(s.done)
	for first := range s.ops {
		batch := []*op{first}
	drain:
		for len(batch) < s.batch {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		s.commit(batch)
	}
}

func (s *Store) commit(batch []*op) {
	s.commits.Add(1)
	s.requests.Add(int64(len(batch)))
	errs := make([]error, len(batch))
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i, o := range batch {
			err := o.fn(tx)
			var r refusal
			if errors.As(err, &r) {
				errs[i] = r.error
			} else if err != nil {
				return err // the transaction may be half written: abort it all
			}
		}
		return nil
	})
	for i, o := range batch {
		if err != nil {
			o.err <- fmt.Errorf("boltstore: commit: %w", err)
		} else {
			o.err <- errs[i]
		}
	}
}

func regionKey(region string) []byte { return []byte("r:" + region) }

func regionBucket(tx *bolt.Tx, region string, create bool) (*bolt.Bucket, error) {
	rb := tx.Bucket(regionsBucket)
	if !create {
		return rb.Bucket(regionKey(region)), nil
	}
	b, err := rb.CreateBucketIfNotExists(regionKey(region))
	if err != nil {
		return nil, err
	}
	for _, n := range [][]byte{keyPairsB, namesB, gensB} {
		if _, err := b.CreateBucketIfNotExists(n); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// Load implements ec2.Store.
func (s *Store) Load(_ context.Context, region string) (ec2.RegionState, error) {
	var st ec2.RegionState
	err := s.db.View(func(tx *bolt.Tx) error {
		b, _ := regionBucket(tx, region, false)
		if b == nil {
			return nil
		}
		var err error
		st, err = loadRegion(b)
		return err
	})
	return st, err
}

// Put implements ec2.Store.
func (s *Store) Put(_ context.Context, region string, rec ec2.Record) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("boltstore: %w", err)
	}
	return s.update(func(tx *bolt.Tx) error {
		if b, _ := regionBucket(tx, region, false); b != nil && b.Bucket(namesB).Get([]byte(rec.KeyName)) != nil {
			return refusal{fmt.Errorf("boltstore: key pair %q is already stored", rec.KeyName)}
		}
		return putRecord(tx, region, rec, v)
	})
}

func putRecord(tx *bolt.Tx, region string, rec ec2.Record, v []byte) error {
	b, err := regionBucket(tx, region, true)
	if err != nil {
		return err
	}
	kp := b.Bucket(keyPairsB)
	seq, err := kp.NextSequence()
	if err != nil {
		return err
	}
	if err := kp.Put(u64(seq), v); err != nil {
		return err
	}
	if err := b.Bucket(namesB).Put([]byte(rec.KeyName), u64(seq)); err != nil {
		return err
	}
	return b.Bucket(gensB).Put([]byte(rec.KeyName), u64(rec.Generation))
}

// Delete implements ec2.Store.
func (s *Store) Delete(_ context.Context, region, keyName string) error {
	return s.update(func(tx *bolt.Tx) error {
		b, _ := regionBucket(tx, region, false)
		if b == nil {
			return nil
		}
		seq := b.Bucket(namesB).Get([]byte(keyName))
		if seq == nil {
			return nil
		}
		seq = bytes.Clone(seq)
		if err := b.Bucket(keyPairsB).Delete(seq); err != nil {
			return err
		}
		return b.Bucket(namesB).Delete([]byte(keyName))
	})
}

// Replace implements ec2.Store.
func (s *Store) Replace(_ context.Context, region string, st ec2.RegionState) error {
	vals := make([][]byte, len(st.KeyPairs))
	for i, r := range st.KeyPairs {
		v, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("boltstore: %w", err)
		}
		vals[i] = v
	}
	return s.update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(regionsBucket)
		if rb.Bucket(regionKey(region)) != nil {
			if err := rb.DeleteBucket(regionKey(region)); err != nil {
				return err
			}
		}
		if len(st.KeyPairs) == 0 && len(st.Generations) == 0 {
			return nil
		}
		for i, r := range st.KeyPairs {
			if err := putRecord(tx, region, r, vals[i]); err != nil {
				return err
			}
		}
		b, err := regionBucket(tx, region, true)
		if err != nil {
			return err
		}
		for name, g := range st.Generations {
			if err := b.Bucket(gensB).Put([]byte(name), u64(g)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Regions implements ec2.Store.
func (s *Store) Regions(context.Context) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(regionsBucket)
		return rb.ForEach(func(k, _ []byte) error {
			b := rb.Bucket(k)
			if b != nil && (b.Bucket(keyPairsB).Stats().KeyN > 0 || b.Bucket(gensB).Stats().KeyN > 0) {
				out = append(out, string(k[2:]))
			}
			return nil
		})
	})
	sort.Strings(out)
	return out, err
}

// PutSpareKeys adds private keys (DER PKCS#1 blobs) of the given size to the
// file, for a key pool to take after a restart so that it starts warm. The
// file then holds private keys: PutSpareKeys refuses a file whose mode lets
// others read it (ErrReadable). Synced before it returns.
func (s *Store) PutSpareKeys(bits int, keys [][]byte) error {
	if bits <= 0 {
		return fmt.Errorf("boltstore: spare keys: invalid size %d", bits)
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("boltstore: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%w: %s has mode %v; private keys need 0600", ErrReadable, s.path, fi.Mode().Perm())
	}
	if len(keys) == 0 {
		return nil
	}
	return s.update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(spareBucket).CreateBucketIfNotExists([]byte(strconv.Itoa(bits)))
		if err != nil {
			return err
		}
		for _, k := range keys {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(u64(seq), k); err != nil {
				return err
			}
		}
		return nil
	})
}

// TakeSpareKeys removes and returns every spare key of the given size, in
// the order they were put; the removal is synced before it returns, so a
// key is never handed out twice, even across restarts.
func (s *Store) TakeSpareKeys(bits int) ([][]byte, error) {
	var out [][]byte
	err := s.update(func(tx *bolt.Tx) error {
		out = nil // the transaction may be retried
		sb := tx.Bucket(spareBucket)
		name := []byte(strconv.Itoa(bits))
		b := sb.Bucket(name)
		if b == nil {
			return nil
		}
		if err := b.ForEach(func(_, v []byte) error {
			out = append(out, bytes.Clone(v))
			return nil
		}); err != nil {
			return err
		}
		return sb.DeleteBucket(name)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

var _ ec2.Store = (*Store)(nil)
