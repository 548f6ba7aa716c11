package ppk

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseKDFParams reads puttygen's --ppk-param syntax for the version 3 KDF,
// comma-separated key=value pairs out of kdf (argon2id, argon2i, argon2d),
// memory (KiB), passes and parallelism, into opts, and checks the result
// against the rules Marshal applies (PuTTY's, then the default ParseOptions
// ceilings, or those of limits when not nil), so a caller learns of a bad
// value before any work. Fields not named keep their values.
func ParseKDFParams(s string, opts *MarshalOptions, limits *ParseOptions) error {
	o := *opts
	var err error
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("%w: KDF parameter %q is not key=value", ErrUnsafeKDF, kv)
		}
		switch strings.ToLower(k) {
		case "kdf":
			n, ok := kdfName(v)
			if !ok {
				return fmt.Errorf("%w: kdf must be argon2id, argon2i or argon2d", ErrUnsafeKDF)
			}
			o.KDF = n
		case "memory":
			err = positiveParam(k, v, &o.Memory)
		case "passes":
			err = positiveParam(k, v, &o.Passes)
		case "parallelism":
			err = positiveParam(k, v, &o.Parallelism)
		default:
			return fmt.Errorf("%w: unknown KDF parameter %q (kdf, memory, passes, parallelism)", ErrUnsafeKDF, k)
		}
		if err != nil {
			return err
		}
	}
	if err := o.checkKDF(limits); err != nil {
		return err
	}
	*opts = o
	return nil
}

// positiveParam stores v, a positive 32-bit integer, in *dst.
func positiveParam(k, v string, dst *uint32) error {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 {
		return fmt.Errorf("%w: %s must be a positive integer", ErrUnsafeKDF, k)
	}
	*dst = uint32(n)
	return nil
}

// checkKDF applies Marshal's checks to the KDF fields without running it.
func (o *MarshalOptions) checkKDF(limits *ParseOptions) error {
	p := &argon2Params{kdf: DefaultKDF, memory: o.Memory, passes: o.Passes, parallelism: o.Parallelism}
	if p.memory == 0 {
		p.memory = DefaultMemory
	}
	if p.parallelism == 0 {
		p.parallelism = DefaultParallelism
	}
	if p.passes == 0 {
		p.passes = 1 // calibrated later; one pass must fit
	}
	if err := p.checkPuTTY(); err != nil {
		return err
	}
	return p.checkCeilings(limits)
}
