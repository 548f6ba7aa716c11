package keyfile

import (
	"bytes"

	"github.com/keyforge/keyforge/sshcert"
)

// certificateFormat: an OpenSSH certificate line (`ssh-keygen -s` writes
// id_*-cert.pub). The CA's signature is checked, as ssh-keygen does before
// it shows a certificate; Key.PublicKey is the certified key and
// Key.Certificate the rest.
var certificateFormat = &format{
	name: FormatCertificate,
	match: func(in *input) bool {
		if in.encoding != "" {
			return false
		}
		for line := range bytes.Lines(in.trimmed) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 || line[0] == '#' {
				continue
			}
			alg, _, _ := bytes.Cut(line, []byte(" "))
			return sshcert.IsCertType(string(alg))
		}
		return false
	},
	parse: func(in *input, o *ParseOptions) (*Key, error) {
		var line []byte
		for l := range bytes.Lines(in.trimmed) {
			if l = bytes.TrimSpace(l); len(l) > 0 && l[0] != '#' {
				line = l
				break
			}
		}
		c, comment, err := sshcert.ParseAuthorizedKey(line)
		if err != nil {
			return nil, err
		}
		if err := c.Verify(); err != nil {
			return nil, err
		}
		return &Key{Encoding: EncodingText, PublicKey: c.Key, Certificate: c, Comment: comment}, nil
	},
}
