package pemenc

import (
	"bytes"
	"crypto"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/internal/sizetest"
)

// TestLegacyPKCS8Fixtures reads every openssl-made legacy encrypted PKCS#8
// file in testdata/pkcs8-legacy (see make.sh there) and compares the key
// with the unencrypted original.
func TestLegacyPKCS8Fixtures(t *testing.T) {
	dir := filepath.Join("testdata", "pkcs8-legacy")
	pass, err := os.ReadFile(filepath.Join(dir, "PASSPHRASE"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.*.pem"))
	if len(files) < 30 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			plainPEM, err := os.ReadFile(filepath.Join(dir, strings.SplitN(name, ".", 2)[0]+".pem"))
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := ParsePrivateKey(plainPEM, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(f)
			got, _, err := ParsePrivateKey(data, pass, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(want.Public()) {
				t.Fatal("another key")
			}
			if _, _, err := ParsePrivateKey(data, nil, nil); !errors.Is(err, ErrPassphraseRequired) {
				t.Errorf("nil passphrase: %v", err)
			}
			if _, _, err := ParsePrivateKey(data, []byte("wrong"), nil); !errors.Is(err, ErrIncorrectPassphrase) {
				t.Errorf("wrong passphrase: %v", err)
			}
		})
	}
}

// TestScryptCeilings: hostile scrypt parameters are refused before any work.
func TestScryptCeilings(t *testing.T) {
	for _, c := range []struct{ n, r, p int64 }{{1 << 30, 8, 1}, {1 << 14, 8, 1 << 16}, {1 << 19, 8, 1}} {
		der := scryptFile(t, c.n, c.r, c.p)
		_, err := decryptPKCS8(der, []byte("x"), nil)
		if !errors.Is(err, ErrUnsafeKDF) {
			t.Errorf("N=%d r=%d p=%d: %v", c.n, c.r, c.p, err)
		}
	}
	// Raised ceilings let a caller read more.
	der := scryptFile(t, 1<<19, 8, 1)
	_, err := decryptPKCS8(der, nil, &ParseOptions{MaxScryptMemory: 1 << 30, MaxScryptWork: 1 << 23})
	if !errors.Is(err, ErrPassphraseRequired) {
		t.Errorf("raised ceilings: %v", err)
	}
	if _, err := decryptPKCS8(scryptFile(t, 3, 8, 1), []byte("x"), nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("N not a power of two: %v", err)
	}
}

func scryptFile(t testing.TB, n, r, p int64) []byte {
	t.Helper()
	sp, _ := asn1.Marshal(scryptParams{Salt: []byte("saltsalt"), N: n, R: r, P: p})
	iv, _ := asn1.Marshal(make([]byte, 16))
	params, _ := asn1.Marshal(pbes2Params{
		KDF:    pkix.AlgorithmIdentifier{Algorithm: oidScrypt, Parameters: asn1.RawValue{FullBytes: sp}},
		Scheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: iv}},
	})
	der, err := asn1.Marshal(encryptedPKCS8{Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}, Data: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestLegacyCeilings: PKCS#12 PBE and PBES1 iteration counts are bounded.
func TestLegacyCeilings(t *testing.T) {
	for _, oid := range []asn1.ObjectIdentifier{oidPBEWithSHAAnd3KeyTripleDES, oidPBEWithMD5AndDES} {
		params, _ := asn1.Marshal(pbeParams{Salt: []byte("saltsalt"), Iter: 1 << 30})
		der, _ := asn1.Marshal(encryptedPKCS8{Algo: pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.RawValue{FullBytes: params}}, Data: make([]byte, 16)})
		if _, err := decryptPKCS8(der, []byte("x"), nil); !errors.Is(err, ErrUnsafeKDF) {
			t.Errorf("%v: %v", oid, err)
		}
	}
	params, _ := asn1.Marshal(pbeParams{Salt: []byte("saltsalt"), Iter: 1})
	der, _ := asn1.Marshal(encryptedPKCS8{Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBEWithMD2AndDES, Parameters: asn1.RawValue{FullBytes: params}}, Data: make([]byte, 16)})
	if _, err := decryptPKCS8(der, []byte("x"), nil); !errors.Is(err, ErrUnsupportedEncryption) || !strings.Contains(err.Error(), "MD2") {
		t.Errorf("MD2: %v", err)
	}
}

// TestEncryptedPKCS8Growth: a large ENCRYPTED PRIVATE KEY block costs
// linear work.
func TestEncryptedPKCS8Growth(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "pkcs8-legacy", "ed25519.PBE-SHA1-3DES.pem"))
	b, err := decodeArmor(data)
	if err != nil {
		t.Fatal(err)
	}
	var e encryptedPKCS8
	asn1.Unmarshal(b.Bytes, &e)
	sizetest.Check(t, sizetest.Case{Name: "encrypted-pkcs8", Build: func(n int) []byte {
		e.Data = bytes.Repeat([]byte{1}, n*5/8/8*8)
		der, _ := asn1.Marshal(e)
		return encodeArmor("ENCRYPTED PRIVATE KEY", nil, der, 64)
	}, Decode: func(in []byte) {
		ParsePrivateKey(in, []byte("x"), nil)
	}})
}

func FuzzDecryptPKCS8(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "pkcs8-legacy", "ed25519.*.pem"))
	pass, _ := os.ReadFile(filepath.Join("testdata", "pkcs8-legacy", "PASSPHRASE"))
	for _, file := range files {
		data, _ := os.ReadFile(file)
		if b, err := decodeArmor(data); err == nil {
			f.Add(b.Bytes, pass)
		}
	}
	f.Fuzz(func(t *testing.T, der, pass []byte) {
		_, err := decryptPKCS8(der, pass, &ParseOptions{MaxPBKDF2Iterations: 10000, MaxScryptWork: 1 << 17, MaxScryptMemory: 16 << 20})
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedKeyType) && !errors.Is(err, ErrUnsupportedEncryption) && !errors.Is(err, ErrIncorrectPassphrase) && !errors.Is(err, ErrUnsafeKDF) && !errors.Is(err, ErrPassphraseRequired) {
			t.Fatalf("error wraps no sentinel: %v", err)
		}
	})
}

// BenchmarkHostileLegacyKDF reads hostile scrypt, PKCS#12 PBE and PBES1
// files at the default ceilings with a wrong passphrase (the whole KDF runs)
// and reports CPU seconds per file, the figures the package documents (run
// with -benchtime=1x).
func BenchmarkHostileLegacyKDF(b *testing.B) {
	pbe := func(oid asn1.ObjectIdentifier) []byte {
		params, _ := asn1.Marshal(pbeParams{Salt: []byte("saltsalt"), Iter: DefaultMaxPBKDF2Iterations})
		der, _ := asn1.Marshal(encryptedPKCS8{Algo: pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.RawValue{FullBytes: params}}, Data: make([]byte, 48)})
		return encodeArmor("ENCRYPTED PRIVATE KEY", nil, der, 64)
	}
	for name, data := range map[string][]byte{
		"scrypt-N2^18-r8":     encodeArmor("ENCRYPTED PRIVATE KEY", nil, scryptFile(b, 1<<18, 8, 1), 64),
		"scrypt-N2^14-r8-p16": encodeArmor("ENCRYPTED PRIVATE KEY", nil, scryptFile(b, 1<<14, 8, 16), 64),
		"pkcs12-sha1-3des":    pbe(oidPBEWithSHAAnd3KeyTripleDES),
		"pbes1-md5-des":       pbe(oidPBEWithMD5AndDES),
	} {
		b.Run(name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				c := cpuTime()
				_, _, err := ParsePrivateKey(data, []byte("wrong"), nil)
				cpu += cpuTime() - c
				if !errors.Is(err, ErrIncorrectPassphrase) && !errors.Is(err, ErrMalformed) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
