package pemenc

import (
	"crypto/rsa"
	"fmt"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// EncodePKCS1PrivateKey returns k as a PKCS#1 "RSA PRIVATE KEY" PEM block
// with 64-column base64 lines, ending in "\n" (EC2 drops that final newline).
// The CRT values are computed for Primes[0] as p, so callers pass normalised
// keys (as keygen returns) to get the same numbers in every format. It
// panics on a multi-prime key, like x509.MarshalPKCS1PrivateKey would.
func EncodePKCS1PrivateKey(k *rsa.PrivateKey) []byte {
	if len(k.Primes) != 2 {
		panic("pemenc: EncodePKCS1PrivateKey needs a two-prime RSA key")
	}
	return encodeArmor("RSA PRIVATE KEY", nil, marshalPKCS1DER(k), 64)
}

// ParsePKCS1PrivateKey reads an unencrypted PKCS#1 "RSA PRIVATE KEY" PEM block.
// Swapped primes and wrong CRT values are repaired; n ≠ p·q is refused.
func ParsePKCS1PrivateKey(data []byte) (*rsa.PrivateKey, error) {
	b, err := decodeArmor(data)
	if err != nil {
		return nil, err
	}
	if b.Type != "RSA PRIVATE KEY" {
		return nil, malformed("PEM type %s, want RSA PRIVATE KEY", sshwire.Quote(b.Type))
	}
	if _, ok := b.header("Proc-Type"); ok {
		// This function takes no passphrase: point to the one that does.
		return nil, fmt.Errorf("%w (legacy Proc-Type encryption: use ParsePrivateKey with the passphrase)", ErrPassphraseRequired)
	}
	return parsePKCS1DER(b.Bytes)
}
