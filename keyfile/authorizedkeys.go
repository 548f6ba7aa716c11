package keyfile

import (
	"bytes"

	"github.com/keyforge/keyforge/pemenc"
)

// authorizedKeysFormat: one "[options] <alg> <base64> [comment]" line, as in
// a .pub file or authorized_keys; blank and # lines around it are skipped.
var authorizedKeysFormat = &format{
	name: FormatAuthorizedKeys,
	match: func(in *input) bool {
		if in.encoding != "" || len(in.trimmed) == 0 {
			return false
		}
		for line := range bytes.Lines(in.trimmed) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 || line[0] == '#' {
				continue
			}
			return bytes.ContainsAny(line, " \t")
		}
		return false
	},
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		pub, comment, err := pemenc.ParsePublicKey(in.data)
		if err != nil {
			return nil, err
		}
		return &Key{Encoding: EncodingText, PublicKey: pub, Comment: comment}, nil
	},
}
