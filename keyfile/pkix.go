package keyfile

import "github.com/keyforge/keyforge/pemenc"

// pkixFormat: SubjectPublicKeyInfo: "PUBLIC KEY" PEM, bare DER, or one
// base64 token of the DER (EC2 ImportKeyPair's third form).
var pkixFormat = &format{
	name:  FormatPKIX,
	match: pemOrDER(FormatPKIX),
	parse: parsePEMPublic,
}

// parsePEMPublic reads the PEM or DER public forms with pemenc, which takes
// the DER as it is (no re-armouring).
func parsePEMPublic(in *input, _ *ParseOptions) (*Key, error) {
	data := in.data
	if in.der != nil {
		data = in.der
	}
	pub, _, err := pemenc.ParsePublicKey(data)
	if err != nil {
		return nil, err
	}
	return &Key{Encoding: in.encoding, PublicKey: pub}, nil
}
