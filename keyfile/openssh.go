package keyfile

import (
	"errors"

	"github.com/keyforge/keyforge/pemenc"
)

// opensshFormat: "OPENSSH PRIVATE KEY" (openssh-key-v1). The public key sits
// in clear in the envelope, so a missing passphrase still yields it.
var opensshFormat = &format{
	name:  FormatOpenSSH,
	match: func(in *input) bool { return in.pemType == "OPENSSH PRIVATE KEY" },
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		// A first pass without the passphrase stops before any KDF work and
		// tells whether the file is encrypted.
		priv, comment, err := pemenc.ParseOpenSSHPrivateKey(in.data, nil, &o.PEM)
		if errors.Is(err, pemenc.ErrPassphraseRequired) {
			if o.Passphrase == nil {
				pub, _, perr := pemenc.ParsePublicKey(in.data)
				if perr != nil {
					return nil, perr
				}
				return nil, &PassphraseMissingError{Format: FormatOpenSSH, PublicKey: pub}
			}
			priv, comment, err = pemenc.ParseOpenSSHPrivateKey(in.data, o.Passphrase, &o.PEM)
			if err != nil {
				return nil, err
			}
			return privateKey(in, priv, comment, true), nil
		}
		if err != nil {
			return nil, err
		}
		return privateKey(in, priv, comment, false), nil
	},
}
