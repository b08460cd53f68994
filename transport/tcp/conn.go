// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// Errors returned by Conn.Send.
var (
	// ErrBackpressure is returned by Send when the call's frames do not fit
	// in the Conn's bounded queue (see WithQueueBytes) because the peer is
	// down or slower than the sender. Nothing of the call is queued. The
	// caller decides: retry later (keep the frames for the next tick), drop
	// them (a lossy channel), or give up on the peer.
	ErrBackpressure = errors.New("tcp: send queue full")
	// ErrClosed is returned by Send after Close, or after the context
	// given to Dial ended.
	ErrClosed = errors.New("tcp: connection closed")
)

// Conn is a connection to one peer that keeps itself connected. It is the
// shell's sending side of every channel from this node to that peer.
type Conn struct {
	addr   string
	self   string
	limits transport.Limits
	logger *slog.Logger
	opts   dialOptions
	hello  []byte

	// Set by Listener.Dial: the Listener whose connections the Conn
	// shares, the peer's name, and a nudge when the peer opens one.
	ls    *Listener
	peer  string
	adopt chan struct{} // capacity 1

	wake      chan struct{} // capacity 1: something was queued
	closing   chan struct{} // closed by Close: flush, then stop
	closeOnce sync.Once
	cancel    context.CancelCauseFunc // aborts run: Close's deadline passed
	done      chan struct{}           // closed when run has returned

	mu struct {
		sync.Mutex
		queue   []batch
		closed  bool // Send refuses
		writing bool // serve is writing batches it took from the queue
		// direct writes the connection now up, past its hello; nil while
		// there is none, or where the platform has no direct writes.
		direct *direct
		pc     *peerConn // the connection direct writes
		// spares are buffers Sends encoded into that are written, for
		// the next Sends (see spareLocked).
		spares [][]byte
		// wrote says a Send was taken since the last keepalive tick.
		wrote bool
		// directs counts the Sends written from the caller's goroutine
		// over TLS, for tests.
		directs   int
		stats     Stats
		abortLost int   // frames lost because run was stopped before flushing
		cause     error // what stopped it then
	}
}

// batch is the encoded frames of one Send call: one write.
type batch struct {
	buf    []byte
	frames int
	// pc is set when buf is the tail of a direct write that the socket
	// took only part of, ending inside a frame: buf continues that frame
	// on pc, and is garbage at the start of any other connection. It is
	// written on pc or not at all (see ended).
	pc *peerConn
	// wired is set, with pc and no buf, when Send wrote the batch over
	// TLS itself and pc's wire still holds that many bytes of its sealed
	// records: the writer flushes them.
	wired int
}

// size is what the batch holds, in bytes.
func (b batch) size() int { return len(b.buf) + b.wired }

// Stats describe a Conn's traffic so far.
type Stats struct {
	Connected    bool   // a connection is up now
	Connects     uint64 // connections made
	Sent         uint64 // frames written to a connection without error
	Lost         uint64 // frames in a write that failed, or never written (Close gave up)
	QueuedFrames int    // frames waiting to be written
	QueuedBytes  int    // their encoded size
}

var _ transport.Sender = (*Conn)(nil)

// Dial returns a Conn to the peer listening on addr, introducing itself as
// self (for example "Worker/3": the name the peer's Listener reports as
// Inbound.From). Dial does not wait: a goroutine connects, and reconnects
// whenever the connection fails or the peer closes it, after a backoff that
// doubles from 50 ms to 5 s with jitter (see WithBackoff), so a peer may
// start late or restart. Frames sent meanwhile wait in the queue.
//
// ctx bounds the Conn's life: when it ends, the Conn stops as if Close's
// deadline had passed, dropping what is queued. Close must be called either
// way, to wait for the goroutine. A nil logger discards.
//
// Dial panics if l is not valid or self is not a valid peer name (1 to
// MaxPeerName bytes of UTF-8): both are configuration.
func Dial(ctx context.Context, addr, self string, l transport.Limits, logger *slog.Logger, opts ...DialOption) *Conn {
	c := newConn(addr, self, l, logger, opts)
	c.start(ctx)
	return c
}

// newConn checks Dial's arguments and returns the Conn, not yet started.
func newConn(addr, self string, l transport.Limits, logger *slog.Logger, opts []DialOption) *Conn {
	if err := l.Validate(); err != nil {
		panic(fmt.Sprintf("tcp: Dial %s: %v", addr, err))
	}
	if err := validName(self); err != nil {
		panic(fmt.Sprintf("tcp: Dial %s: %v", addr, err))
	}
	o := defaultDialOptions()
	for _, opt := range opts {
		opt.apply(&o)
	}
	if !o.seeded {
		o.seed = defaultSeed(self, addr)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Conn{
		addr:    addr,
		self:    self,
		limits:  l,
		logger:  logger.With("addr", addr, "self", self),
		opts:    o,
		hello:   appendHello(nil, self, false),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
	}
	return c
}

// start starts the goroutine, owned by Close, which waits for done.
func (c *Conn) start(ctx context.Context) {
	runCtx, cancel := context.WithCancelCause(ctx)
	c.cancel = cancel
	go c.run(runCtx)
}

// Stats returns the Conn's counters.
func (c *Conn) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.stats
}

// Addr returns the address the Conn dials.
func (c *Conn) Addr() string { return c.addr }

// Close stops accepting frames and waits until everything queued has been
// written (reconnecting if need be). It then half-closes the connection
// and waits, up to 2 s, for the peer to close its side, reading what it
// still sends: closing a connection with unread data resets it, and the
// reset would lose what the peer had not yet read. Then it closes the
// connection, waits for the goroutines, and returns nil; if ctx ends while
// it waits for the peer, it stops waiting, and still returns nil.
//
// If ctx ends before everything is written, Close drops what is still
// queued, closes the connection, waits for the goroutines, and returns an
// error that wraps ctx's cause and counts the frames lost; so it does if
// Dial's context ended with frames unsent. Written is not received: a
// frame the peer had not read when it failed is lost without an error
// here.
//
// NB: for a Conn made by Listener.Dial, waiting for the goroutine that
// reads its connection means waiting for the Handler it calls, even past
// ctx: a Handler that blocks delays Close, and one handling a frame from
// this Conn's peer must not call it.
func (c *Conn) Close(ctx context.Context) error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.mu.closed = true
		c.mu.Unlock()
		close(c.closing)
	})
	select {
	case <-c.done:
	case <-ctx.Done():
		c.cancel(context.Cause(ctx))
		<-c.done
	}
	c.cancel(ErrClosed)
	if c.ls != nil {
		forget(c.ls, c.ls.mu.links, c.peer, c)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.abortLost > 0 {
		return fmt.Errorf("tcp: closing connection to %s: stopped before flushing, %d frames lost: %w", c.addr, c.mu.abortLost, c.mu.cause)
	}
	return nil
}

// errPeerClosed is why serve stops when the peer closed the connection.
var errPeerClosed = errors.New("peer closed the connection")

// unreachableFailures is how many dials in a row fail, quietly, before a
// Conn logs that its peer is not reachable: with the default backoff,
// 1.6 to 3 s of trying.
const unreachableFailures = 6

// stableAfter is how long a connection must last for the next reconnect to
// start again from the shortest backoff: a peer that accepts and at once
// closes must not make the Conn redial in a busy loop.
func (c *Conn) stableAfter() time.Duration { return c.opts.maxBackoff }

// run connects, writes, and reconnects until Close has flushed the queue
// or ctx ends.
func (c *Conn) run(ctx context.Context) {
	defer close(c.done)
	defer c.abandon(ctx)
	rng := rand.New(rand.NewPCG(c.opts.seed, 0))
	failures := 0
	for {
		pc := c.connect(ctx, rng, &failures)
		if pc == nil {
			return
		}
		start := time.Now()
		err := c.serve(ctx, pc)
		if err == nil || ctx.Err() != nil {
			return // closing and flushed, or aborted
		}
		if errors.Is(err, errPeerClosed) {
			// What a peer that stops does: not worth a warning.
			c.logger.Debug("tcp: peer closed the connection; reconnecting")
		} else {
			c.logger.Warn("tcp: connection lost; reconnecting", "err", err)
		}
		if time.Since(start) >= c.stableAfter() {
			failures = 0
			continue
		}
		wait := backoff(failures, c.opts.minBackoff, c.opts.maxBackoff, rng)
		failures++
		if c.pause(ctx, wait) {
			return
		}
	}
}

// abandon drops what is still queued when run stops, and refuses Sends.
func (c *Conn) abandon(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.closed = true
	if n := c.mu.stats.QueuedFrames; n > 0 {
		c.mu.stats.Lost += uint64(n)
		c.mu.abortLost += n
	}
	if c.mu.abortLost > 0 {
		c.mu.cause = context.Cause(ctx)
		// Close returns it as an error: its caller knows whether it
		// matters.
		c.logger.Debug("tcp: stopped with frames unsent", "frames", c.mu.abortLost, "err", c.mu.cause)
	}
	c.mu.queue = nil
	c.mu.stats.QueuedBytes, c.mu.stats.QueuedFrames = 0, 0
}

// flushed reports whether Close was called and nothing is left to write.
func (c *Conn) flushed() bool {
	select {
	case <-c.closing:
	default:
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.mu.queue) == 0
}

// connect dials until it gets a connection, or takes one the peer opened
// (Listener.Dial), returning nil if ctx ends or Close finds nothing left to
// write.
func (c *Conn) connect(ctx context.Context, rng *rand.Rand, failures *int) *peerConn {
	for {
		if c.flushed() {
			return nil
		}
		if pc := c.adoptable(); pc != nil {
			c.logger.Debug("tcp: writing on the connection the peer opened")
			return pc
		}
		nc, err := c.opts.dial(ctx, c.addr)
		var secured net.Conn = nc
		var w *wire
		refused := false
		if err == nil && c.opts.tls != nil {
			if secured, w, err = c.opts.tls.dial(ctx, nc, c.peer); err != nil {
				nc.Close()
				refused = true
			}
		}
		if err == nil {
			if *failures > 0 {
				c.logger.Info("tcp: connected", "after_failures", *failures)
			}
			pc := newPeerConn(c.peer, secured, nc)
			pc.wire = w
			return pc
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := backoff(*failures, c.opts.minBackoff, c.opts.maxBackoff, rng)
		// A peer that is starting, or that stopped, refuses the first
		// dials: only one unreachable for a while is worth telling. A
		// peer that fails the TLS handshake is another matter: the
		// fleet is misconfigured, or someone else listens there.
		switch {
		case refused:
			c.logger.Error("tcp: refusing the peer; retrying", "err", err, "failures", *failures+1, "wait", wait)
		case *failures == unreachableFailures:
			c.logger.Info("tcp: peer not reachable; retrying", "err", err, "failures", *failures+1, "wait", wait)
		default:
			c.logger.Debug("tcp: dial failed", "err", err, "failures", *failures+1, "wait", wait)
		}
		*failures++
		if c.pause(ctx, wait) {
			return nil
		}
	}
}

// pause waits for d and reports whether to stop instead: ctx ended, or
// Close was called with nothing left to write.
func (c *Conn) pause(ctx context.Context, d time.Duration) (stop bool) {
	if c.adoptable() != nil {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	closing := c.closing
	for {
		select {
		case <-t.C:
			return false
		case <-c.adopt: // nil unless made by Listener.Dial
			return false
		case <-ctx.Done():
			return true
		case <-closing:
			if c.flushed() {
				return true
			}
			closing = nil // seen: from now on only the timer and ctx count
		}
	}
}

// errHalted ends serve when its connection was halted: a direct write on
// it failed, or the Listener gave it up for one the peer opened since.
var errHalted = errors.New("connection stopped: a write failed, or the peer replaced it")

// lingerTimeout bounds how long a Conn that has written everything waits,
// after half-closing its connection, for the peer to close its side.
const lingerTimeout = 2 * time.Second

// serve says hello on the connection it dialed and writes batches as they
// are queued. It returns nil once Close has been called and the queue is
// empty, or the error that ended the connection.
func (c *Conn) serve(ctx context.Context, pc *peerConn) (err error) {
	nc := pc.nc
	// A read returning means the peer closed the connection (it
	// restarted), and noticing now, rather than at the next write, loses
	// fewer frames. A connection the peer opened is read by the Listener;
	// one this Conn dialed by its reader.
	broken := pc.exited
	var reader sync.WaitGroup
	if !pc.duplex {
		reader.Go(func() {
			defer close(pc.exited)
			c.read(pc)
		})
	}
	stop := context.AfterFunc(ctx, pc.halt) // unblocks a write
	defer func() {
		stop()
		c.ended(pc, ctx.Err() != nil)
		if err == nil && pc.duplex {
			// Closed with everything written on a connection the peer
			// opened: its Listener reads on, and the peer may go on
			// writing on it, so it stays open.
			return
		}
		if err == nil {
			c.linger(ctx, pc)
		}
		pc.halt()
		reader.Wait()
	}()
	c.connected()
	if !pc.duplex {
		if _, err := nc.Write(c.hello); err != nil {
			return fmt.Errorf("saying hello: %w", err)
		}
	}
	c.writeDirect(pc)
	closing := c.closing
	ka := time.NewTicker(c.opts.idle / 3)
	defer ka.Stop()
	var vec [][]byte  // reused: the batches of one write
	var done [][]byte // reused: vec, which writing consumes, for spares
	// Over TLS each write is a record of its own, and a syscall: gather
	// small batches into records of up to 64 KiB.
	var bw *bufio.Writer
	if pc.nc != pc.raw {
		bw = bufio.NewWriterSize(nc, tlsWriteBuf)
	}
	for {
		vec = vec[:0]
		frames, ok := c.take(pc, &vec)
		if !ok {
			return errHalted
		}
		if frames > 0 {
			done = append(done[:0], vec...)
			var err error
			if bw != nil {
				err = writeTLS(bw, vec)
				if err == nil && pc.wire != nil {
					err = pc.wire.flush() // when Send's records are all there is
				}
			} else {
				bufs := net.Buffers(vec)
				_, err = bufs.WriteTo(nc) // one writev for all batches queued
			}
			clear(vec) // drop the written batches for the GC
			c.wrote(frames, err, ctx.Err() != nil, done)
			clear(done)
			if err != nil {
				return fmt.Errorf("writing %d frames (lost): %w", frames, err)
			}
			continue
		}
		if closing == nil {
			return nil // Close was called and everything is written
		}
		select {
		case <-c.wake:
		case <-ka.C:
			if err := c.keepalive(pc); err != nil {
				return fmt.Errorf("writing a keepalive: %w", err)
			}
		case <-closing:
			closing = nil
		case <-broken:
			return errPeerClosed
		case <-pc.stop:
			return errHalted
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// keepalive writes a keepalive frame on pc, and lets the spare buffers
// go, unless a Send was taken since the last call or the writer is busy: a peer's Listener closes a
// connection silent for its idle timeout (WithIdleTimeout), and one call
// every third of it keeps a quiet link open.
func (c *Conn) keepalive(pc *peerConn) error {
	c.mu.Lock()
	if c.mu.wrote || c.mu.writing || len(c.mu.queue) > 0 || pc.halted() {
		c.mu.wrote = false
		c.mu.Unlock()
		return nil
	}
	clear(c.mu.spares) // quiet: the memory is better back with the GC
	c.mu.spares = c.mu.spares[:0]
	c.mu.writing = true // Send queues meanwhile, and serve writes it next
	c.mu.Unlock()
	_, err := pc.nc.Write(keepaliveFrame)
	c.mu.Lock()
	c.mu.writing = false
	c.mu.Unlock()
	return err
}

// read reads the connection the Conn dialed until it ends. A Conn made by
// Listener.Dial delivers what the peer writes back on it through the
// Listener; any other Conn, and one whose Listener is closed, discards it,
// reading only to notice the peer closing the connection.
func (c *Conn) read(pc *peerConn) {
	var r io.Reader = pc.nc
	if c.ls != nil && c.ls.enroll(pc.nc) {
		br := bufio.NewReaderSize(pc.nc, readBufSize)
		c.ls.read(pc, br, 0, c.logger)
		if !c.ls.unenroll(pc.nc) {
			return // the connection ended, or was halted
		}
		// The Listener closed, and ended the read with a deadline (see
		// Listener.Close); the Conn goes on writing on the connection.
		pc.nc.SetReadDeadline(time.Time{})
		r = br
	}
	io.Copy(io.Discard, r)
}

// tlsWriteBuf is the buffer that gathers batches into TLS records.
const tlsWriteBuf = 64 << 10

// writeTLS writes the batches of vec through bw, then flushes it.
func writeTLS(bw *bufio.Writer, vec [][]byte) error {
	for _, b := range vec {
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// take moves every queued batch into vec and returns their frame count. If
// pc was halted it takes nothing and reports false: the batches then go
// out on the next connection, rather than fail on this one and be lost.
// NB: Send halts pc under c.mu when a direct write fails, so no batch
// queued after that write is taken for pc.
func (c *Conn) take(pc *peerConn, vec *[][]byte) (frames int, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pc.halted() {
		return 0, false
	}
	for i, b := range c.mu.queue {
		*vec = append(*vec, b.buf)
		frames += b.frames
		c.mu.queue[i] = batch{}
	}
	c.mu.queue = c.mu.queue[:0]
	c.mu.stats.QueuedBytes, c.mu.stats.QueuedFrames = 0, 0
	c.mu.writing = frames > 0
	return frames, true
}

// wrote records the end of a write of frames in bufs, which Sends may
// encode into again if it succeeded.
func (c *Conn) wrote(frames int, err error, aborted bool, bufs [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.writing = false
	if err == nil {
		for _, b := range bufs {
			c.spareLocked(b)
		}
	}
	if err != nil {
		c.mu.stats.Lost += uint64(frames)
		if aborted {
			c.mu.abortLost += frames
		}
	} else {
		c.mu.stats.Sent += uint64(frames)
	}
}

// connected records that a connection is up, and says so (WithStateFunc).
func (c *Conn) connected() {
	c.mu.Lock()
	c.mu.stats.Connected = true
	c.mu.stats.Connects++
	c.mu.Unlock()
	if c.opts.state != nil {
		c.opts.state(true)
	}
}

// writeDirect lets Send write to pc directly, now that it has said hello.
func (c *Conn) writeDirect(pc *peerConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.direct, c.mu.pc = newDirect(pc.nc), pc
}

// ended records that serve no longer writes on pc, and says so
// (WithStateFunc): from now on Send queues for the next connection. The tail of a frame that Send began
// writing directly on pc, if serve did not write it, is lost: on another
// connection it would start mid-frame and put the peer's Reader out of
// step for good. aborted says run is stopping before flushing.
func (c *Conn) ended(pc *peerConn, aborted bool) {
	if c.opts.state != nil {
		defer c.opts.state(false) // after c.mu is let go
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.direct, c.mu.pc = nil, nil
	c.mu.stats.Connected = false
	kept := c.mu.queue[:0]
	for _, b := range c.mu.queue {
		if b.pc != pc {
			kept = append(kept, b)
			continue
		}
		c.mu.stats.Lost += uint64(b.frames)
		c.mu.stats.QueuedFrames -= b.frames
		c.mu.stats.QueuedBytes -= b.size()
		if aborted {
			c.mu.abortLost += b.frames
		}
	}
	clear(c.mu.queue[len(kept):])
	c.mu.queue = kept
}

// linger half-closes pc, on which everything was written, and waits until
// the peer closes its side too (pc's reader reaches the end), ctx ends, or
// lingerTimeout passes.
//
// NB: closing a socket whose receive buffer holds data not yet read makes
// the kernel reset the connection (RFC 1122 4.2.2.13), and the reset loses
// what this side wrote that the peer had not yet read (the kernel drops
// what it had not sent): frames Stats counted as sent, and Close reported
// flushed. A half-close instead sends them, then the end of the stream;
// once the peer has read to it and closed too, this side has read
// everything, and closes without a reset.
func (c *Conn) linger(ctx context.Context, pc *peerConn) {
	if !halfClose(pc.raw) {
		return // net.Pipe and the like: no reset to avoid
	}
	t := time.NewTimer(lingerTimeout)
	defer t.Stop()
	select {
	case <-pc.exited:
	case <-pc.stop:
	case <-ctx.Done():
	case <-t.C:
	}
}

// adoptable returns the connection the peer opened, for a Conn made by
// Listener.Dial that may write on it.
func (c *Conn) adoptable() *peerConn {
	if c.ls == nil {
		return nil
	}
	return c.ls.adoptable(c.peer)
}

// nudge tells the Conn that the peer opened a connection it may adopt.
func (c *Conn) nudge() {
	select {
	case c.adopt <- struct{}{}:
	default:
	}
}
