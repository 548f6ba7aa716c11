package ppk

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Marshal writes key (*rsa.PrivateKey, ed25519.PrivateKey or
// *ecdsa.PrivateKey on P-256/384/521) as a PPK file, byte for byte as
// puttygen 0.78 would: LF line ends and a final "\n". With a passphrase the
// file is encrypted with aes256-cbc; for version 3 its Argon2 parameters
// come from opts (see MarshalOptions for the defaults) and must pass PuTTY's
// rules and the default ParseOptions ceilings, so that every file Marshal
// writes can be read back with default options.
func Marshal(key crypto.Signer, opts *MarshalOptions) ([]byte, error) {
	var o MarshalOptions
	if opts != nil {
		o = *opts
	}
	if o.Version == 0 {
		o.Version = DefaultVersion
	}
	if o.Version != 2 && o.Version != 3 {
		return nil, fmt.Errorf("ppk: cannot write version %d (only 2 and 3)", o.Version)
	}
	if strings.ContainsAny(o.Comment, "\r\n\x00") {
		return nil, errors.New("ppk: comment contains a line break or NUL")
	}
	alg, pub, priv, err := marshalKey(key)
	if err != nil {
		return nil, err
	}
	encrypted := len(o.Passphrase) > 0
	encryption := EncryptionNone
	var params *argon2Params
	if encrypted {
		encryption = EncryptionAES
		priv = pad(priv)
		if o.Version == 3 {
			if params, err = encodeParams(&o); err != nil {
				return nil, err
			}
		}
	}
	if !encrypted {
		o.Passphrase = nil
	}
	k, err := deriveKeys(o.Version, encrypted, o.Passphrase, params)
	if err != nil {
		return nil, err
	}
	macHex := mac(o.Version, k.macKey, alg, encryption, o.Comment, pub, priv)
	if encrypted {
		cbc(k, priv, true)
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "PuTTY-User-Key-File-%d: %s\n", o.Version, alg)
	fmt.Fprintf(&b, "Encryption: %s\n", encryption)
	fmt.Fprintf(&b, "Comment: %s\n", o.Comment)
	writeLines(&b, "Public-Lines", pub)
	if params != nil {
		fmt.Fprintf(&b, "Key-Derivation: %s\n", params.kdf)
		fmt.Fprintf(&b, "Argon2-Memory: %d\n", params.memory)
		fmt.Fprintf(&b, "Argon2-Passes: %d\n", params.passes)
		fmt.Fprintf(&b, "Argon2-Parallelism: %d\n", params.parallelism)
		fmt.Fprintf(&b, "Argon2-Salt: %x\n", params.salt)
	}
	writeLines(&b, "Private-Lines", priv)
	fmt.Fprintf(&b, "Private-MAC: %s\n", macHex)
	return b.Bytes(), nil
}

// writeLines writes "Name: N" and N lines of base64, 64 characters a line.
func writeLines(b *bytes.Buffer, name string, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	b.WriteString(name + ": " + strconv.Itoa((len(enc)+63)/64) + "\n")
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	if len(enc) > 0 {
		b.WriteString(enc + "\n")
	}
}

// encodeParams fills in the version 3 KDF defaults.
func encodeParams(o *MarshalOptions) (*argon2Params, error) {
	p := &argon2Params{kdf: DefaultKDF, memory: o.Memory, passes: o.Passes, parallelism: o.Parallelism}
	if o.KDF != "" {
		n, ok := kdfName(o.KDF)
		if !ok {
			return nil, fmt.Errorf("%w: unknown KDF %q", ErrUnsafeKDF, o.KDF)
		}
		p.kdf = n
	}
	if p.memory == 0 {
		p.memory = DefaultMemory
	}
	if p.parallelism == 0 {
		p.parallelism = DefaultParallelism
	}
	if o.Salt != nil {
		p.salt = append([]byte(nil), o.Salt...)
	} else {
		r := o.Rand
		if r == nil {
			r = rand.Reader
		}
		p.salt = make([]byte, 16)
		if _, err := io.ReadFull(r, p.salt); err != nil {
			return nil, fmt.Errorf("ppk: reading salt: %w", err)
		}
	}
	calibrate := p.passes == 0
	if calibrate {
		p.passes = 1
	}
	if err := p.checkPuTTY(); err != nil {
		return nil, err
	}
	// Write nothing Parse's default ceilings would refuse (this also keeps
	// absurd caller values from allocating terabytes).
	if err := p.checkCeilings(nil); err != nil {
		return nil, err
	}
	if calibrate {
		p.passes = choosePasses(p, o.Passphrase, DefaultPassesMillis*time.Millisecond)
	}
	return p, nil
}

// choosePasses picks the pass count as puttygen does: the first Fibonacci
// number (1, 2, 3, 5, 8, …) whose Argon2 run takes at least d.
func choosePasses(p *argon2Params, pass []byte, d time.Duration) uint32 {
	a, b := uint32(1), uint32(1)
	for {
		q := *p
		q.passes = b
		start := time.Now()
		if _, err := deriveKeys(3, true, pass, &q); err != nil {
			return b
		}
		if time.Since(start) >= d || uint64(p.memory)*uint64(a+b) > DefaultMaxWork || a+b > DefaultMaxPasses {
			return b
		}
		a, b = b, a+b
	}
}
