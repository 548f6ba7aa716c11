package ec2

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/internal/keytype"
	"github.com/keyforge/keyforge/keygen"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// CreateKeyPair creates a key pair as EC2 does and returns its private key
// material, which the Service does not keep.
func (s *Service) CreateKeyPair(ctx context.Context, in *CreateKeyPairInput) (*CreateKeyPairOutput, error) {
	if in == nil {
		in = &CreateKeyPairInput{}
	}
	// 1. Parameter validation.
	if err := validateKeyName(in.KeyName); err != nil {
		return nil, err
	}
	keyType, err := normalizeEnum("KeyType", in.KeyType, "rsa", "rsa", "ed25519")
	if err != nil {
		return nil, err
	}
	keyFormat, err := normalizeEnum("KeyFormat", in.KeyFormat, "pem", "pem", "ppk")
	if err != nil {
		return nil, err
	}
	tags, err := collectTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	// 2. DryRun.
	if in.DryRun {
		return nil, dryRunError()
	}
	if err := ctx.Err(); err != nil {
		return nil, asAPIError(err)
	}
	// 3. State checks, holding the name while the key is generated.
	s.gate.RLock()
	defer s.gate.RUnlock()
	p, err := s.reserve(ctx, in.KeyName)
	if err != nil {
		return nil, asAPIError(err)
	}
	out, err := s.create(ctx, p, keyType, keyFormat, tags)
	if err != nil {
		s.release(p)
		return nil, asAPIError(err) // cancellation or a Service fault (errors.go)
	}
	return out, nil
}

func dryRunError() error {
	return apiErr(CodeDryRunOperation, 412, "Request would have succeeded, but DryRun flag is set.")
}

// requestDeriver returns the per-request randomness: from Options.Seed when
// set, else crypto/rand's.
func (s *Service) requestDeriver(gen uint64, fields ...string) *deriver {
	if s.opts.Seed == nil {
		return &deriver{}
	}
	return newDeriver(s.opts.Seed, s.deriveFields(gen, fields...)...)
}

// deriveFields appends the Region and the name's generation to a request's
// derivation inputs, so that one seed gives different keys and ids in each
// Region and each time a name is created again. Both are left out when
// empty or first, so a Service without Region or delete derives as before.
func (s *Service) deriveFields(gen uint64, fields ...string) []string {
	if s.opts.Region != "" {
		fields = append(fields, "region", s.opts.Region)
	}
	if gen > 1 {
		fields = append(fields, "generation", strconv.FormatUint(gen, 10))
	}
	return fields
}

func (s *Service) create(ctx context.Context, p *pending, keyType, keyFormat string, tags []Tag) (*CreateKeyPairOutput, error) {
	name := p.name
	d := s.requestDeriver(p.gen, name, keyType, keyFormat)
	var key crypto.Signer
	switch keyType {
	case "rsa":
		k, err := s.rsaKey(ctx, d)
		if err != nil {
			return nil, err
		}
		key = k
	case "ed25519":
		k, err := keygen.Ed25519(d.stream("ed25519-seed"))
		if err != nil {
			return nil, err
		}
		key = k
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	material, err := s.keyMaterial(key, name, keyFormat, d)
	if err != nil {
		return nil, err
	}
	fp, err := fingerprint.EC2(key)
	if err != nil {
		return nil, err
	}
	pubLine, err := publicKeyLine(key.Public())
	if err != nil {
		return nil, err
	}
	rec := &Record{
		KeyName:        name,
		KeyType:        keyType,
		KeyFingerprint: fp,
		PublicKey:      pubLine,
		Tags:           tags,
	}
	if err := s.commit(ctx, p, rec, d.keyPairIDs()); err != nil {
		return nil, err
	}
	return &CreateKeyPairOutput{
		KeyFingerprint: fp,
		KeyMaterial:    material,
		KeyName:        name,
		KeyPairId:      rec.KeyPairId,
		Tags:           cloneTags(tags),
	}, nil
}

// rsaKey takes a key from Options.RSAPool when the Service is unseeded and
// has one, else derives it from the request seed (c2sp.org/det-keygen).
func (s *Service) rsaKey(ctx context.Context, d *deriver) (*rsa.PrivateKey, error) {
	if s.opts.RSAPool != nil && s.opts.Seed == nil {
		k, err := s.opts.RSAPool.Get(ctx)
		if err != nil {
			return nil, fmt.Errorf("ec2: RSA key from pool: %w", err)
		}
		if k.N.BitLen() != s.opts.RSABits {
			return nil, fmt.Errorf("ec2: RSAPool makes %d-bit keys, Options.RSABits is %d", k.N.BitLen(), s.opts.RSABits)
		}
		return k, nil
	}
	k, err := keygen.RSAFromSeed(d.bytes("rsa-seed", 32), s.opts.RSABits)
	if err != nil {
		return nil, fmt.Errorf("ec2: generating RSA key: %w", err)
	}
	return k, nil
}

// keyMaterial encodes key as EC2 returns it in each format.
func (s *Service) keyMaterial(key crypto.Signer, name, keyFormat string, d *deriver) (string, error) {
	if keyFormat == "ppk" {
		comment := name
		if s.opts.PPKComment != nil {
			comment = s.opts.PPKComment(name)
		}
		b, err := ppk.Marshal(key, &ppk.MarshalOptions{Version: s.opts.PPKVersion, Comment: comment})
		if err != nil {
			return "", fmt.Errorf("ec2: encoding PPK: %w", err)
		}
		return string(b), nil // PPK keeps its final newline, as puttygen writes it
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		// PKCS#1 without the final newline, byte-identical to EC2.
		b, err := pemenc.MarshalPKCS1PrivateKey(k)
		if err != nil {
			return "", fmt.Errorf("ec2: encoding PKCS#1 key: %w", err)
		}
		return strings.TrimSuffix(string(b), "\n"), nil
	default:
		if k, ok := key.(ed25519.PrivateKey); ok {
			key = keytype.DerivedEd25519{PrivateKey: k} // keygen derived it from its seed
		}
		b, err := pemenc.MarshalOpenSSHPrivateKey(key, &pemenc.OpenSSHOptions{Rand: d.stream("openssh-checkint")})
		if err != nil {
			return "", fmt.Errorf("ec2: encoding OpenSSH key: %w", err)
		}
		return strings.TrimSuffix(string(b), "\n"), nil
	}
}

// publicKeyLine is the authorized_keys form of pub without a comment.
func publicKeyLine(pub crypto.PublicKey) (string, error) {
	b, err := pemenc.MarshalAuthorizedKey(pub, "")
	if err != nil {
		return "", fmt.Errorf("ec2: encoding public key: %w", err)
	}
	return strings.TrimSuffix(string(b), "\n"), nil
}

func cloneTags(t []Tag) []Tag {
	if t == nil {
		return nil
	}
	return append([]Tag(nil), t...)
}
