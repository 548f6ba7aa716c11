package pemenc

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"strings"

	"github.com/keyforge/keyforge/internal/sshwire"
)

// EncodeAuthorizedKey returns pub as an authorized_keys line
// "<alg> <base64 blob>[ <comment>]\n".
func EncodeAuthorizedKey(pub crypto.PublicKey, comment string) ([]byte, error) {
	blob, err := sshwire.MarshalPublicKey(pub)
	if err != nil {
		return nil, unsupportedGo(pub)
	}
	alg, _ := sshwire.PublicKeyAlgorithm(pub)
	line := alg + " " + base64.StdEncoding.EncodeToString(blob)
	if comment != "" {
		line += " " + comment
	}
	return []byte(line + "\n"), nil
}

// ParseAuthorizedKey reads one authorized_keys line "<alg> <base64> [comment]"
// (surrounding whitespace and a final newline allowed; no options prefix)
// and returns the key and the comment.
func ParseAuthorizedKey(line []byte) (crypto.PublicKey, string, error) {
	if len(line) > maxArmoredInput {
		return nil, "", malformed("line too long")
	}
	s := strings.TrimSpace(string(line))
	if strings.ContainsAny(s, "\n") {
		return nil, "", malformed("more than one line")
	}
	alg, rest, _ := strings.Cut(s, " ")
	rest = strings.TrimLeft(rest, " \t")
	b64, comment, _ := strings.Cut(rest, " ")
	if i := strings.IndexByte(b64, '\t'); i >= 0 {
		b64, comment = b64[:i], b64[i+1:]
	}
	if alg == "" || b64 == "" {
		return nil, "", malformed("authorized_keys line needs an algorithm and a key")
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, "", malformed("bad base64 in authorized_keys line")
	}
	r := sshwire.NewReader(blob)
	blobAlg := r.String()
	if r.Err() != nil {
		return nil, "", wrapWire(r.Err())
	}
	if !bytes.Equal(blobAlg, []byte(alg)) {
		if sshwire.ECDSACurve(alg) == nil && alg != sshwire.RSA && alg != sshwire.Ed25519 {
			return nil, "", unsupported(alg)
		}
		return nil, "", malformed("line says %q but the key is %q", alg, blobAlg)
	}
	pub, err := sshwire.ParsePublicKey(blob)
	if err != nil {
		return nil, "", wrapWire(err)
	}
	return pub, strings.TrimSpace(comment), nil
}
