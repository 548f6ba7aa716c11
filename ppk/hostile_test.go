package ppk

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
)

var testSeed = bytes.Repeat([]byte{0x42}, 32)

// smallEncrypted is a v3 Argon2id file with tiny parameters.
func smallEncrypted(t testing.TB) []byte {
	t.Helper()
	data, err := Marshal(ed25519.NewKeyFromSeed(testSeed), &MarshalOptions{
		Comment: "hostile", Passphrase: []byte("pw"), KDF: Argon2id, Memory: 8, Passes: 1, Parallelism: 1,
		Salt: bytes.Repeat([]byte{1}, 16),
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func smallPlain(t testing.TB) []byte {
	t.Helper()
	data, err := Marshal(ed25519.NewKeyFromSeed(testSeed), &MarshalOptions{Comment: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// setHeader replaces the value of header name.
func setHeader(data []byte, name, value string) []byte {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `: .*$`)
	return re.ReplaceAll(data, []byte(name+": "+value))
}

// buildPlain assembles an unencrypted file around arbitrary blobs, with a
// correct MAC, to test what only a crafted (or old) file contains.
func buildPlain(version int, alg, comment string, pub, priv []byte) []byte {
	k, _ := deriveKeys(version, false, nil, nil)
	var b bytes.Buffer
	fmt.Fprintf(&b, "PuTTY-User-Key-File-%d: %s\nEncryption: none\nComment: %s\n", version, alg, comment)
	writeLines(&b, "Public-Lines", pub)
	writeLines(&b, "Private-Lines", priv)
	fmt.Fprintf(&b, "Private-MAC: %s\n", mac(version, k.macKey, alg, "none", comment, pub, priv))
	return b.Bytes()
}

// TestHostile: each file is refused with the right error, before any
// Argon2 work: the parameters here would need terabytes or hours.
func TestHostile(t *testing.T) {
	enc := smallEncrypted(t)
	plain := smallPlain(t)
	many := strings.Repeat("AAAA\n", 5000)
	cases := []struct {
		name string
		data []byte
		opts *ParseOptions
		want error
	}{
		{"memory 2^32-1", setHeader(enc, "Argon2-Memory", "4294967295"), nil, ErrUnsafeKDF},
		{"memory over 256 MiB", setHeader(enc, "Argon2-Memory", "262145"), nil, ErrUnsafeKDF},
		{"memory over caller ceiling", enc, &ParseOptions{MaxMemory: 4}, ErrUnsafeKDF},
		{"passes 0", setHeader(enc, "Argon2-Passes", "0"), nil, ErrUnsafeKDF},
		{"passes 2^32-1", setHeader(enc, "Argon2-Passes", "4294967295"), nil, ErrUnsafeKDF},
		{"passes over caller ceiling", setHeader(enc, "Argon2-Passes", "3"), &ParseOptions{MaxPasses: 2}, ErrUnsafeKDF},
		{"memory × passes", setHeader(setHeader(enc, "Argon2-Memory", "1048576"), "Argon2-Passes", "3"), nil, ErrUnsafeKDF},
		{"1 GiB × 2 passes (over DefaultMaxWork)", setHeader(setHeader(enc, "Argon2-Memory", "1048576"), "Argon2-Passes", "2"), nil, ErrUnsafeKDF},
		{"8 MiB × 65 passes (over DefaultMaxWork)", setHeader(setHeader(enc, "Argon2-Memory", "8192"), "Argon2-Passes", "65"), nil, ErrUnsafeKDF},
		{"256 MiB × 3 passes (over DefaultMaxWork)", setHeader(setHeader(enc, "Argon2-Memory", "262144"), "Argon2-Passes", "3"), nil, ErrUnsafeKDF},
		{"work over caller ceiling", setHeader(enc, "Argon2-Passes", "100"), &ParseOptions{MaxWork: 799}, ErrUnsafeKDF},
		{"parallelism 0", setHeader(enc, "Argon2-Parallelism", "0"), nil, ErrUnsafeKDF},
		{"parallelism 2^24", setHeader(setHeader(enc, "Argon2-Parallelism", "16777216"), "Argon2-Memory", "4294967295"), nil, ErrUnsafeKDF},
		{"parallelism 2^24-1", setHeader(setHeader(enc, "Argon2-Parallelism", "16777215"), "Argon2-Memory", "4294967295"), nil, ErrUnsafeKDF},
		{"parallelism over ceiling", setHeader(setHeader(enc, "Argon2-Parallelism", "2000"), "Argon2-Memory", "16000"), nil, ErrUnsafeKDF},
		{"memory below 8p", setHeader(enc, "Argon2-Parallelism", "2"), nil, ErrUnsafeKDF},
		{"passes 2^32", setHeader(enc, "Argon2-Passes", "4294967296"), nil, ErrMalformed},
		{"passes negative", setHeader(enc, "Argon2-Passes", "-1"), nil, ErrMalformed},
		{"memory empty", setHeader(enc, "Argon2-Memory", ""), nil, ErrMalformed},
		{"unknown KDF", setHeader(enc, "Key-Derivation", "scrypt"), nil, ErrUnsupportedEncryption},
		{"KDF case", setHeader(enc, "Key-Derivation", "argon2id"), nil, ErrUnsupportedEncryption},
		{"salt not hex", setHeader(enc, "Argon2-Salt", "zz"), nil, ErrMalformed},
		{"salt odd length", setHeader(enc, "Argon2-Salt", "abc"), nil, ErrMalformed},
		{"huge Public-Lines", setHeader(plain, "Public-Lines", "99999999999999999999999"), nil, ErrMalformed},
		{"Public-Lines at PuTTY's limit", setHeader(plain, "Public-Lines", "5461"), nil, ErrMalformed},
		{"Public-Lines past the end", setHeader(plain, "Public-Lines", "5460"), nil, ErrMalformed},
		{"Private-Lines past the end", setHeader(plain, "Private-Lines", "5000"), nil, ErrMalformed},
		{"Private-Lines many lines", bytes.Replace(setHeader(plain, "Private-Lines", "5000"), []byte("Private-MAC"), []byte(many+"Private-MAC"), 1), nil, ErrMalformed},
		{"file too large", append(bytes.Clone(plain), make([]byte, maxFileSize)...), nil, ErrMalformed},
		{"MAC upper case", setHeader(plain, "Private-MAC", strings.ToUpper(string(regexp.MustCompile(`Private-MAC: (.*)`).FindSubmatch(plain)[1]))), nil, ErrMAC},
		{"MAC not hex", setHeader(plain, "Private-MAC", "xyz"), nil, ErrMAC},
		{"MAC empty", setHeader(plain, "Private-MAC", ""), nil, ErrMAC},
		{"encrypted MAC upper case", setHeader(enc, "Private-MAC", strings.ToUpper(string(regexp.MustCompile(`Private-MAC: (.*)`).FindSubmatch(enc)[1]))), nil, ErrMAC},
		{"encrypted comment altered", setHeader(enc, "Comment", "other"), nil, ErrMAC},
		{"encrypted blob not 16-aligned", bytes.Replace(enc, []byte("Private-Lines: 1\n"), []byte("Private-Lines: 2\nAAAA\n"), 1), nil, ErrMalformed},
		{"comment altered", setHeader(plain, "Comment", "other"), nil, ErrMAC},
		{"version 1", bytes.Replace(plain, []byte("File-3"), []byte("File-1"), 1), nil, ErrMalformed},
		{"version 4", bytes.Replace(plain, []byte("File-3"), []byte("File-4"), 1), nil, ErrMalformed},
		{"not PuTTY", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), nil, ErrMalformed},
		{"empty", nil, nil, ErrMalformed},
		{"long header name", bytes.Replace(plain, []byte("Comment:"), []byte(strings.Repeat("C", 40)+":"), 1), nil, ErrMalformed},
		{"headers out of order", bytes.Replace(bytes.Replace(plain, []byte("Encryption: none\n"), nil, 1), []byte("Public-Lines"), []byte("Encryption: none\nPublic-Lines"), 1), nil, ErrMalformed},
		{"no space after colon", bytes.Replace(plain, []byte("Comment: "), []byte("Comment:"), 1), nil, ErrMalformed},
		{"base64 line not multiple of 4", bytes.Replace(plain, []byte("Private-Lines: 1\nAAAA"), []byte("Private-Lines: 1\nAAA"), 1), nil, ErrMalformed},
		{"base64 line of 68", bytes.Replace(plain, []byte("Private-Lines: 1\n"), []byte("Private-Lines: 1\nAAAAAAAAAAAAAAAAAAAA"), 1), nil, ErrMalformed},
		{"base64 bad char", bytes.Replace(plain, []byte("Private-Lines: 1\nAAAA"), []byte("Private-Lines: 1\nAA*A"), 1), nil, ErrMalformed},
		{"unknown encryption", setHeader(plain, "Encryption", "aes128-ctr"), nil, ErrUnsupportedEncryption},
		{"ssh-dss", bytes.Replace(plain, []byte("ssh-ed25519\n"), []byte("ssh-dss\n"), 1), nil, ErrUnsupportedKeyType},
		{"ssh-ed448", bytes.Replace(plain, []byte("ssh-ed25519\n"), []byte("ssh-ed448\n"), 1), nil, ErrUnsupportedKeyType},
		{"certificate", bytes.Replace(plain, []byte("ssh-ed25519\n"), []byte("ssh-ed25519-cert-v01@openssh.com\n"), 1), nil, ErrUnsupportedKeyType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.data, []byte("pw"), c.opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse: %v, want %v", err, c.want)
			}
			if strings.Contains(err.Error(), "pw") {
				t.Errorf("error mentions the passphrase: %v", err)
			}
			// ParsePublic reads only up to the public blob, as puttygen -l.
			if strings.Contains(c.name, "Public-Lines") || strings.HasPrefix(c.name, "version") || c.want == ErrUnsupportedKeyType {
				if _, err := ParsePublic(c.data); !errors.Is(err, c.want) {
					t.Errorf("ParsePublic: %v, want %v", err, c.want)
				}
			}
		})
	}
}

// TestTruncated: every proper prefix of a file (but the one that only drops
// the final newline) is refused with a sentinel error.
func TestTruncated(t *testing.T) {
	for _, data := range [][]byte{smallPlain(t), smallEncrypted(t)} {
		for n := 0; n < len(data)-1; n++ {
			_, err := Parse(data[:n], []byte("pw"), nil)
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrMAC) {
				t.Fatalf("prefix of %d bytes: %v", n, err)
			}
		}
		if _, err := Parse(data[:len(data)-1], []byte("pw"), nil); err != nil {
			t.Errorf("without final newline: %v", err)
		}
	}
}

func TestUnsupportedNamesType(t *testing.T) {
	plain := smallPlain(t)
	for _, alg := range []string{"ssh-dss", "ssh-ed448", "ssh-rsa-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com"} {
		_, err := Parse(bytes.Replace(plain, []byte("ssh-ed25519\n"), []byte(alg+"\n"), 1), nil, nil)
		if !errors.Is(err, ErrUnsupportedKeyType) || !strings.Contains(err.Error(), alg) {
			t.Errorf("%s: %v", alg, err)
		}
	}
	// Keys the caller passes to Marshal.
	if _, err := Marshal(ed25519PrivateKeyBadLen{}, nil); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("Marshal of an unknown signer: %v", err)
	}
	k224, _ := ecdsa.GenerateKey(elliptic.P224(), zeroReader{})
	if _, err := Marshal(k224, nil); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("Marshal of P-224: %v", err)
	}
}

// TestPuttygenUnsupported: real DSA and Ed448 files from puttygen.
func TestPuttygenUnsupported(t *testing.T) {
	m := getMatrix(t)
	for _, c := range []struct{ typ, bits, alg string }{{"dsa", "1024", "ssh-dss"}, {"ed448", "", "ssh-ed448"}} {
		out := filepath.Join(filepath.Dir(m.empty), c.typ+".ppk")
		args := []string{"-t", c.typ, "-C", "x", "--new-passphrase", m.empty, "-o", out, "-q"}
		if c.bits != "" {
			args = append(args, "-b", c.bits)
		}
		testtool.Run(t, nil, "puttygen", args...)
		data := readFile(t, out)
		for _, f := range []func() error{
			func() error { _, err := Parse(data, nil, nil); return err },
			func() error { _, err := ParsePublic(data); return err },
		} {
			if err := f(); !errors.Is(err, ErrUnsupportedKeyType) || !strings.Contains(err.Error(), c.alg) {
				t.Errorf("%s: %v", c.typ, err)
			}
		}
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0x5a
	}
	return len(p), nil
}

type ed25519PrivateKeyBadLen struct{ ed25519.PrivateKey }

// TestLineEndings: LF, CRLF, CR-only, no final newline and text after the
// MAC all read the same, in puttygen and here; the comment stays verbatim.
func TestLineEndings(t *testing.T) {
	m := getMatrix(t)
	key := ed25519.NewKeyFromSeed(testSeed)
	comment := "  spaced\tcomment  "
	base, err := Marshal(key, &MarshalOptions{Comment: comment, Passphrase: []byte(matrixPass), Memory: 8, Passes: 1})
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string][]byte{
		"LF":         base,
		"CRLF":       bytes.ReplaceAll(base, []byte("\n"), []byte("\r\n")),
		"CR":         bytes.ReplaceAll(base, []byte("\n"), []byte("\r")),
		"no newline": bytes.TrimSuffix(base, []byte("\n")),
		"trailer":    append(bytes.Clone(base), "anything at all\n\x00\xff"...),
	}
	for name, data := range variants {
		t.Run(name, func(t *testing.T) {
			k, err := Parse(data, []byte(matrixPass), nil)
			if err != nil {
				t.Fatal(err)
			}
			if k.Comment != comment || !k.PrivateKey.(ed25519.PrivateKey).Equal(key) {
				t.Errorf("comment %q", k.Comment)
			}
			f := tmpFile(t, "k.ppk", data)
			testtool.Run(t, nil, "puttygen", f, "--old-passphrase", m.passFile, "--dump")
		})
	}
}

// TestLenientNumbers: PuTTY reads counts and Argon2 values with strtoul,
// so a sign, leading white space and leading zeros are accepted (puttygen
// agrees); trailing text is not.
func TestLenientNumbers(t *testing.T) {
	enc := smallEncrypted(t)
	for _, v := range []string{"+1", " 1", "\t01", "001"} {
		for _, h := range []string{"Private-Lines", "Argon2-Passes", "Argon2-Parallelism"} {
			data := setHeader(enc, h, v)
			if _, err := Parse(data, []byte("pw"), nil); err != nil {
				t.Errorf("%s: %q: %v", h, v, err)
			}
		}
	}
	for _, v := range []string{"1 ", "1x", "0x1", "-1", "+", " ", "++1"} {
		if _, err := Parse(setHeader(enc, "Argon2-Passes", v), []byte("pw"), nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("passes %q: %v", v, err)
		}
	}
	if _, err := Parse(setHeader(enc, "Argon2-Passes", "-0"), []byte("pw"), nil); !errors.Is(err, ErrUnsafeKDF) {
		t.Errorf("passes -0: %v", err)
	}
	testtool.Require(t, "puttygen")
	pf := tmpFile(t, "pw", []byte("pw\n"))
	f := tmpFile(t, "lenient.ppk", setHeader(setHeader(enc, "Private-Lines", " +1"), "Argon2-Passes", "01"))
	testtool.Run(t, nil, "puttygen", f, "--old-passphrase", pf, "--dump")
}

// TestNULInLine: PuTTY treats each line as a C string: a NUL ends it, for
// the comment (and its MAC) as for base64 lines. puttygen agrees.
func TestNULInLine(t *testing.T) {
	plain := smallPlain(t)
	data := bytes.Replace(plain, []byte("Comment: plain"), []byte("Comment: plain\x00ignored"), 1)
	k, err := Parse(data, nil, nil)
	if err != nil || k.Comment != "plain" {
		t.Fatalf("comment %q: %v", k.Comment, err)
	}
	testtool.Require(t, "puttygen")
	f := tmpFile(t, "nul.ppk", data)
	if got := testtool.Run(t, nil, "puttygen", f, "-L"); !bytes.HasSuffix(got, []byte(" plain\n")) {
		t.Errorf("puttygen -L: %q", got)
	}
	testtool.Run(t, nil, "puttygen", f, "--dump")
}

// TestShortEd25519Seed: PuTTY 0.68-0.74 dropped trailing zero bytes of the
// seed; such files read zero-extended (puttygen agrees).
func TestShortEd25519Seed(t *testing.T) {
	m := getMatrix(t)
	seed := append(bytes.Repeat([]byte{9}, 29), 0, 0, 0)
	key := ed25519.NewKeyFromSeed(seed)
	pub, _ := keytype.MarshalPublicKey(key.Public())
	for _, n := range []int{29, 30, 31, 32} {
		var b sshwire.Builder
		b.String(seed[:n])
		data := buildPlain(3, "ssh-ed25519", "short", pub, b.B)
		k, err := Parse(data, nil, nil)
		if err != nil {
			t.Fatalf("%d-byte seed: %v", n, err)
		}
		if !k.PrivateKey.(ed25519.PrivateKey).Equal(key) {
			t.Errorf("%d-byte seed: wrong key", n)
		}
		f := tmpFile(t, "short.ppk", data)
		testtool.Run(t, nil, "puttygen", f, "--old-passphrase", m.empty, "--dump")
	}
	// A seed whose missing bytes are not zero is another key.
	var b sshwire.Builder
	b.String(bytes.Repeat([]byte{9}, 28))
	if _, err := Parse(buildPlain(3, "ssh-ed25519", "x", pub, b.B), nil, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("inconsistent short seed: %v", err)
	}
}

// TestRSARepair: p < q and a wrong iqmp are repaired, as PuTTY does; our
// re-encoding equals puttygen's re-save of the crafted file.
func TestRSARepair(t *testing.T) {
	m := getMatrix(t)
	var rsaCell *cell
	for _, c := range m.cells {
		if c.keyType == "rsa-2048" && c.version == 3 && !c.encrypted {
			rsaCell = c
		}
	}
	k, err := Parse(rsaCell.data, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rk := k.PrivateKey.(*rsa.PrivateKey)
	pub, _ := keytype.MarshalPublicKey(&rk.PublicKey)
	var b sshwire.Builder
	b.MPInt(rk.D)
	b.MPInt(rk.Primes[1]) // smaller prime first
	b.MPInt(rk.Primes[0])
	b.MPInt(big.NewInt(12345)) // wrong iqmp
	data := buildPlain(3, "ssh-rsa", k.Comment, pub, b.B)
	got, err := Parse(data, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := got.PrivateKey.(*rsa.PrivateKey)
	if g.Primes[0].Cmp(g.Primes[1]) <= 0 || g.Precomputed.Qinv.Cmp(new(big.Int).ModInverse(g.Primes[1], g.Primes[0])) != 0 || g.Validate() != nil {
		t.Errorf("not repaired")
	}
	f := tmpFile(t, "swapped.ppk", data)
	out := filepath.Join(filepath.Dir(f), "resaved.ppk")
	testtool.Run(t, nil, "puttygen", f, "--old-passphrase", m.empty, "-P", "--new-passphrase", m.empty, "-o", out)
	ours, err := Marshal(g, &MarshalOptions{Comment: got.Comment})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, out), ours) || !bytes.Equal(ours, rsaCell.data) {
		t.Errorf("repaired key re-encodes differently from puttygen")
	}
}

// TestRSALargeD: a d above n that PuTTY accepts (d + k·λ) reads as a
// usable key whose exponent is equivalent.
func TestRSALargeD(t *testing.T) {
	k, err := Parse(readFile(t, "testdata/rsa-v3-none.ppk"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rk := k.PrivateKey.(*rsa.PrivateKey)
	one := big.NewInt(1)
	phi := new(big.Int).Mul(new(big.Int).Sub(rk.Primes[0], one), new(big.Int).Sub(rk.Primes[1], one))
	pub, _ := keytype.MarshalPublicKey(&rk.PublicKey)
	var b sshwire.Builder
	b.MPInt(new(big.Int).Add(rk.D, new(big.Int).Lsh(phi, 3)))
	b.MPInt(rk.Primes[0])
	b.MPInt(rk.Primes[1])
	b.MPInt(rk.Precomputed.Qinv)
	got, err := Parse(buildPlain(3, "ssh-rsa", "big d", pub, b.B), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := got.PrivateKey.(*rsa.PrivateKey)
	if g.Validate() != nil || g.D.Cmp(g.N) >= 0 {
		t.Errorf("large d not made usable")
	}
}

// TestInconsistent: a private half that is not the public key's is refused
// although the MAC is right.
func TestInconsistent(t *testing.T) {
	edPub, _ := keytype.MarshalPublicKey(ed25519.NewKeyFromSeed(testSeed).Public())
	var b sshwire.Builder
	b.String(bytes.Repeat([]byte{1}, 32))
	cases := map[string][]byte{"ed25519": buildPlain(3, "ssh-ed25519", "x", edPub, b.B)}

	ek, _ := ecdsa.GenerateKey(elliptic.P256(), zeroReader{})
	ePub, _ := keytype.MarshalPublicKey(ek.Public())
	b = sshwire.Builder{}
	b.MPInt(big.NewInt(7))
	cases["ecdsa"] = buildPlain(3, "ecdsa-sha2-nistp256", "x", ePub, b.B)
	b = sshwire.Builder{}
	b.MPInt(elliptic.P256().Params().N) // out of range
	cases["ecdsa out of range"] = buildPlain(3, "ecdsa-sha2-nistp256", "x", ePub, b.B)
	cases["public alg mismatch"] = buildPlain(3, "ssh-rsa", "x", edPub, b.B)

	m := getMatrix(t)
	for _, c := range m.cells {
		if c.keyType == "rsa-2048" && c.version == 2 && !c.encrypted {
			k, _ := Parse(c.data, nil, nil)
			rk := k.PrivateKey.(*rsa.PrivateKey)
			pub, _ := keytype.MarshalPublicKey(&rk.PublicKey)
			for name, f := range map[string][4]*big.Int{
				"rsa wrong d":   {new(big.Int).Add(rk.D, big.NewInt(2)), rk.Primes[0], rk.Primes[1], big.NewInt(1)},
				"rsa wrong p":   {rk.D, new(big.Int).Add(rk.Primes[0], big.NewInt(2)), rk.Primes[1], big.NewInt(1)},
				"rsa p = 1":     {rk.D, big.NewInt(1), rk.N, big.NewInt(1)},
				"rsa truncated": {rk.D, rk.Primes[0], nil, nil},
			} {
				b := sshwire.Builder{}
				for _, x := range f {
					if x != nil {
						b.MPInt(x)
					}
				}
				cases[name] = buildPlain(2, "ssh-rsa", "x", pub, b.B)
			}
		}
	}
	for name, data := range cases {
		if _, err := Parse(data, nil, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// forgedRSA returns n, e, d, p, q with composite, very unbalanced p and q
// (pbits and nbits-pbits) and a d that satisfies ed ≡ 1 mod λ(n).
func forgedRSA(t testing.TB, nbits, pbits int) (n, e, d, p, q *big.Int) {
	t.Helper()
	one := big.NewInt(1)
	e = big.NewInt(65537)
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(bits int) *big.Int {
		x := new(big.Int)
		for i := 0; i < bits; i += 32 {
			x.Lsh(x, 32).Or(x, big.NewInt(int64(r.Uint32())))
		}
		x.Rsh(x, uint(x.BitLen()-bits+1))
		x.SetBit(x, bits-1, 1).SetBit(x, 0, 1)
		return x
	}
	for {
		p, q = rnd(pbits), rnd(nbits-pbits)
		n = new(big.Int).Mul(p, q)
		pm, qm := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		g := new(big.Int).GCD(nil, nil, pm, qm)
		d = new(big.Int).ModInverse(e, new(big.Int).Div(new(big.Int).Mul(pm, qm), g))
		if d != nil && n.BitLen() == nbits {
			return
		}
	}
}

// TestForgedUnbalancedRSA: composite, unbalanced factors that make
// crypto/rsa's Validate take seconds at 16384 bits are refused up front.
func TestForgedUnbalancedRSA(t *testing.T) {
	for _, bits := range [][2]int{{2048, 1900}, {16384, 16000}} {
		n, e, d, p, q := forgedRSA(t, bits[0], bits[1])
		pub, err := keytype.MarshalPublicKey(&rsa.PublicKey{N: n, E: int(e.Int64())})
		if err != nil {
			t.Fatal(err)
		}
		var b sshwire.Builder
		b.MPInt(d)
		b.MPInt(p)
		b.MPInt(q)
		b.MPInt(big.NewInt(1))
		if _, err := Parse(buildPlain(3, "ssh-rsa", "forged", pub, b.B), nil, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("%d/%d: err = %v, want ErrMalformed", bits[0], bits[1], err)
		}
	}
}

// TestLongNamesBounded: file-derived names in errors are cut short.
func TestLongNamesBounded(t *testing.T) {
	long := strings.Repeat("a", 500_000)
	plain := smallPlain(t)
	var blob sshwire.Builder
	blob.StringS(strings.Repeat("b", 2000))
	for name, data := range map[string][]byte{
		"key type":       buildPlain(3, long, "x", blob.B, []byte{0}),
		"blob key type":  buildPlain(3, strings.Repeat("b", 2000), "x", blob.B, []byte{0}),
		"encryption":     setHeader(plain, "Encryption", long),
		"key derivation": setHeader(setHeader(smallEncrypted(t), "Key-Derivation", long), "Encryption", "aes256-cbc"),
	} {
		_, err := Parse(data, []byte("pw"), nil)
		if err == nil || len(err.Error()) > 300 {
			t.Errorf("%s: %.120v (%d bytes)", name, err, len(fmt.Sprint(err)))
		}
	}
}

// TestVersion1: a real version 1 file (which puttygen 0.78 still reads) is
// refused with an explicit message, by both Parse and ParsePublic.
func TestVersion1(t *testing.T) {
	// PuTTY 0.51-era layout: no Private-MAC hash prefix, SHA-1 MAC.
	v1 := "PuTTY-User-Key-File-1: ssh-rsa\nEncryption: none\nComment: old\nPublic-Lines: 1\nAAAAB3NzaC1yc2E=\nPrivate-Lines: 1\nAAAA\nPrivate-MAC: 00\n"
	_, err1 := Parse([]byte(v1), nil, nil)
	_, err2 := ParsePublic([]byte(v1))
	for _, err := range []error{err1, err2} {
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "PPK version 1 is not supported") {
			t.Errorf("err = %v", err)
		}
	}
}

// TestPublicBlobTrailingBytes: puttygen accepts bytes after the public
// blob's fields (the MAC covers them), and so does Parse.
func TestPublicBlobTrailingBytes(t *testing.T) {
	testtool.Require(t, "puttygen")
	key := ed25519.NewKeyFromSeed(testSeed)
	pub, _ := keytype.MarshalPublicKey(key.Public())
	var priv sshwire.Builder
	priv.String(testSeed)
	data := buildPlain(3, "ssh-ed25519", "trailing", append(pub, 0, 1, 2, 3), priv.B)
	f := testtool.WriteFile(t, "k.ppk", data)
	want := string(testtool.Run(t, nil, "puttygen", f, "-L"))
	k, err := Parse(data, nil, nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !k.PrivateKey.(ed25519.PrivateKey).Equal(key) {
		t.Error("wrong key")
	}
	kp, err := ParsePublic(data)
	if err != nil || !kp.PublicKey.(ed25519.PublicKey).Equal(key.Public()) {
		t.Errorf("ParsePublic: %v", err)
	}
	line, _ := keytype.MarshalPublicKey(k.PublicKey)
	if !strings.Contains(want, base64.StdEncoding.EncodeToString(line)) {
		t.Errorf("puttygen -L = %q", want)
	}
	// keytype.ParsePublicKey itself stays strict.
	if _, err := keytype.ParsePublicKey(append(pub, 0)); err == nil {
		t.Error("ParsePublicKey accepted trailing bytes")
	}
}
