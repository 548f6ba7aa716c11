//go:build amd64 && !purego

package mont

// This file is where amd64 assembly plugs in: declare the kernels here
// without bodies (implemented in kernels_amd64.s, MULX/ADCX/ADOX or AVX-512
// IFMA chosen at run time via golang.org/x/sys/cpu or internal flags) and
// keep the generic versions as the fallback. Until then they are pure Go.
// Each kernel's contract is documented on its *Generic twin.

func montMul16(z, x, y, m *[16]uint64, m0inv uint64) { montMul16Generic(z, x, y, m, m0inv) }
func montMul24(z, x, y, m *[24]uint64, m0inv uint64) { montMul24Generic(z, x, y, m, m0inv) }
func montMul32(z, x, y, m *[32]uint64, m0inv uint64) { montMul32Generic(z, x, y, m, m0inv) }
func montSqr16(z, x, m *[16]uint64, m0inv uint64)    { montSqr16Generic(z, x, m, m0inv) }
func montSqr24(z, x, m *[24]uint64, m0inv uint64)    { montSqr24Generic(z, x, m, m0inv) }
func montSqr32(z, x, m *[32]uint64, m0inv uint64)    { montSqr32Generic(z, x, m, m0inv) }
