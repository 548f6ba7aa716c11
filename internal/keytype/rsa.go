package keytype

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// The RSA size policy of every reader and writer in keyforge (pemenc, ppk,
// ec2's ImportKeyPair; keygen generates within it).
const (
	// MinRSABits is ssh-keygen 9.2's SSH_RSA_MINIMUM_MODULUS_SIZE; EC2
	// documents 1024 as the smallest RSA key ImportKeyPair takes.
	MinRSABits = 1024
	// MaxRSABits is OpenSSH's SSHBUF_MAX_BIGNUM limit (16384 bits).
	MaxRSABits = 16384
)

// RSAPrimeSlack is how far, in bits, each RSA prime may be from half the
// modulus. ssh-keygen 9.2, openssl 3.0, puttygen 0.78 and crypto/rsa all
// make p and q within one bit of nbits/2 (checked for 2047-3073 bits, odd
// and even: e.g. puttygen 2047 → 1024+1023, ssh-keygen 3071 → 1535+1535).
const RSAPrimeSlack = 32

var bigOne = big.NewInt(1)

// CheckRSAPublicKey checks n and e the way OpenSSH does, plus the size
// policy: n odd, MinRSABits ≤ |n| ≤ MaxRSABits, e odd in 3 … 2³¹−1.
func CheckRSAPublicKey(k *rsa.PublicKey) error {
	n := k.N
	if n == nil || n.Sign() <= 0 || n.Bit(0) == 0 {
		return errors.New("RSA modulus is not odd and positive")
	}
	if n.BitLen() > MaxRSABits {
		return fmt.Errorf("RSA modulus of %d bits exceeds %d", n.BitLen(), MaxRSABits)
	}
	if n.BitLen() < MinRSABits {
		return fmt.Errorf("RSA modulus of %d bits is below the %d-bit minimum", n.BitLen(), MinRSABits)
	}
	if k.E < 3 || k.E > 1<<31-1 || k.E&1 == 0 {
		return errors.New("unsupported RSA public exponent")
	}
	return nil
}

// NewRSAPublicKey builds a checked RSA public key from a file's numbers.
func NewRSAPublicKey(n, e *big.Int) (*rsa.PublicKey, error) {
	if n == nil || e == nil || !e.IsInt64() || e.Int64() > 1<<31-1 {
		return nil, errors.New("unsupported RSA public exponent")
	}
	k := &rsa.PublicKey{N: n, E: int(e.Int64())}
	if err := CheckRSAPublicKey(k); err != nil {
		return nil, err
	}
	return k, nil
}

// checkRSAPrimes cheaply refuses RSA factors that no real tool writes,
// before anything costly (crypto/rsa's Precompute and Validate take
// seconds on a 16384-bit modulus with very unbalanced composite factors):
// n must be p·q and each factor within RSAPrimeSlack bits of n's half.
func checkRSAPrimes(n, p, q *big.Int) error {
	half := n.BitLen() / 2
	for _, x := range []*big.Int{p, q} {
		if x.Sign() <= 0 || x.BitLen() < half-RSAPrimeSlack || x.BitLen() > half+RSAPrimeSlack+1 {
			return fmt.Errorf("RSA prime of %d bits for a %d-bit modulus", x.BitLen(), n.BitLen())
		}
	}
	if new(big.Int).Mul(p, q).Cmp(n) != 0 {
		return errors.New("RSA modulus is not p·q")
	}
	return nil
}

// NewRSAPrivateKey assembles a normalised RSA private key from the numbers a
// key file carries, as ssh-keygen, openssl and PuTTY accept them: n = p·q
// and e·d ≡ 1 mod p−1 and mod q−1 are checked, stored CRT values are not
// trusted (p < q or a wrong iqmp are repaired: Primes[0] > Primes[1],
// Precompute done), and a d ≥ n, which crypto/rsa cannot use, is replaced by
// the equivalent e⁻¹ mod λ(n). d is otherwise kept as given, so re-encoding
// reproduces the file. Cheap checks run first: Validate takes seconds on
// forged 16384-bit keys with unbalanced composite factors.
func NewRSAPrivateKey(n, e, d, p, q *big.Int) (*rsa.PrivateKey, error) {
	pub, err := NewRSAPublicKey(n, e)
	if err != nil {
		return nil, err
	}
	if d == nil || p == nil || q == nil || p.Cmp(bigOne) <= 0 || q.Cmp(bigOne) <= 0 || p.Cmp(q) == 0 || d.Sign() <= 0 {
		return nil, errors.New("RSA private values out of range")
	}
	if err := checkRSAPrimes(pub.N, p, q); err != nil {
		return nil, err
	}
	pm1, qm1 := new(big.Int).Sub(p, bigOne), new(big.Int).Sub(q, bigOne)
	for _, xm1 := range []*big.Int{pm1, qm1} {
		if ed := new(big.Int).Mul(e, d); ed.Mod(ed, xm1).Cmp(bigOne) != 0 {
			return nil, errors.New("RSA private exponent does not match the public key")
		}
	}
	if d.Cmp(pub.N) >= 0 {
		g := new(big.Int).GCD(nil, nil, pm1, qm1)
		lambda := new(big.Int).Div(new(big.Int).Mul(pm1, qm1), g)
		if d = new(big.Int).ModInverse(e, lambda); d == nil {
			return nil, errors.New("unusable RSA private exponent")
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
		return nil, fmt.Errorf("inconsistent RSA key: %v", err)
	}
	k.Precompute()
	return k, nil
}

// NormaliseRSA returns k itself when it is already normalised (two primes,
// Primes[0] > Primes[1], precomputed), else a normalised copy; it applies
// NewRSAPrivateKey's checks. Multi-prime keys are refused.
func NormaliseRSA(k *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if k == nil || k.N == nil {
		return nil, unsupportedGo(k)
	}
	if len(k.Primes) != 2 {
		return nil, unsupported("multi-prime RSA")
	}
	if err := CheckRSAPublicKey(&k.PublicKey); err != nil {
		return nil, err
	}
	p, q := k.Primes[0], k.Primes[1]
	if p.Cmp(q) > 0 && k.Precomputed.Qinv != nil && k.D != nil && k.D.Cmp(k.N) < 0 {
		return k, nil
	}
	return NewRSAPrivateKey(k.N, big.NewInt(int64(k.E)), k.D, p, q)
}

// RSAPrimes returns a normalised key's p > q and iqmp = q⁻¹ mod p, the CRT
// choice every encoder (OpenSSH, PPK, PKCS#1) writes.
func RSAPrimes(k *rsa.PrivateKey) (p, q, iqmp *big.Int) {
	p, q = k.Primes[0], k.Primes[1]
	return p, q, new(big.Int).ModInverse(q, p)
}

func appendRSAPublic(b *sshwire.Builder, k *rsa.PublicKey) {
	b.MPInt(big.NewInt(int64(k.E)))
	b.MPInt(k.N)
}

func readRSAPublic(r *sshwire.Reader) (*rsa.PublicKey, error) {
	e := r.MPInt()
	n := r.MPInt()
	if r.Err() != nil {
		return nil, r.Err()
	}
	return NewRSAPublicKey(n, e)
}
