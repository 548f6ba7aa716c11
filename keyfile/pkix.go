package keyfile

import "github.com/keyforge/keyforge/pemenc"

// pkixFormat: SubjectPublicKeyInfo: "PUBLIC KEY" PEM, bare DER, or one
// base64 token of the DER (EC2 ImportKeyPair's third form).
var pkixFormat = &format{
	name:  FormatPKIX,
	match: pemOrDER(FormatPKIX),
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		data := in.data
		if in.der != nil {
			data = in.der
		}
		pub, _, err := pemenc.ParsePublicKey(data)
		if err != nil {
			return nil, err
		}
		return &Key{Encoding: in.encoding, PublicKey: pub}, nil
	},
}
