//go:build purego

package keygen

// manyKeys is smaller under purego, where math/big (ProbablyPrime) loses its
// assembly too.
const manyKeys = 200
