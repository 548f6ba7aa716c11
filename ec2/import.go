package ec2

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/keyfile"
)

// ImportKeyPairInput is the ImportKeyPair request. PublicKeyMaterial is the
// decoded material (the wire carries it base64-encoded): an OpenSSH public
// key line, an RFC 4716 block, or base64 of an RSA SubjectPublicKeyInfo DER.
type ImportKeyPairInput struct {
	KeyName           string
	PublicKeyMaterial []byte
	TagSpecifications []TagSpecification
	DryRun            bool
}

// ImportKeyPairOutput is the ImportKeyPair response; Tags is nil unless the
// request carried tags.
type ImportKeyPairOutput struct {
	KeyFingerprint string
	KeyName        string
	KeyPairId      string
	Tags           []Tag `json:",omitempty"`
}

// maxImportMaterial bounds imported material (the largest RSA key's line is
// under 3 KiB).
const maxImportMaterial = 64 << 10

func invalidKeyFormat() error {
	return apiErr(CodeInvalidKeyFormat, 400, "Key is not in valid OpenSSH public key format")
}

// ImportKeyPair registers a public key as EC2 does. Names and the quota are
// shared with CreateKeyPair.
func (s *Service) ImportKeyPair(ctx context.Context, in *ImportKeyPairInput) (*ImportKeyPairOutput, error) {
	if in == nil {
		in = &ImportKeyPairInput{}
	}
	// 1. Parameter validation.
	if err := validateKeyName(in.KeyName); err != nil {
		return nil, err
	}
	if len(in.PublicKeyMaterial) == 0 {
		return nil, apiErr(CodeMissingParameter, 400, "The request must contain the parameter PublicKeyMaterial")
	}
	tags, err := collectTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKeyMaterial(in.PublicKeyMaterial)
	if err != nil {
		return nil, err
	}
	// 2. DryRun.
	if in.DryRun {
		return nil, dryRunError()
	}
	if err := ctx.Err(); err != nil {
		return nil, asAPIError(err)
	}
	fp, err := fingerprint.EC2Imported(pub)
	if err != nil {
		return nil, invalidKeyFormat()
	}
	keyType := keyTypeOf(pub)
	pubLine, err := publicKeyLine(pub)
	if err != nil {
		return nil, asAPIError(err)
	}
	// 3. State checks.
	s.gate.RLock()
	defer s.gate.RUnlock()
	p, err := s.reserve(ctx, in.KeyName)
	if err != nil {
		return nil, asAPIError(err)
	}
	defer s.release(p) // no-op once committed
	// Seeded ids depend on the request only (the key's fingerprint stands
	// for the material), like CreateKeyPair's.
	d := s.requestDeriver(p.gen, "import", in.KeyName, fp)
	rec := &Record{KeyName: in.KeyName, KeyType: keyType, KeyFingerprint: fp, PublicKey: pubLine, Tags: tags}
	if err := s.commit(ctx, p, rec, d.keyPairIDs()); err != nil {
		return nil, asAPIError(err)
	}
	return &ImportKeyPairOutput{KeyFingerprint: fp, KeyName: in.KeyName, KeyPairId: rec.KeyPairId, Tags: cloneTags(tags)}, nil
}

// ParsePublicKeyMaterial reads ImportKeyPair's PublicKeyMaterial (already
// base64-decoded from the wire) in the three forms EC2 documents: an OpenSSH
// public key line (ssh-rsa or ssh-ed25519, comment optional, surrounding
// whitespace allowed), an RFC 4716 "---- BEGIN SSH2 PUBLIC KEY ----" block
// holding an RSA key, or base64 of an RSA SubjectPublicKeyInfo DER. It
// returns *rsa.PublicKey or ed25519.PublicKey; anything else is the
// InvalidKey.Format APIError, empty material MissingParameter. Only public
// formats are tried (keyfile.ParseOptions.Formats), so no private-key KDF
// ever runs for a request.
func ParsePublicKeyMaterial(material []byte) (crypto.PublicKey, error) {
	if len(material) == 0 {
		return nil, apiErr(CodeMissingParameter, 400, "The request must contain the parameter PublicKeyMaterial")
	}
	if len(material) > maxImportMaterial {
		return nil, invalidKeyFormat()
	}
	m := bytes.TrimSpace(material)
	var want keyfile.Format
	switch {
	case bytes.HasPrefix(m, []byte("---- BEGIN SSH2 PUBLIC KEY ----")):
		want = keyfile.FormatRFC4716
	case bytes.HasPrefix(m, []byte("ssh-rsa ")), bytes.HasPrefix(m, []byte("ssh-rsa\t")),
		bytes.HasPrefix(m, []byte("ssh-ed25519 ")), bytes.HasPrefix(m, []byte("ssh-ed25519\t")):
		if bytes.ContainsAny(m, "\n\r") {
			return nil, invalidKeyFormat() // one key, one line
		}
		want = keyfile.FormatAuthorizedKeys
	default:
		// Base64 of DER, possibly broken into lines.
		m, want = stripSpace(m), keyfile.FormatPKIX
	}
	k, err := keyfile.Parse(m, &keyfile.ParseOptions{Formats: []keyfile.Format{want}})
	if err != nil || (want == keyfile.FormatPKIX && k.Encoding != keyfile.EncodingBase64) {
		return nil, invalidKeyFormat()
	}
	switch pub := k.PublicKey.(type) {
	case *rsa.PublicKey:
		// keyfile applies keyforge's RSA size policy (keytype.MinRSABits:
		// EC2 documents 1024 as the smallest; OpenSSH's 16384 ceiling).
		return pub, nil
	case ed25519.PublicKey:
		if want != keyfile.FormatAuthorizedKeys {
			return nil, invalidKeyFormat() // RFC 4716 and DER forms are RSA only
		}
		return pub, nil
	}
	return nil, invalidKeyFormat()
}

// keyTypeOf is EC2's KeyType of a public key ParsePublicKeyMaterial or a
// stored Record accepts: "ed25519", else "rsa".
func keyTypeOf(pub crypto.PublicKey) string {
	if _, ok := pub.(ed25519.PublicKey); ok {
		return "ed25519"
	}
	return "rsa"
}

func stripSpace(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if !isSpace(c) {
			out = append(out, c)
		}
	}
	return out
}
