package pemenc

import (
	"bytes"
	"crypto/ed25519"
	crand "crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"math/big"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
)

// osshParts is an openssh-key-v1 file taken apart, for mutation.
type osshParts struct {
	cipher, kdf string
	kdfOpts     []byte
	nkeys       uint32
	pubs        [][]byte
	c1, c2      uint32
	fields      []byte // keytype and per-type fields
	comment     string
	pad         []byte // nil: 1,2,3… to 8
	trailing    []byte // after the private section string
}

func (p *osshParts) binary() []byte {
	var priv sshwire.Builder
	priv.Uint32(p.c1)
	priv.Uint32(p.c2)
	priv.B = append(priv.B, p.fields...)
	priv.StringS(p.comment)
	if p.pad == nil {
		for i := 1; len(priv.B)%8 != 0; i++ {
			priv.B = append(priv.B, byte(i))
		}
	} else {
		priv.B = append(priv.B, p.pad...)
	}
	var b sshwire.Builder
	b.B = append(b.B, opensshMagic...)
	b.StringS(p.cipher)
	b.StringS(p.kdf)
	b.String(p.kdfOpts)
	b.Uint32(p.nkeys)
	for _, pub := range p.pubs {
		b.String(pub)
	}
	b.String(priv.B)
	b.B = append(b.B, p.trailing...)
	return b.B
}

func (p *osshParts) armour() []byte { return encodeArmor(opensshPEMType, nil, p.binary(), 70) }

func edParts(key ed25519.PrivateKey, pk, sk []byte) *osshParts {
	var f sshwire.Builder
	f.StringS(keytype.Ed25519)
	f.String(pk)
	f.String(sk)
	blob, _ := keytype.MarshalPublicKey(key.Public())
	return &osshParts{cipher: "none", kdf: "none", nkeys: 1, pubs: [][]byte{blob}, c1: 7, c2: 7, fields: f.B, comment: "c"}
}

// rsaFields writes ssh-rsa private fields; raw, when set, replaces d's mpint body.
func rsaFields(n, e, d, iqmp, p, q *big.Int, rawD []byte) []byte {
	var f sshwire.Builder
	f.StringS(keytype.RSA)
	f.MPInt(n)
	f.MPInt(e)
	if rawD != nil {
		f.String(rawD)
	} else {
		f.MPInt(d)
	}
	f.MPInt(iqmp)
	f.MPInt(p)
	f.MPInt(q)
	return f.B
}

func rsaParts(k *rsa.PrivateKey, fields []byte) *osshParts {
	blob, _ := keytype.MarshalPublicKey(k.Public())
	return &osshParts{cipher: "none", kdf: "none", nkeys: 1, pubs: [][]byte{blob}, c1: 9, c2: 9, fields: fields, comment: "r"}
}

func rewrap(data []byte, width int) []byte {
	b, _ := decodeArmor(data)
	return encodeArmor(b.Type, nil, b.Bytes, width)
}

// TestMutationTable proves each accept/reject rule of doc/openssh.md with one
// row, and checks ssh-keygen 9.2's verdict where that page records it.
func TestMutationTable(t *testing.T) {
	keys := testKeys(t)
	rk := keys[0].key.(*rsa.PrivateKey)
	ed := keys[2].key.(ed25519.PrivateKey)
	_, other, _ := ed25519.GenerateKey(nil)
	pk := []byte(ed[32:])
	e := big.NewInt(int64(rk.E))
	p, q := rk.Primes[0], rk.Primes[1]
	iqmp := new(big.Int).ModInverse(q, p)
	good := edParts(ed, pk, ed)
	goodData := good.armour()
	encrypted, _ := MarshalOpenSSHPrivateKey(ed, &OpenSSHOptions{Passphrase: []byte("pw"), Rounds: 1})

	mut := func(f func(p *osshParts)) []byte {
		c := *edParts(ed, pk, ed)
		f(&c)
		return c.armour()
	}
	const (
		sshAccepts = 1
		sshRejects = 2
		sshUnknown = 0
	)
	rows := []struct {
		name string
		data []byte
		pass string
		want error // nil: accepted
		ssh  int
		msg  string // substring of the error
	}{
		// Rejected, as ssh-keygen does.
		{"checkint mismatch", mut(func(p *osshParts) { p.c2 = 8 }), "", ErrMalformed, sshRejects, "checkint"},
		{"zero padding", mut(func(p *osshParts) { p.pad = make([]byte, 8-(8+len(p.fields)+4+1)%8) }), "", ErrMalformed, sshRejects, "padding"},
		{"unaligned private section", mut(func(p *osshParts) { p.pad = []byte{1} }), "", ErrMalformed, sshRejects, "multiple of 8"},
		{"envelope key differs", mut(func(p *osshParts) { p.pubs[0], _ = keytype.MarshalPublicKey(other.Public()) }), "", ErrMalformed, sshRejects, "envelope"},
		{"two keys", mut(func(p *osshParts) { p.nkeys = 2; p.pubs = append(p.pubs, p.pubs[0]) }), "", ErrMalformed, sshRejects, "2 keys"},
		{"short ed25519 sk", mut(func(p *osshParts) { p.fields = edParts(ed, pk, ed[:32]).fields }), "", ErrMalformed, sshRejects, "64"},
		{"negative mpint", rsaParts(rk, rsaFields(rk.N, e, nil, iqmp, p, q, append([]byte{0x80}, rk.D.Bytes()...))).armour(), "", ErrMalformed, sshRejects, "negative"},
		// ssh-keygen -y prints the public key without checking n = p·q; keyforge does (doc/openssh.md).
		{"n != p*q", rsaParts(rk, rsaFields(rk.N, e, rk.D, iqmp, p, new(big.Int).Add(q, big.NewInt(2)), nil)).armour(), "", ErrMalformed, sshAccepts, "p·q"},
		{"text before BEGIN (we accept)", append([]byte("junk\n"), goodData...), "", nil, sshRejects, ""},
		{"trailing bytes after the private section", mut(func(p *osshParts) { p.trailing = []byte{0} }), "", ErrMalformed, sshRejects, "trailing"},
		{"RFC 1421 header lines", []byte(strings.Replace(string(goodData), "KEY-----\n", "KEY-----\nProc-Type: 4,ENCRYPTED\nComment: x\n\n", 1)), "", ErrMalformed, sshRejects, "header lines"},
		{"bad magic", []byte(strings.Replace(string(goodData), "b3BlbnNzaC1rZXktdjEA", "b3BlbnNzaC1rZXktdjIA", 1)), "", ErrMalformed, sshRejects, "magic"},
		{"cipher none with kdf bcrypt", mut(func(p *osshParts) { p.kdf = "bcrypt" }), "", ErrMalformed, sshRejects, "kdf"},
		{"unknown cipher", mut(func(p *osshParts) { p.cipher = "blowfish-cbc"; p.kdf = "bcrypt" }), "", ErrUnsupportedEncryption, sshRejects, "blowfish-cbc"},
		{"unsupported key type named", mut(func(p *osshParts) {
			var b sshwire.Builder
			b.StringS("ssh-dss")
			p.pubs[0] = b.B
		}), "", ErrUnsupportedKeyType, sshUnknown, "ssh-dss"},
		{"wrong passphrase", encrypted, "nope", ErrIncorrectPassphrase, sshRejects, ""},
		{"no passphrase", encrypted, "", ErrPassphraseRequired, sshRejects, ""},
		{"rounds above ceiling", bcryptRounds(t, encrypted, DefaultMaxBcryptRounds+1), "pw", ErrUnsafeKDF, sshUnknown, "201"},
		// Rejected although ssh-keygen accepts: a bad sk signs invalidly.
		{"ed25519 sk second half != pk", mut(func(p *osshParts) {
			sk := append([]byte(nil), ed...)
			sk[63] ^= 1
			p.fields = edParts(ed, pk, sk).fields
		}), "", ErrMalformed, sshAccepts, "second half"},
		// Accepted, as ssh-keygen does.
		{"line width 64", rewrap(goodData, 64), "", nil, sshAccepts, ""},
		{"line width 76", rewrap(goodData, 76), "", nil, sshAccepts, ""},
		{"one long line", rewrap(goodData, 1<<16), "", nil, sshAccepts, ""},
		{"long 1,2,3… padding", mut(func(p *osshParts) {
			n := 8 - (8+len(p.fields)+4+len(p.comment))%8
			for i := 1; i <= n+16; i++ {
				p.pad = append(p.pad, byte(i))
			}
		}), "", nil, sshAccepts, ""},
		{"no padding when aligned", mut(func(p *osshParts) {
			p.comment = strings.Repeat("x", 8-(8+len(p.fields)+4)%8)
			p.pad = []byte{}
		}), "", nil, sshAccepts, ""},
		{"text after END", append(append([]byte(nil), goodData...), "trailing garbage\n"...), "", nil, sshAccepts, ""},
		{"RSA p and q swapped", rsaParts(rk, rsaFields(rk.N, e, rk.D, new(big.Int).ModInverse(p, q), q, p, nil)).armour(), "", nil, sshAccepts, ""},
		{"RSA d >= n (d + 16λ), repaired", rsaParts(rk, rsaFields(rk.N, e, new(big.Int).Add(rk.D, new(big.Int).Lsh(lambdaOf(p, q), 4)), iqmp, p, q, nil)).armour(), "", nil, sshAccepts, ""},
		{"RSA wrong iqmp", rsaParts(rk, rsaFields(rk.N, e, rk.D, big.NewInt(1), p, q, nil)).armour(), "", nil, sshAccepts, ""},
		// Accepted although ssh-keygen refuses: whitespace-only armour differences.
		{"CRLF", bytes.ReplaceAll(goodData, []byte("\n"), []byte("\r\n")), "", nil, sshRejects, ""},
		{"no final newline", bytes.TrimSuffix(goodData, []byte("\n")), "", nil, sshRejects, ""},
	}
	sshChecked := 0
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			var pass []byte // "" means none given (nil), not the empty passphrase
			if row.pass != "" {
				pass = []byte(row.pass)
			}
			key, _, err := ParseOpenSSHPrivateKey(row.data, pass, nil)
			if row.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if k, ok := key.(*rsa.PrivateKey); ok {
					if k.Primes[0].Cmp(k.Primes[1]) <= 0 || k.Precomputed.Qinv.Cmp(iqmp) != 0 ||
						// d may be repaired to an equivalent exponent: compare d mod p-1, q-1.
						!k.PublicKey.Equal(&rk.PublicKey) || k.D.Cmp(k.N) >= 0 || k.Validate() != nil ||
						k.Precomputed.Dp.Cmp(rk.Precomputed.Dp) != 0 || k.Precomputed.Dq.Cmp(rk.Precomputed.Dq) != 0 {
						t.Fatal("RSA key not repaired and normalised")
					}
				} else if !eqPriv(key, ed) {
					t.Fatal("wrong key")
				}
			} else {
				if !errors.Is(err, row.want) {
					t.Fatalf("err = %v, want %v", err, row.want)
				}
				if row.msg != "" && !strings.Contains(err.Error(), row.msg) {
					t.Fatalf("err %q does not mention %q", err, row.msg)
				}
			}
			// ParsePrivateKey agrees.
			if _, _, err2 := ParsePrivateKey(row.data, pass, nil); (err2 == nil) != (err == nil) {
				t.Errorf("ParsePrivateKey disagrees: %v", err2)
			}
			if row.ssh == sshUnknown {
				return
			}
			f := testtool.WriteFile(t, "k", row.data)
			_, _, sErr := testtool.RunErr(t, nil, "ssh-keygen", "-y", "-P", row.pass, "-f", f)
			if got := map[bool]int{true: sshAccepts, false: sshRejects}[sErr == nil]; got != row.ssh {
				t.Errorf("ssh-keygen accepted=%v, doc/openssh.md says otherwise", sErr == nil)
			}
			sshChecked++
		})
	}
	t.Logf("%d rows, %d with ssh-keygen's verdict confirmed", len(rows), sshChecked)
}

// bcryptRounds rewrites the rounds field of an encrypted OpenSSH key.
func bcryptRounds(t testing.TB, data []byte, rounds uint32) []byte {
	b, _ := decodeArmor(data)
	r := sshwire.NewReader(b.Bytes[len(opensshMagic):])
	c, kdf, opts := r.String(), r.String(), r.String()
	kr := sshwire.NewReader(opts)
	salt := kr.String()
	var nb sshwire.Builder
	nb.B = append(nb.B, opensshMagic...)
	nb.String(c)
	nb.String(kdf)
	var ko sshwire.Builder
	ko.String(salt)
	ko.Uint32(rounds)
	nb.String(ko.B)
	nb.B = append(nb.B, r.Rest()...)
	return encodeArmor(opensshPEMType, nil, nb.B, 70)
}

// TestPKCS1MutationTable: the same repair and refusal rules for PKCS#1.
func TestPKCS1MutationTable(t *testing.T) {
	rk := testKeys(t)[0].key.(*rsa.PrivateKey)
	p, q := rk.Primes[0], rk.Primes[1]
	der := func(pp, qq, qinv *big.Int) []byte {
		b, _ := asn1.Marshal(pkcs1PrivateKey{N: rk.N, E: big.NewInt(int64(rk.E)), D: rk.D, P: pp, Q: qq,
			Dp: big.NewInt(1), Dq: big.NewInt(1), Qinv: qinv})
		return encodeArmor("RSA PRIVATE KEY", nil, b, 64)
	}
	pm1, qm1 := new(big.Int).Sub(p, bigOne), new(big.Int).Sub(q, bigOne)
	lambda := new(big.Int).Div(new(big.Int).Mul(pm1, qm1), new(big.Int).GCD(nil, nil, pm1, qm1))
	derD := func(d *big.Int) []byte {
		b, _ := asn1.Marshal(pkcs1PrivateKey{N: rk.N, E: big.NewInt(int64(rk.E)), D: d, P: p, Q: q,
			Dp: big.NewInt(1), Dq: big.NewInt(1), Qinv: big.NewInt(1)})
		return encodeArmor("RSA PRIVATE KEY", nil, b, 64)
	}
	for _, row := range []struct {
		name string
		data []byte
		want error
	}{
		{"swapped primes, wrong CRT", der(q, p, big.NewInt(1)), nil},
		{"wrong iqmp", der(p, q, big.NewInt(5)), nil},
		{"d >= n, repaired", derD(new(big.Int).Add(rk.D, new(big.Int).Lsh(lambda, 4))), nil},
		{"n != p*q", der(p, new(big.Int).Add(q, big.NewInt(2)), big.NewInt(1)), ErrMalformed},
		{"CRLF, no final newline", bytes.TrimSpace(bytes.ReplaceAll(mustPKCS1(rk), []byte("\n"), []byte("\r\n"))), nil},
		{"bad base64", []byte("-----BEGIN RSA PRIVATE KEY-----\n!!!\n-----END RSA PRIVATE KEY-----\n"), ErrMalformed},
		{"unbalanced composite factors", forgedPKCS1(t, 2048, 1900), ErrMalformed},
		{"unbalanced composite factors, 16384 bits", forgedPKCS1(t, 16384, 16000), ErrMalformed},
		{"RSA below 1024 bits", smallPKCS1(t), ErrMalformed},
		{"legacy-encrypted without passphrase", []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n" + base64.StdEncoding.EncodeToString(make([]byte, 16)) + "\n-----END RSA PRIVATE KEY-----\n"), ErrPassphraseRequired},
	} {
		k, _, err := ParsePrivateKey(row.data, nil, nil)
		if row.want == nil {
			if err != nil || !k.(*rsa.PrivateKey).PublicKey.Equal(&rk.PublicKey) || k.(*rsa.PrivateKey).Validate() != nil ||
				k.(*rsa.PrivateKey).D.Cmp(rk.N) >= 0 || k.(*rsa.PrivateKey).Precomputed.Qinv.Cmp(rk.Precomputed.Qinv) != 0 {
				t.Errorf("%s: %v", row.name, err)
			}
		} else if !errors.Is(err, row.want) {
			t.Errorf("%s: err = %v, want %v", row.name, err, row.want)
		}
	}
}

// forgedPKCS1 is a PKCS#1 key with composite, very unbalanced factors
// (pbits and nbits-pbits) and a consistent d: crypto/rsa's Validate takes
// seconds on such keys at 16384 bits, so they must be refused up front.
func forgedPKCS1(t testing.TB, nbits, pbits int) []byte {
	t.Helper()
	e := big.NewInt(65537)
	r := mrand.New(mrand.NewPCG(1, 2))
	rnd := func(bits int) *big.Int {
		x := new(big.Int)
		for i := 0; i < bits; i += 32 {
			x.Lsh(x, 32).Or(x, big.NewInt(int64(r.Uint32())))
		}
		x.Rsh(x, uint(x.BitLen()-bits+1))
		return x.SetBit(x, bits-1, 1).SetBit(x, 0, 1)
	}
	for {
		p, q := rnd(pbits), rnd(nbits-pbits)
		n := new(big.Int).Mul(p, q)
		pm, qm := new(big.Int).Sub(p, bigOne), new(big.Int).Sub(q, bigOne)
		l := new(big.Int).Div(new(big.Int).Mul(pm, qm), new(big.Int).GCD(nil, nil, pm, qm))
		d := new(big.Int).ModInverse(e, l)
		if d == nil || n.BitLen() != nbits {
			continue
		}
		b, _ := asn1.Marshal(pkcs1PrivateKey{N: n, E: e, D: d, P: p, Q: q, Dp: bigOne, Dq: bigOne, Qinv: bigOne})
		return encodeArmor("RSA PRIVATE KEY", nil, b, 64)
	}
}

// smallPKCS1 is a valid 768-bit RSA key, which ssh-keygen 9.2 refuses.
func smallPKCS1(t testing.TB) []byte {
	t.Helper()
	e := big.NewInt(65537)
	for {
		p, _ := crand.Prime(crand.Reader, 384)
		q, _ := crand.Prime(crand.Reader, 384)
		n := new(big.Int).Mul(p, q)
		pm, qm := new(big.Int).Sub(p, bigOne), new(big.Int).Sub(q, bigOne)
		d := new(big.Int).ModInverse(e, new(big.Int).Mul(pm, qm))
		if d == nil || p.Cmp(q) == 0 || n.BitLen() != 768 {
			continue
		}
		b, _ := asn1.Marshal(pkcs1PrivateKey{N: n, E: e, D: d, P: p, Q: q, Dp: bigOne, Dq: bigOne, Qinv: bigOne})
		return encodeArmor("RSA PRIVATE KEY", nil, b, 64)
	}
}

// TestRSABelow1024: ssh-keygen 9.2 refuses RSA keys below 1024 bits in
// every form, so pemenc neither reads nor writes them.
func TestRSABelow1024(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	pemData := smallPKCS1(t)
	b, _ := decodeArmor(pemData)
	var k pkcs1PrivateKey
	if _, err := asn1.Unmarshal(b.Bytes, &k); err != nil {
		t.Fatal(err)
	}
	small := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: k.N, E: int(k.E.Int64())}, D: k.D, Primes: []*big.Int{k.P, k.Q}}
	small.Precompute()
	pub := &small.PublicKey
	var blob sshwire.Builder
	blob.StringS("ssh-rsa")
	blob.MPInt(k.E)
	blob.MPInt(k.N)
	line := []byte("ssh-rsa " + base64.StdEncoding.EncodeToString(blob.B) + " small\n")
	if out, _, err := testtool.RunErr(t, nil, "ssh-keygen", "-l", "-f", testtool.WriteFile(t, "small.pub", line)); err == nil {
		t.Fatalf("ssh-keygen accepts a 768-bit key: %s", out)
	}
	if _, _, err := ParseAuthorizedKey(line); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "1024") {
		t.Errorf("ParseAuthorizedKey: %v", err)
	}
	if _, _, err := ParsePrivateKey(pemData, nil, nil); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "1024") {
		t.Errorf("ParsePrivateKey: %v", err)
	}
	if _, err := MarshalAuthorizedKey(pub, "c"); err == nil {
		t.Error("MarshalAuthorizedKey wrote a 768-bit key")
	}
	if _, err := MarshalOpenSSHPrivateKey(small, nil); err == nil {
		t.Error("MarshalOpenSSHPrivateKey wrote a 768-bit key")
	}
	if _, err := MarshalPKCS8PrivateKey(small); err == nil {
		t.Error("MarshalPKCS8PrivateKey wrote a 768-bit key")
	}
}

// lambdaOf is λ(pq) = lcm(p-1, q-1).
func lambdaOf(p, q *big.Int) *big.Int {
	pm1, qm1 := new(big.Int).Sub(p, bigOne), new(big.Int).Sub(q, bigOne)
	return new(big.Int).Div(new(big.Int).Mul(pm1, qm1), new(big.Int).GCD(nil, nil, pm1, qm1))
}
