package keyfile

import (
	"crypto"
	"errors"

	"github.com/keyforge/keyforge/pemenc"
)

// pemEncryptedFormat: PKCS#1 or SEC1 under RFC 1421 Proc-Type/DEK-Info
// headers, as `openssl rsa -aes256` (OpenSSL's "traditional" form) writes.
var pemEncryptedFormat = &format{
	name: FormatPEMEncrypted,
	match: func(in *input) bool {
		return in.pemEncrypted && (in.pemType == "RSA PRIVATE KEY" || in.pemType == "EC PRIVATE KEY")
	},
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		return parsePEMPrivate(in, o, FormatPEMEncrypted, true)
	},
}

// parsePEMPrivate reads the PEM (or DER, re-armoured as typ) private forms
// with pemenc.
func parsePEMPrivate(in *input, o *ParseOptions, f Format, encrypted bool) (*Key, error) {
	data := in.data
	if in.der != nil {
		data = armor(pemTypes[f], in.der)
	}
	priv, _, err := pemenc.ParsePrivateKey(data, o.Passphrase, &o.PEM)
	if errors.Is(err, pemenc.ErrPassphraseRequired) {
		return nil, &PassphraseMissingError{Format: f}
	}
	if err != nil {
		return nil, err
	}
	k := privateKey(in, priv, "", encrypted)
	k.Format = f
	return k, nil
}

// pemTypes are the PEM types of the formats that also come as DER.
var pemTypes = map[Format]string{
	FormatPKCS1:          "RSA PRIVATE KEY",
	FormatPKCS8:          "PRIVATE KEY",
	FormatPKCS8Encrypted: "ENCRYPTED PRIVATE KEY",
	FormatSEC1:           "EC PRIVATE KEY",
	FormatPKIX:           "PUBLIC KEY",
	FormatPKCS1PublicKey: "RSA PUBLIC KEY",
}

// pemOrDER matches the PEM armour of f, or DER (bare or one base64 token)
// whose outer structure is f's.
func pemOrDER(f Format) func(in *input) bool {
	return func(in *input) bool {
		if in.der != nil {
			return in.derFormat == f
		}
		return in.pemType == pemTypes[f] && !in.pemEncrypted
	}
}

func privateKey(in *input, priv crypto.Signer, comment string, encrypted bool) *Key {
	return &Key{Encoding: in.encoding, PrivateKey: priv, PublicKey: priv.Public(), Comment: comment, Encrypted: encrypted}
}
