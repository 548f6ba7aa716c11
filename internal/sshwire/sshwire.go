// Package sshwire reads and writes the SSH wire encoding of RFC 4251
// section 5 (uint32, string, mpint) and the public-key blobs of RFC 4253,
// RFC 8709 and RFC 5656 that every key format in keyforge embeds.
//
// Readers are strict: a Reader records the first error and every later call
// returns zero values, so decoders check Err once at the end.
package sshwire

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/keyforge/keyforge/fido"
)

// Algorithm names as they appear on the wire.
const (
	RSA       = "ssh-rsa"
	Ed25519   = "ssh-ed25519"
	ECDSAP256 = "ecdsa-sha2-nistp256"
	ECDSAP384 = "ecdsa-sha2-nistp384"
	ECDSAP521 = "ecdsa-sha2-nistp521"
)

// ErrMalformed is wrapped by every decoding error of this package.
var ErrMalformed = errors.New("sshwire: malformed data")

// UnsupportedKeyTypeError names a key type that keyforge does not handle.
type UnsupportedKeyTypeError struct{ Type string }

func (e *UnsupportedKeyTypeError) Error() string {
	return "unsupported key type " + Quote(e.Type)
}

// MaxQuoted bounds how many bytes of a file-derived string Quote keeps.
const MaxQuoted = 64

// Quote returns s for an error message: Go-quoted, cut to MaxQuoted bytes
// with an ellipsis, so a hostile file cannot make errors arbitrarily long.
func Quote(s string) string {
	if len(s) <= MaxQuoted {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q...", s[:MaxQuoted])
}

// RSAPrimeSlack is how far, in bits, each RSA prime may be from half the
// modulus. ssh-keygen 9.2, openssl 3.0, puttygen 0.78 and crypto/rsa all
// make p and q within one bit of nbits/2 (checked for 2047-3073 bits, odd
// and even: e.g. puttygen 2047 → 1024+1023, ssh-keygen 3071 → 1535+1535).
const RSAPrimeSlack = 32

// CheckRSAPrimes cheaply refuses RSA factors that no real tool writes,
// before anything costly (crypto/rsa's Precompute and Validate take
// seconds on a 16384-bit modulus with very unbalanced composite factors):
// n must be p·q and each factor within RSAPrimeSlack bits of n's half.
func CheckRSAPrimes(n, p, q *big.Int) error {
	half := n.BitLen() / 2
	for _, x := range []*big.Int{p, q} {
		if x.Sign() <= 0 || x.BitLen() < half-RSAPrimeSlack || x.BitLen() > half+RSAPrimeSlack+1 {
			return fmt.Errorf("%w: RSA prime of %d bits for a %d-bit modulus", ErrMalformed, x.BitLen(), n.BitLen())
		}
	}
	if new(big.Int).Mul(p, q).Cmp(n) != 0 {
		return fmt.Errorf("%w: RSA modulus is not p·q", ErrMalformed)
	}
	return nil
}

// Builder appends SSH wire values to a byte slice.
type Builder struct{ B []byte }

func (b *Builder) Uint32(v uint32) { b.B = binary.BigEndian.AppendUint32(b.B, v) }

func (b *Builder) String(s []byte) {
	b.Uint32(uint32(len(s)))
	b.B = append(b.B, s...)
}

func (b *Builder) StringS(s string) { b.String([]byte(s)) }

// MPInt appends a non-negative integer as a minimal mpint: no leading zero
// bytes except one 0x00 when the top bit of the first byte is set.
func (b *Builder) MPInt(x *big.Int) {
	b.String(MPIntBytes(x))
}

// MPIntBytes returns the mpint body (without its length) of a non-negative x.
func MPIntBytes(x *big.Int) []byte {
	if x.Sign() == 0 {
		return nil
	}
	raw := x.Bytes()
	if raw[0]&0x80 != 0 {
		return append([]byte{0}, raw...)
	}
	return raw
}

// Reader consumes SSH wire values from a byte slice.
type Reader struct {
	b   []byte
	err error
}

func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err returns the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Rest returns the unread bytes.
func (r *Reader) Rest() []byte { return r.b }

// Len returns the number of unread bytes.
func (r *Reader) Len() int { return len(r.b) }

func (r *Reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
	}
	r.b = nil
}

func (r *Reader) Uint32() uint32 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 4 {
		r.fail("truncated uint32")
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

// Bytes returns the next n raw bytes.
func (r *Reader) Bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.fail("truncated data")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// String returns the next length-prefixed string; the result aliases the input.
func (r *Reader) String() []byte {
	n := r.Uint32()
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(r.b)) {
		r.fail("string length %d exceeds the %d bytes left", n, len(r.b))
		return nil
	}
	return r.Bytes(int(n))
}

// MPInt reads an mpint. Negative values are refused; non-minimal encodings
// are accepted (OpenSSH and PuTTY read them) unless strict is set.
func (r *Reader) MPInt() *big.Int {
	s := r.String()
	if r.err != nil {
		return nil
	}
	if len(s) > 0 && s[0]&0x80 != 0 {
		r.fail("negative mpint")
		return nil
	}
	return new(big.Int).SetBytes(s)
}

// Finished reports an error when unread bytes remain.
func (r *Reader) Finished(what string) {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d trailing bytes after %s", len(r.b), what)
	}
}

// MarshalPublicKey returns the SSH wire blob of an RSA, Ed25519 or ECDSA
// (P-256/384/521) public key.
func MarshalPublicKey(pub any) ([]byte, error) {
	var b Builder
	switch k := pub.(type) {
	case *rsa.PublicKey:
		b.StringS(RSA)
		b.MPInt(big.NewInt(int64(k.E)))
		b.MPInt(k.N)
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("sshwire: ed25519 public key of %d bytes", len(k))
		}
		b.StringS(Ed25519)
		b.String(k)
	case *ecdsa.PublicKey:
		name, curve, err := ECDSACurveName(k.Curve)
		if err != nil {
			return nil, err
		}
		pt, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("sshwire: %v", err)
		}
		b.StringS(name)
		b.StringS(curve)
		b.String(pt)
	case *fido.Ed25519PublicKey, *fido.ECDSAPublicKey:
		return fido.MarshalPublicKey(k)
	default:
		return nil, fmt.Errorf("sshwire: unsupported public key type %T", pub)
	}
	return b.B, nil
}

// ECDSACurveName returns the SSH algorithm and curve identifier of c.
func ECDSACurveName(c elliptic.Curve) (alg, curve string, err error) {
	switch c {
	case elliptic.P256():
		return ECDSAP256, "nistp256", nil
	case elliptic.P384():
		return ECDSAP384, "nistp384", nil
	case elliptic.P521():
		return ECDSAP521, "nistp521", nil
	}
	return "", "", fmt.Errorf("sshwire: unsupported ECDSA curve")
}

// ECDSACurve returns the curve for an SSH ECDSA algorithm name, or nil.
func ECDSACurve(alg string) elliptic.Curve {
	switch alg {
	case ECDSAP256:
		return elliptic.P256()
	case ECDSAP384:
		return elliptic.P384()
	case ECDSAP521:
		return elliptic.P521()
	}
	return nil
}

// MaxRSABits bounds RSA moduli read from untrusted input (OpenSSH's limit).
const MaxRSABits = 16384

// ParsePublicKey parses an SSH wire public-key blob. Unknown algorithms
// return *UnsupportedKeyTypeError.
func ParsePublicKey(blob []byte) (any, error) {
	r := NewReader(blob)
	alg := string(r.String())
	if r.Err() != nil {
		return nil, r.Err()
	}
	pub, err := ReadPublicKeyFields(r, alg)
	if err != nil {
		return nil, err
	}
	r.Finished("public key")
	if r.Err() != nil {
		return nil, r.Err()
	}
	return pub, nil
}

// ParsePublicKeyLenient is ParsePublicKey but ignores bytes after the
// key's fields, as PuTTY does for the MAC-covered public blob of a PPK file.
func ParsePublicKeyLenient(blob []byte) (any, error) {
	r := NewReader(blob)
	alg := string(r.String())
	if r.Err() != nil {
		return nil, r.Err()
	}
	return ReadPublicKeyFields(r, alg)
}

// ReadPublicKeyFields reads the fields that follow the algorithm name in a
// public-key blob (or in an OpenSSH private section, where they are the same
// for ECDSA and Ed25519's pk).
func ReadPublicKeyFields(r *Reader, alg string) (any, error) {
	switch alg {
	case RSA:
		e := r.MPInt()
		n := r.MPInt()
		if r.Err() != nil {
			return nil, r.Err()
		}
		return NewRSAPublicKey(n, e)
	case Ed25519:
		pk := r.String()
		if r.Err() != nil {
			return nil, r.Err()
		}
		if len(pk) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 public key of %d bytes", ErrMalformed, len(pk))
		}
		return ed25519.PublicKey(append([]byte(nil), pk...)), nil
	case ECDSAP256, ECDSAP384, ECDSAP521:
		curve := string(r.String())
		pt := r.String()
		if r.Err() != nil {
			return nil, r.Err()
		}
		if "ecdsa-sha2-"+curve != alg {
			return nil, fmt.Errorf("%w: curve %s does not match %s", ErrMalformed, Quote(curve), alg)
		}
		return ParseECDSAPoint(alg, pt)
	case fido.AlgEd25519, fido.AlgECDSAP256:
		pub, err := fido.ReadPublicFields(alg, func() ([]byte, error) { s := r.String(); return s, r.Err() })
		if err != nil && !errors.Is(err, ErrMalformed) {
			err = fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), fido.ErrMalformed.Error()+": "))
		}
		return pub, err
	}
	return nil, &UnsupportedKeyTypeError{Type: alg}
}

// NewRSAPublicKey checks n and e the way OpenSSH does before building a key.
func NewRSAPublicKey(n, e *big.Int) (*rsa.PublicKey, error) {
	if n.Sign() <= 0 || n.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: RSA modulus is not odd and positive", ErrMalformed)
	}
	if n.BitLen() > MaxRSABits {
		return nil, fmt.Errorf("%w: RSA modulus of %d bits exceeds %d", ErrMalformed, n.BitLen(), MaxRSABits)
	}
	if n.BitLen() < 512 {
		return nil, fmt.Errorf("%w: RSA modulus of %d bits is too small", ErrMalformed, n.BitLen())
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: unsupported RSA public exponent", ErrMalformed)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// ParseECDSAPoint decodes an uncompressed SEC1 point on the curve of alg.
func ParseECDSAPoint(alg string, pt []byte) (*ecdsa.PublicKey, error) {
	curve := ECDSACurve(alg)
	if curve == nil {
		return nil, &UnsupportedKeyTypeError{Type: alg}
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, pt)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid %s point", ErrMalformed, alg)
	}
	return pub, nil
}

// PublicKeyAlgorithm returns the SSH algorithm name of a public key.
func PublicKeyAlgorithm(pub any) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return RSA, nil
	case ed25519.PublicKey:
		return Ed25519, nil
	case *ecdsa.PublicKey:
		alg, _, err := ECDSACurveName(k.Curve)
		return alg, err
	case *fido.Ed25519PublicKey, *fido.ECDSAPublicKey:
		return fido.Algorithm(k), nil
	}
	return "", fmt.Errorf("sshwire: unsupported public key type %T", pub)
}

// NewRSAPrivateKey assembles a normalised RSA private key from the numbers a
// key file carries, as ssh-keygen, openssl and PuTTY accept them: n = p·q
// and e·d ≡ 1 mod p−1 and mod q−1 are checked, stored CRT values are not
// trusted (p < q or a wrong iqmp are repaired: Primes[0] > Primes[1],
// Precompute done), and a d ≥ n, which crypto/rsa cannot use, is replaced by
// the equivalent e⁻¹ mod λ(n). d is otherwise kept as given, so re-encoding
// reproduces the file. Cheap checks run first: Validate takes seconds on
// forged 16384-bit keys with unbalanced composite factors.
func NewRSAPrivateKey(pub *rsa.PublicKey, d, p, q *big.Int) (*rsa.PrivateKey, error) {
	one := big.NewInt(1)
	if p.Cmp(one) <= 0 || q.Cmp(one) <= 0 || p.Cmp(q) == 0 || d.Sign() <= 0 {
		return nil, fmt.Errorf("%w: RSA private values out of range", ErrMalformed)
	}
	if err := CheckRSAPrimes(pub.N, p, q); err != nil {
		return nil, err
	}
	e := big.NewInt(int64(pub.E))
	pm1, qm1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
	for _, xm1 := range []*big.Int{pm1, qm1} {
		if ed := new(big.Int).Mul(e, d); ed.Mod(ed, xm1).Cmp(one) != 0 {
			return nil, fmt.Errorf("%w: RSA private exponent does not match the public key", ErrMalformed)
		}
	}
	if d.Cmp(pub.N) >= 0 {
		g := new(big.Int).GCD(nil, nil, pm1, qm1)
		lambda := new(big.Int).Div(new(big.Int).Mul(pm1, qm1), g)
		if d = new(big.Int).ModInverse(e, lambda); d == nil {
			return nil, fmt.Errorf("%w: unusable RSA private exponent", ErrMalformed)
		}
	}
	if p.Cmp(q) < 0 {
		p, q = q, p
	}
	k := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: new(big.Int).Set(pub.N), E: pub.E},
		D:         new(big.Int).Set(d),
		Primes:    []*big.Int{new(big.Int).Set(p), new(big.Int).Set(q)},
	}
	if err := k.Validate(); err != nil {
		return nil, fmt.Errorf("%w: inconsistent RSA key: %v", ErrMalformed, err)
	}
	k.Precompute()
	return k, nil
}
