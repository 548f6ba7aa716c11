package sshcert

import (
	"crypto"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/internal/sshwire"
)

// KeyTypeName returns OpenSSH's short name of a key type, as ssh-keygen -l
// and -L print it: RSA, ED25519, ECDSA, ED25519-SK, ECDSA-SK, and the same
// with "-CERT" for a *Certificate.
func KeyTypeName(pub crypto.PublicKey) string {
	if c, ok := pub.(*Certificate); ok {
		return KeyTypeName(c.Key) + "-CERT"
	}
	name, _, err := keytype.Describe(pub)
	if err != nil {
		return "UNKNOWN"
	}
	return name
}

// TypeName is the certificate's ssh-keygen name, e.g. "ED25519-CERT".
func (c *Certificate) TypeName() string { return KeyTypeName(c) }

// sha256Fingerprint is ssh-keygen's SHA256 fingerprint of a plain key.
func sha256Fingerprint(pub crypto.PublicKey) string {
	fp, err := fingerprint.SHA256(pub)
	if err != nil {
		return "(unknown)"
	}
	return fp
}

// Describe returns what `ssh-keygen -L -f name` prints for the certificate,
// with times in loc (ssh-keygen uses the local time zone; nil means
// time.Local).
func (c *Certificate) Describe(name string, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	var b strings.Builder
	kind := "user"
	if c.CertType == HostCert {
		kind = "host"
	}
	fmt.Fprintf(&b, "%s:\n", name)
	fmt.Fprintf(&b, "        Type: %s %s certificate\n", c.Type, kind)
	fmt.Fprintf(&b, "        Public key: %s %s\n", c.TypeName(), sha256Fingerprint(c.Key))
	fmt.Fprintf(&b, "        Signing CA: %s %s (using %s)\n", KeyTypeName(c.SignatureKey), sha256Fingerprint(c.SignatureKey), c.Signature.Format)
	fmt.Fprintf(&b, "        Key ID: \"%s\"\n", c.KeyID)
	fmt.Fprintf(&b, "        Serial: %d\n", c.Serial)
	fmt.Fprintf(&b, "        Valid: %s\n", c.Validity(loc))
	b.WriteString("        Principals: ")
	if len(c.ValidPrincipals) == 0 {
		b.WriteString("(none)\n")
	} else {
		b.WriteString("\n")
		for _, p := range c.ValidPrincipals {
			fmt.Fprintf(&b, "                %s\n", p)
		}
	}
	b.WriteString("        Critical Options: ")
	describeOptions(&b, c.CriticalOptions, true)
	b.WriteString("        Extensions: ")
	describeOptions(&b, c.Extensions, false)
	return b.String()
}

func describeOptions(b *strings.Builder, opts []Option, critical bool) {
	if len(opts) == 0 {
		b.WriteString("(none)\n")
		return
	}
	b.WriteString("\n")
	for _, o := range opts {
		fmt.Fprintf(b, "                %s", o.Name)
		switch {
		case !critical && knownFlag(o.Name):
			b.WriteString("\n")
		case critical && (o.Name == "force-command" || o.Name == "source-address"):
			r := sshwire.NewReader(o.Data)
			arg := r.String()
			r.Finished(o.Name)
			if r.Err() != nil {
				fmt.Fprintf(b, " UNKNOWN OPTION: %s (len %d)\n", hex.EncodeToString(o.Data), len(o.Data))
			} else {
				fmt.Fprintf(b, " %s\n", arg)
			}
		case critical && o.Name == "verify-required":
			b.WriteString("\n")
		case len(o.Data) > 0:
			fmt.Fprintf(b, " UNKNOWN OPTION: %s (len %d)\n", hex.EncodeToString(o.Data), len(o.Data))
		default:
			b.WriteString(" UNKNOWN FLAG OPTION\n")
		}
	}
}

func knownFlag(name string) bool {
	switch name {
	case "permit-X11-forwarding", "permit-agent-forwarding", "permit-port-forwarding",
		"permit-pty", "permit-user-rc", "no-touch-required":
		return true
	}
	return false
}

// Validity returns ssh-keygen's text for the validity interval: "forever",
// "before T", "after T" or "from T to T", times as 2006-01-02T15:04:05 in loc.
func (c *Certificate) Validity(loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	switch {
	case c.ValidAfter == 0 && c.ValidBefore == Forever:
		return "forever"
	case c.ValidAfter == 0:
		return "before " + absTime(c.ValidBefore, loc)
	case c.ValidBefore == Forever:
		return "after " + absTime(c.ValidAfter, loc)
	}
	return "from " + absTime(c.ValidAfter, loc) + " to " + absTime(c.ValidBefore, loc)
}

func absTime(t uint64, loc *time.Location) string {
	if t > math.MaxInt64 {
		t = math.MaxInt64
	}
	return time.Unix(int64(t), 0).In(loc).Format("2006-01-02T15:04:05")
}

// KeyBits is the size ssh-keygen -l prints: the RSA modulus, the ECDSA
// curve's bits, 256 for Ed25519 (and the certified key's for a certificate).
func KeyBits(pub crypto.PublicKey) int {
	if c, ok := pub.(*Certificate); ok {
		pub = c.Key
	}
	_, bits, _ := keytype.Describe(pub)
	return bits
}
