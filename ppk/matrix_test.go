package ppk

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

const matrixPass = "correct horse battery staple"

// cell is one file of the puttygen-made matrix.
type cell struct {
	keyType                     string // rsa-2048, ed25519, ecdsa-p256, ...
	version                     int
	encrypted                   bool
	kdf                         string // Argon2id/i/d; "" for v2 or unencrypted
	memory, passes, parallelism uint32 // 0 for puttygen's defaults
	path                        string
	data                        []byte
	line                        string // puttygen -L
}

func (c *cell) name() string {
	s := fmt.Sprintf("%s/v%d", c.keyType, c.version)
	switch {
	case !c.encrypted:
		s += "/none"
	case c.version == 2:
		s += "/aes"
	case c.memory == 0:
		s += "/default"
	default:
		s += fmt.Sprintf("/%s-m%d-t%d-p%d", c.kdf, c.memory, c.passes, c.parallelism)
	}
	return s
}

func (c *cell) pass() []byte {
	if c.encrypted {
		return []byte(matrixPass)
	}
	return nil
}

type matrix struct {
	cells           []*cell
	passFile, empty string
	dir             string // where the base key files are
	err             error
}

var (
	matrixOnce sync.Once
	theMatrix  *matrix
)

// getMatrix makes, once per test run, every key type with puttygen and
// re-saves it with each version, encryption and Argon2 setting.
func getMatrix(t *testing.T) *matrix {
	t.Helper()
	testtool.Require(t, "puttygen")
	matrixOnce.Do(func() { theMatrix = buildMatrix(t) })
	if theMatrix.err != nil {
		t.Fatal(theMatrix.err)
	}
	return theMatrix
}

func buildMatrix(t *testing.T) *matrix {
	m := &matrix{}
	m.passFile = tmpFile(t, "pass", []byte(matrixPass+"\n"))
	m.empty = tmpFile(t, "empty", nil)
	dir := filepath.Dir(m.passFile)
	m.dir = dir
	types := []struct{ name, t, bits string }{
		{"rsa-2048", "rsa", "2048"}, {"ed25519", "ed25519", ""},
		{"ecdsa-p256", "ecdsa", "256"}, {"ecdsa-p384", "ecdsa", "384"}, {"ecdsa-p521", "ecdsa", "521"},
	}
	run := func(args ...string) ([]byte, error) {
		out, errOut, err := testtool.RunErr(t, nil, "puttygen", args...)
		if err != nil {
			return nil, fmt.Errorf("puttygen %s: %v: %s", strings.Join(args, " "), err, errOut)
		}
		return out, nil
	}
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if m.err == nil {
			m.err = err
		}
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for _, ty := range types {
		base := filepath.Join(dir, ty.name+".ppk")
		args := []string{"-t", ty.t, "-C", "kf " + ty.name, "--new-passphrase", m.empty, "-o", base, "-q"}
		if ty.bits != "" {
			args = append(args, "-b", ty.bits)
		}
		wg.Go(func() {
			if _, err := run(args...); err != nil {
				fail(err)
			}
		})
		var cells []*cell
		add := func(c cell) {
			c.keyType = ty.name
			cells = append(cells, &c)
		}
		add(cell{version: 2})
		add(cell{version: 3})
		add(cell{version: 2, encrypted: true})
		for _, kdf := range []string{Argon2id, Argon2i, Argon2d} {
			add(cell{version: 3, encrypted: true, kdf: kdf, memory: 8, passes: 1, parallelism: 1})
			add(cell{version: 3, encrypted: true, kdf: kdf, memory: 64, passes: 2, parallelism: 2})
		}
		add(cell{version: 3, encrypted: true, kdf: Argon2id}) // puttygen's defaults
		for i, c := range cells {
			c.path = filepath.Join(dir, fmt.Sprintf("%s-%d.ppk", ty.name, i))
		}
		m.cells = append(m.cells, cells...)
	}
	wg.Wait()
	if m.err != nil {
		return m
	}
	sem := make(chan struct{}, 4)
	for _, c := range m.cells {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			base := filepath.Join(dir, c.keyType+".ppk")
			newPass := m.empty
			if c.encrypted {
				newPass = m.passFile
			}
			param := fmt.Sprintf("version=%d", c.version)
			if c.memory != 0 {
				param += fmt.Sprintf(",kdf=%s,memory=%d,passes=%d,parallelism=%d", strings.ToLower(c.kdf), c.memory, c.passes, c.parallelism)
			}
			if _, err := run(base, "--old-passphrase", m.empty, "-P", "--new-passphrase", newPass, "--ppk-param", param, "-o", c.path); err != nil {
				fail(err)
				return
			}
			line, err := run(c.path, "-L")
			if err != nil {
				fail(err)
				return
			}
			c.line = string(line)
			c.data = readFile(t, c.path)
		})
	}
	wg.Wait()
	return m
}

func TestMatrixCounts(t *testing.T) {
	m := getMatrix(t)
	if len(m.cells) != 50 {
		t.Fatalf("%d cells, want 50", len(m.cells))
	}
}

// TestMatrixDecode reads every puttygen file: public key = puttygen -L,
// header values as written, and the passphrase errors.
func TestMatrixDecode(t *testing.T) {
	m := getMatrix(t)
	for _, c := range m.cells {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			k, err := Parse(c.data, c.pass(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := authorizedLine(t, k.PrivateKey.Public(), k.Comment); got != c.line {
				t.Errorf("private key's public half %q, puttygen -L %q", got, c.line)
			}
			if got := authorizedLine(t, k.PublicKey, k.Comment); got != c.line {
				t.Errorf("public key %q, puttygen -L %q", got, c.line)
			}
			if k.Version != c.version || (k.Encryption == EncryptionAES) != c.encrypted {
				t.Errorf("version %d encryption %s", k.Version, k.Encryption)
			}
			if c.version == 3 && c.encrypted {
				want := cell{kdf: c.kdf, memory: c.memory, passes: c.passes, parallelism: c.parallelism}
				if c.memory == 0 {
					want.memory, want.parallelism, want.passes = DefaultMemory, DefaultParallelism, k.Passes
					if !isFib(k.Passes) {
						t.Errorf("default passes %d not in 1,2,3,5,8,…", k.Passes)
					}
				}
				if k.KDF != want.kdf || k.Memory != want.memory || k.Passes != want.passes || k.Parallelism != want.parallelism || len(k.Salt) != 16 {
					t.Errorf("KDF %s m=%d t=%d p=%d salt %d bytes", k.KDF, k.Memory, k.Passes, k.Parallelism, len(k.Salt))
				}
			}
			p, err := ParsePublic(c.data)
			if err != nil || authorizedLine(t, p.PublicKey, p.Comment) != c.line {
				t.Errorf("ParsePublic: %v", err)
			}
			if c.encrypted {
				if _, err := Parse(c.data, []byte("wrong"), nil); !errors.Is(err, ErrIncorrectPassphrase) {
					t.Errorf("wrong passphrase: %v", err)
				}
				if _, err := Parse(c.data, nil, nil); !errors.Is(err, ErrPassphraseRequired) {
					t.Errorf("no passphrase: %v", err)
				}
			}
		})
	}
}

func isFib(n uint32) bool {
	for a, b := uint32(1), uint32(1); b <= n; a, b = b, a+b {
		if b == n {
			return true
		}
	}
	return false
}

// TestMatrixReproduce: Marshal with puttygen's comment, version and (for
// encrypted files) salt and passes parsed from its file writes puttygen's
// file byte for byte.
func TestMatrixReproduce(t *testing.T) {
	m := getMatrix(t)
	for _, c := range m.cells {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			k, err := Parse(c.data, c.pass(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Marshal(k.PrivateKey, &MarshalOptions{
				Version: c.version, Comment: k.Comment, Passphrase: c.pass(),
				KDF: k.KDF, Memory: k.Memory, Passes: k.Passes, Parallelism: k.Parallelism, Salt: k.Salt,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.data) {
				t.Errorf("ours:\n%s\nputtygen:\n%s", got, c.data)
			}
		})
	}
}

// TestMatrixPuttygenReadsOurs: files Marshal writes with a fresh salt (and,
// for the default cells, its own pass calibration) load in puttygen --dump
// and give the same public key; unencrypted ones come back byte-identical
// when puttygen re-saves them.
func TestMatrixPuttygenReadsOurs(t *testing.T) {
	m := getMatrix(t)
	for i, c := range m.cells {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			k, err := Parse(c.data, c.pass(), nil)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.NewChaCha8([32]byte{byte(i)})
			data, err := Marshal(k.PrivateKey, &MarshalOptions{
				Version: c.version, Comment: k.Comment, Passphrase: c.pass(),
				KDF: strings.ToLower(c.kdf), Memory: c.memory, Passes: c.passes, Parallelism: c.parallelism, Rand: rng,
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.encrypted && c.version == 3 && bytes.Equal(data, c.data) {
				t.Fatal("fresh salt gave puttygen's file")
			}
			f := tmpFile(t, "ours.ppk", data)
			pass := m.empty
			if c.encrypted {
				pass = m.passFile
			}
			testtool.Run(t, nil, "puttygen", f, "--old-passphrase", pass, "--dump")
			if got := string(testtool.Run(t, nil, "puttygen", f, "-L")); got != c.line {
				t.Errorf("puttygen -L of ours %q, want %q", got, c.line)
			}
			if !c.encrypted {
				out := filepath.Join(filepath.Dir(f), "resaved.ppk")
				testtool.Run(t, nil, "puttygen", f, "--old-passphrase", m.empty, "-P", "--new-passphrase", m.empty,
					"--ppk-param", fmt.Sprintf("version=%d", c.version), "-o", out)
				if re := readFile(t, out); !bytes.Equal(re, data) {
					t.Errorf("puttygen re-save differs:\nours:\n%s\nputtygen:\n%s", data, re)
				}
			}
			back, err := Parse(data, c.pass(), nil)
			if err != nil || !back.PrivateKey.(interface{ Equal(crypto.PrivateKey) bool }).Equal(k.PrivateKey) {
				t.Errorf("round trip: %v", err)
			}
		})
	}
}

// TestArgon2RandomParams: puttygen encrypts one key with random Argon2
// parameters for each variant (memory not a multiple of 4 × parallelism,
// parallelism up to 5, several passes); keyforge decrypts each file and
// reproduces it byte for byte. This checks ppk/internal/argon2 against
// PuTTY's Argon2, Argon2d included.
func TestArgon2RandomParams(t *testing.T) {
	m := getMatrix(t)
	base := filepath.Join(m.dir, "ed25519.ppk")
	r := rand.New(rand.NewPCG(7, 9))
	for i := 0; i < 12; i++ {
		kdf := []string{Argon2id, Argon2i, Argon2d}[i%3]
		par := uint32(1 + r.IntN(5))
		mem := 8*par + uint32(r.IntN(200))
		passes := uint32(1 + r.IntN(4))
		t.Run(fmt.Sprintf("%s-m%d-t%d-p%d", kdf, mem, passes, par), func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(filepath.Dir(m.empty), fmt.Sprintf("random-%d.ppk", i))
			testtool.Run(t, nil, "puttygen", base, "--old-passphrase", m.empty, "-P", "--new-passphrase", m.passFile,
				"--ppk-param", fmt.Sprintf("kdf=%s,memory=%d,passes=%d,parallelism=%d", strings.ToLower(kdf), mem, passes, par), "-o", out)
			data := readFile(t, out)
			k, err := Parse(data, []byte(matrixPass), nil)
			if err != nil {
				t.Fatal(err)
			}
			if k.KDF != kdf || k.Memory != mem || k.Passes != passes || k.Parallelism != par {
				t.Fatalf("parameters %s %d %d %d", k.KDF, k.Memory, k.Passes, k.Parallelism)
			}
			again, err := Marshal(k.PrivateKey, &MarshalOptions{Comment: k.Comment, Passphrase: []byte(matrixPass),
				KDF: kdf, Memory: mem, Passes: passes, Parallelism: par, Salt: k.Salt})
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("re-encoding differs (%v)", err)
			}
		})
	}
}
