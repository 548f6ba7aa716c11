package pemenc

import (
	"crypto"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// FIDO security-key handles in openssh-key-v1 private sections
// (PROTOCOL.u2f): the public fields, then uint8 flags, string key_handle,
// string reserved. They are read and written as *fido.PrivateKey, which
// cannot sign.

// maxKeyHandle bounds a key handle read (authenticators make them well
// under 1 KiB).
const maxKeyHandle = 64 << 10

// checkOpenSSHKey is checkSigner, plus the FIDO key handles that only the
// OpenSSH format holds.
func checkOpenSSHKey(key crypto.Signer) (crypto.Signer, error) {
	if sk, ok := key.(*fido.PrivateKey); ok {
		if _, err := keytype.CheckPublicKey(sk.PublicKey); err != nil {
			return nil, wrapKey(err)
		}
		return sk, nil
	}
	return checkSigner(key)
}

func readSKFields(r *sshwire.Reader, alg string) (*fido.PrivateKey, error) {
	pub, err := keytype.ReadPublicKeyFields(r, alg)
	if err != nil {
		return nil, wrapKey(err)
	}
	flags := r.Bytes(1)
	handle := r.String()
	reserved := r.String()
	if r.Err() != nil {
		return nil, wrapKey(r.Err())
	}
	if len(handle) == 0 || len(handle) > maxKeyHandle || len(reserved) > maxKeyHandle {
		return nil, malformed("security-key handle of %d bytes", len(handle))
	}
	return &fido.PrivateKey{
		PublicKey: pub,
		Flags:     flags[0],
		KeyHandle: append([]byte(nil), handle...),
		Reserved:  append([]byte(nil), reserved...),
	}, nil
}

func appendSKFields(b *sshwire.Builder, k *fido.PrivateKey) error {
	blob, err := fido.MarshalPublicKey(k.PublicKey)
	if err != nil {
		return unsupportedGo(k.PublicKey)
	}
	if len(k.KeyHandle) == 0 {
		return malformed("security key without a key handle")
	}
	b.B = append(b.B, blob...) // keytype and the public fields, unwrapped
	b.B = append(b.B, k.Flags)
	b.String(k.KeyHandle)
	b.String(k.Reserved)
	return nil
}
