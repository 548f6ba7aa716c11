package pemenc

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"

	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// growthInputs are well-formed pieces the hostile inputs wrap, so each
// decoder runs to the end of its work rather than failing early.
type growthInputs struct {
	authorized string // authorized_keys line, with "\n"
	rfcBody    string // RFC 4716 body lines and END line
	pkix       string // PKIX PEM block
	sec1       string // SEC1 PEM block
	openssh    string // OpenSSH PEM block
	pkcs8      string // PKCS#8 PEM block
}

func newGrowthInputs(t *testing.T) growthInputs {
	keys := fuzzKeys()
	ed := keys[0].(ed25519.PrivateKey)
	ec := keys[1].(*ecdsa.PrivateKey)
	var g growthInputs
	a, _ := MarshalAuthorizedKey(ed.Public(), "c")
	g.authorized = string(a)
	r, _ := MarshalRFC4716PublicKey(ed.Public(), "")
	g.rfcBody = strings.TrimPrefix(string(r), rfc4716Begin+"\n")
	p, _ := MarshalPKIXPublicKey(ed.Public())
	g.pkix = string(p)
	s, _ := MarshalSEC1PrivateKey(ec)
	g.sec1 = string(s)
	o, _ := MarshalOpenSSHPrivateKey(ed, &OpenSSHOptions{Rand: zeroReader{}})
	g.openssh = string(o)
	p8, _ := MarshalPKCS8PrivateKey(ed)
	g.pkcs8 = string(p8)
	for _, x := range []string{g.authorized, g.rfcBody, g.pkix, g.sec1, g.openssh, g.pkcs8} {
		if x == "" {
			t.Fatal("fixture did not encode")
		}
	}
	return g
}

func parsePub(b []byte)  { ParsePublicKey(b) }
func parsePriv(b []byte) { ParsePrivateKey(b, []byte("pw"), nil) }

// TestGrowthPublic grows every public-key form: RFC 4716 header
// continuations, headers and blank lines; authorized_keys comment and blank
// lines, options, comments; base64 and bare SubjectPublicKeyInfo DER.
func TestGrowthPublic(t *testing.T) {
	g := newGrowthInputs(t)
	rfc := func(unit string) func(int) []byte {
		return func(n int) []byte { return sizetest.Repeat(rfc4716Begin+"\n", unit, g.rfcBody, n) }
	}
	rfcCont := func(n int) []byte {
		return sizetest.Repeat(rfc4716Begin+"\nComment: x\\\n", "ab\\\n", "c\n"+g.rfcBody, n)
	}
	rfcOther := func(n int) []byte {
		return sizetest.Repeat(rfc4716Begin+"\nX-Other: x\\\n", "ab\\\n", "c\n"+g.rfcBody, n)
	}
	derHead := []byte{0x30, 0x83, 0, 0, 0}
	der := func(n int) []byte {
		b := make([]byte, n)
		copy(b, derHead)
		b[2], b[3], b[4] = byte((n-5)>>16), byte((n-5)>>8), byte(n-5)
		return b
	}
	key := strings.TrimSuffix(g.authorized, "\n")
	opts := func(n int) []byte {
		return sizetest.Repeat(`command="`, `a\"`, `" `+key, n)
	}
	sizetest.Check(t,
		sizetest.Case{Name: "rfc4716-comment-continuation", Build: rfcCont, Decode: parsePub},
		sizetest.Case{Name: "rfc4716-comment-continuation-direct", Build: rfcCont, Decode: func(b []byte) { ParseRFC4716PublicKey(b) }},
		sizetest.Case{Name: "rfc4716-other-continuation", Build: rfcOther, Decode: parsePub},
		sizetest.Case{Name: "rfc4716-headers", Build: rfc("X-h: v\n"), Decode: parsePub},
		sizetest.Case{Name: "rfc4716-blank-lines", Build: rfc("\n"), Decode: parsePub},
		sizetest.Case{Name: "rfc4716-crlf-lines", Build: rfc(" \r\n"), Decode: parsePub},
		sizetest.Case{Name: "authorized-comment-lines", Build: func(n int) []byte { return sizetest.Repeat("", "#\n", g.authorized, n) }, Decode: parsePub},
		sizetest.Case{Name: "authorized-blank-lines", Build: func(n int) []byte { return sizetest.Repeat("", "\n", g.authorized, n) }, Decode: parsePub},
		sizetest.Case{Name: "authorized-two-keys-far-apart", Build: func(n int) []byte { return sizetest.Repeat(g.authorized, "\n", g.authorized, n) }, Decode: parsePub},
		sizetest.Case{Name: "authorized-long-comment", Build: func(n int) []byte { return sizetest.Repeat(key+" ", "c ", "\n", n) }, Decode: parsePub},
		sizetest.Case{Name: "authorized-options", Build: opts, Decode: func(b []byte) { ParseAuthorizedKey(b) }},
		sizetest.Case{Name: "authorized-blanks", Build: func(n int) []byte { return sizetest.Repeat("ssh-ed25519", " ", "AAAA", n) }, Decode: func(b []byte) { ParseAuthorizedKey(b) }},
		sizetest.Case{Name: "spki-base64-token", Build: func(n int) []byte { return sizetest.Repeat("MII", "A", "", n) }, Decode: parsePub},
		sizetest.Case{Name: "spki-der", Build: der, Decode: parsePub},
		sizetest.Case{Name: "spki-der-huge-modulus", Build: func(n int) []byte {
			der, _ := asn1.Marshal(spki{Algo: pkix.AlgorithmIdentifier{Algorithm: oidRSA, Parameters: asn1.NullRawValue},
				Key: asn1.BitString{Bytes: func() []byte {
					b, _ := asn1.Marshal(pkcs1Public{N: new(big.Int).SetBytes(bytes.Repeat([]byte{0xff}, n-64)), E: big.NewInt(65537)})
					return b
				}(), BitLength: 8 * (n - 64)}})
			return der
		}, Decode: parsePub},
		sizetest.Case{Name: "pkix-text-before", Build: func(n int) []byte { return sizetest.Repeat("", "x\n", g.pkix, n) }, Decode: parsePub},
		sizetest.Case{Name: "pkix-short-body-lines", Build: func(n int) []byte {
			return sizetest.Repeat("-----BEGIN PUBLIC KEY-----\n", "AAAA\n", "-----END PUBLIC KEY-----\n", n)
		}, Decode: parsePub},
		sizetest.Case{Name: "openssh-envelope-blank-lines", Build: func(n int) []byte {
			return sizetest.Repeat("", "\n", g.openssh, n)
		}, Decode: parsePub},
	)
}

// TestGrowthPrivate grows the PEM armour every private format shares:
// skipped EC PARAMETERS blocks, RFC 1421 headers, text before BEGIN, short
// body lines, and bare DER.
func TestGrowthPrivate(t *testing.T) {
	g := newGrowthInputs(t)
	ecParams := "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
	body := func(typ string) func(int) []byte {
		return func(n int) []byte {
			return sizetest.Repeat("-----BEGIN "+typ+"-----\n", "AAAA\n", "-----END "+typ+"-----\n", n)
		}
	}
	headers := func(n int) []byte {
		tail := "\n" + strings.TrimPrefix(g.pkcs8, "-----BEGIN PRIVATE KEY-----\n")
		return sizetest.Repeat("-----BEGIN PRIVATE KEY-----\n", "X-H: v\n", tail, n)
	}
	procType := func(n int) []byte {
		return sizetest.Repeat("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n",
			"X-H: v\n", "\nAAAAAAAAAAAAAAAAAAAAAA==\n-----END RSA PRIVATE KEY-----\n", n)
	}
	der := func(n int) []byte {
		b := make([]byte, n)
		b[0], b[1] = 0x30, 0x83
		b[2], b[3], b[4] = byte((n-5)>>16), byte((n-5)>>8), byte(n-5)
		return b
	}
	// Valid structures holding one huge number: the size checks must come
	// before any arithmetic on it.
	huge := func(n int) *big.Int { return new(big.Int).SetBytes(bytes.Repeat([]byte{0xff}, n)) }
	pkcs1DER := func(n int) []byte {
		der, _ := asn1.Marshal(pkcs1PrivateKey{N: huge(n - 64), E: big.NewInt(65537), D: big.NewInt(3), P: big.NewInt(5), Q: big.NewInt(7), Dp: bigOne, Dq: bigOne, Qinv: bigOne})
		return der
	}
	opensshRSA := func(n int) []byte {
		var priv, out sshwire.Builder
		priv.Uint32(1)
		priv.Uint32(1)
		priv.StringS(keytype.RSA)
		for _, x := range []*big.Int{huge(n * 9 / 25), big.NewInt(65537), big.NewInt(3), bigOne, big.NewInt(5), big.NewInt(7)} {
			priv.MPInt(x)
		}
		priv.StringS("")
		for i := 1; len(priv.B)%8 != 0; i++ {
			priv.B = append(priv.B, byte(i))
		}
		var pub sshwire.Builder
		pub.StringS(keytype.RSA)
		pub.MPInt(big.NewInt(65537))
		pub.MPInt(huge(n * 9 / 25))
		out.B = append(out.B, opensshMagic...)
		out.StringS("none")
		out.StringS("none")
		out.String(nil)
		out.Uint32(1)
		out.String(pub.B)
		out.String(priv.B)
		return encodeArmor(opensshPEMType, nil, out.B, 70)
	}
	pkcs1 := func(b []byte) { ParsePKCS1PrivateKey(b) }
	openssh := func(b []byte) { ParseOpenSSHPrivateKey(b, nil, nil) }
	sizetest.Check(t,
		sizetest.Case{Name: "ec-parameters-blocks", Build: func(n int) []byte { return sizetest.Repeat("", ecParams, g.sec1, n) }, Decode: parsePriv},
		sizetest.Case{Name: "ec-parameters-blocks-no-key", Build: func(n int) []byte { return sizetest.Repeat("", ecParams, "", n) }, Decode: parsePriv},
		sizetest.Case{Name: "pem-headers", Build: headers, Decode: parsePriv},
		sizetest.Case{Name: "proc-type-headers", Build: procType, Decode: parsePriv},
		sizetest.Case{Name: "text-before-begin", Build: func(n int) []byte { return sizetest.Repeat("", "x\n", g.sec1, n) }, Decode: parsePriv},
		sizetest.Case{Name: "blank-lines-before-begin", Build: func(n int) []byte { return sizetest.Repeat("", "\n", g.sec1, n) }, Decode: parsePriv},
		sizetest.Case{Name: "begin-lines", Build: func(n int) []byte { return sizetest.Repeat("", "-----BEGIN X-----\n", "", n) }, Decode: parsePriv},
		sizetest.Case{Name: "pkcs8-short-lines", Build: body("PRIVATE KEY"), Decode: parsePriv},
		sizetest.Case{Name: "encrypted-pkcs8-short-lines", Build: body("ENCRYPTED PRIVATE KEY"), Decode: parsePriv},
		sizetest.Case{Name: "sec1-short-lines", Build: body("EC PRIVATE KEY"), Decode: parsePriv},
		sizetest.Case{Name: "bare-der", Build: der, Decode: parsePriv},
		sizetest.Case{Name: "pkcs1-der-huge-modulus", Build: pkcs1DER, Decode: parsePriv},
		sizetest.Case{Name: "openssh-huge-rsa", Build: opensshRSA, Decode: parsePriv},
		sizetest.Case{Name: "pkcs1-short-lines", Build: body("RSA PRIVATE KEY"), Decode: pkcs1},
		sizetest.Case{Name: "pkcs1-text-before", Build: func(n int) []byte { return sizetest.Repeat("", "x\n", g.sec1, n) }, Decode: pkcs1},
		sizetest.Case{Name: "openssh-short-lines", Build: body(opensshPEMType), Decode: openssh},
		sizetest.Case{Name: "openssh-text-before", Build: func(n int) []byte { return sizetest.Repeat("", "x\n", g.openssh, n) }, Decode: openssh},
		sizetest.Case{Name: "openssh-blank-lines", Build: func(n int) []byte {
			return []byte(strings.Replace(g.openssh, "\n", strings.Repeat("\n", n/2-len(g.openssh)), 2))
		}, Decode: openssh},
	)
}

// TestGrowthInputsDecode makes sure the growth inputs are what they claim:
// small instances decode to keys, so the large ones exercise the full path.
func TestGrowthInputsDecode(t *testing.T) {
	g := newGrowthInputs(t)
	small := func(head, unit, tail string) []byte { return []byte(head + strings.Repeat(unit, 3) + tail) }
	for _, in := range [][]byte{
		small(rfc4716Begin+"\nComment: x\\\n", "ab\\\n", "c\n"+g.rfcBody),
		small(rfc4716Begin+"\n", "X-h: v\n", g.rfcBody),
		small("", "#\n", g.authorized),
		small("", "x\n", g.pkix),
	} {
		if _, _, err := ParsePublicKey(in); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
	_, c, err := ParsePublicKey(small(rfc4716Begin+"\nComment: x\\\n", "ab\\\n", "c\n"+g.rfcBody))
	if err != nil || c != "xabababc" {
		t.Errorf("continued comment = %q, %v", c, err)
	}
	ecParams := "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
	for _, in := range [][]byte{
		small("", ecParams, g.sec1),
		small("", "x\n", g.sec1),
		small("", "x\n", g.openssh),
		[]byte(strings.Replace(g.pkcs8, "-----\n", "-----\nX-H: v\nX-H: w\n\n", 1)),
	} {
		if _, _, err := ParsePrivateKey(in, nil, nil); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
	if !bytes.Contains([]byte(g.rfcBody), []byte(rfc4716End)) {
		t.Fatal("rfcBody lacks END")
	}
	if _, err := base64.StdEncoding.DecodeString("AAAA"); err != nil {
		t.Fatal(err)
	}
}

// TestPEMHeaderLimit: up to maxPEMHeaders header lines are read, more are
// refused by name rather than stored.
func TestPEMHeaderLimit(t *testing.T) {
	g := newGrowthInputs(t)
	with := func(n int) []byte {
		return []byte(strings.Replace(g.pkcs8, "-----\n", "-----\n"+strings.Repeat("X-H: v\n", n)+"\n", 1))
	}
	if _, _, err := ParsePrivateKey(with(maxPEMHeaders), nil, nil); err != nil {
		t.Fatalf("%d headers: %v", maxPEMHeaders, err)
	}
	if _, _, err := ParsePrivateKey(with(maxPEMHeaders+1), nil, nil); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "header lines") {
		t.Fatalf("%d headers: %v", maxPEMHeaders+1, err)
	}
}
