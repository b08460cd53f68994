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
	idle       time.Duration
}

// Defaults of the dial options.
const (
	DefaultQueueBytes = 8 << 20
	DefaultMinBackoff = 50 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
	// dialTimeout bounds one connection attempt.
	dialTimeout = 5 * time.Second
)

// Defaults of the timeouts (WithIdleTimeout, WithFrameTimeout).
const (
	DefaultIdleTimeout  = 30 * time.Second
	DefaultFrameTimeout = 10 * time.Second
)

func defaultDialOptions() dialOptions {
	d := &net.Dialer{Timeout: dialTimeout}
	return dialOptions{
		queueBytes: DefaultQueueBytes,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		idle:       DefaultIdleTimeout,
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

// ListenOption configures Listen and ListenFunc.
type ListenOption interface {
	applyListen(*listenOptions)
}

type listenOptions struct {
	tls   *tlsSetup
	idle  time.Duration
	frame time.Duration
}

type listenOptionFunc func(*listenOptions)

func (f listenOptionFunc) applyListen(o *listenOptions) { f(o) }

// IdleOption is both a DialOption and a ListenOption: see WithIdleTimeout.
type IdleOption struct{ d time.Duration }

// WithIdleTimeout sets how long a connection may be silent: d <= 0 means
// DefaultIdleTimeout.
//
// Given to Listen or ListenFunc, it closes a connection a peer opened that
// sends nothing, not even a keepalive, for d after its hello (between d and
// 1.25 d: the deadline is moved lazily), and counts it in
// ListenerStats.Idle; the Conns the Listener's Dial makes take it too.
// Given to Dial, it makes the Conn write a keepalive frame on its
// connection whenever it has written nothing for d/3, so that a peer that
// is live but has nothing to say is not cut. Give both sides the same d.
func WithIdleTimeout(d time.Duration) IdleOption {
	if d <= 0 {
		d = DefaultIdleTimeout
	}
	return IdleOption{d}
}

func (o IdleOption) apply(d *dialOptions)         { d.idle = o.d }
func (o IdleOption) applyListen(l *listenOptions) { l.idle = o.d }

// WithFrameTimeout bounds how long a frame may take to arrive whole once
// its first byte has: a peer that sends part of a frame and stops has its
// connection closed after d, counted in ListenerStats.Stalled, and not
// after the idle timeout. It applies to the connections peers opened and
// to those of the Conns the Listener's Dial makes. d <= 0 means
// DefaultFrameTimeout.
func WithFrameTimeout(d time.Duration) ListenOption {
	if d <= 0 {
		d = DefaultFrameTimeout
	}
	return listenOptionFunc(func(o *listenOptions) { o.frame = d })
}
