package sshcert

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/keyforge/keyforge/fido"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// certTypes maps each certificate type to the plain key algorithm whose
// fields it embeds.
var certTypes = map[string]string{
	"ssh-rsa-cert-v01@openssh.com":                keytype.RSA,
	"ssh-ed25519-cert-v01@openssh.com":            keytype.Ed25519,
	"ecdsa-sha2-nistp256-cert-v01@openssh.com":    keytype.ECDSAP256,
	"ecdsa-sha2-nistp384-cert-v01@openssh.com":    keytype.ECDSAP384,
	"ecdsa-sha2-nistp521-cert-v01@openssh.com":    keytype.ECDSAP521,
	"sk-ssh-ed25519-cert-v01@openssh.com":         fido.AlgEd25519,
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com": fido.AlgECDSAP256,
}

// IsCertType reports whether alg names an OpenSSH certificate type (any,
// including those this package refuses).
func IsCertType(alg string) bool {
	return strings.HasSuffix(alg, "-cert-v01@openssh.com") || strings.HasSuffix(alg, "-cert-v00@openssh.com")
}

// Parse reads a certificate's wire blob. It checks the structure, not the
// signature: call Verify.
func Parse(blob []byte) (*Certificate, error) {
	if len(blob) > MaxInput {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrMalformed, len(blob), MaxInput)
	}
	r := sshwire.NewReader(blob)
	typ := string(r.String())
	if r.Err() != nil {
		return nil, wire(r.Err())
	}
	plain, ok := certTypes[typ]
	if !ok {
		if strings.HasPrefix(typ, "ssh-dss-cert") {
			return nil, fmt.Errorf("%w: DSA certificate (%s)", ErrUnsupportedKeyType, typ)
		}
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedKeyType, keytype.Quote(typ))
	}
	c := &Certificate{Type: typ, raw: append([]byte(nil), blob...)}
	c.Nonce = clone(r.String())
	if r.Err() != nil {
		return nil, wire(r.Err())
	}
	key, err := keytype.ReadPublicKeyFields(r, plain)
	if err != nil {
		return nil, wire(err)
	}
	c.Key = key
	c.Serial = uint64(r.Uint32())<<32 | uint64(r.Uint32())
	c.CertType = r.Uint32()
	keyID := r.String()
	principals := r.String()
	c.ValidAfter = uint64(r.Uint32())<<32 | uint64(r.Uint32())
	c.ValidBefore = uint64(r.Uint32())<<32 | uint64(r.Uint32())
	critical := r.String()
	extensions := r.String()
	c.Reserved = clone(r.String())
	sigKey := r.String()
	c.signed = len(blob) - r.Len()
	sig := r.String()
	r.Finished("certificate")
	if r.Err() != nil {
		return nil, wire(r.Err())
	}
	if c.CertType != UserCert && c.CertType != HostCert {
		return nil, fmt.Errorf("%w: certificate type %d (want 1 user or 2 host)", ErrMalformed, c.CertType)
	}
	if bytes.IndexByte(keyID, 0) >= 0 {
		return nil, fmt.Errorf("%w: key id contains NUL", ErrMalformed)
	}
	c.KeyID = string(keyID)
	pr := sshwire.NewReader(principals)
	for pr.Len() > 0 {
		p := pr.String()
		if pr.Err() != nil {
			return nil, wire(pr.Err())
		}
		if bytes.IndexByte(p, 0) >= 0 {
			return nil, fmt.Errorf("%w: principal contains NUL", ErrMalformed)
		}
		if len(c.ValidPrincipals) == MaxPrincipals {
			return nil, fmt.Errorf("%w: more than %d principals", ErrMalformed, MaxPrincipals)
		}
		c.ValidPrincipals = append(c.ValidPrincipals, string(p))
	}
	if c.CriticalOptions, err = parseOptions(critical); err != nil {
		return nil, err
	}
	if c.Extensions, err = parseOptions(extensions); err != nil {
		return nil, err
	}
	sk := sshwire.NewReader(sigKey)
	skAlg := string(sk.String())
	if sk.Err() != nil {
		return nil, wire(sk.Err())
	}
	if IsCertType(skAlg) {
		return nil, fmt.Errorf("%w: the signature key is itself a certificate", ErrMalformed)
	}
	if c.SignatureKey, err = keytype.ReadPublicKeyFields(sk, skAlg); err != nil {
		return nil, wire(err)
	}
	sk.Finished("signature key")
	if sk.Err() != nil {
		return nil, wire(sk.Err())
	}
	sr := sshwire.NewReader(sig)
	c.Signature.Format = string(sr.String())
	c.Signature.Blob = clone(sr.String())
	c.Signature.Rest = clone(sr.Rest())
	if sr.Err() != nil {
		return nil, wire(sr.Err())
	}
	return c, nil
}

func parseOptions(b []byte) ([]Option, error) {
	var out []Option
	r := sshwire.NewReader(b)
	for r.Len() > 0 {
		name, data := r.String(), r.String()
		if r.Err() != nil {
			return nil, wire(r.Err())
		}
		if bytes.IndexByte(name, 0) >= 0 {
			return nil, fmt.Errorf("%w: option name contains NUL", ErrMalformed)
		}
		out = append(out, Option{Name: string(name), Data: clone(data)})
	}
	return out, nil
}

// ParseAuthorizedKey reads a certificate in OpenSSH's public-key line form
// (what `ssh-keygen -s` writes to id_*-cert.pub: "type base64 [comment]")
// and returns it with the comment.
func ParseAuthorizedKey(line []byte) (*Certificate, string, error) {
	if len(line) > MaxInput {
		return nil, "", fmt.Errorf("%w: %d bytes exceeds %d", ErrMalformed, len(line), MaxInput)
	}
	s := strings.TrimSpace(string(line))
	if strings.ContainsAny(s, "\r\n") {
		return nil, "", fmt.Errorf("%w: more than one line", ErrMalformed)
	}
	alg, rest, _ := strings.Cut(s, " ")
	b64, comment, _ := strings.Cut(strings.TrimLeft(rest, " \t"), " ")
	if !IsCertType(alg) {
		return nil, "", fmt.Errorf("%w: %s is not a certificate type", ErrUnsupportedKeyType, keytype.Quote(alg))
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, "", fmt.Errorf("%w: bad base64", ErrMalformed)
	}
	c, err := Parse(blob)
	if err != nil {
		return nil, "", err
	}
	if c.Type != alg {
		return nil, "", fmt.Errorf("%w: line says %s but the certificate is %s", ErrMalformed, keytype.Quote(alg), keytype.Quote(c.Type))
	}
	return c, strings.TrimSpace(comment), nil
}

// MarshalAuthorizedKey returns the certificate as a public-key line.
func (c *Certificate) MarshalAuthorizedKey(comment string) []byte {
	line := c.Type + " " + base64.StdEncoding.EncodeToString(c.raw)
	if comment != "" {
		line += " " + comment
	}
	return []byte(line + "\n")
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// wire maps a wire or key-type error onto this package's sentinels, once.
func wire(err error) error {
	return keytype.Wrap(err, ErrMalformed, ErrUnsupportedKeyType)
}
