package pemenc

import (
	"crypto"
	"crypto/elliptic"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"hash"

	"github.com/keyforge/keyforge/internal/keytype"
)

// Object identifiers (RFC 8017, RFC 5480, RFC 8410, RFC 8018).
var (
	oidRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidEC         = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519    = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidP256       = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384       = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521       = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
)

// knownOIDs names refused key algorithms and curves in error messages.
var knownOIDs = map[string]string{
	"1.2.840.10040.4.1":     "DSA",
	"1.2.840.113549.1.1.10": "RSASSA-PSS",
	"1.2.840.113549.1.3.1":  "DH",
	"1.2.840.10046.2.1":     "X9.42 DH",
	"1.3.101.110":           "X25519",
	"1.3.101.111":           "X448",
	"1.3.101.113":           "Ed448",
	"1.3.132.0.33":          "ECDSA P-224",
	"1.3.132.0.10":          "ECDSA secp256k1",
	"1.2.840.10045.3.1.1":   "ECDSA P-192",
	"1.2.156.10197.1.301":   "SM2",
	"1.3.36.3.3.2.8.1.1.7":  "ECDSA brainpoolP256r1",
	"1.3.36.3.3.2.8.1.1.11": "ECDSA brainpoolP384r1",
	"1.3.36.3.3.2.8.1.1.13": "ECDSA brainpoolP512r1",
}

func oidName(oid asn1.ObjectIdentifier) string {
	if n, ok := knownOIDs[oid.String()]; ok {
		return n
	}
	return "OID " + oid.String()
}

// pkcs8Key is RFC 5208 PrivateKeyInfo / RFC 5958 OneAsymmetricKey.
type pkcs8Key struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
	Attributes asn1.RawValue `asn1:"optional,tag:0"`
	PublicKey  asn1.RawValue `asn1:"optional,tag:1"`
}

// parsePKCS8DER reads PrivateKeyInfo. RSA goes through parsePKCS1DER (which
// repairs CRT values); other algorithms through crypto/x509, restricted to
// the key types keyforge handles.
func parsePKCS8DER(der []byte) (crypto.Signer, error) {
	var k pkcs8Key
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil {
		return nil, malformed("bad PKCS#8 PrivateKeyInfo")
	}
	if len(rest) != 0 {
		return nil, malformed("trailing data after PKCS#8 PrivateKeyInfo")
	}
	switch {
	case k.Algo.Algorithm.Equal(oidRSA):
		return parsePKCS1DER(k.PrivateKey)
	case k.Algo.Algorithm.Equal(oidEC):
		var curve asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(k.Algo.Parameters.FullBytes, &curve); err != nil {
			return nil, malformed("bad ECDSA curve parameters")
		}
		if curveFromOID(curve) == nil {
			return nil, unsupported(oidName(curve))
		}
	case k.Algo.Algorithm.Equal(oidEd25519):
	default:
		return nil, unsupported(oidName(k.Algo.Algorithm))
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, malformed("bad PKCS#8 key: %v", err)
	}
	return checkSigner(key)
}

func curveFromOID(oid asn1.ObjectIdentifier) elliptic.Curve {
	switch {
	case oid.Equal(oidP256):
		return elliptic.P256()
	case oid.Equal(oidP384):
		return elliptic.P384()
	case oid.Equal(oidP521):
		return elliptic.P521()
	}
	return nil
}

// checkSigner accepts the key types keyforge handles, normalised.
func checkSigner(key any) (crypto.Signer, error) {
	k, err := keytype.CheckSigner(key)
	return k, wrapKey(err)
}

// MarshalPKCS8PrivateKey returns key as an unencrypted PKCS#8 "PRIVATE KEY"
// PEM block with 64-column lines, as `openssl genpkey` writes it.
func MarshalPKCS8PrivateKey(key crypto.Signer) ([]byte, error) {
	if _, err := checkSigner(key); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	return encodeArmor("PRIVATE KEY", nil, der, 64), nil
}

// RFC 8018 structures for encrypted PKCS#8.
type encryptedPKCS8 struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt      []byte
	Iter      int
	KeyLength int                      `asn1:"optional"`
	PRF       pkix.AlgorithmIdentifier `asn1:"optional"`
}

// isEncryptedPKCS8 reports whether der has the shape of an
// EncryptedPrivateKeyInfo (a PrivateKeyInfo starts with an INTEGER).
func isEncryptedPKCS8(der []byte) bool {
	var e encryptedPKCS8
	rest, err := asn1.Unmarshal(der, &e)
	return err == nil && len(rest) == 0 && len(e.Algo.Algorithm) > 0
}

// decryptPKCS8 opens an EncryptedPrivateKeyInfo (PBES2: PBKDF2 with
// HMAC-SHA1/SHA2 or scrypt, AES-CBC or DES-EDE3-CBC; or a legacy scheme) and
// returns the PrivateKeyInfo DER.
func decryptPKCS8(der, passphrase []byte, opts *ParseOptions) ([]byte, error) {
	var e encryptedPKCS8
	if rest, err := asn1.Unmarshal(der, &e); err != nil || len(rest) != 0 {
		return nil, malformed("bad EncryptedPrivateKeyInfo")
	}
	if !e.Algo.Algorithm.Equal(oidPBES2) {
		return decryptLegacyPKCS8(&e, passphrase, opts) // PKCS#12 PBE, PBES1
	}
	var p pbes2Params
	if rest, err := asn1.Unmarshal(e.Algo.Parameters.FullBytes, &p); err != nil || len(rest) != 0 {
		return nil, malformed("bad PBES2 parameters")
	}
	var derive func(raw, passphrase []byte, keyLen int, opts *ParseOptions) ([]byte, error)
	switch {
	case p.KDF.Algorithm.Equal(oidPBKDF2):
		derive = pbkdf2Key
	case p.KDF.Algorithm.Equal(oidScrypt):
		derive = scryptKey
	default:
		return nil, unsupportedEncryption("PBES2 KDF", p.KDF.Algorithm)
	}
	keyLen, newBlock, iv, err := pbes2Scheme(&p)
	if err != nil {
		return nil, err
	}
	key, err := derive(p.KDF.Parameters.FullBytes, passphrase, keyLen, opts)
	if err != nil {
		return nil, err
	}
	return cbcDecrypt(newBlock, key, iv, e.Data)
}

// pbkdf2Key checks PBES2's PBKDF2 parameters against the ceiling, then
// derives keyLen bytes.
func pbkdf2Key(raw, passphrase []byte, keyLen int, opts *ParseOptions) ([]byte, error) {
	var kp pbkdf2Params
	if rest, err := asn1.Unmarshal(raw, &kp); err != nil || len(rest) != 0 {
		return nil, malformed("bad PBKDF2 parameters")
	}
	var h func() hash.Hash
	switch prf := kp.PRF.Algorithm; {
	case len(prf) == 0 || prf.Equal(oidHMACSHA1):
		h = sha1.New
	case prf.Equal(oidHMACSHA224):
		h = sha256.New224
	case prf.Equal(oidHMACSHA256):
		h = sha256.New
	case prf.Equal(oidHMACSHA384):
		h = sha512.New384
	case prf.Equal(oidHMACSHA512):
		h = sha512.New
	default:
		return nil, unsupportedEncryption("PBKDF2 PRF", prf)
	}
	if kp.KeyLength != 0 && kp.KeyLength != keyLen {
		return nil, malformed("PBKDF2 key length %d for a %d-byte cipher key", kp.KeyLength, keyLen)
	}
	if kp.Iter < 1 || len(kp.Salt) == 0 || len(kp.Salt) > 1024 {
		return nil, malformed("bad PBKDF2 salt or iteration count")
	}
	if kp.Iter > opts.maxIter() {
		return nil, fmt.Errorf("%w: PBKDF2 with %d iterations (ceiling %d)", ErrUnsafeKDF, kp.Iter, opts.maxIter())
	}
	if passphrase == nil {
		return nil, ErrPassphraseRequired
	}
	key, err := pbkdf2.Key(h, string(passphrase), kp.Salt, kp.Iter, keyLen)
	if err != nil {
		return nil, fmt.Errorf("pemenc: PBKDF2: %w", err)
	}
	return key, nil
}
