package ec2

import (
	"fmt"

	"github.com/keyforge/keyforge/keygen"
)

// Validate reports options that no request could work with, so that a
// caller learns of them when building the Service instead of from every
// CreateKeyPair: a PPKVersion other than 2 or 3, an RSABits keygen cannot
// make, a negative MaxKeyPairs. Zero values mean the defaults.
func (o Options) Validate() error {
	if o.PPKVersion != 0 && o.PPKVersion != 2 && o.PPKVersion != 3 {
		return fmt.Errorf("ec2: Options.PPKVersion %d: want 2 or 3", o.PPKVersion)
	}
	if b := o.RSABits; b != 0 && (b < keygen.MinBits || b > keygen.MaxBits || b%16 != 0) {
		return fmt.Errorf("ec2: Options.RSABits %d: %w", b, keygen.ErrKeySize)
	}
	if o.MaxKeyPairs < 0 {
		return fmt.Errorf("ec2: Options.MaxKeyPairs %d is negative", o.MaxKeyPairs)
	}
	return nil
}

// New is NewService after Options.Validate: invalid options are an error
// at once rather than on every request.
func New(opts Options) (*Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return NewService(opts), nil
}
