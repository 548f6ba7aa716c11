package ec2

import (
	"context"
	"errors"
	"fmt"
)

// DeleteKeyPairInput is the DeleteKeyPair request: KeyName or KeyPairId (at
// least one). With both, only the key pair that has that name and that id
// is deleted.
type DeleteKeyPairInput struct {
	KeyName   string
	KeyPairId string
	DryRun    bool
}

// DeleteKeyPairOutput is the DeleteKeyPair response. Return is always true
// (deleting a key pair that does not exist succeeds, as on EC2); KeyPairId
// is set only when a key pair was deleted.
type DeleteKeyPairOutput struct {
	Return    bool
	KeyPairId string `json:",omitempty"`
}

// DeleteKeyPair deletes a key pair as EC2 does. It frees the name (a new
// key pair of that name gets a new KeyPairId; ids are never reused) and one
// unit of the quota.
func (s *Service) DeleteKeyPair(ctx context.Context, in *DeleteKeyPairInput) (*DeleteKeyPairOutput, error) {
	if in == nil {
		in = &DeleteKeyPairInput{}
	}
	// 1. Parameter validation.
	if in.KeyName == "" && in.KeyPairId == "" {
		return nil, apiErr(CodeMissingParameter, 400, "The request must contain the parameter KeyName or KeyPairId")
	}
	// 2. DryRun.
	if in.DryRun {
		return nil, dryRunError()
	}
	if err := ctx.Err(); err != nil {
		return nil, deleteError(err)
	}
	// 3. State: find the key pair, waiting for any create or delete of its
	// name in flight, then hold the name while the store deletes it.
	s.gate.RLock()
	defer s.gate.RUnlock()
	s.mu.Lock()
	if err := s.loadLocked(ctx); err != nil {
		s.mu.Unlock()
		return nil, deleteError(err)
	}
	var rec *Record
	for {
		name := in.KeyName
		if name == "" {
			if r := s.ids[in.KeyPairId]; r != nil {
				name = r.KeyName
			} else {
				break
			}
		}
		if s.busy[name] != nil {
			if err := s.waitLocked(ctx, name); err != nil {
				s.mu.Unlock()
				return nil, deleteError(err)
			}
			continue // the name may now belong to another key pair
		}
		rec = s.byName[name]
		if rec != nil && in.KeyPairId != "" && rec.KeyPairId != in.KeyPairId {
			rec = nil
		}
		break
	}
	if rec == nil {
		s.mu.Unlock()
		return &DeleteKeyPairOutput{Return: true}, nil
	}
	done := make(chan struct{})
	s.busy[rec.KeyName] = done
	s.mu.Unlock()

	err := s.store.Delete(context.WithoutCancel(ctx), s.opts.Region, rec.KeyName)

	s.mu.Lock()
	if err == nil {
		s.removeLocked(rec)
	}
	delete(s.busy, rec.KeyName)
	close(done)
	s.mu.Unlock()
	if err != nil {
		return nil, deleteError(fmt.Errorf("ec2: deleting key pair %q: %w", rec.KeyName, err))
	}
	return &DeleteKeyPairOutput{Return: true, KeyPairId: rec.KeyPairId}, nil
}

// deleteError is asAPIError with Delete's wording for cancellation.
func deleteError(err error) error {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &APIError{Code: CodeUnavailable, HTTPStatus: 503, cause: err,
			Message: "The request did not complete; no key pair was deleted."}
	}
	return asAPIError(err)
}
