package pemenc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keyforge/keyforge/internal/testtool"
)

// TestCompressedECInterop: fresh compressed-point keys from openssl read as
// the key ssh-keygen -y prints for them, in SEC1, PKCS#8 and PKIX.
func TestCompressedECInterop(t *testing.T) {
	testtool.Require(t, "openssl")
	testtool.Require(t, "ssh-keygen")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, curve := range []string{"prime256v1", "secp384r1", "secp521r1"} {
		testtool.Run(t, nil, "openssl", "ecparam", "-genkey", "-name", curve, "-noout", "-out", p(curve))
		sec1 := testtool.Run(t, nil, "openssl", "ec", "-in", p(curve), "-conv_form", "compressed")
		os.WriteFile(p(curve+".sec1"), sec1, 0o600)
		p8 := testtool.Run(t, nil, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", p(curve+".sec1"))
		pkix := testtool.Run(t, nil, "openssl", "ec", "-in", p(curve), "-pubout", "-conv_form", "compressed")
		want, _, err := ParseAuthorizedKey(testtool.Run(t, nil, "ssh-keygen", "-y", "-f", p(curve+".sec1")))
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"SEC1": sec1, "PKCS#8": p8} {
			k, _, err := ParsePrivateKey(data, nil, nil)
			if err != nil || !publicEqual(k.Public(), want) {
				t.Errorf("%s %s: %v", curve, name, err)
			}
		}
		if pub, _, err := ParsePublicKey(pkix); err != nil || !publicEqual(pub, want) {
			t.Errorf("%s PKIX: %v", curve, err)
		}
	}
}
