package keyfile

// pkcs1Format: "RSA PRIVATE KEY" (RFC 8017 RSAPrivateKey), PEM or DER.
var pkcs1Format = &format{
	name:  FormatPKCS1,
	match: pemOrDER(FormatPKCS1),
	parse: func(in *input, o *ParseOptions) (*Key, error) { return parsePEMPrivate(in, o, FormatPKCS1, false) },
}

// pkcs1PublicFormat: "RSA PUBLIC KEY" (RFC 8017 RSAPublicKey), PEM or DER.
var pkcs1PublicFormat = &format{
	name:  FormatPKCS1PublicKey,
	match: pemOrDER(FormatPKCS1PublicKey),
	parse: parsePEMPublic,
}
