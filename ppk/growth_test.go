package ppk

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/keyforge/keyforge/internal/sizetest"
)

// ppkSizes grow 16× up to PuTTY's file-size limit (maxFileSize), above
// which files are refused before they are read; the 1 MiB case checks that.
var ppkSizes = []int{maxFileSize / 16, maxFileSize / 4, maxFileSize}

// TestGrowth grows a PPK file's public and private lines, its comment and
// what follows the MAC line, and checks Parse and ParsePublic allocate
// linearly.
func TestGrowth(t *testing.T) {
	data, err := os.ReadFile("testdata/ed25519-v3-none.ppk")
	if err != nil {
		t.Fatal(err)
	}
	file := string(data)
	line := strings.Repeat("A", 64) + "\n"
	// lines replaces the count and base64 lines of header name with about n
	// bytes of 64-column lines.
	lines := func(name string) func(int) []byte {
		return func(n int) []byte {
			head, rest, _ := strings.Cut(file, name+": ")
			count, rest, _ := strings.Cut(rest, "\n")
			c, _ := strconv.Atoi(count)
			for range c {
				_, rest, _ = strings.Cut(rest, "\n")
			}
			k := min((n-len(file))/len(line), maxBlobLines-1)
			return []byte(head + name + ": " + strconv.Itoa(k) + "\n" + strings.Repeat(line, k) + rest)
		}
	}
	comment := func(n int) []byte {
		return []byte(strings.Replace(file, "Comment: ", "Comment: "+strings.Repeat("c", n-len(file)), 1))
	}
	after := func(n int) []byte { return sizetest.Repeat(file, "\n", "", n) }
	decode := func(b []byte) { Parse(b, []byte("pw"), nil) }
	public := func(b []byte) { ParsePublic(b) }
	var cases []sizetest.Case
	for _, c := range []struct {
		name  string
		build func(int) []byte
	}{
		{"public-lines", lines("Public-Lines")},
		{"private-lines", lines("Private-Lines")},
		{"comment", comment},
		{"after-mac", after},
	} {
		cases = append(cases,
			sizetest.Case{Name: c.name, Build: c.build, Decode: decode, Sizes: ppkSizes},
			sizetest.Case{Name: c.name + "-public", Build: c.build, Decode: public, Sizes: ppkSizes},
			sizetest.Case{Name: c.name + "-1MiB", Build: c.build, Decode: decode},
		)
	}
	sizetest.Check(t, cases...)
}
