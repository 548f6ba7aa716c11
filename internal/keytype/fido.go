package keytype

import (
	"crypto"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// FIDO security keys (package fido): public keys only here; the key handle
// of an OpenSSH private file is read by pemenc.
const (
	SKEd25519   = fido.AlgEd25519
	SKECDSAP256 = fido.AlgECDSAP256
)

func readSKPublic(r *sshwire.Reader, alg string) (crypto.PublicKey, error) {
	return fido.ReadPublicFields(alg, func() ([]byte, error) {
		s := r.String()
		return s, r.Err()
	})
}
