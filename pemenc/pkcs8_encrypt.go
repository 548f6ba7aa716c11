package pemenc

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"

	"github.com/keyforge/keyforge/fido"
)

// PKCS8EncryptOptions configures MarshalEncryptedPKCS8PrivateKey; nil means
// the defaults.
type PKCS8EncryptOptions struct {
	// Iterations of PBKDF2-HMAC-SHA256; 0 means DefaultPKCS8Iterations. It
	// may not exceed MaxIterations, so that every file written can be read
	// back with the reader's ceiling.
	Iterations int
	// MaxIterations is the reader's ceiling the file must stay within; 0
	// means DefaultMaxPBKDF2Iterations (ParseOptions' default).
	MaxIterations int
	// Rand supplies the salt and IV (crypto/rand if nil).
	Rand io.Reader
}

// DefaultPKCS8Iterations is the PBKDF2 iteration count written by default:
// about 0.1 s on a small machine, as much as ssh-keygen's default bcrypt
// rounds cost, and 50 times what `openssl pkcs8 -topk8` writes (2048).
const DefaultPKCS8Iterations = 100_000

// Salt and IV sizes written: a 16-byte salt (openssl 3.0 writes 8) and
// AES-256-CBC's 16-byte IV.
const pkcs8SaltLen = 16

// MarshalEncryptedPKCS8PrivateKey returns key as an "ENCRYPTED PRIVATE KEY"
// PEM block (RFC 8018 PBES2: PBKDF2 with HMAC-SHA256 and AES-256-CBC), the
// structure `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes; openssl, ssh-keygen
// and ParsePrivateKey read it. passphrase must be non-empty.
func MarshalEncryptedPKCS8PrivateKey(key crypto.Signer, passphrase []byte, opts *PKCS8EncryptOptions) ([]byte, error) {
	der, err := MarshalEncryptedPKCS8PrivateKeyDER(key, passphrase, opts)
	if err != nil {
		return nil, err
	}
	return encodeArmor("ENCRYPTED PRIVATE KEY", nil, der, 64), nil
}

// MarshalEncryptedPKCS8PrivateKeyDER is MarshalEncryptedPKCS8PrivateKey
// without the armour: the DER of EncryptedPrivateKeyInfo (`openssl pkcs8
// -topk8 -outform DER`).
func MarshalEncryptedPKCS8PrivateKeyDER(key crypto.Signer, passphrase []byte, opts *PKCS8EncryptOptions) ([]byte, error) {
	var o PKCS8EncryptOptions
	if opts != nil {
		o = *opts
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("pemenc: encrypted PKCS#8 needs a non-empty passphrase")
	}
	if o.Iterations == 0 {
		o.Iterations = DefaultPKCS8Iterations
	}
	if o.MaxIterations <= 0 {
		o.MaxIterations = DefaultMaxPBKDF2Iterations
	}
	if o.Iterations < 1 || o.Iterations > o.MaxIterations {
		return nil, fmt.Errorf("pemenc: PBKDF2 iterations %d outside 1..%d", o.Iterations, o.MaxIterations)
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	plain, err := MarshalPKCS8PrivateKeyDER(key)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, pkcs8SaltLen)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(o.Rand, salt); err != nil {
		return nil, fmt.Errorf("pemenc: salt: %w", err)
	}
	if _, err := io.ReadFull(o.Rand, iv); err != nil {
		return nil, fmt.Errorf("pemenc: IV: %w", err)
	}
	k, err := pbkdf2.Key(sha256.New, string(passphrase), salt, o.Iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("pemenc: PBKDF2: %w", err)
	}
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	ct := append(plain, make([]byte, n)...)
	for i := len(plain); i < len(ct); i++ {
		ct[i] = byte(n)
	}
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(ct, ct)

	prf := pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}
	kdfParams, err := asn1.Marshal(pbkdf2Params{Salt: salt, Iter: o.Iterations, PRF: prf})
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	params, err := asn1.Marshal(pbes2Params{
		KDF:    pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		Scheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	out, err := asn1.Marshal(encryptedPKCS8{
		Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		Data: ct,
	})
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	return out, nil
}

// MarshalPKCS8PrivateKeyDER returns the DER of key's PrivateKeyInfo
// (`openssl pkcs8 -topk8 -nocrypt -outform DER`).
func MarshalPKCS8PrivateKeyDER(key crypto.Signer) ([]byte, error) {
	if _, err := checkSigner(key); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	return der, nil
}

// MarshalPKCS1PrivateKeyDER returns the DER of an RSA key's RSAPrivateKey
// (`openssl rsa -traditional -outform DER`).
func MarshalPKCS1PrivateKeyDER(k *rsa.PrivateKey) ([]byte, error) {
	if _, err := checkSigner(k); err != nil {
		return nil, err
	}
	return marshalPKCS1DER(k), nil
}

// MarshalPKCS1PublicKey returns an RSA public key as a PKCS#1 "RSA PUBLIC
// KEY" PEM block, as `openssl rsa -RSAPublicKey_out` writes it.
func MarshalPKCS1PublicKey(pub *rsa.PublicKey) ([]byte, error) {
	der, err := MarshalPKCS1PublicKeyDER(pub)
	if err != nil {
		return nil, err
	}
	return encodeArmor("RSA PUBLIC KEY", nil, der, 64), nil
}

// MarshalPKCS1PublicKeyDER returns the DER of an RSA public key's RSAPublicKey.
func MarshalPKCS1PublicKeyDER(pub *rsa.PublicKey) ([]byte, error) {
	if _, err := checkPublic(pub); err != nil {
		return nil, err
	}
	return x509.MarshalPKCS1PublicKey(pub), nil
}

// MarshalPKIXPublicKeyDER returns the DER of pub's SubjectPublicKeyInfo
// (`openssl pkey -pubout -outform DER`; EC2 ImportKeyPair reads it).
func MarshalPKIXPublicKeyDER(pub crypto.PublicKey) ([]byte, error) {
	if alg := fido.Algorithm(pub); alg != "" {
		return nil, fmt.Errorf("%w %s: a FIDO security key has no PKIX form", ErrUnsupportedKeyType, alg)
	}
	if _, err := checkPublic(pub); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pemenc: %w", err)
	}
	return der, nil
}

// PEMToDER returns the contents of the single PEM block in data, for the
// DER form of any of this package's PEM outputs (PKCS#1, PKCS#8, encrypted
// PKCS#8, SEC1, PKIX). Blocks with RFC 1421 headers (legacy encrypted PEM)
// and OpenSSH private keys have no DER form and are refused.
func PEMToDER(data []byte) ([]byte, error) {
	if len(data) > maxArmoredInput {
		return nil, malformed("input larger than %d bytes", maxArmoredInput)
	}
	b, err := decodeArmor(data)
	if err != nil {
		return nil, err
	}
	if len(b.Headers) != 0 {
		return nil, fmt.Errorf("pemenc: a PEM block with headers (legacy encrypted PEM) has no DER form")
	}
	if b.Type == opensshPEMType {
		return nil, fmt.Errorf("pemenc: an OpenSSH private key has no DER form")
	}
	return b.Bytes, nil
}
