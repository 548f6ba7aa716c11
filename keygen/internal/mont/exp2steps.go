package mont

// exp2StepsNGeneric is exp2StepsN in pure Go, built from the generated
// kernels: the purego build's kernel and the amd64 fallback without ADX.

func exp2Steps16Generic(z, m *[16]uint64, m0inv uint64, e *[16]uint64, top int) {
	for i := top; i >= 0; i-- {
		montSqr16Generic(z, z, m, m0inv)
		condDouble16Generic(z, m, (e[i/64]>>(i%64))&1)
	}
}

func exp2Steps24Generic(z, m *[24]uint64, m0inv uint64, e *[24]uint64, top int) {
	for i := top; i >= 0; i-- {
		montSqr24Generic(z, z, m, m0inv)
		condDouble24Generic(z, m, (e[i/64]>>(i%64))&1)
	}
}

func exp2Steps32Generic(z, m *[32]uint64, m0inv uint64, e *[32]uint64, top int) {
	for i := top; i >= 0; i-- {
		montSqr32Generic(z, z, m, m0inv)
		condDouble32Generic(z, m, (e[i/64]>>(i%64))&1)
	}
}
