package keyfile

import "github.com/keyforge/keyforge/dropbear"

// dropbearFormat: Dropbear's native binary key (dropbearkey), never
// encrypted, no comment.
var dropbearFormat = &format{
	name:  FormatDropbear,
	match: func(in *input) bool { return len(in.data) > 0 && in.data[0] == 0 && dropbear.Sniff(in.data) },
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		k, err := dropbear.Parse(in.data, nil)
		if err != nil {
			return nil, err
		}
		return &Key{Encoding: EncodingBinary, PrivateKey: k, PublicKey: k.Public()}, nil
	},
}
