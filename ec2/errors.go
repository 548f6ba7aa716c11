package ec2

import (
	"context"
	"errors"
)

// Every error CreateKeyPair, ImportKeyPair, DescribeKeyPairs and
// DeleteKeyPair return is an *APIError, whatever the request carries, so an
// endpoint can always answer with its Code, Message and HTTPStatus:
//
//	Code                       HTTP  when
//	MissingParameter           400   KeyName, or ImportKeyPair's PublicKeyMaterial, missing or empty
//	InvalidParameterValue      400   KeyName longer than 255 bytes, with control characters, non-ASCII,
//	                                 or with leading/trailing space; KeyType or KeyFormat outside its enum;
//	                                 a tag ResourceType other than key-pair; a bad tag key or value
//	TagLimitExceeded           400   more than 50 tags
//	DryRunOperation            412   DryRun set and every check passed
//	InvalidKeyPair.Duplicate   400   the name is taken (by a created or an imported key pair)
//	KeyPairLimitExceeded       400   the Service holds Options.MaxKeyPairs key pairs
//	InvalidKey.Format          400   ImportKeyPair material that is not an accepted public key
//	InvalidKeyPair.NotFound    400   DescribeKeyPairs: a name in KeyNames or an id in KeyPairIds is missing
//	InvalidParameterValue      400   DescribeKeyPairs: an unknown filter, one without values, too many
//	MissingParameter           400   DeleteKeyPair without KeyName and KeyPairId
//	Unavailable                503   the context was canceled or its deadline passed before the key pair
//	                                 was stored (checked after validation and DryRun)
//	InternalError              500   a failure no request can cause: a misconfigured Service (RSABits,
//	                                 PPKVersion, a PPKComment hook returning a line break), a failing
//	                                 RSAPool, the system's random source, a failing Store
//
// Nothing is stored when any of them is returned. Unavailable and
// InternalError wrap their cause: errors.Is(err, context.Canceled) and
// errors.Is(err, context.DeadlineExceeded) hold for a canceled request, and
// errors.Unwrap gives an InternalError's cause (for logs; the Message stays
// generic). Both are retryable by design: a client that retries one cannot
// create a second key pair, as nothing was stored.
//
// Choices: a KeyName with any byte below 0x20 or DEL is refused
// (InvalidParameterValue, before the non-ASCII and space checks) with a
// message that does not repeat the name, which could break a log line or
// move a terminal's cursor. Tag keys must be valid UTF-8 without control
// characters; tag values valid UTF-8 without control characters other than
// tab, LF and CR. A rejected enum value or resource type is repeated in the
// message only when it is short printable ASCII.
const (
	CodeUnavailable   = "Unavailable"
	CodeInternalError = "InternalError"
)

// Unwrap returns the cause of an Unavailable or InternalError, else nil.
func (e *APIError) Unwrap() error { return e.cause }

// asAPIError returns err as an *APIError: itself when it is one, Unavailable
// for a context error, InternalError for anything else.
func asAPIError(err error) error {
	var ae *APIError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, context.Canceled):
		return &APIError{Code: CodeUnavailable, HTTPStatus: 503, cause: err,
			Message: "The request was canceled before it completed; no key pair was stored."}
	case errors.Is(err, context.DeadlineExceeded):
		return &APIError{Code: CodeUnavailable, HTTPStatus: 503, cause: err,
			Message: "The request did not complete before its deadline; no key pair was stored."}
	}
	return &APIError{Code: CodeInternalError, HTTPStatus: 500, cause: err,
		Message: "An internal error has occurred."}
}

// printable reports whether s can be repeated in a message: short, printable
// ASCII.
func printable(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
