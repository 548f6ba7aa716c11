// Package fingerprint computes the key fingerprints that AWS EC2 and OpenSSH
// show (doc/fingerprints.md).
//
// EC2 uses three different digests depending on how a key pair came to be:
//
//   - RSA created by CreateKeyPair: SHA-1 of the PKCS#8 PrivateKeyInfo DER
//     (EC2Created). It covers the private key, so it cannot be recomputed
//     from the public half; EC2 computes it once at creation.
//   - RSA imported by ImportKeyPair: MD5 of the SubjectPublicKeyInfo DER
//     (EC2Imported), not of the SSH wire blob the AWS docs suggest.
//   - Ed25519, created or imported: SHA-256 of the SSH wire blob, standard
//     base64 with padding and no "SHA256:" prefix (EC2Imported).
//
// SHA256 and MD5 give the forms `ssh-keygen -l -E sha256|md5` prints.
//
// Functions taking a crypto.PublicKey also accept the private key types
// (anything with a Public() method) and use their public half.
package fingerprint

import (
	"crypto"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/internal/keytype"
)

// ErrUnsupportedKeyType is returned for keys a given fingerprint is not
// defined for (e.g. ECDSA for the EC2 forms, which EC2 refuses).
var ErrUnsupportedKeyType = errors.New("fingerprint: unsupported key type")

// EC2Created returns the fingerprint CreateKeyPair shows for an RSA key it
// generated: SHA-1 of the PKCS#8 DER, lowercase colon hex (59 characters).
func EC2Created(key *rsa.PrivateKey) (string, error) {
	if key == nil {
		return "", fmt.Errorf("%w: nil RSA key", ErrUnsupportedKeyType)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("fingerprint: PKCS#8: %v", err)
	}
	sum := sha1.Sum(der)
	return colonHex(sum[:]), nil
}

// EC2Imported returns the fingerprint ImportKeyPair shows (and, for Ed25519,
// CreateKeyPair too): for RSA the MD5 of the SubjectPublicKeyInfo DER in
// colon hex; for Ed25519 the padded base64 SHA-256 of the SSH blob.
func EC2Imported(pub crypto.PublicKey) (string, error) {
	switch k := publicOf(pub).(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return "", fmt.Errorf("fingerprint: PKIX: %v", err)
		}
		sum := md5.Sum(der)
		return colonHex(sum[:]), nil
	case ed25519.PublicKey:
		blob, err := keytype.MarshalPublicKey(k)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(blob)
		return base64.StdEncoding.EncodeToString(sum[:]), nil
	}
	return "", fmt.Errorf("%w: EC2 takes RSA and Ed25519 keys, not %T", ErrUnsupportedKeyType, pub)
}

// EC2 returns the fingerprint CreateKeyPair shows for a key it generated:
// EC2Created for RSA, EC2Imported for Ed25519.
func EC2(key crypto.Signer) (string, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return EC2Created(k)
	case ed25519.PrivateKey:
		return EC2Imported(k.Public())
	case *ed25519.PrivateKey:
		if k == nil {
			break
		}
		return EC2Imported((*k).Public())
	}
	return "", fmt.Errorf("%w: EC2 creates RSA and Ed25519 keys, not %T", ErrUnsupportedKeyType, key)
}

// SHA256 returns OpenSSH's "SHA256:" fingerprint: unpadded standard base64
// of SHA-256 over the SSH wire blob.
func SHA256(pub crypto.PublicKey) (string, error) {
	blob, err := keytype.MarshalPublicKey(publicOf(pub))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedKeyType, err)
	}
	sum := sha256.Sum256(blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]), nil
}

// MD5 returns OpenSSH's legacy "MD5:" fingerprint: colon hex of MD5 over the
// SSH wire blob (puttygen and x/crypto print it without the prefix).
func MD5(pub crypto.PublicKey) (string, error) {
	blob, err := keytype.MarshalPublicKey(publicOf(pub))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedKeyType, err)
	}
	sum := md5.Sum(blob)
	return "MD5:" + colonHex(sum[:]), nil
}

// publicOf maps private keys to their public halves so callers may pass
// either.
func publicOf(k crypto.PublicKey) crypto.PublicKey {
	switch v := k.(type) {
	case *rsa.PublicKey, ed25519.PublicKey:
		return k
	case *ed25519.PublicKey:
		if v != nil {
			return *v
		}
	case interface{ Public() crypto.PublicKey }:
		return v.Public()
	}
	return k
}

func colonHex(b []byte) string {
	h := hex.EncodeToString(b)
	var sb strings.Builder
	sb.Grow(len(h) + len(b))
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}
