package bench

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"strconv"
	"testing"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/keygen"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// BenchmarkCreateKeyPair is the whole EC2 path: validation, key generation,
// encoding, fingerprint, state. RSA cases are dominated by key generation.
func BenchmarkCreateKeyPair(b *testing.B) {
	ctx := context.Background()
	for _, typ := range []string{"rsa", "ed25519"} {
		for _, format := range []string{"pem", "ppk"} {
			b.Run(typ+"-"+format, func(b *testing.B) {
				b.ReportAllocs()
				var svc *ec2.Service
				i := 0
				for b.Loop() {
					// A fresh Service every 4,000 keys stays under the 5,000 quota.
					if i%4000 == 0 {
						svc = ec2.NewService(ec2.Options{})
					}
					in := &ec2.CreateKeyPairInput{KeyName: "bench-" + strconv.Itoa(i), KeyType: typ, KeyFormat: format}
					if _, err := svc.CreateKeyPair(ctx, in); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

func benchKeys(b *testing.B) map[string]crypto.Signer {
	rk, err := keygen.RSAFromSeed([]byte("keyforge benchmark fixed seed 32"), 2048)
	if err != nil {
		b.Fatal(err)
	}
	ek, err := keygen.Ed25519(nil)
	if err != nil {
		b.Fatal(err)
	}
	return map[string]crypto.Signer{"rsa": rk, "ed25519": ek}
}

// BenchmarkEncode measures the unencrypted writers EC2 output goes through.
func BenchmarkEncode(b *testing.B) {
	keys := benchKeys(b)
	b.Run("pkcs1-rsa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pemenc.MarshalPKCS1PrivateKey(keys["rsa"].(*rsa.PrivateKey))
		}
	})
	for _, typ := range []string{"rsa", "ed25519"} {
		k := keys[typ]
		b.Run("openssh-"+typ, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pemenc.MarshalOpenSSHPrivateKey(k, &pemenc.OpenSSHOptions{Rand: rand.Reader}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, v := range []int{3, 2} {
			b.Run("ppk"+strconv.Itoa(v)+"-"+typ, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ppk.Marshal(k, &ppk.MarshalOptions{Version: v, Comment: "bench"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPool is CreateKeyPair (RSA, PEM) with keys from a warm pool, at
// 10 requests a second; it reports the worst and p99 latency and how many
// requests took over 2 ms. -benchtime Nx sets the request count.
func BenchmarkPool(b *testing.B) {
	n := b.N
	if n < 10 {
		n = 10 // b.N starts at 1; a real run uses -benchtime 50x
	}
	b.ReportAllocs()
	b.ResetTimer()
	res, err := MeasurePool(context.Background(), 16, 10, n)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(res.Max, "max-ms")
	b.ReportMetric(res.P99, "p99-ms")
	b.ReportMetric(float64(res.Over2ms), "over-2ms")
}
