package ec2

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sizetest"
)

// importSizes grow 16× up to the material limit.
var importSizes = []int{maxImportMaterial / 16, maxImportMaterial / 4, maxImportMaterial}

// TestImportKeyPairAllocations: ImportKeyPair allocates a small multiple of
// its material, linearly, for hostile material of every form it reads
// (RFC 4716 header continuations, headers and blank lines; long comments,
// whitespace and options on an OpenSSH line; long base64), up to 64 KiB.
func TestImportKeyPairAllocations(t *testing.T) {
	rfc, err := os.ReadFile("testdata/rsa2048.rfc4716")
	if err != nil {
		t.Fatal(err)
	}
	line, err := os.ReadFile("testdata/rsa2048.pub")
	if err != nil {
		t.Fatal(err)
	}
	begin, body, _ := strings.Cut(string(rfc), "\n")
	_, body, _ = strings.Cut(body, "\n") // drop the Comment line
	key := strings.TrimSpace(string(line))
	s := NewService(Options{})
	n := 0
	importIt := func(m []byte) {
		n++
		s.ImportKeyPair(context.Background(), &ImportKeyPairInput{KeyName: fmt.Sprint("k", n), PublicKeyMaterial: m})
	}
	rep := func(head, unit, tail string) func(int) []byte {
		return func(n int) []byte { return sizetest.Repeat(head, unit, tail, n) }
	}
	cases := []sizetest.Case{
		{Name: "rfc4716-comment-continuation", Build: rep(begin+"\nComment: x\\\n", "ab\\\n", "c\n"+body)},
		{Name: "rfc4716-other-continuation", Build: rep(begin+"\nX-Other: x\\\n", "ab\\\n", "c\n"+body)},
		{Name: "rfc4716-headers", Build: rep(begin+"\n", "X-h: v\n", body)},
		{Name: "rfc4716-blank-lines", Build: rep(begin+"\n", "\n", body)},
		{Name: "line-long-comment", Build: rep(key+" ", "c ", "")},
		{Name: "line-blanks", Build: rep("ssh-rsa", " ", key[len("ssh-rsa "):])},
		{Name: "base64-token", Build: rep("MII", "A", "")},
		{Name: "base64-spaced", Build: rep("MII", "A ", "")},
		{Name: "leading-blank-lines", Build: rep("", "\n", key)},
	}
	for i := range cases {
		cases[i].Decode, cases[i].Sizes, cases[i].MaxPerByte = importIt, importSizes, 4
	}
	sizetest.Check(t, cases...)
}
