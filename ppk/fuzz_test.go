package ppk

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha512"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fuzzOpts keeps the fuzzer's Argon2 runs tiny: a mutated header may ask
// for anything up to the default ceilings otherwise.
var fuzzOpts = &ParseOptions{MaxMemory: 256, MaxPasses: 4, MaxParallelism: 4, MaxWork: 1024}

// samples are puttygen 0.78's files in testdata (passphrase "pw") plus
// files Marshal writes.
func samples(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/*.ppk")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		out = append(out, readFile(t, f))
	}
	return append(out, smallPlain(t), smallEncrypted(t))
}

// TestTestdata reads puttygen's sample files without running puttygen:
// public key = the saved puttygen -L line, and re-encoding reproduces them.
func TestTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ppk")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data := readFile(t, f)
			line, err := os.ReadFile(strings.TrimSuffix(f, ".ppk") + ".pub")
			if err != nil {
				t.Fatal(err)
			}
			k, err := Parse(data, []byte("pw"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := authorizedLine(t, k.PrivateKey.Public(), k.Comment); got != string(line) {
				t.Errorf("got %q, puttygen -L %q", got, line)
			}
			var pass []byte
			if k.Encryption != EncryptionNone {
				pass = []byte("pw")
			}
			again, err := Marshal(k.PrivateKey, &MarshalOptions{Version: k.Version, Comment: k.Comment, Passphrase: pass,
				KDF: k.KDF, Memory: k.Memory, Passes: k.Passes, Parallelism: k.Parallelism, Salt: k.Salt})
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("re-encoding differs (%v)", err)
			}
		})
	}
}

// FuzzParse: no input panics, hangs or allocates without bound; what
// decodes re-encodes to something that decodes to the same key.
func FuzzParse(f *testing.F) {
	for _, s := range samples(f) {
		f.Add(s, []byte("pw"))
		f.Add(s, []byte(nil))
	}
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		pub, perr := ParsePublic(data)
		k, err := Parse(data, pass, fuzzOpts)
		if err != nil {
			for _, e := range []error{ErrMalformed, ErrIncorrectPassphrase, ErrMAC, ErrUnsupportedKeyType, ErrUnsafeKDF, ErrPassphraseRequired, ErrUnsupportedEncryption} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("error without a sentinel: %v", err)
		}
		if perr != nil || !pub.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.PublicKey) || pub.Comment != k.Comment {
			t.Fatalf("ParsePublic disagrees with Parse: %v", perr)
		}
		if !k.PrivateKey.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.PublicKey) {
			t.Fatal("private key does not match public key")
		}
		if strings.ContainsAny(k.Comment, "\r\n\x00") {
			t.Fatal("comment with a line break")
		}
		var p []byte
		if k.Encryption != EncryptionNone {
			p = pass
		}
		again, err := Marshal(k.PrivateKey, &MarshalOptions{Version: k.Version, Comment: k.Comment, Passphrase: p,
			KDF: k.KDF, Memory: k.Memory, Passes: k.Passes, Parallelism: k.Parallelism, Salt: k.Salt})
		if err != nil {
			if len(p) == 0 && k.Encryption != EncryptionNone {
				return // an encrypted file with an empty passphrase: Marshal writes those unencrypted
			}
			t.Fatal(err)
		}
		k2, err := Parse(again, p, fuzzOpts)
		if err != nil || !k2.PrivateKey.(interface{ Equal(crypto.PrivateKey) bool }).Equal(k.PrivateKey) {
			t.Fatalf("re-encoded file: %v", err)
		}
	})
}

var fuzzRSA = sync.OnceValue(func() crypto.Signer {
	data, err := os.ReadFile("testdata/rsa-v3-none.ppk")
	if err != nil {
		panic(err)
	}
	k, err := Parse(data, nil, nil)
	if err != nil {
		panic(err)
	}
	return k.PrivateKey
})

// FuzzRoundTrip: Marshal then Parse gives back the key, comment, version
// and KDF parameters, for every key type and option.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), []byte("seed"), uint8(3), "comment", []byte("pw"), uint8(0), uint8(8), uint8(1), uint8(1), []byte("salt"))
	f.Add(uint8(1), []byte{}, uint8(2), "", []byte{}, uint8(1), uint8(16), uint8(2), uint8(2), []byte(nil))
	f.Add(uint8(2), []byte("x"), uint8(3), "  spaced  ", []byte("p"), uint8(2), uint8(64), uint8(1), uint8(3), []byte{})
	f.Add(uint8(4), []byte("y"), uint8(3), "ü", []byte("pp"), uint8(1), uint8(9), uint8(3), uint8(1), make([]byte, 16))
	f.Fuzz(func(t *testing.T, typ uint8, seed []byte, version uint8, comment string, pass []byte, kdf, mem, passes, par uint8, salt []byte) {
		h := sha512.Sum512(seed)
		var key crypto.Signer
		switch typ % 5 {
		case 0:
			key = ed25519.NewKeyFromSeed(h[:32])
		case 1:
			key = fuzzRSA()
		default:
			curve := []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()}[typ%5-2]
			size := (curve.Params().BitSize + 7) / 8
			raw := append(h[:], h[:]...)[:size]
			raw[0] &= 1 // below the order for all three curves
			raw[size-1] |= 1
			k, err := ecdsa.ParseRawPrivateKey(curve, raw)
			if err != nil {
				t.Skip(err)
			}
			key = k
		}
		opts := &MarshalOptions{
			Version: 2 + int(version%2), Comment: comment, Passphrase: pass,
			KDF:    []string{Argon2id, Argon2i, Argon2d}[kdf%3],
			Memory: uint32(mem), Passes: 1 + uint32(passes%3), Parallelism: 1 + uint32(par%4), Salt: salt,
		}
		if opts.Memory == 0 {
			opts.Memory = 8 * opts.Parallelism // not the 8 MiB default: keep each run cheap
		}
		data, err := Marshal(key, opts)
		if err != nil {
			if strings.ContainsAny(comment, "\r\n\x00") || errors.Is(err, ErrUnsafeKDF) {
				return
			}
			t.Fatal(err)
		}
		k, err := Parse(data, pass, fuzzOpts)
		if err != nil {
			t.Fatal(err) // every option Marshal accepts stays under fuzzOpts
		}
		if k.Comment != comment || k.Version != opts.Version || !k.PrivateKey.(interface{ Equal(crypto.PrivateKey) bool }).Equal(key) {
			t.Fatalf("round trip: %+v", k)
		}
		if enc := len(pass) > 0; enc != (k.Encryption == EncryptionAES) {
			t.Fatalf("encryption %s", k.Encryption)
		}
		if len(pass) > 0 && opts.Version == 3 {
			if k.KDF != opts.KDF || k.Passes != opts.Passes || k.Parallelism != opts.Parallelism || !bytes.Equal(k.Salt, salt) {
				t.Fatalf("KDF parameters %s %d %d %x", k.KDF, k.Passes, k.Parallelism, k.Salt)
			}
			if _, err := Parse(data, append(bytes.Clone(pass), 'x'), fuzzOpts); !errors.Is(err, ErrIncorrectPassphrase) {
				t.Fatalf("wrong passphrase: %v", err)
			}
		}
	})
}
