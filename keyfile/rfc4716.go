package keyfile

import (
	"bytes"

	"github.com/keyforge/keyforge/pemenc"
)

// rfc4716Format: "---- BEGIN SSH2 PUBLIC KEY ----" (RFC 4716, `ssh-keygen -e`).
var rfc4716Format = &format{
	name: FormatRFC4716,
	match: func(in *input) bool {
		return bytes.HasPrefix(in.trimmed, []byte("---- BEGIN SSH2 PUBLIC KEY ----"))
	},
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		pub, comment, err := pemenc.ParseRFC4716PublicKey(in.data)
		if err != nil {
			return nil, err
		}
		return &Key{Encoding: EncodingText, PublicKey: pub, Comment: comment}, nil
	},
}
