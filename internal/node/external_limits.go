// SPDX-License-Identifier: Apache-2.0

package node

import (
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// PortLimits bound what a node's external ports take and hold; a zero
// field takes its default. The package's Limits section says what each
// bound does when it is reached.
type PortLimits struct {
	// MaxClients bounds the clients one port serves at once
	// (DefaultMaxClients). Beyond it the port accepts no more: new
	// connections wait in the kernel's accept queue until a client leaves.
	MaxClients int
	// ClientQueueBytes bounds the bytes queued for one client
	// (DefaultClientQueueBytes). Past half of it the node stops reading
	// that client; a message that would take it past the bound closes the
	// client as too slow.
	ClientQueueBytes int
	// PortQueueBytes bounds the bytes queued for all the clients of one
	// port together (DefaultPortQueueBytes). Past half of it the node
	// stops reading the port's clients; past the bound it takes no input
	// until the writers are under it, for up to 1 s, and then closes the
	// clients with the longest queues until it is under.
	PortQueueBytes int
	// FrameTimeout is how long a client may take to finish a message it
	// started (DefaultFrameTimeout); then the port closes it.
	FrameTimeout time.Duration
	// IdleTimeout, if positive, closes a client that sent nothing for
	// that long. Off by default: a client may only listen.
	IdleTimeout time.Duration
	// Linger is how long a client that half-closed (it sends no more) is
	// kept open for answers after the last one queued for it
	// (DefaultLinger); then the port closes it.
	Linger time.Duration
	// AuthTimeout is how long a client may take over the port's TLS
	// handshake and its AUTH line (PortSecurity), and over reading the
	// port's OK (DefaultAuthTimeout); then the port closes it.
	AuthTimeout time.Duration
	// AcceptRate, if positive, bounds the connections one port takes in
	// per second, with bursts of up to AcceptBurst (at least 1; AcceptRate
	// rounded up if zero). Beyond it new connections wait in the kernel's
	// accept queue (PortCounts.RateLimited). Off by default.
	AcceptRate  float64
	AcceptBurst int
}

// Defaults of PortLimits.
const (
	DefaultMaxClients       = 1024
	DefaultClientQueueBytes = 4 << 20
	DefaultPortQueueBytes   = 64 << 20
	DefaultFrameTimeout     = 10 * time.Second
	DefaultLinger           = time.Second
	DefaultAuthTimeout      = 10 * time.Second
)

// withDefaults fills in the zero fields.
func (l PortLimits) withDefaults() PortLimits {
	if l.MaxClients <= 0 {
		l.MaxClients = DefaultMaxClients
	}
	if l.ClientQueueBytes <= 0 {
		l.ClientQueueBytes = DefaultClientQueueBytes
	}
	if l.PortQueueBytes <= 0 {
		l.PortQueueBytes = DefaultPortQueueBytes
	}
	if l.FrameTimeout <= 0 {
		l.FrameTimeout = DefaultFrameTimeout
	}
	if l.Linger <= 0 {
		l.Linger = DefaultLinger
	}
	if l.AuthTimeout <= 0 {
		l.AuthTimeout = DefaultAuthTimeout
	}
	if l.AcceptRate > 0 && l.AcceptBurst <= 0 {
		l.AcceptBurst = int(math.Ceil(l.AcceptRate))
	}
	return l
}

// Bounds of the port shell that are not configured.
const (
	// portEvents is the capacity of the channel from the clients' readers
	// to the loop. Beyond it, readers wait, and TCP slows the clients down.
	portEvents = 256
	// maxEventBytes bounds the bytes of the messages on their way from
	// the clients' readers to the loop, for all ports of a node; a reader
	// with a message past it waits. A larger message goes alone.
	maxEventBytes = 4 << 20
	// keepBuf is the largest buffer a reader or writer keeps for its next
	// message once it is done with one: larger ones go back to the GC.
	keepBuf = 64 << 10
	// portWait is how long a port over PortQueueBytes holds the node
	// back before it closes its slowest clients.
	portWait = time.Second
)

// PortStats counts, per port, what a node's ports did at their bounds.
// Run fills it in (Node.PortStats); read it from any goroutine.
type PortStats struct {
	mu    sync.Mutex
	ports map[string]*PortCounts
}

// PortCounts are one port's counters.
type PortCounts struct {
	// Clients is the number of clients the port serves now.
	Clients atomic.Int64
	// Accepted counts the clients taken in.
	Accepted atomic.Uint64
	// Refused counts the connections closed in the port's TLS handshake:
	// it failed (a plaintext client, no client certificate or one of
	// another CA) or took longer than AuthTimeout.
	Refused atomic.Uint64
	// AuthFailed counts the connections closed for their AUTH line:
	// missing, malformed or with a wrong token.
	AuthFailed atomic.Uint64
	// BytesIn and BytesOut count the bytes read from clients and written
	// to them (after TLS: the messages and their framing).
	BytesIn, BytesOut atomic.Uint64
	// Slow counts the clients closed because their queue, or the port's,
	// passed its bound.
	Slow atomic.Uint64
	// TimedOut counts the clients closed because they stalled inside a
	// message (FrameTimeout) or sent nothing (IdleTimeout).
	TimedOut atomic.Uint64
	// Dropped counts the messages for clients already gone.
	Dropped atomic.Uint64
	// Paused counts the times a client's reader stopped reading for want
	// of room in a queue.
	Paused atomic.Uint64
	// Full counts the times the port stopped accepting at MaxClients.
	Full atomic.Uint64
	// RateLimited counts the times the port stopped accepting at
	// AcceptRate.
	RateLimited atomic.Uint64
	// QueuedPeak is the most bytes queued for the port's clients at once.
	QueuedPeak atomic.Int64
}

// Port returns the counters of the port named name.
func (s *PortStats) Port(name string) *PortCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ports == nil {
		s.ports = map[string]*PortCounts{}
	}
	pc, ok := s.ports[name]
	if !ok {
		pc = &PortCounts{}
		s.ports[name] = pc
	}
	return pc
}

// Each calls f with each port's name and counters, in the order of the
// names.
func (s *PortStats) Each(f func(name string, pc *PortCounts)) {
	s.mu.Lock()
	names := slices.Sorted(maps.Keys(s.ports))
	pcs := make([]*PortCounts, len(names))
	for i, n := range names {
		pcs[i] = s.ports[n]
	}
	s.mu.Unlock()
	for i, n := range names {
		f(n, pcs[i])
	}
}

func (pc *PortCounts) notePeak(n int64) {
	for {
		old := pc.QueuedPeak.Load()
		if n <= old || pc.QueuedPeak.CompareAndSwap(old, n) {
			return
		}
	}
}

// budget bounds the bytes of messages in flight from readers to the loop.
type budget struct {
	mu      sync.Mutex
	used    int
	waiting int
	freed   chan struct{} // closed and replaced when bytes come back
}

// acquire takes n bytes, waiting while that would pass maxEventBytes (a
// larger message goes alone, into an empty budget), or until stop is
// closed, when it reports false.
func (b *budget) acquire(n int, stop <-chan struct{}) bool {
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+n <= maxEventBytes {
			b.used += n
			b.mu.Unlock()
			return true
		}
		if b.freed == nil {
			b.freed = make(chan struct{})
		}
		ch := b.freed
		b.waiting++
		b.mu.Unlock()
		select {
		case <-ch:
		case <-stop:
		}
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
		select {
		case <-stop:
			return false
		default:
		}
	}
}

func (b *budget) release(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.waiting > 0 && b.freed != nil {
		close(b.freed)
		b.freed = nil
	}
}
