//go:build !amd64 || purego

package mont

// Without assembly the kernels are the generated pure-Go ones.

// Assembly reports whether the assembly kernels are in use.
const Assembly = false

func montMul16(z, x, y, m *[16]uint64, m0inv uint64) { montMul16Generic(z, x, y, m, m0inv) }
func montMul24(z, x, y, m *[24]uint64, m0inv uint64) { montMul24Generic(z, x, y, m, m0inv) }
func montMul32(z, x, y, m *[32]uint64, m0inv uint64) { montMul32Generic(z, x, y, m, m0inv) }
func montSqr16(z, x, m *[16]uint64, m0inv uint64)    { montSqr16Generic(z, x, m, m0inv) }
func montSqr24(z, x, m *[24]uint64, m0inv uint64)    { montSqr24Generic(z, x, m, m0inv) }
func montSqr32(z, x, m *[32]uint64, m0inv uint64)    { montSqr32Generic(z, x, m, m0inv) }
func condDouble16(z, m *[16]uint64, bit uint64)      { condDouble16Generic(z, m, bit) }
func condDouble24(z, m *[24]uint64, bit uint64)      { condDouble24Generic(z, m, bit) }
func condDouble32(z, m *[32]uint64, bit uint64)      { condDouble32Generic(z, m, bit) }

func exp2Steps16(z, m *[16]uint64, m0inv uint64, e *[16]uint64, top int) {
	exp2Steps16Generic(z, m, m0inv, e, top)
}

func exp2Steps24(z, m *[24]uint64, m0inv uint64, e *[24]uint64, top int) {
	exp2Steps24Generic(z, m, m0inv, e, top)
}

func exp2Steps32(z, m *[32]uint64, m0inv uint64, e *[32]uint64, top int) {
	exp2Steps32Generic(z, m, m0inv, e, top)
}
