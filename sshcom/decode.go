package sshcom

import (
	"bytes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// Sniff reports whether data starts (after blanks) with the ssh.com private
// key armour line, as PuTTY requires; Parse itself skips text before it.
func Sniff(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte(BeginLine))
}

// Parse reads an ssh.com private key file. passphrase is used only when the
// file is encrypted. For an encrypted file and a nil passphrase the error is
// ErrPassphraseRequired and the Key returned holds only the comment and the
// cipher, which are in clear.
func Parse(data, passphrase []byte, _ *ParseOptions) (*Key, error) {
	if len(data) > MaxInput {
		return nil, fmt.Errorf("%w: input of %d bytes exceeds %d", ErrMalformed, len(data), MaxInput)
	}
	comment, blob, err := unarmor(data)
	if err != nil {
		return nil, err
	}
	r := sshwire.NewReader(blob)
	magic, total := r.Uint32(), r.Uint32()
	typ := string(r.String())
	ciph := string(r.String())
	enc := r.String()
	if r.Err() != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, trimWire(r.Err()))
	}
	if magic != magicNumber {
		return nil, fmt.Errorf("%w: bad magic number", ErrMalformed)
	}
	if int64(total) != int64(len(blob)) {
		// PuTTY skips this field; ssh.com writes the blob's length.
		if int64(total) > int64(len(blob)) {
			return nil, fmt.Errorf("%w: blob length %d exceeds the %d bytes present", ErrMalformed, total, len(blob))
		}
	}
	switch {
	case strings.HasPrefix(typ, "if-modn{sign{rsa"):
	case strings.HasPrefix(typ, "dl-modp{sign{dsa"):
		return nil, fmt.Errorf("%w: DSA (%s)", ErrUnsupportedKeyType, keytype.Quote(typ))
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedKeyType, keytype.Quote(typ))
	}
	encrypted := false
	switch ciph {
	case CipherNone:
	case Cipher3DES:
		encrypted = true
	default:
		return nil, fmt.Errorf("%w: cipher %s", ErrUnsupportedKeyType, keytype.Quote(ciph))
	}
	if len(enc) == 0 {
		return nil, fmt.Errorf("%w: no key data", ErrMalformed)
	}
	bad := ErrMalformed
	if encrypted {
		if passphrase == nil {
			// The comment is in clear: give it with the error, as
			// x/crypto/ssh's PassphraseMissingError gives the public key.
			return &Key{Comment: comment, Cipher: ciph}, ErrPassphraseRequired
		}
		if len(enc)%des.BlockSize != 0 {
			return nil, fmt.Errorf("%w: encrypted part of %d bytes is not a multiple of 8", ErrMalformed, len(enc))
		}
		enc = decrypt3DES(passphrase, enc)
		bad = ErrIncorrectPassphrase // as PuTTY: any later failure means a wrong passphrase
	}
	key, err := parsePayload(enc)
	if err != nil {
		if bad == ErrIncorrectPassphrase {
			return nil, ErrIncorrectPassphrase
		}
		return nil, fmt.Errorf("%w: %s", bad, err)
	}
	return &Key{PrivateKey: key, Comment: comment, Cipher: ciph}, nil
}

func parsePayload(enc []byte) (*rsa.PrivateKey, error) {
	r := sshwire.NewReader(enc)
	payload := r.String()
	if r.Err() != nil {
		return nil, fmt.Errorf("payload: %s", trimWire(r.Err()))
	}
	// Bytes after the payload string are padding.
	pr := &mpReader{b: payload}
	e, d, n, _, p, q := pr.next(), pr.next(), pr.next(), pr.next(), pr.next(), pr.next()
	if pr.err != nil {
		return nil, pr.err
	}
	k, err := keytype.NewRSAPrivateKey(n, e, d, p, q)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// mpReader reads ssh.com integers: a uint32 bit count, then (bits+7)/8 bytes.
type mpReader struct {
	b   []byte
	err error
}

func (m *mpReader) next() *big.Int {
	if m.err != nil {
		return nil
	}
	if len(m.b) < 4 {
		m.err = fmt.Errorf("truncated integer")
		return nil
	}
	bits := uint64(m.b[0])<<24 | uint64(m.b[1])<<16 | uint64(m.b[2])<<8 | uint64(m.b[3])
	n := (bits + 7) / 8
	if n > uint64(len(m.b)-4) {
		m.err = fmt.Errorf("integer of %d bits exceeds the %d bytes left", bits, len(m.b)-4)
		return nil
	}
	v := new(big.Int).SetBytes(m.b[4 : 4+n])
	m.b = m.b[4+n:]
	return v
}

// deriveKey is PuTTY's ssh.com key: MD5(P) ‖ MD5(P ‖ MD5(P)), 24 bytes used.
func deriveKey(passphrase []byte) []byte {
	a := md5.Sum(passphrase)
	h := md5.New()
	h.Write(passphrase)
	h.Write(a[:])
	return h.Sum(a[:])[:24]
}

func decrypt3DES(passphrase, ct []byte) []byte {
	b, err := des.NewTripleDESCipher(deriveKey(passphrase))
	if err != nil {
		panic("sshcom: " + err.Error()) // 24-byte key: cannot fail
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(b, make([]byte, des.BlockSize)).CryptBlocks(out, ct)
	return out
}

// unarmor finds the armour, reads the headers (keeping Comment, quotes
// stripped) and decodes the base64 body, in one pass over the lines.
func unarmor(data []byte) (comment string, blob []byte, err error) {
	text := string(data)
	i := strings.Index(text, BeginLine)
	if i < 0 {
		return "", nil, fmt.Errorf("%w: no %s line", ErrMalformed, BeginLine)
	}
	text = text[i+len(BeginLine):]
	end := strings.Index(text, EndLine)
	if end < 0 {
		return "", nil, fmt.Errorf("%w: no %s line", ErrMalformed, EndLine)
	}
	var b64 strings.Builder
	var hdr strings.Builder
	inHeader, headersDone := false, false
	flush := func() {
		name, value, _ := strings.Cut(hdr.String(), ":")
		if strings.EqualFold(strings.TrimSpace(name), "Comment") {
			value = strings.TrimLeft(value, " \t")
			if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1]
			}
			comment = value
		}
		hdr.Reset()
	}
	for _, line := range strings.Split(text[:end], "\n") {
		line = strings.TrimRight(line, "\r")
		if inHeader {
			cont := strings.HasSuffix(line, "\\")
			hdr.WriteString(strings.TrimSuffix(line, "\\"))
			if !cont {
				inHeader = false
				flush()
			}
			continue
		}
		if strings.Contains(line, ":") {
			if headersDone {
				return "", nil, fmt.Errorf("%w: header line inside the base64 body", ErrMalformed)
			}
			cont := strings.HasSuffix(line, "\\")
			hdr.WriteString(strings.TrimSuffix(line, "\\"))
			if cont {
				inHeader = true
			} else {
				flush()
			}
			continue
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		headersDone = true
		b64.WriteString(line)
	}
	if inHeader {
		return "", nil, fmt.Errorf("%w: header continued past the end", ErrMalformed)
	}
	blob, err = base64.StdEncoding.DecodeString(b64.String())
	if err != nil {
		return "", nil, fmt.Errorf("%w: bad base64", ErrMalformed)
	}
	if len(blob) == 0 {
		return "", nil, fmt.Errorf("%w: no key data", ErrMalformed)
	}
	return comment, blob, nil
}

func trimWire(err error) string { return err.Error() }
