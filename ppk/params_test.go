package ppk

import (
	"errors"
	"testing"
)

func TestParseKDFParams(t *testing.T) {
	var o MarshalOptions
	if err := ParseKDFParams("kdf=Argon2d,memory=16384,passes=3,parallelism=2", &o, nil); err != nil {
		t.Fatal(err)
	}
	if o.KDF != Argon2d || o.Memory != 16384 || o.Passes != 3 || o.Parallelism != 2 {
		t.Fatalf("got %+v", o)
	}
	for _, bad := range []string{
		"kdf=scrypt", "memory=0", "passes=-1", "colour=blue", "memory",
		"memory=4,parallelism=1",  // below 8 × parallelism (PuTTY's rule)
		"memory=2097152",          // above the memory ceiling
		"memory=1048576,passes=2", // memory × passes above the work ceiling
		"parallelism=16777216",    // PuTTY's parallelism limit
	} {
		o := MarshalOptions{Memory: 77}
		err := ParseKDFParams(bad, &o, nil)
		if !errors.Is(err, ErrUnsafeKDF) {
			t.Errorf("%q: err = %v, want ErrUnsafeKDF", bad, err)
		}
		if o.Memory != 77 {
			t.Errorf("%q: opts changed on error", bad)
		}
	}
}
