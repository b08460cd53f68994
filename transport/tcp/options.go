// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"context"
	"net"
	"time"
)

// DialOption configures Dial.
type DialOption interface {
	apply(*dialOptions)
}

type dialOptions struct {
	queueBytes int
	minBackoff time.Duration
	maxBackoff time.Duration
	seed       uint64
	seeded     bool
	dial       func(ctx context.Context, addr string) (net.Conn, error)
	state      func(up bool)
	tls        *tlsSetup // nil: plaintext
}

// Defaults of the dial options.
const (
	DefaultQueueBytes = 8 << 20
	DefaultMinBackoff = 50 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
	// dialTimeout bounds one connection attempt.
	dialTimeout = 5 * time.Second
)

func defaultDialOptions() dialOptions {
	d := &net.Dialer{Timeout: dialTimeout}
	return dialOptions{
		queueBytes: DefaultQueueBytes,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		dial: func(ctx context.Context, addr string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", addr)
		},
	}
}

type optionFunc func(*dialOptions)

func (f optionFunc) apply(o *dialOptions) { f(o) }

// WithQueueBytes bounds the bytes of encoded frames a Conn queues while it
// waits to write them (default DefaultQueueBytes). Send refuses a call that
// would exceed it with ErrBackpressure, except into an empty queue, so that
// any frame within the Limits can be sent. n < 1 means the default.
func WithQueueBytes(n int) DialOption {
	return optionFunc(func(o *dialOptions) {
		if n >= 1 {
			o.queueBytes = n
		}
	})
}

// WithBackoff sets the wait after the first failed dial (lo) and its cap
// (hi); each failure in a row doubles it, and each wait is jittered down by
// up to half. Defaults DefaultMinBackoff, DefaultMaxBackoff. Values below
// one millisecond, or hi < lo, are raised to that.
func WithBackoff(lo, hi time.Duration) DialOption {
	return optionFunc(func(o *dialOptions) {
		o.minBackoff = max(lo, time.Millisecond)
		o.maxBackoff = max(hi, o.minBackoff)
	})
}

// WithSeed seeds the Conn's backoff jitter. By default the seed is derived
// from the dialer's name and the address, so runs are repeatable and
// different dialers of one peer are decorrelated.
func WithSeed(seed uint64) DialOption {
	return optionFunc(func(o *dialOptions) { o.seed, o.seeded = seed, true })
}

// WithDialFunc replaces the function that opens a connection to addr
// (default: a net.Dialer over TCP with a 5 s timeout). Tests use it to run
// a Conn over net.Pipe.
func WithDialFunc(dial func(ctx context.Context, addr string) (net.Conn, error)) DialOption {
	return optionFunc(func(o *dialOptions) {
		if dial != nil {
			o.dial = dial
		}
	})
}

// WithStateFunc makes the Conn call f each time a connection comes up
// (true) or goes down (false), once Stats says so: a shell learns from it
// that its peer started, stopped or restarted, without polling Stats. The
// calls come from the Conn's goroutine, one at a time and in order, up and
// down alternating, starting with up. f must return promptly and must not
// call the Conn's Close.
func WithStateFunc(f func(up bool)) DialOption {
	return optionFunc(func(o *dialOptions) { o.state = f })
}
