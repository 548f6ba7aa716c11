package keygen

import (
	"crypto/sha256"
	"encoding"
	"hash"
)

// drbg is the HMAC_DRBG-SHA256 of c2sp.org/det-keygen (SP 800-90A, no
// reseeding, no additional input). It produces the RSA candidate stream: one
// candidate per call to next, with the "K = HMAC(K, V || 0x00); V = HMAC(K, V)"
// update the spec performs between candidates.
//
// HMAC is spelled out over two reused SHA-256 states so that producing a
// candidate allocates nothing, and the states after absorbing the padded key
// are saved once per key: each HMAC then costs two compressions, not four.
type drbg struct {
	k, v         [32]byte
	first        bool // no K/V update before the very first candidate
	inner, outer hash.Hash
	ipad, opad   [64]byte
	iState       []byte // inner state after ipad
	oState       []byte // outer state after opad
	sum          [32]byte
}

type stateHash interface {
	hash.Hash
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
}

func newDRBG(seed, personalization []byte) *drbg {
	d := &drbg{first: true, inner: sha256.New(), outer: sha256.New(),
		iState: make([]byte, 0, 128), oState: make([]byte, 0, 128)}
	// Step 2: K = 0x00…, step 3: V = 0x01….
	for i := range d.v {
		d.v[i] = 0x01
	}
	d.setKey()
	// Steps 4–7.
	for _, b := range []byte{0x00, 0x01} {
		d.mac(&d.k, d.v[:], []byte{b}, seed, personalization)
		d.setKey()
		d.mac(&d.v, d.v[:])
	}
	return d
}

func (d *drbg) setKey() {
	for i := range d.ipad {
		d.ipad[i], d.opad[i] = 0x36, 0x5c
	}
	for i, b := range d.k {
		d.ipad[i] ^= b
		d.opad[i] ^= b
	}
	d.inner.Reset()
	d.inner.Write(d.ipad[:])
	d.iState, _ = d.inner.(stateHash).AppendBinary(d.iState[:0])
	d.outer.Reset()
	d.outer.Write(d.opad[:])
	d.oState, _ = d.outer.(stateHash).AppendBinary(d.oState[:0])
}

// mac sets out = HMAC(K, msg[0] || msg[1] || …).
func (d *drbg) mac(out *[32]byte, msg ...[]byte) {
	d.inner.(stateHash).UnmarshalBinary(d.iState)
	for _, m := range msg {
		d.inner.Write(m)
	}
	d.inner.Sum(d.sum[:0])
	d.outer.(stateHash).UnmarshalBinary(d.oState)
	d.outer.Write(d.sum[:])
	d.outer.Sum(out[:0])
}

var zeroByte = []byte{0x00}

// update is steps 13.1–13.2 (and 15–16, 20.1–20.2, 23.1–23.2).
func (d *drbg) update() {
	d.mac(&d.k, d.v[:], zeroByte)
	d.setKey()
	d.mac(&d.v, d.v[:])
}

// next writes the next candidate (steps 8–11, before OS2IP) into temp, whose
// length is bits/16. The spec's pre-candidate update is applied first except
// for the very first candidate.
func (d *drbg) next(temp []byte) {
	if d.first {
		d.first = false
	} else {
		d.update()
	}
	// Steps 8–9.
	for off := 0; off < len(temp); off += 32 {
		d.mac(&d.v, d.v[:])
		copy(temp[off:], d.v[:])
	}
	// Step 10: the two top bits make the product exactly bits long.
	temp[0] |= 0b1100_0000
	// Step 11: odd, (t-1)/2 odd, t ≡ 7 mod 8.
	temp[len(temp)-1] |= 0b0000_0111
}
