package sshcom

import (
	"bytes"
	"crypto"
	"crypto/cipher"
	"crypto/des"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// MarshalOptions configures Marshal; nil means no comment, no encryption.
type MarshalOptions struct {
	Comment string
	// Passphrase, when non-empty, encrypts the key with 3des-cbc.
	Passphrase []byte
	// Rand supplies the padding of an encrypted file (crypto/rand if nil).
	Rand io.Reader
}

// Marshal writes an RSA key as an ssh.com private key file, byte for byte as
// puttygen 0.78 writes it (the padding of an encrypted file is random).
func Marshal(key crypto.Signer, opts *MarshalOptions) ([]byte, error) {
	var o MarshalOptions
	if opts != nil {
		o = *opts
	}
	k, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T (the format holds RSA keys only here)", ErrUnsupportedKeyType, key)
	}
	if _, err := keytype.CheckSigner(k); err != nil {
		return nil, keytype.Wrap(err, ErrMalformed, ErrUnsupportedKeyType)
	}
	if strings.ContainsAny(o.Comment, "\r\n\x00") {
		return nil, fmt.Errorf("sshcom: comment contains a line break or NUL")
	}
	if len(o.Comment) > MaxComment {
		return nil, fmt.Errorf("sshcom: comment of %d bytes is longer than the %d puttygen reads", len(o.Comment), MaxComment)
	}
	big1, small := k.Primes[0], k.Primes[1]
	if big1.Cmp(small) < 0 {
		big1, small = small, big1
	}
	u := new(big.Int).ModInverse(small, big1)
	if u == nil {
		return nil, fmt.Errorf("sshcom: RSA primes are not coprime")
	}
	var payload []byte
	for _, x := range []*big.Int{big.NewInt(int64(k.E)), k.D, k.N, u, small, big1} {
		payload = binary.BigEndian.AppendUint32(payload, uint32(x.BitLen()))
		payload = append(payload, x.Bytes()...)
	}
	encrypted := len(o.Passphrase) > 0
	ciph := CipherNone
	if encrypted {
		ciph = Cipher3DES
	}
	var ib sshwire.Builder
	ib.String(payload)
	inner := ib.B
	if encrypted {
		pad := make([]byte, -len(inner)&7)
		r := o.Rand
		if r == nil {
			r = rand.Reader
		}
		if _, err := io.ReadFull(r, pad); err != nil {
			return nil, fmt.Errorf("sshcom: padding: %w", err)
		}
		inner = append(inner, pad...)
		b, err := des.NewTripleDESCipher(deriveKey(o.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("sshcom: %w", err)
		}
		cipher.NewCBCEncrypter(b, make([]byte, des.BlockSize)).CryptBlocks(inner, inner)
	}
	var bb sshwire.Builder
	bb.Uint32(magicNumber)
	bb.Uint32(0) // the total length, filled in below
	bb.StringS(TypeRSA)
	bb.StringS(ciph)
	bb.String(inner)
	blob := bb.B
	binary.BigEndian.PutUint32(blob[4:], uint32(len(blob)))

	var out bytes.Buffer
	out.WriteString(BeginLine + "\n")
	out.WriteString(`Comment: "`)
	c, width := o.Comment, 60
	for len(c) > width {
		out.WriteString(c[:width] + "\\\n")
		c, width = c[width:], 70
	}
	out.WriteString(c + "\"\n")
	s := base64.StdEncoding.EncodeToString(blob)
	for len(s) > 70 {
		out.WriteString(s[:70] + "\n")
		s = s[70:]
	}
	out.WriteString(s + "\n")
	out.WriteString(EndLine + "\n")
	return out.Bytes(), nil
}
