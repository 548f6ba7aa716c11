package pemenc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
)

// fuzzOpts keeps each fuzz execution fast: hostile KDF parameters above
// these ceilings are refused before any work is done.
var fuzzOpts = &ParseOptions{MaxBcryptRounds: 2, MaxPBKDF2Iterations: 4096}

// fuzzKeys are fixed keys for seeds (no randomness, so seeds are stable).
func fuzzKeys() []crypto.Signer {
	ed := ed25519.NewKeyFromSeed(make([]byte, 32))
	ec, _ := ecdsa.ParseRawPrivateKey(elliptic.P256(), append(make([]byte, 31), 7))
	keys := []crypto.Signer{ed, ec}
	if rk := fuzzRSA(); rk != nil {
		keys = append(keys, rk)
	}
	return keys
}

// fuzzRSA builds a small deterministic RSA key by searching primes from
// fixed starting points, so seeds do not depend on crypto/rand.
func fuzzRSA() *rsa.PrivateKey {
	next := func(s string) *big.Int {
		x, _ := new(big.Int).SetString(s, 10)
		x.SetBit(x, 0, 1)
		for !x.ProbablyPrime(20) {
			x.Add(x, big.NewInt(2))
		}
		return x
	}
	p := next("13407807929942597099574024998205846127479365820592393377723561443721764030073546976801874298166903427690031858186486050853753882811946569946433649006084171")
	q := next("11407807929942597099574024998205846127479365820592393377723561443721764030073546976801874298166903427690031858186486050853753882811946569946433649006084171")
	n := new(big.Int).Mul(p, q)
	pm, qm := new(big.Int).Sub(p, bigOne), new(big.Int).Sub(q, bigOne)
	lambda := new(big.Int).Div(new(big.Int).Mul(pm, qm), new(big.Int).GCD(nil, nil, pm, qm))
	d := new(big.Int).ModInverse(big.NewInt(65537), lambda)
	if d == nil {
		return nil
	}
	k, err := keytype.NewRSAPrivateKey(n, big.NewInt(65537), d, p, q)
	if err != nil {
		return nil
	}
	return k
}

func seedPrivate(f *testing.F, pem bool) {
	for _, k := range fuzzKeys() {
		o, _ := MarshalOpenSSHPrivateKey(k, &OpenSSHOptions{Comment: "seed", Rand: zeroReader{}})
		f.Add(o, []byte(nil))
		e, _ := MarshalOpenSSHPrivateKey(k, &OpenSSHOptions{Rand: zeroReader{}, Passphrase: []byte("pw"), Rounds: 1})
		f.Add(e, []byte("pw"))
		if pem {
			p8, _ := MarshalPKCS8PrivateKey(k)
			f.Add(p8, []byte(nil))
			switch kk := k.(type) {
			case *rsa.PrivateKey:
				f.Add(mustPKCS1(kk), []byte(nil))
			case *ecdsa.PrivateKey:
				s, _ := MarshalSEC1PrivateKey(kk)
				f.Add(s, []byte(nil))
			}
		}
	}
	if pem {
		// Bare DER reaches the ASN.1 parsers without base64 in the way.
		for _, k := range fuzzKeys() {
			p8, _ := MarshalPKCS8PrivateKey(k)
			b, _ := decodeArmor(p8)
			f.Add(b.Bytes, []byte(nil))
			if rk, ok := k.(*rsa.PrivateKey); ok {
				f.Add(marshalPKCS1DER(rk), []byte(nil))
			}
		}
		for _, s := range pemSeeds {
			f.Add([]byte(s), []byte(fixturePass))
		}
	}
}

// checkSentinel fails unless a decoder error wraps one of the package's
// sentinels, so callers can always classify it with errors.Is.
func checkSentinel(t *testing.T, err error) {
	t.Helper()
	for _, e := range []error{ErrMalformed, ErrPassphraseRequired, ErrIncorrectPassphrase, ErrUnsupportedKeyType, ErrUnsafeKDF, ErrUnsupportedEncryption} {
		if errors.Is(err, e) {
			return
		}
	}
	t.Fatalf("error wraps no sentinel: %v", err)
}

// checkPrivateRoundTrip re-encodes a parsed key and reads it back.
func checkPrivateRoundTrip(t *testing.T, key crypto.Signer, comment string) {
	out, err := MarshalOpenSSHPrivateKey(key, &OpenSSHOptions{Comment: comment, Rand: zeroReader{}})
	if err != nil {
		t.Fatalf("parsed key does not encode: %v", err)
	}
	back, c, err := ParseOpenSSHPrivateKey(out, nil, nil)
	if err != nil || c != comment || !eqPriv(back, key) {
		t.Fatalf("round trip failed: %v", err)
	}
}

// FuzzParseOpenSSHPrivateKey fuzzes the binary openssh-key-v1 structure
// (armoured here, so the fuzzer's mutations reach the fields).
func FuzzParseOpenSSHPrivateKey(f *testing.F) {
	for _, k := range fuzzKeys() {
		for _, pass := range []string{"", "pw"} {
			o, _ := MarshalOpenSSHPrivateKey(k, &OpenSSHOptions{Comment: "seed", Rand: zeroReader{}, Passphrase: []byte(pass), Rounds: 1})
			b, _ := decodeArmor(o)
			f.Add(b.Bytes, []byte(pass))
		}
	}
	f.Fuzz(func(t *testing.T, bin, pass []byte) {
		data := encodeArmor(opensshPEMType, nil, bin, 70)
		key, comment, err := ParseOpenSSHPrivateKey(data, pass, fuzzOpts)
		if err == nil {
			checkPrivateRoundTrip(t, key, comment)
		} else {
			checkSentinel(t, err)
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	seedPrivate(f, true)
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		key, comment, err := ParsePrivateKey(data, pass, fuzzOpts)
		if err == nil {
			checkPrivateRoundTrip(t, key, comment)
		} else {
			checkSentinel(t, err)
		}
	})
}

func seedPublic(f *testing.F) {
	for _, k := range fuzzKeys() {
		a, _ := MarshalAuthorizedKey(k.Public(), "seed comment")
		f.Add(a)
		r, _ := MarshalRFC4716PublicKey(k.Public(), "seed comment")
		f.Add(r)
		p, _ := MarshalPKIXPublicKey(k.Public())
		f.Add(p)
	}
	f.Add([]byte("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"a \\\nb\"\nx-tag: y\nAAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2\n---- END SSH2 PUBLIC KEY ----\n"))
	f.Add([]byte("ssh-dss AAAAB3NzaC1kc3M= x\n"))
}

func checkPublicRoundTrip(t *testing.T, pub crypto.PublicKey, comment string) {
	line, err := MarshalAuthorizedKey(pub, "")
	if err != nil {
		t.Fatalf("parsed key does not encode: %v", err)
	}
	back, _, err := ParseAuthorizedKey(line)
	if err != nil || !publicEqual(back, pub) {
		t.Fatalf("round trip failed: %v", err)
	}
}

func FuzzParseAuthorizedKey(f *testing.F) {
	seedPublic(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, c, err := ParseAuthorizedKey(data)
		if err == nil {
			checkPublicRoundTrip(t, pub, c)
		} else {
			checkSentinel(t, err)
		}
	})
}

func FuzzParseRFC4716PublicKey(f *testing.F) {
	seedPublic(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, c, err := ParseRFC4716PublicKey(data)
		if err == nil {
			checkPublicRoundTrip(t, pub, c)
		} else {
			checkSentinel(t, err)
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	seedPublic(f)
	for _, k := range fuzzKeys() {
		o, _ := MarshalOpenSSHPrivateKey(k, &OpenSSHOptions{Comment: "seed", Rand: zeroReader{}})
		f.Add(o)
		e, _ := MarshalOpenSSHPrivateKey(k, &OpenSSHOptions{Rand: zeroReader{}, Passphrase: []byte("pw"), Rounds: 1})
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, c, err := ParsePublicKey(data)
		if err == nil {
			checkPublicRoundTrip(t, pub, c)
		} else {
			checkSentinel(t, err)
		}
	})
}

func FuzzParsePKCS1PrivateKey(f *testing.F) {
	if rk := fuzzRSA(); rk != nil {
		f.Add(mustPKCS1(rk))
		der := marshalPKCS1DER(rk)
		// Swapped primes, which the parser repairs.
		var k pkcs1PrivateKey
		asn1.Unmarshal(der, &k)
		k.P, k.Q = k.Q, k.P
		if sw, err := asn1.Marshal(k); err == nil {
			f.Add(encodeArmor("RSA PRIVATE KEY", nil, sw, 64))
		}
		f.Add(encodeArmor("RSA PRIVATE KEY", [][2]string{{"Proc-Type", "4,ENCRYPTED"}}, der, 64))
	}
	for _, s := range pemSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := ParsePKCS1PrivateKey(data)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		if key.Validate() != nil || key.Primes[0].Cmp(key.Primes[1]) <= 0 {
			t.Fatal("parsed key is not valid and normalised")
		}
		back, err := ParsePKCS1PrivateKey(mustPKCS1(key))
		if err != nil || !back.Equal(key) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
