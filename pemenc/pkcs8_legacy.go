package pemenc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha1"
	"encoding/asn1"
	"fmt"
	"hash"
	"math/big"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/scrypt"
)

// Legacy password-based encryption of PKCS#8 keys, as OpenSSL 1.0, Java's
// keytool and `openssl pkcs8 -topk8 -v1 …` write them: PKCS#12 PBE
// (RFC 7292 appendix B key derivation with SHA-1) and PBES1 (RFC 8018
// PBKDF1). And scrypt as a PBES2 KDF (RFC 7914, `openssl pkcs8 -scrypt`).
var (
	oidPBEWithSHAAnd128BitRC4     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 1}
	oidPBEWithSHAAnd40BitRC4      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 2}
	oidPBEWithSHAAnd3KeyTripleDES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHAAnd2KeyTripleDES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 4}
	oidPBEWithSHAAnd128BitRC2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidPBEWithSHAAnd40BitRC2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	oidPBEWithMD2AndDES           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 1}
	oidPBEWithMD2AndRC2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 4}
	oidPBEWithMD5AndDES           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 3}
	oidPBEWithMD5AndRC2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 6}
	oidPBEWithSHA1AndDES          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 10}
	oidPBEWithSHA1AndRC2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 11}
	oidScrypt                     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
)

// legacyScheme is one PKCS#12 PBE or PBES1 scheme.
type legacyScheme struct {
	name   string
	pkcs12 bool             // PKCS#12 KDF, else PBKDF1
	hash   func() hash.Hash // nil: refused by name (MD2)
	keyLen int
	cipher string // "3des", "des", "rc4", "rc2"
}

var legacySchemes = []struct {
	oid asn1.ObjectIdentifier
	s   legacyScheme
}{
	{oidPBEWithSHAAnd3KeyTripleDES, legacyScheme{"pbeWithSHAAnd3-KeyTripleDES-CBC", true, sha1.New, 24, "3des"}},
	{oidPBEWithSHAAnd2KeyTripleDES, legacyScheme{"pbeWithSHAAnd2-KeyTripleDES-CBC", true, sha1.New, 16, "3des"}},
	{oidPBEWithSHAAnd128BitRC4, legacyScheme{"pbeWithSHAAnd128BitRC4", true, sha1.New, 16, "rc4"}},
	{oidPBEWithSHAAnd40BitRC4, legacyScheme{"pbeWithSHAAnd40BitRC4", true, sha1.New, 5, "rc4"}},
	{oidPBEWithSHAAnd128BitRC2, legacyScheme{"pbeWithSHAAnd128BitRC2-CBC", true, sha1.New, 16, "rc2"}},
	{oidPBEWithSHAAnd40BitRC2, legacyScheme{"pbeWithSHAAnd40BitRC2-CBC", true, sha1.New, 5, "rc2"}},
	{oidPBEWithMD5AndDES, legacyScheme{"pbeWithMD5AndDES-CBC", false, md5.New, 8, "des"}},
	{oidPBEWithSHA1AndDES, legacyScheme{"pbeWithSHA1AndDES-CBC", false, sha1.New, 8, "des"}},
	{oidPBEWithMD5AndRC2, legacyScheme{"pbeWithMD5AndRC2-CBC", false, md5.New, 8, "rc2"}},
	{oidPBEWithSHA1AndRC2, legacyScheme{"pbeWithSHA1AndRC2-CBC", false, sha1.New, 8, "rc2"}},
	{oidPBEWithMD2AndDES, legacyScheme{"pbeWithMD2AndDES-CBC", false, nil, 8, "des"}},
	{oidPBEWithMD2AndRC2, legacyScheme{"pbeWithMD2AndRC2-CBC", false, nil, 8, "rc2"}},
}

// pbeParams is PKCS#5 PBEParameter and PKCS#12 pkcs-12PbeParams.
type pbeParams struct {
	Salt []byte
	Iter int
}

// decryptLegacyPKCS8 opens an EncryptedPrivateKeyInfo whose algorithm is
// not PBES2.
func decryptLegacyPKCS8(e *encryptedPKCS8, passphrase []byte, opts *ParseOptions) ([]byte, error) {
	var s *legacyScheme
	for i := range legacySchemes {
		if legacySchemes[i].oid.Equal(e.Algo.Algorithm) {
			s = &legacySchemes[i].s
		}
	}
	if s == nil || s.hash == nil { // unknown, or MD2 (not in Go's library)
		return nil, unsupportedEncryption("scheme", e.Algo.Algorithm)
	}
	var p pbeParams
	if rest, err := asn1.Unmarshal(e.Algo.Parameters.FullBytes, &p); err != nil || len(rest) != 0 {
		return nil, malformed("bad %s parameters", s.name)
	}
	if p.Iter < 1 || len(p.Salt) == 0 || len(p.Salt) > 1024 || (!s.pkcs12 && len(p.Salt) != 8) {
		return nil, malformed("bad %s salt or iteration count", s.name)
	}
	if p.Iter > opts.maxIter() {
		return nil, fmt.Errorf("%w: %s with %d iterations (ceiling %d)", ErrUnsafeKDF, s.name, p.Iter, opts.maxIter())
	}
	if passphrase == nil {
		return nil, ErrPassphraseRequired
	}
	var key, iv []byte
	if s.pkcs12 {
		pw := bmpString(passphrase)
		key = pkcs12KDF(s.hash, 1, pw, p.Salt, p.Iter, s.keyLen)
		if s.cipher != "rc4" {
			iv = pkcs12KDF(s.hash, 2, pw, p.Salt, p.Iter, 8)
		}
	} else {
		// PBKDF1: T = H^c(P ‖ S); key = T[0:8], IV = T[8:16].
		h := s.hash()
		h.Write(passphrase)
		h.Write(p.Salt)
		t := h.Sum(nil)
		for i := 1; i < p.Iter; i++ {
			h.Reset()
			h.Write(t)
			t = h.Sum(t[:0])
		}
		key, iv = t[:8], t[8:16]
	}
	switch s.cipher {
	case "3des":
		if len(key) == 16 { // two-key: K1 K2 K1
			key = append(key, key[:8]...)
		}
		return cbcDecrypt(des.NewTripleDESCipher, key, iv, e.Data)
	case "des":
		return cbcDecrypt(des.NewCipher, key, iv, e.Data)
	case "rc2":
		bits := len(key) * 8
		return cbcDecrypt(func(k []byte) (cipher.Block, error) { return newRC2(k, bits) }, key, iv, e.Data)
	case "rc4":
		c, err := rc4.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("pemenc: %w", err)
		}
		out := make([]byte, len(e.Data))
		c.XORKeyStream(out, e.Data)
		return out, nil
	}
	return nil, unsupportedEncryption("scheme", e.Algo.Algorithm)
}

// bmpString is the PKCS#12 password: UTF-16BE with a two-byte NUL
// terminator, as OpenSSL 3 converts a UTF-8 passphrase (bytes that are not
// UTF-8 are taken one per character, as OpenSSL's ASCII conversion does).
func bmpString(pass []byte) []byte {
	var units []uint16
	if utf8.Valid(pass) {
		units = utf16.Encode([]rune(string(pass)))
	} else {
		for _, c := range pass {
			units = append(units, uint16(c))
		}
	}
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0)
}

// pkcs12KDF is RFC 7292 appendix B.2 with hash h (u-byte output, v = 64).
func pkcs12KDF(h func() hash.Hash, id byte, pw, salt []byte, iter, n int) []byte {
	const v = 64
	fill := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		out := make([]byte, v*((len(b)+v-1)/v))
		for i := range out {
			out[i] = b[i%len(b)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	I := append(fill(salt), fill(pw)...)
	var out []byte
	one := big.NewInt(1)
	for len(out) < n {
		hh := h()
		hh.Write(d)
		hh.Write(I)
		a := hh.Sum(nil)
		for i := 1; i < iter; i++ {
			hh.Reset()
			hh.Write(a)
			a = hh.Sum(a[:0])
		}
		out = append(out, a...)
		if len(out) >= n {
			break
		}
		// I_j = (I_j + B + 1) mod 2^(8v), B = a repeated to v bytes.
		b := new(big.Int).SetBytes(fill(a)[:v])
		b.Add(b, one)
		for j := 0; j < len(I); j += v {
			x := new(big.Int).SetBytes(I[j : j+v])
			x.Add(x, b)
			xb := x.Bytes()
			if len(xb) > v {
				xb = xb[len(xb)-v:]
			}
			clear(I[j : j+v])
			copy(I[j+v-len(xb):j+v], xb)
		}
	}
	return out[:n]
}

// scryptParams is RFC 7914 section 7.1 scrypt-params.
type scryptParams struct {
	Salt      []byte
	N         int64
	R         int64
	P         int64
	KeyLength int `asn1:"optional"`
}

// Default scrypt ceilings. Measured with BenchmarkHostileLegacyKDF on a
// shared 2-core VM: at the ceiling N=2^18, r=8, p=1 (256 MiB) costs 1.26 s
// of CPU, N=2^14, r=8, p=16 1.0 s; what `openssl pkcs8 -scrypt` writes
// (N=2^14, r=8, p=1, 16 MiB) 0.06 s. PKCS#12 PBE and PBES1 share the PBKDF2
// iteration ceiling: at 2,000,000 iterations 0.63 s (SHA-1, 3DES) and
// 0.28 s (MD5, DES).
const (
	DefaultMaxScryptMemory = 256 << 20 // bytes of 128·N·r
	DefaultMaxScryptWork   = 1 << 21   // N·r·p
)

func (o *ParseOptions) scryptLimits() (mem, work int64) {
	mem, work = DefaultMaxScryptMemory, DefaultMaxScryptWork
	if o != nil && o.MaxScryptMemory > 0 {
		mem = o.MaxScryptMemory
	}
	if o != nil && o.MaxScryptWork > 0 {
		work = o.MaxScryptWork
	}
	return mem, work
}

// scryptKey checks PBES2's scrypt parameters against the ceilings, then
// derives keyLen bytes.
func scryptKey(raw, passphrase []byte, keyLen int, opts *ParseOptions) ([]byte, error) {
	var sp scryptParams
	if rest, err := asn1.Unmarshal(raw, &sp); err != nil || len(rest) != 0 {
		return nil, malformed("bad scrypt parameters")
	}
	if sp.N < 2 || sp.N&(sp.N-1) != 0 || sp.N > 1<<40 || sp.R < 1 || sp.P < 1 || sp.R > 1<<20 || sp.P > 1<<20 || len(sp.Salt) == 0 || len(sp.Salt) > 1024 {
		return nil, malformed("bad scrypt salt, N, r or p")
	}
	if sp.KeyLength != 0 && sp.KeyLength != keyLen {
		return nil, malformed("scrypt key length %d for a %d-byte cipher key", sp.KeyLength, keyLen)
	}
	maxMem, maxWork := opts.scryptLimits()
	if 128*sp.N*sp.R > maxMem || sp.N*sp.R > maxWork || sp.N*sp.R*sp.P > maxWork {
		return nil, fmt.Errorf("%w: scrypt N=%d r=%d p=%d (ceilings: %d bytes, N·r·p %d)", ErrUnsafeKDF, sp.N, sp.R, sp.P, maxMem, maxWork)
	}
	if passphrase == nil {
		return nil, ErrPassphraseRequired
	}
	k, err := scrypt.Key(passphrase, sp.Salt, int(sp.N), int(sp.R), int(sp.P), keyLen)
	if err != nil {
		return nil, malformed("scrypt: %v", err)
	}
	return k, nil
}

// pbes2Scheme reads PBES2's encryption scheme: AES-CBC or DES-EDE3-CBC.
func pbes2Scheme(p *pbes2Params) (int, func([]byte) (cipher.Block, error), []byte, error) {
	var keyLen int
	var nb func([]byte) (cipher.Block, error)
	switch s := p.Scheme.Algorithm; {
	case s.Equal(oidAES128CBC):
		keyLen, nb = 16, aes.NewCipher
	case s.Equal(oidAES192CBC):
		keyLen, nb = 24, aes.NewCipher
	case s.Equal(oidAES256CBC):
		keyLen, nb = 32, aes.NewCipher
	case s.Equal(oidDESEDE3CBC):
		keyLen, nb = 24, des.NewTripleDESCipher
	default:
		return 0, nil, nil, unsupportedEncryption("PBES2 cipher", s)
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(p.Scheme.Parameters.FullBytes, &iv); err != nil || len(rest) != 0 || len(iv) == 0 {
		return 0, nil, nil, malformed("bad cipher IV")
	}
	return keyLen, nb, iv, nil
}
