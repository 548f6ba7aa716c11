// Package ec2 reproduces the EC2 key-pair API (CreateKeyPair, ImportKeyPair)
// offline and byte for byte: the same validation, error codes, messages and
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
// checkints) is a function of (Seed, KeyName, KeyType, KeyFormat) only,
// derived with HMAC-SHA256 in counter mode, so the order in which concurrent
// requests run does not matter. RSA keys then come from keygen.RSAFromSeed
// (c2sp.org/det-keygen). Without a seed each request draws a fresh 32-byte
// seed from crypto/rand and follows the same derivation.
//
// Choices no public evidence decides, made by this package:
// KeyName length is counted in bytes (anything non-ASCII is refused anyway);
// "leading or trailing space" means any ASCII whitespace; tag keys starting
// with "aws:" are refused in any letter case; a tag key given twice in one
// request is refused (InvalidParameterValue); tags from several key-pair
// TagSpecifications are merged in order.
package ec2

import (
	"crypto"
	"fmt"
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
	// Region names the Region this Service stands for (informational).
	Region string
	// Seed, when set, makes every output reproducible (see the package doc).
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
	opts Options

	mu       sync.Mutex
	byName   map[string]*record
	ids      map[string]*record
	reserved map[string]bool // names whose key is being generated
}

// record is what the Service keeps per key pair (for DescribeKeyPairs).
type record struct {
	KeyName        string
	KeyPairId      string
	KeyType        string // "rsa" or "ed25519"
	KeyFingerprint string
	PublicKey      crypto.PublicKey
	CreateTime     time.Time
	Tags           []Tag
}

// NewService returns an empty Service.
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
	return &Service{
		opts:     opts,
		byName:   make(map[string]*record),
		ids:      make(map[string]*record),
		reserved: make(map[string]bool),
	}
}

// reserve claims name for a request, running the state checks in EC2's order
// (duplicate, then quota; reservations count against the quota).
func (s *Service) reserve(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byName[name] != nil || s.reserved[name] {
		return apiErr(CodeDuplicate, 400, "The keypair '%s' already exists.", name)
	}
	if len(s.byName)+len(s.reserved) >= s.opts.MaxKeyPairs {
		return apiErr(CodeKeyPairLimitExceeded, 400,
			"Maximum of %d key pairs per Region reached.", s.opts.MaxKeyPairs)
	}
	s.reserved[name] = true
	return nil
}

func (s *Service) release(name string) {
	s.mu.Lock()
	delete(s.reserved, name)
	s.mu.Unlock()
}

// commit stores rec under its reserved name. The id comes from newID, tried
// again on the (2^-64) chance that it is taken.
func (s *Service) commit(rec *record, newID func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		rec.KeyPairId = newID()
		if s.ids[rec.KeyPairId] == nil {
			break
		}
	}
	rec.CreateTime = s.opts.Now()
	delete(s.reserved, rec.KeyName)
	s.byName[rec.KeyName] = rec
	s.ids[rec.KeyPairId] = rec
}

// count returns the number of stored key pairs (reservations excluded).
func (s *Service) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byName)
}
