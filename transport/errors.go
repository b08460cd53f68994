// SPDX-License-Identifier: Apache-2.0

package transport

import "errors"

// Sentinel errors. Callers branch on them with errors.Is; the errors
// actually returned are *FrameError values that name the problem.
var (
	// ErrFrameTooLarge is matched by the error Reader.Next returns for a
	// length prefix above Limits.MaxFrameBytes (before anything is
	// allocated), by Limits.CheckFrame, and by AppendBatch for a batch of
	// more than Limits.MaxElements items. The link that read such a frame
	// must be closed: what follows the length cannot be trusted.
	ErrFrameTooLarge = errors.New("transport: frame too large")
	// ErrMalformed is matched by the error Reader.Next returns for a frame
	// whose header does not parse, and by the error DecodeBatch returns for
	// a payload that is not a well-formed CBOR array within Limits or does
	// not decode into the requested type.
	ErrMalformed = errors.New("transport: malformed frame")
)

// FrameError is a frame or payload that this process refuses. Reason says
// what is wrong in words fit for a log line; errors.Is matches ErrFrameTooLarge
// or ErrMalformed, and errors.As reaches the codec's own error (for example
// *cbor.MaxNestedLevelError) where there is one.
type FrameError struct {
	Reason string

	kind  error // ErrFrameTooLarge or ErrMalformed
	cause error // the codec's error, if any
}

func (e *FrameError) Error() string { return "transport: " + e.Reason }

// Unwrap returns the sentinel and the underlying cause, if any.
func (e *FrameError) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

func malformed(reason string) *FrameError {
	return &FrameError{Reason: reason, kind: ErrMalformed}
}
