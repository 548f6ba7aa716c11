package keyfile

import (
	"errors"

	"github.com/keyforge/keyforge/sshcom"
)

// sshcomFormat: ssh.com/Tectia "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
// (what `puttygen -O private-sshcom` writes). Nothing is in clear but the
// comment, so a missing passphrase yields only the comment.
var sshcomFormat = &format{
	name:  FormatSSHCom,
	match: func(in *input) bool { return sshcom.Sniff(in.trimmed) },
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		k, err := sshcom.Parse(in.data, o.Passphrase, nil)
		if errors.Is(err, sshcom.ErrPassphraseRequired) && k != nil {
			return nil, &PassphraseMissingError{Format: FormatSSHCom, Comment: k.Comment}
		}
		if err != nil {
			return nil, err
		}
		return &Key{Encoding: EncodingText, PrivateKey: k.PrivateKey, PublicKey: k.PrivateKey.Public(),
			Comment: k.Comment, Encrypted: k.Cipher != sshcom.CipherNone}, nil
	},
}
