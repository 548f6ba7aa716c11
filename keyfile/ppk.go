package keyfile

import (
	"bytes"

	"github.com/keyforge/keyforge/ppk"
)

// ppk2Format and ppk3Format: PuTTY key files. The public key and comment
// are in clear, so a missing passphrase still yields them (`puttygen -l`).
// Other "PuTTY-User-Key-File-N" versions go to ppk3Format, whose reader
// names them in its error.
var (
	ppk2Format = &format{
		name:  FormatPPK2,
		match: func(in *input) bool { return bytes.HasPrefix(in.data, []byte("PuTTY-User-Key-File-2:")) },
		parse: parsePPK,
	}
	ppk3Format = &format{
		name: FormatPPK3,
		match: func(in *input) bool {
			return bytes.HasPrefix(in.data, []byte("PuTTY-User-Key-File-")) &&
				!bytes.HasPrefix(in.data, []byte("PuTTY-User-Key-File-2:"))
		},
		parse: parsePPK,
	}
)

func parsePPK(in *input, o *ParseOptions) (*Key, error) {
	pk, err := ppk.ParsePublic(in.data)
	if err != nil {
		return nil, err
	}
	f := FormatPPK3
	if pk.Version == 2 {
		f = FormatPPK2
	}
	encrypted := pk.Encryption != ppk.EncryptionNone
	if encrypted && o.Passphrase == nil {
		return nil, &PassphraseMissingError{Format: f, PublicKey: pk.PublicKey, Comment: pk.Comment}
	}
	k, err := ppk.Parse(in.data, o.Passphrase, &o.PPK)
	if err != nil {
		return nil, err
	}
	return &Key{Format: f, Encoding: EncodingText, PrivateKey: k.PrivateKey, PublicKey: k.PublicKey,
		Comment: k.Comment, Encrypted: encrypted}, nil
}
