package keyfile

// pkcs8Format: "PRIVATE KEY" (RFC 5208 PrivateKeyInfo), PEM or DER.
var pkcs8Format = &format{
	name:  FormatPKCS8,
	match: pemOrDER(FormatPKCS8),
	parse: func(in *input, o *ParseOptions) (*Key, error) { return parsePEMPrivate(in, o, FormatPKCS8, false) },
}

// pkcs8EncryptedFormat: "ENCRYPTED PRIVATE KEY" (RFC 5958
// EncryptedPrivateKeyInfo, PBES2), PEM or DER (`openssl pkcs8 -topk8
// -outform DER`).
var pkcs8EncryptedFormat = &format{
	name:  FormatPKCS8Encrypted,
	match: pemOrDER(FormatPKCS8Encrypted),
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		return parsePEMPrivate(in, o, FormatPKCS8Encrypted, true)
	},
}
