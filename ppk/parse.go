package ppk

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
)

// PuTTY's limits (sshpubk.c): a key blob of at most 256 KiB, so fewer than
// 262144/48 base64 lines, and a file of at most the blob's base64 plus 4 KiB.
const (
	maxBlobLines = 262144 / 48
	maxFileSize  = 262144*4/3 + 4096
)

// file is the parsed text of a PPK file.
type file struct {
	version    int
	alg        string
	encryption string
	comment    string
	pub        []byte
	params     *argon2Params // v3 encrypted only
	priv       []byte        // as stored (encrypted or not)
	mac        string
}

// src reads a PPK file the way PuTTY's BinarySource-based reader does.
type src struct {
	b   []byte
	pos int
}

// header reads "Name: " (at most 39 characters before the colon, no line
// break) and returns Name.
func (s *src) header() (string, bool) {
	start := s.pos
	for n := 0; ; n++ {
		if s.pos >= len(s.b) {
			return "", false
		}
		c := s.b[s.pos]
		s.pos++
		switch {
		case c == '\n' || c == '\r':
			return "", false
		case c == ':':
			name := string(s.b[start : s.pos-1])
			if s.pos >= len(s.b) || s.b[s.pos] != ' ' {
				return "", false
			}
			s.pos++
			return name, true
		case n == 39:
			return "", false
		}
	}
}

// body reads the rest of a line: it ends at CR, LF or the end of the data,
// and one more CR or LF after the first is consumed (so LF, CRLF, CR, LFCR
// all end one line). PuTTY then uses the line as a C string, so a NUL byte
// ends it.
func (s *src) body() string {
	start := s.pos
	for s.pos < len(s.b) && s.b[s.pos] != '\r' && s.b[s.pos] != '\n' {
		s.pos++
	}
	line := s.b[start:s.pos]
	if s.pos < len(s.b) {
		s.pos++
		if s.pos < len(s.b) && (s.b[s.pos] == '\r' || s.b[s.pos] == '\n') {
			s.pos++
		}
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	return string(line)
}

// field reads a header that must be named name and returns its value.
func (s *src) field(name string) (string, error) {
	h, ok := s.header()
	if !ok || h != name {
		return "", malformed("expected a %s header", name)
	}
	return s.body(), nil
}

// blob reads "Name: N" and N lines of base64.
func (s *src) blob(name string) ([]byte, error) {
	v, err := s.field(name)
	if err != nil {
		return nil, err
	}
	n, ok := parseUint(v, maxBlobLines-1)
	if !ok {
		return nil, malformed("bad %s count", name)
	}
	var out []byte
	for i := uint64(0); i < n; i++ {
		if s.pos >= len(s.b) {
			return nil, malformed("truncated %s", name)
		}
		line := s.body()
		if len(line)%4 != 0 || len(line) > 64 {
			return nil, malformed("%s: base64 line of %d characters", name, len(line))
		}
		for j := 0; j < len(line); j += 4 {
			var ok bool
			if out, ok = appendAtom(out, line[j:j+4]); !ok {
				return nil, malformed("%s: invalid base64", name)
			}
		}
	}
	return out, nil
}

// appendAtom decodes one group of 4 base64 characters as PuTTY's
// base64_decode_atom does: '=' may end any group, spare bits are ignored.
func appendAtom(out []byte, atom string) ([]byte, bool) {
	var v [4]int
	for i := 0; i < 4; i++ {
		c := atom[i]
		switch {
		case c >= 'A' && c <= 'Z':
			v[i] = int(c - 'A')
		case c >= 'a' && c <= 'z':
			v[i] = int(c-'a') + 26
		case c >= '0' && c <= '9':
			v[i] = int(c-'0') + 52
		case c == '+':
			v[i] = 62
		case c == '/':
			v[i] = 63
		case c == '=':
			v[i] = -1
		default:
			return out, false
		}
	}
	if v[0] < 0 || v[1] < 0 || (v[2] < 0 && v[3] >= 0) {
		return out, false
	}
	w := v[0]<<18 | v[1]<<12 | (v[2]&63)<<6 | v[3]&63
	out = append(out, byte(w>>16))
	if v[2] >= 0 {
		out = append(out, byte(w>>8))
	}
	if v[3] >= 0 {
		out = append(out, byte(w))
	}
	return out, true
}

// parseUint parses a number as PuTTY does with strtoul(s, &end, 10) and
// then requires *s && !*end: leading white space and a sign are allowed,
// trailing characters are not; the value must not exceed max (a '-' wraps
// to a huge unsigned value, so only "-0" survives).
func parseUint(s string, max uint64) (uint64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false // no digits
	}
	var n uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > max {
			return 0, false
		}
	}
	if neg && n != 0 {
		return 0, false
	}
	return n, true
}

func unhex(s string) ([]byte, bool) {
	if len(s)%2 != 0 {
		return nil, false
	}
	out := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := hexDigit(s[i])
		lo, ok2 := hexDigit(s[i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, hi<<4|lo)
	}
	return out, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parse reads the text of a PPK file, in PuTTY's fixed header order. With
// publicOnly it stops after the public blob, as PuTTY's ppk_loadpub_s does.
func parse(data []byte, publicOnly bool) (*file, error) {
	if len(data) > maxFileSize {
		return nil, malformed("file larger than %d bytes", maxFileSize)
	}
	s := &src{b: data}
	f := &file{}
	h, ok := s.header()
	if !ok || !strings.HasPrefix(h, "PuTTY-User-Key-File-") {
		return nil, malformed("not a PuTTY key file")
	}
	switch h {
	case "PuTTY-User-Key-File-2":
		f.version = 2
	case "PuTTY-User-Key-File-3":
		f.version = 3
	case "PuTTY-User-Key-File-1":
		// Deliberately unsupported (see the package doc); say so plainly.
		return nil, malformed("PPK version 1 is not supported")
	default:
		return nil, malformed("PPK format too new")
	}
	f.alg = s.body()
	if f.alg == "" || s.pos >= len(s.b) {
		return nil, malformed("truncated file")
	}
	if !keytype.Supported(f.alg) {
		return nil, unsupported(f.alg)
	}
	var err error
	if f.encryption, err = s.field("Encryption"); err != nil {
		return nil, err
	}
	if s.pos >= len(s.b) {
		return nil, malformed("truncated file")
	}
	if f.encryption != EncryptionNone && f.encryption != EncryptionAES {
		return nil, fmt.Errorf("%w %s", ErrUnsupportedEncryption, keytype.Quote(f.encryption))
	}
	if f.comment, err = s.field("Comment"); err != nil {
		return nil, err
	}
	if f.pub, err = s.blob("Public-Lines"); err != nil {
		return nil, err
	}
	if publicOnly {
		return f, nil
	}
	if f.version == 3 && f.encryption != EncryptionNone {
		p := &argon2Params{}
		v, err := s.field("Key-Derivation")
		if err != nil {
			return nil, err
		}
		if s.pos >= len(s.b) {
			return nil, malformed("truncated file")
		}
		switch v {
		case Argon2id, Argon2i, Argon2d:
			p.kdf = v
		default:
			return nil, fmt.Errorf("%w: key derivation %s", ErrUnsupportedEncryption, keytype.Quote(v))
		}
		for _, x := range []struct {
			name string
			dst  *uint32
		}{{"Argon2-Memory", &p.memory}, {"Argon2-Passes", &p.passes}, {"Argon2-Parallelism", &p.parallelism}} {
			v, err := s.field(x.name)
			if err != nil {
				return nil, err
			}
			n, ok := parseUint(v, 1<<32-1)
			if !ok {
				return nil, malformed("bad %s", x.name)
			}
			*x.dst = uint32(n)
		}
		v, err = s.field("Argon2-Salt")
		if err != nil {
			return nil, err
		}
		if p.salt, ok = unhex(v); !ok {
			return nil, malformed("bad Argon2-Salt")
		}
		f.params = p
	}
	if f.priv, err = s.blob("Private-Lines"); err != nil {
		return nil, err
	}
	if f.mac, err = s.field("Private-MAC"); err != nil {
		return nil, err
	}
	// Anything after the MAC line is ignored, as PuTTY does.
	return f, nil
}

// ParsePublic reads the public half of a PPK file without a passphrase,
// like puttygen -l: it stops after the public blob and checks no MAC.
func ParsePublic(data []byte) (*Key, error) {
	f, err := parse(data, true)
	if err != nil {
		return nil, err
	}
	pub, err := parsePublic(f.alg, f.pub)
	if err != nil {
		return nil, err
	}
	return &Key{Version: f.version, Algorithm: f.alg, Encryption: f.encryption, Comment: f.comment, PublicKey: pub}, nil
}

// Parse reads a PPK file. passphrase is ignored for unencrypted files; for
// encrypted ones nil gives ErrPassphraseRequired (an empty non-nil
// passphrase is tried as such, the same rule as package pemenc). opts may be nil for the default ceilings.
func Parse(data, passphrase []byte, opts *ParseOptions) (*Key, error) {
	f, err := parse(data, false)
	if err != nil {
		return nil, err
	}
	pub, err := parsePublic(f.alg, f.pub)
	if err != nil {
		return nil, err
	}
	encrypted := f.encryption != EncryptionNone
	key := &Key{Version: f.version, Algorithm: f.alg, Encryption: f.encryption, Comment: f.comment, PublicKey: pub}
	if encrypted {
		if passphrase == nil {
			return nil, ErrPassphraseRequired
		}
		if len(f.priv)%16 != 0 {
			return nil, malformed("encrypted private blob of %d bytes is not a multiple of 16", len(f.priv))
		}
		if p := f.params; p != nil {
			// Refuse hostile parameters before Argon2 allocates anything.
			if err := p.checkPuTTY(); err != nil {
				return nil, err
			}
			if err := p.checkCeilings(opts); err != nil {
				return nil, err
			}
			key.KDF, key.Memory, key.Passes, key.Parallelism, key.Salt = p.kdf, p.memory, p.passes, p.parallelism, p.salt
		}
	}
	if !encrypted {
		passphrase = nil // v2 would mix it into the MAC key; PuTTY passes none for unencrypted files
	}
	k, err := deriveKeys(f.version, encrypted, passphrase, f.params)
	if err != nil {
		return nil, err
	}
	priv := f.priv
	if encrypted {
		cbc(k, priv, false)
	}
	want := mac(f.version, k.macKey, f.alg, f.encryption, f.comment, f.pub, priv)
	// PuTTY compares the hex text with strcmp against its lowercase
	// rendering, so an uppercase MAC is a mismatch there too.
	if subtle.ConstantTimeCompare([]byte(want), []byte(f.mac)) != 1 {
		if !encrypted {
			return nil, ErrMAC
		}
		if _, err := parsePrivate(pub, priv); err == nil {
			return nil, fmt.Errorf("%w (the passphrase decrypts the key, but the file was altered)", ErrMAC)
		}
		return nil, ErrIncorrectPassphrase
	}
	if key.PrivateKey, err = parsePrivate(pub, priv); err != nil {
		return nil, err
	}
	return key, nil
}
