package keyfile

// sec1Format: "EC PRIVATE KEY" (RFC 5915 ECPrivateKey), PEM or DER.
var sec1Format = &format{
	name:  FormatSEC1,
	match: pemOrDER(FormatSEC1),
	parse: func(in *input, o *ParseOptions) (*Key, error) { return parsePEMPrivate(in, o, FormatSEC1, false) },
}
