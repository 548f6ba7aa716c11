// Package sshcert reads OpenSSH certificates (*-cert-v01@openssh.com, as
// `ssh-keygen -s` makes them; OpenSSH's PROTOCOL.certkeys), verifies their
// signature against the signing CA key, and describes them exactly as
// `ssh-keygen -L` does.
//
// A certificate is an SSH public-key blob that carries, after the
// certified key's fields, the certificate's terms and the CA's signature:
//
//	string  type               e.g. "ssh-ed25519-cert-v01@openssh.com"
//	string  nonce
//	...     the certified key's fields (as in its plain public blob)
//	uint64  serial
//	uint32  type               1 user, 2 host
//	string  key id
//	string  valid principals   a list of strings
//	uint64  valid after        seconds since the epoch; 0 = always
//	uint64  valid before       0xffffffffffffffff = forever
//	string  critical options   (name, string data) pairs
//	string  extensions         (name, string data) pairs
//	string  reserved
//	string  signature key      the CA's plain public-key blob
//	string  signature          over every byte before this field
//
// Certified and CA keys are RSA, Ed25519, ECDSA P-256/384/521 and the FIDO
// types of package fido; DSA certificates are refused by name. Keys are the
// standard library's public key types (and fido's), so the certified key
// fingerprints as the plain key does, which is what `ssh-keygen -l` shows.
package sshcert

import (
	"crypto"
	"errors"
	"time"
)

// Sentinel errors, for errors.Is.
var (
	// ErrMalformed: the input is not a well-formed certificate.
	ErrMalformed = errors.New("sshcert: malformed certificate")
	// ErrUnsupportedKeyType: a certificate or CA key type not handled (e.g.
	// ssh-dss-cert-v01@openssh.com), or an unknown signature algorithm.
	ErrUnsupportedKeyType = errors.New("sshcert: unsupported key type")
	// ErrBadSignature: the CA signature does not verify.
	ErrBadSignature = errors.New("sshcert: signature does not verify")
)

// Certificate types.
const (
	UserCert = 1
	HostCert = 2
)

// Forever is ValidBefore of a certificate that never expires.
const Forever = ^uint64(0)

// Limits on what is read from untrusted input (OpenSSH allows 256 principals).
const (
	MaxPrincipals = 256
	MaxInput      = 1 << 20
)

// Option is one critical option or extension: a name and its raw data
// (for force-command and source-address a wire string holding the value).
type Option struct {
	Name string
	Data []byte
}

// Signature is the CA's signature: its algorithm (e.g. rsa-sha2-512), the
// signature bytes, and for FIDO CAs the flags and counter that follow.
type Signature struct {
	Format string
	Blob   []byte
	Rest   []byte
}

// Certificate is a parsed OpenSSH certificate.
type Certificate struct {
	Type            string           // e.g. "ssh-ed25519-cert-v01@openssh.com"
	Nonce           []byte           //
	Key             crypto.PublicKey // the certified key
	Serial          uint64           //
	CertType        uint32           // UserCert or HostCert
	KeyID           string           //
	ValidPrincipals []string         //
	ValidAfter      uint64           //
	ValidBefore     uint64           //
	CriticalOptions []Option         //
	Extensions      []Option         //
	Reserved        []byte           //
	SignatureKey    crypto.PublicKey // the CA's key
	Signature       Signature        //

	raw    []byte // the whole blob
	signed int    // length of the signed prefix of raw
}

// Public returns the certified key, so a Certificate can be passed where a
// key's public half is taken (fingerprints as ssh-keygen -l shows them).
func (c *Certificate) Public() crypto.PublicKey { return c.Key }

// Marshal returns the certificate's wire blob, as read.
func (c *Certificate) Marshal() []byte { return append([]byte(nil), c.raw...) }

// ValidAt reports whether t is within the certificate's validity interval
// (valid after ≤ t < valid before, as sshd checks it).
func (c *Certificate) ValidAt(t time.Time) bool {
	if t.Unix() < 0 {
		return c.ValidAfter == 0
	}
	u := uint64(t.Unix())
	return u >= c.ValidAfter && u < c.ValidBefore
}
