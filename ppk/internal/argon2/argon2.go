// Package argon2 implements Argon2d, Argon2i and Argon2id, version 0x13, as
// specified by RFC 9106, on golang.org/x/crypto/blake2b.
//
// golang.org/x/crypto/argon2 exports only Argon2i and Argon2id; PuTTY key
// files may use any of the three, so ppk needs this one. It runs at the
// speed of x/crypto's assembly version on amd64 (BenchmarkKey8MiB) and is
// checked against RFC 9106's vectors, against puttygen's files (ppk tests)
// and against x/crypto for i and id.
package argon2

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"runtime"
	"sync"
)

// Mode is the Argon2 variant; its value is the "type" y of RFC 9106.
type Mode uint32

const (
	D  Mode = 0
	I  Mode = 1
	ID Mode = 2
)

const (
	version    = 0x13
	syncPoints = 4   // slices per pass
	qwords     = 128 // uint64 words in a 1 KiB block
)

type block [qwords]uint64

// Key derives keyLen bytes from password and salt with no secret and no
// associated data (what PuTTY uses).
func Key(mode Mode, password, salt []byte, passes, memory, parallelism, keyLen uint32) ([]byte, error) {
	return DeriveKey(mode, password, salt, nil, nil, passes, memory, parallelism, keyLen)
}

// DeriveKey is the full RFC 9106 function: passes t ≥ 1, memory m ≥ 8p KiB,
// parallelism 1 ≤ p < 2^24, keyLen ≥ 4. It allocates about m KiB; callers
// bound m before calling it with untrusted values.
func DeriveKey(mode Mode, password, salt, secret, data []byte, passes, memory, parallelism, keyLen uint32) ([]byte, error) {
	switch {
	case mode > ID:
		return nil, errors.New("argon2: unknown mode")
	case passes < 1:
		return nil, errors.New("argon2: passes must be at least 1")
	case parallelism < 1 || parallelism >= 1<<24:
		return nil, errors.New("argon2: parallelism outside 1..2^24-1")
	case uint64(memory) < 8*uint64(parallelism):
		return nil, errors.New("argon2: memory below 8 × parallelism")
	case keyLen < 4:
		return nil, errors.New("argon2: key length below 4")
	}

	// RFC 9106 section 3.2 step 1: H0.
	var pre []byte
	for _, v := range []uint32{parallelism, keyLen, memory, passes, version, uint32(mode)} {
		pre = binary.LittleEndian.AppendUint32(pre, v)
	}
	for _, s := range [][]byte{password, salt, secret, data} {
		pre = binary.LittleEndian.AppendUint32(pre, uint32(len(s)))
		pre = append(pre, s...)
	}
	h0 := append(make([]byte, 0, 72), blake2b(64, pre)...)

	// Step 2: m' = 4p·floor(m/4p) blocks, q = m'/p columns per lane.
	st := &state{
		mode:     mode,
		lanes:    parallelism,
		passes:   passes,
		segLen:   memory / (syncPoints * parallelism),
		memBlock: memory / (syncPoints * parallelism) * (syncPoints * parallelism),
	}
	st.laneLen = st.segLen * syncPoints
	st.b = make([]block, st.memBlock)

	// Steps 3-4: the first two blocks of each lane.
	var buf [1024]byte
	in := append(h0, 0, 0, 0, 0, 0, 0, 0, 0)
	for l := uint32(0); l < parallelism; l++ {
		for j := uint32(0); j < 2; j++ {
			binary.LittleEndian.PutUint32(in[64:], j)
			binary.LittleEndian.PutUint32(in[68:], l)
			hPrime(buf[:], in)
			st.b[l*st.laneLen+j].load(&buf)
		}
	}

	// Steps 5-6: passes over the memory, slice by slice; lanes of a slice
	// are independent.
	workers := min(int(parallelism), runtime.GOMAXPROCS(0))
	for r := uint32(0); r < passes; r++ {
		for s := uint32(0); s < syncPoints; s++ {
			if workers <= 1 {
				for l := uint32(0); l < parallelism; l++ {
					st.segment(r, s, l)
				}
				continue
			}
			var wg sync.WaitGroup
			next := make(chan uint32)
			for range workers {
				wg.Go(func() {
					for l := range next {
						st.segment(r, s, l)
					}
				})
			}
			for l := uint32(0); l < parallelism; l++ {
				next <- l
			}
			close(next)
			wg.Wait()
		}
	}

	// Step 7: C = XOR of the last column; tag = H'^T(C).
	var c block
	for l := uint32(0); l < parallelism; l++ {
		last := &st.b[l*st.laneLen+st.laneLen-1]
		for i := range c {
			c[i] ^= last[i]
		}
	}
	c.store(&buf)
	out := make([]byte, keyLen)
	hPrime(out, buf[:])
	return out, nil
}

type state struct {
	mode                           Mode
	lanes, passes, segLen, laneLen uint32
	memBlock                       uint32
	b                              []block
}

// segment computes the blocks of slice s of lane l in pass r (section 3.4).
func (st *state) segment(r, s, l uint32) {
	dataIndependent := st.mode == I || (st.mode == ID && r == 0 && s < syncPoints/2)
	var addr, zero, input block
	if dataIndependent {
		// Section 3.4.1.2: input block for the address generator.
		input[0], input[1], input[2] = uint64(r), uint64(l), uint64(s)
		input[3], input[4], input[5] = uint64(st.memBlock), uint64(st.passes), uint64(st.mode)
	}
	nextAddr := func() {
		input[6]++
		g(&addr, &zero, &input, false)
		g(&addr, &zero, &addr, false)
	}
	start := uint32(0)
	if r == 0 && s == 0 {
		start = 2 // blocks 0 and 1 come from H'
		if dataIndependent {
			nextAddr()
		}
	}
	base := l * st.laneLen
	for i := start; i < st.segLen; i++ {
		col := s*st.segLen + i
		prevCol := col - 1
		if col == 0 {
			prevCol = st.laneLen - 1
		}
		prev := &st.b[base+prevCol]
		var j uint64
		if dataIndependent {
			if i%qwords == 0 {
				nextAddr()
			}
			j = addr[i%qwords]
		} else {
			j = prev[0]
		}
		ref := st.refIndex(j, r, s, l, i)
		g(&st.b[base+col], prev, &st.b[ref], r > 0)
	}
}

// refIndex maps J1‖J2 to the reference block (section 3.4.2).
func (st *state) refIndex(j uint64, r, s, l, i uint32) uint32 {
	j1, j2 := j&0xffffffff, uint32(j>>32)
	refLane := j2 % st.lanes
	if r == 0 && s == 0 {
		refLane = l
	}
	sameLane := refLane == l
	// |W|: blocks that may be referenced.
	var area uint32
	if r == 0 {
		area = s * st.segLen // finished slices of this pass
	} else {
		area = (syncPoints - 1) * st.segLen // the other three slices
	}
	if sameLane {
		area += i - 1 // this segment so far, minus the previous block
	} else if i == 0 {
		area-- // the last block of the previous slice is being written
	}
	// φ: non-uniform choice biased towards recent blocks.
	x := (j1 * j1) >> 32
	y := (uint64(area) * x) >> 32
	zz := uint64(area) - 1 - y
	var startPos uint64
	if r != 0 {
		startPos = uint64((s + 1) % syncPoints * st.segLen)
	}
	return refLane*st.laneLen + uint32((startPos+zz)%uint64(st.laneLen))
}

// g computes dst = G(x, y), or dst ^= G(x, y) when xor is set (passes after
// the first, version 0x13).
func g(dst, x, y *block, xor bool) {
	var r, z block
	for i := range r {
		r[i] = x[i] ^ y[i]
	}
	z = r
	// P on each row of eight 16-byte registers, then on each column.
	for o := 0; o < qwords; o += 16 {
		permute((*[16]uint64)(z[o : o+16]))
	}
	var v [16]uint64
	for o := 0; o < 16; o += 2 {
		for j := 0; j < 8; j++ {
			v[2*j], v[2*j+1] = z[o+16*j], z[o+16*j+1]
		}
		permute(&v)
		for j := 0; j < 8; j++ {
			z[o+16*j], z[o+16*j+1] = v[2*j], v[2*j+1]
		}
	}
	if xor {
		for i := range dst {
			dst[i] ^= z[i] ^ r[i]
		}
	} else {
		for i := range dst {
			dst[i] = z[i] ^ r[i]
		}
	}
}

// permute is P: the BLAKE2b round with BlaMka's multiplication
// (section 3.6), on sixteen 64-bit words.
func permute(v *[16]uint64) {
	v0, v1, v2, v3, v4, v5, v6, v7 := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
	v8, v9, v10, v11, v12, v13, v14, v15 := v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]
	v0, v4, v8, v12 = gbHalf(v0, v4, v8, v12, 32, 24)
	v0, v4, v8, v12 = gbHalf(v0, v4, v8, v12, 16, 63)
	v1, v5, v9, v13 = gbHalf(v1, v5, v9, v13, 32, 24)
	v1, v5, v9, v13 = gbHalf(v1, v5, v9, v13, 16, 63)
	v2, v6, v10, v14 = gbHalf(v2, v6, v10, v14, 32, 24)
	v2, v6, v10, v14 = gbHalf(v2, v6, v10, v14, 16, 63)
	v3, v7, v11, v15 = gbHalf(v3, v7, v11, v15, 32, 24)
	v3, v7, v11, v15 = gbHalf(v3, v7, v11, v15, 16, 63)
	v0, v5, v10, v15 = gbHalf(v0, v5, v10, v15, 32, 24)
	v0, v5, v10, v15 = gbHalf(v0, v5, v10, v15, 16, 63)
	v1, v6, v11, v12 = gbHalf(v1, v6, v11, v12, 32, 24)
	v1, v6, v11, v12 = gbHalf(v1, v6, v11, v12, 16, 63)
	v2, v7, v8, v13 = gbHalf(v2, v7, v8, v13, 32, 24)
	v2, v7, v8, v13 = gbHalf(v2, v7, v8, v13, 16, 63)
	v3, v4, v9, v14 = gbHalf(v3, v4, v9, v14, 32, 24)
	v3, v4, v9, v14 = gbHalf(v3, v4, v9, v14, 16, 63)
	v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] = v0, v1, v2, v3, v4, v5, v6, v7
	v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15] = v8, v9, v10, v11, v12, v13, v14, v15
}

// gbHalf is half of BlaMka's G function; permute calls it twice per G
// (rotations 32, 24 then 16, 63) so that the compiler inlines it.
func gbHalf(a, b, c, d uint64, r1, r2 int) (uint64, uint64, uint64, uint64) {
	a += b + 2*uint64(uint32(a))*uint64(uint32(b))
	d = bits.RotateLeft64(d^a, -r1)
	c += d + 2*uint64(uint32(c))*uint64(uint32(d))
	b = bits.RotateLeft64(b^c, -r2)
	return a, b, c, d
}

// hPrime is the variable-length hash H' of section 3.3.
func hPrime(out, in []byte) {
	t := binary.LittleEndian.AppendUint32(nil, uint32(len(out)))
	if len(out) <= 64 {
		copy(out, blake2b(len(out), t, in))
		return
	}
	v := blake2b(64, t, in)
	copy(out, v[:32])
	out = out[32:]
	for len(out) > 64 {
		v = blake2b(64, v)
		copy(out, v[:32])
		out = out[32:]
	}
	copy(out, blake2b(len(out), v))
}

func (b *block) load(buf *[1024]byte) {
	for i := range b {
		b[i] = binary.LittleEndian.Uint64(buf[i*8:])
	}
}

func (b *block) store(buf *[1024]byte) {
	for i, v := range b {
		binary.LittleEndian.PutUint64(buf[i*8:], v)
	}
}
