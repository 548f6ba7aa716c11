// Package keygen creates the key pairs keyforge hands out: RSA keys derived
// from a seed exactly as c2sp.org/det-keygen specifies, Ed25519 keys, and a
// warm pool of RSA keys for servers that should not wait.
//
// # Determinism
//
// RSAFromSeed(seed, bits) is a pure function: the key depends only on the
// spec's HMAC_DRBG candidate stream, on which candidates are prime, and on
// the spec's rejection rules (gcd(p−1, q−1) ≥ 2³², e not invertible mod λ).
// Tests check it against the C2SP known-answer vectors (testdata) and
// against an independent math/big computation, under GOMAXPROCS 1, 2 and 4
// and with -tags purego. RSA and Ed25519 read their seed from a reader, so
// a deterministic reader gives deterministic keys.
//
// Sizes are multiples of 16 from 2048 to 16384 bits; other sizes fail with
// ErrKeySize. Keys come back normalised: Primes[0] > Primes[1], Precompute
// done, so every encoding of a key carries the same numbers.
//
// # Speed
//
// None of the following can change a key; they only decide faster whether
// a candidate is prime.
//
//   - Trial division by every odd prime below a bound measured per key size
//     (2¹⁵ for RSA-2048, 2¹⁶ for 3072, 2¹⁷ above; one step higher without
//     the assembly kernels; det-keygen suggests 1619): primes are packed
//     into 64-bit products, the candidate is folded once per product with
//     Montgomery word steps (eight products interleaved), and each prime is
//     checked with a multiply by its inverse. The loop stops at the first
//     factor.
//   - A constant-time base-2 strong-probable-prime test (left-to-right, one
//     squaring and one masked doubling per bit, the whole loop one assembly
//     call) rejects the remaining composites at the cost of squarings only.
//     Its final comparisons with ±1 are combined without branching.
//   - The spec's Miller-Rabin rounds (5 below 2690-bit keys, 4 below 7494,
//     else 3) with fixed-window, constant-time exponentiation. Their bases
//     cannot come from the det-keygen DRBG (drawing from it would shift the
//     candidate stream), so they come from SHA-256 keyed by the candidate:
//     reproducible, and as good as random for candidates nobody chooses.
//   - internal/mont: Montgomery arithmetic with fixed-size kernels for
//     1024-, 1536- and 2048-bit moduli (RSA-2048/3072/4096 primes), MULX/
//     ADCX/ADOX assembly where the CPU has BMI2 and ADX; squarings compute
//     each cross product once (two half-size triangles and a rectangle); no
//     allocation once a worker exists, so testing a candidate allocates
//     nothing (BenchmarkCandidate).
//   - With GOMAXPROCS > 1, RSAFromSeed tests the stream on every core:
//     workers take candidates in index order and the consumer only takes a
//     prime once every lower index is known composite, so the key is the
//     same for any number of workers.
//
// # Pool
//
// A Pool keeps Size keys ready so that Get returns at once (microseconds).
// Ordinary goroutines refill it, each running one sequential search that
// yields its scheduler slot every 16 candidates (well under a millisecond)
// and is preempted by the Go runtime like any goroutine, so requests and
// garbage collection never wait behind it. Nothing changes thread
// priorities: a niced thread starves when other processes keep the cores
// busy, and while starved it holds a scheduler slot that a stop-the-world
// pause must wait for. For the same reason, on Linux a refill goroutine
// whose last step waited over twice as long for a core as it ran sleeps
// about that long before the next, holding no slot meanwhile.
//
// Refill runs whenever fewer than Size keys are ready, with at most Workers
// goroutines (default GOMAXPROCS−1, at least 1: one slot stays free for
// requests). At low water (LowWater keys ready or fewer, default Size/4),
// or while any Get waits, it uses up to MaxWorkers (default GOMAXPROCS).
// A goroutine beyond the current limit finishes its key and stops; none run
// when the pool is full.
//
// A Get that finds the pool empty waits for the next key the refill
// finishes; waiting Gets are served in arrival order, before keys are kept.
// This gives a lower tail than generating inline: MaxWorkers searches
// already under way finish their first key in about the time one parallel
// search would take from scratch, and none of their work is thrown away.
// So a burst larger than the pool takes the ready keys at once and then
// one key per finished search: a burst of 100 from a full pool of 32 on two
// cores gets 32 keys at once, and the other 68 come at the rate two cores
// make keys (one RSA-2048 key per core every ~12 ms here, so the n-th
// waiting request waits about 6n ms); then the pool refills to 32.
//
// Close stops the refill and abandons keys in the making. Get still works
// afterwards: ready keys first, then it generates inline, on every core.
// Drain closes the pool and returns the unused keys; PoolOptions.Preload
// gives them to the next pool, so a server that stores them starts warm.
package keygen
