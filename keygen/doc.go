// Package keygen creates the key pairs keyforge hands out: RSA keys derived
// from a seed exactly as c2sp.org/det-keygen specifies, Ed25519 keys, and a
// warm pool of RSA keys for servers that want them without waiting.
//
// RSAFromSeed is a pure function of (seed, bits): the key depends only on the
// spec's HMAC_DRBG candidate stream, which candidates are prime, and the
// spec's rejection rules. Everything that makes it fast — trial division,
// a base-2 pre-test, fixed-size Montgomery arithmetic, parallel testing of
// the stream — is invisible in the output, which tests check against the
// C2SP known-answer vectors and an independent math/big computation.
//
// Primality follows the spec's recommendation: trial division, then
// Miller-Rabin with 5 (primes under 1345 bits), 4 (under 3747 bits) or 3
// rounds. Miller-Rabin bases must not come from the spec's DRBG (that would
// shift the candidate stream), so each candidate's bases come from a
// separate SHA-256 stream keyed by the candidate itself; the result is
// reproducible and, for DRBG-chosen candidates, as strong as random bases.
package keygen
