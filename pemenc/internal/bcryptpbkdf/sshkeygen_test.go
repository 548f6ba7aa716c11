package bcryptpbkdf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyforge/keyforge/internal/sshwire"
	"github.com/keyforge/keyforge/internal/testtool"
)

// TestSSHKeygenFiles derives the key and IV of files ssh-keygen encrypted
// and checks that they decrypt to equal checkints (PROTOCOL.key), for
// output lengths 32 (stride 1) and 48 (stride 2) and several round counts.
func TestSSHKeygenFiles(t *testing.T) {
	testtool.Require(t, "ssh-keygen")
	dir := t.TempDir()
	for _, c := range []struct {
		cipher string
		keyLen int
		rounds string
	}{{"aes128-ctr", 16, "1"}, {"aes256-ctr", 32, "3"}, {"aes192-ctr", 24, "7"}, {"aes256-ctr", 32, "16"}} {
		p := filepath.Join(dir, c.cipher+c.rounds)
		testtool.Run(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "pass phrase", "-Z", c.cipher, "-a", c.rounds, "-f", p)
		data, _ := os.ReadFile(p)
		b, _ := pem.Decode(data)
		r := sshwire.NewReader(bytes.TrimPrefix(b.Bytes, []byte("openssh-key-v1\x00")))
		r.String() // cipher
		r.String() // kdf
		kr := sshwire.NewReader(r.String())
		salt, rounds := kr.String(), kr.Uint32()
		r.Uint32()
		r.String()
		section := r.String()
		if r.Err() != nil || kr.Err() != nil {
			t.Fatal(r.Err(), kr.Err())
		}
		k, err := Key([]byte("pass phrase"), salt, int(rounds), c.keyLen+16)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := aes.NewCipher(k[:c.keyLen])
		plain := make([]byte, 8)
		cipher.NewCTR(blk, k[c.keyLen:]).XORKeyStream(plain, section[:8])
		if !bytes.Equal(plain[:4], plain[4:]) {
			t.Errorf("%s -a %s: checkints %x differ: wrong key", c.cipher, c.rounds, plain)
		}
		if wrong, _ := Key([]byte("pass phrasf"), salt, int(rounds), c.keyLen+16); bytes.Equal(wrong, k) {
			t.Fatal("passphrase ignored")
		}
	}
}
