package main

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sizetest"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// TestLoadKeyGrowth: key sniffing (which may try several parsers on one
// input) stays linear on hostile input of every form.
func TestLoadKeyGrowth(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	line, _ := pemenc.MarshalAuthorizedKey(key.Public(), "c")
	rfc, _ := pemenc.MarshalRFC4716PublicKey(key.Public(), "")
	begin, body, _ := strings.Cut(string(rfc), "\n")
	p8, _ := pemenc.MarshalPKCS8PrivateKey(key)
	pp, _ := ppk.Marshal(key, nil)
	ecParams := "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
	rep := func(head, unit, tail string) func(int) []byte {
		return func(n int) []byte { return sizetest.Repeat(head, unit, tail, n) }
	}
	var cases []sizetest.Case
	for _, c := range []sizetest.Case{
		{Name: "rfc4716-continuation", Build: rep(begin+"\nComment: x\\\n", "ab\\\n", "c\n"+body)},
		{Name: "ec-parameters", Build: rep("", ecParams, string(p8))},
		{Name: "ec-parameters-no-key", Build: rep("", ecParams, "")},
		{Name: "comment-lines", Build: rep("", "#\n", string(line))},
		{Name: "private-key-text", Build: rep("", "PRIVATE KEY\n", "")},
		{Name: "ppk-trailer", Build: rep(string(pp), "\n", "")},
	} {
		for _, need := range []bool{false, true} {
			c := c
			c.Decode = func(b []byte) { loadKey(b, nil, need, nil) }
			if need {
				c.Name += "-private"
			}
			cases = append(cases, c)
		}
	}
	sizetest.Check(t, cases...)
}
