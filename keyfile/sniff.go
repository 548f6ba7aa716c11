package keyfile

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
)

// input is a file with its armour looked at once, in linear time.
type input struct {
	data    []byte
	trimmed []byte
	// pemType is the type of the first "-----BEGIN …-----" block other than
	// EC PARAMETERS (which `openssl ecparam -genkey` writes first).
	pemType string
	// pemEncrypted: that block has RFC 1421 headers (Proc-Type).
	pemEncrypted bool
	// der is the DER of a bare-DER or single-base64-token input.
	der      []byte
	encoding Encoding
	// derFormat is the format the outer DER structure has, if any.
	derFormat Format
}

var pemBegin = []byte("-----BEGIN ")

func sniff(data []byte) *input {
	in := &input{data: data, trimmed: bytes.TrimSpace(data)}
	switch {
	case bytes.Contains(data, pemBegin):
		in.pemType, in.pemEncrypted = firstPEM(data)
		in.encoding = EncodingPEM
	case len(data) > 0 && data[0] == 0x30:
		in.der, in.encoding = data, EncodingDER
		in.derFormat = derFormat(data)
	case len(in.trimmed) > 0 && !bytes.ContainsAny(in.trimmed, " \t\r\n") && !bytes.HasPrefix(in.trimmed, []byte("PuTTY-")):
		if der, err := base64.StdEncoding.DecodeString(string(in.trimmed)); err == nil && len(der) > 0 && der[0] == 0x30 {
			in.der, in.encoding = der, EncodingBase64
			in.derFormat = derFormat(der)
		}
	}
	return in
}

// firstPEM returns the type of the first armoured block that is not EC
// PARAMETERS, and whether its next line is an RFC 1421 header.
func firstPEM(data []byte) (typ string, headers bool) {
	rest := data
	for {
		i := bytes.Index(rest, pemBegin)
		if i < 0 {
			return "", false
		}
		rest = rest[i+len(pemBegin):]
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, " \t\r")
		if !bytes.HasSuffix(line, []byte("-----")) {
			continue
		}
		typ = string(line[:len(line)-5])
		if typ == "EC PARAMETERS" {
			continue
		}
		first, _, _ := bytes.Cut(next, []byte("\n"))
		name, _, ok := bytes.Cut(bytes.TrimSpace(first), []byte(":"))
		return typ, ok && bytes.EqualFold(name, []byte("Proc-Type"))
	}
}

// derFormat names the structure of a DER key by its outer SEQUENCE:
//
//	PKCS#8 PrivateKeyInfo       SEQUENCE { INTEGER 0|1, SEQUENCE {OID …}, OCTET STRING … }
//	PKCS#1 RSAPrivateKey        SEQUENCE { INTEGER 0, INTEGER n, … }
//	SEC1 ECPrivateKey           SEQUENCE { INTEGER 1, OCTET STRING d, … }
//	SubjectPublicKeyInfo        SEQUENCE { SEQUENCE {OID …}, BIT STRING }
//	EncryptedPrivateKeyInfo     SEQUENCE { SEQUENCE {OID …}, OCTET STRING }
//	PKCS#1 RSAPublicKey         SEQUENCE { INTEGER n, INTEGER e }
func derFormat(der []byte) Format {
	var outer asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &outer); err != nil || len(rest) != 0 || outer.Tag != asn1.TagSequence || !outer.IsCompound {
		return ""
	}
	var first, second asn1.RawValue
	rest, err := asn1.Unmarshal(outer.Bytes, &first)
	if err != nil {
		return ""
	}
	if _, err := asn1.Unmarshal(rest, &second); err != nil {
		return ""
	}
	if first.Class != asn1.ClassUniversal || second.Class != asn1.ClassUniversal {
		return ""
	}
	switch {
	case first.Tag == asn1.TagSequence && second.Tag == asn1.TagBitString:
		return FormatPKIX
	case first.Tag == asn1.TagSequence && second.Tag == asn1.TagOctetString:
		return FormatPKCS8Encrypted
	case first.Tag == asn1.TagInteger && second.Tag == asn1.TagSequence:
		return FormatPKCS8
	case first.Tag == asn1.TagInteger && second.Tag == asn1.TagOctetString:
		return FormatSEC1
	case first.Tag == asn1.TagInteger && second.Tag == asn1.TagInteger:
		if len(first.Bytes) == 1 && first.Bytes[0] == 0 {
			return FormatPKCS1
		}
		return FormatPKCS1PublicKey
	}
	return ""
}

// armor wraps DER in PEM armour of type typ, for the readers that take PEM.
func armor(typ string, der []byte) []byte {
	var b bytes.Buffer
	b.WriteString("-----BEGIN " + typ + "-----\n")
	s := base64.StdEncoding.EncodeToString(der)
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s + "\n-----END " + typ + "-----\n")
	return b.Bytes()
}
