// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// Inbound is a frame received from a peer, with the peer's hello name.
type Inbound = transport.Inbound

// closeDrain bounds how long Close lets the connections peers opened drain
// after telling the peers it is closing.
const closeDrain = time.Second

// helloTimeout bounds how long a new connection may take to say hello.
const helloTimeout = 10 * time.Second

// inboundBuffer is the capacity of the Inbound channel. Beyond it, the
// connections stop reading, and TCP flow control slows the dialers down.
const inboundBuffer = 256

// readBufSize is the read buffer of each connection.
const readBufSize = 64 << 10

// Handler takes the frames of a Listener made by ListenFunc. It is called
// on the goroutine that reads the frame's connection, one frame at a time
// per connection and in the order the peer sent them; frames of different
// connections may be handed over at the same time. in.Frame.Payload is the
// connection's read buffer: it is valid only until the Handler returns.
// While the Handler runs, its connection reads nothing more, and TCP flow
// control slows the peer down.
//
// more reports that the connection's next frame has already arrived, whole
// and well-formed: the call for it follows at once, so a Handler may put
// off acting on a burst of frames until the call with more false. If the
// connection stops delivering first (it was halted because the peer opened
// another or this side's Conn gave it up, or the Listener is closing), or
// what followed was a keepalive with nothing after it, a call with no frame
// follows instead: a zero Inbound (From "", an empty Frame) and more false. So a call with more true is always followed by
// another on the same goroutine, before Close returns and before another
// connection delivers the peer's frames.
type Handler func(in Inbound, more bool)

// Listener accepts connections from peers and delivers their frames.
type Listener struct {
	ln      net.Listener
	limits  transport.Limits
	tls     *tlsSetup // nil: plaintext
	logger  *slog.Logger
	inbound chan Inbound // nil when handle is set
	handle  Handler
	idle    time.Duration // WithIdleTimeout
	frame   time.Duration // WithFrameTimeout
	stats   listenerCounters

	closing   chan struct{} // closed by Close: stop everything
	closeOnce sync.Once
	wg        sync.WaitGroup // the accept loop and one goroutine per connection
	exited    chan struct{}  // closed once wg is done and inbound closed

	mu struct {
		sync.Mutex
		closed  bool
		drainBy time.Time             // set by Close: when the connections' drain ends
		conns   map[net.Conn]struct{} // every open connection peers opened, for Close
		// dialed are the connections of Conns made by Dial whose readers
		// deliver to this Listener, each counted in wg (see enroll).
		dialed map[net.Conn]struct{}
		// accepted is the newest connection each peer opened.
		accepted map[string]*peerConn
		// delivering is the connection each peer's frames come from now,
		// opened by either side (see claim).
		delivering map[string]*peerConn
		// links are the Conns made by Dial, by peer: they may write on a
		// duplex connection the peer opened.
		links map[string]*Conn
	}
}

// Listen listens on addr (host:port; port 0 picks one, see Addr) and
// serves every connection that opens with a hello. ctx bounds only the
// setting up of the socket, as for net.ListenConfig.Listen. A nil logger
// discards.
//
// Each connection's frames are delivered on Inbound in the order they were
// sent, with their payloads copied. Frames of different peers interleave in
// no particular order. When a peer connects again under the same name (it
// restarted, or its old connection broke without this side noticing), the
// old connection is closed and the new one delivers only once the old one
// has stopped, so a peer's frames are never reordered. Frames the old
// connection had not delivered are lost: the fail-stop prefix of DESIGN §5.
//
// A connection that does not say hello within 10 s, says something else,
// or sends a frame that transport.Reader refuses (too large, malformed) is
// closed and logged at level Error with the peer's name, its address and
// the problem. The Listener keeps serving the others.
func Listen(ctx context.Context, addr string, l transport.Limits, logger *slog.Logger, opts ...ListenOption) (*Listener, error) {
	return newListener(ctx, addr, l, logger, nil, opts)
}

// ListenFunc is Listen, except that the frames go to h, on the goroutine
// that read them, rather than to Inbound, which is nil. It spares each
// frame a copy and a hand-over between goroutines: a node shell whose
// Handler acts on a frame at once answers as soon as the frame arrives.
// ListenFunc panics if h is nil.
func ListenFunc(ctx context.Context, addr string, l transport.Limits, logger *slog.Logger, h Handler, opts ...ListenOption) (*Listener, error) {
	if h == nil {
		panic("tcp: ListenFunc with a nil Handler")
	}
	return newListener(ctx, addr, l, logger, h, opts)
}

func newListener(ctx context.Context, addr string, l transport.Limits, logger *slog.Logger, h Handler, opts []ListenOption) (*Listener, error) {
	o := listenOptions{idle: DefaultIdleTimeout, frame: DefaultFrameTimeout}
	for _, opt := range opts {
		opt.applyListen(&o)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("tcp: listen on %s: %w", addr, err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tcp: listen on %s: %w", addr, err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ls := &Listener{
		ln:      ln,
		limits:  l,
		logger:  logger.With("listener", ln.Addr().String()),
		handle:  h,
		tls:     o.tls,
		idle:    o.idle,
		frame:   o.frame,
		closing: make(chan struct{}),
		exited:  make(chan struct{}),
	}
	if h == nil {
		ls.inbound = make(chan Inbound, inboundBuffer)
	}
	ls.mu.conns = make(map[net.Conn]struct{})
	ls.mu.dialed = make(map[net.Conn]struct{})
	ls.mu.accepted = make(map[string]*peerConn)
	ls.mu.delivering = make(map[string]*peerConn)
	ls.mu.links = make(map[string]*Conn)
	ls.wg.Go(ls.accept)
	go func() { // owned by Close, which waits for exited
		ls.wg.Wait()
		if ls.inbound != nil {
			close(ls.inbound)
		}
		close(ls.exited)
	}()
	return ls, nil
}

// Addr returns the address the Listener listens on.
func (ls *Listener) Addr() net.Addr { return ls.ln.Addr() }

// Inbound returns the channel of received frames. It is closed after Close,
// once every connection has stopped. Read it steadily: while it is full,
// connections stop reading, and their dialers' queues fill up. It is nil
// for a Listener made by ListenFunc.
func (ls *Listener) Inbound() <-chan Inbound { return ls.inbound }

// Close stops accepting, closes every connection peers opened and waits
// until all the Listener's goroutines have exited and Inbound is closed, or
// until ctx ends, whichever is first. Frames not yet received are lost.
// Calling Close again waits again.
//
// A connection peers opened is closed gracefully: Close tells the peer it
// will read no more (a half close) and discards what still arrives until
// the peer closes its side, for up to a second, so that what this side's
// Conns wrote on it reaches the peer rather than being reset.
//
// The Conns made by Dial stay open: they go on writing, and from now on
// discard what their peers write back. Close waits until their readers have
// stopped delivering, so that after it returns nil no Handler call starts
// and nothing is sent on Inbound.
func (ls *Listener) Close(ctx context.Context) error {
	ls.closeOnce.Do(func() {
		// NB: closed is set under mu before the net.Listener closes, so
		// the accept loop, counted in wg, is still running while any
		// enroll may add to wg: no Add races with the Wait that closes
		// Inbound.
		ls.mu.Lock()
		ls.mu.closed = true
		close(ls.closing)
		drainBy := time.Now().Add(closeDrain)
		ls.mu.drainBy = drainBy
		for nc := range ls.mu.conns {
			// Tell the peer, then read what it still sends until it
			// closes too (serve): closing at once with data unread would
			// reset the connection, and what this side's Conns wrote on
			// it and the peer had not yet received would be lost.
			if !halfClose(nc) || nc.SetReadDeadline(drainBy) != nil {
				nc.Close()
			}
		}
		for nc := range ls.mu.dialed {
			// Unblock the read, not the Conn's writes; its reader then
			// goes on discarding (Conn.read).
			if nc.SetReadDeadline(time.Unix(1, 0)) != nil {
				nc.Close()
			}
		}
		ls.mu.Unlock()
		ls.ln.Close()
	})
	select {
	case <-ls.exited:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("tcp: closing listener on %s: %w", ls.ln.Addr(), context.Cause(ctx))
	}
}

func (ls *Listener) isClosing() bool {
	select {
	case <-ls.closing:
		return true
	default:
		return false
	}
}

func (ls *Listener) accept() {
	AcceptLoop(ls.ln, ls.closing, ls.logger, func(nc net.Conn) {
		ls.mu.Lock()
		defer ls.mu.Unlock()
		if ls.mu.closed {
			nc.Close()
			return
		}
		ls.mu.conns[nc] = struct{}{}
		ls.wg.Go(func() { ls.serve(nc) })
	})
}

// serve reads one connection: its hello, then frames until it ends.
func (ls *Listener) serve(nc net.Conn) {
	defer func() {
		nc.Close()
		ls.mu.Lock()
		delete(ls.mu.conns, nc)
		ls.mu.Unlock()
	}()
	remote := nc.RemoteAddr().String()
	nc.SetDeadline(time.Now().Add(helloTimeout))
	secured, w, certName, err := ls.secure(nc)
	if err != nil {
		ls.refuse(remote, err)
		return
	}
	br := bufio.NewReaderSize(secured, readBufSize)
	name, duplex, err := readHello(br)
	if err == nil && ls.tls != nil && name != certName {
		err = fmt.Errorf("impostor: a certificate of %s claims to be %s", certName, name)
	}
	if err != nil {
		ls.refuse(remote, err)
		return
	}
	clearDeadline(nc)
	pc := newPeerConn(name, secured, nc)
	pc.wire = w
	defer close(pc.exited)
	if !ls.accepted(pc, duplex) {
		return
	}
	defer forget(ls, ls.mu.accepted, name, pc)
	ls.stats.accepted.Add(1)
	ls.stats.open.Add(1)
	defer ls.stats.open.Add(-1)
	log := ls.logger.With("peer", name, "remote", remote)
	log.Debug("tcp: peer connected")
	ls.read(pc, br, ls.idle, log)
	if ls.isClosing() {
		// Until the peer closes, or closeDrain (Close): the reader may
		// have moved the deadline Close set.
		ls.mu.Lock()
		nc.SetReadDeadline(ls.mu.drainBy)
		ls.mu.Unlock()
		io.Copy(io.Discard, br)
	}
}

// refuse logs and counts a connection refused before it is served.
func (ls *Listener) refuse(remote string, err error) {
	if ls.isClosing() {
		return
	}
	ls.stats.refused.Add(1)
	ls.logger.Error("tcp: refusing connection", "remote", remote, "err", err)
}

// secure runs the TLS handshake on nc, for a Listener with TLS, and
// returns the connection to read, the wire under it and the name the
// peer's certificate gives; without TLS it returns nc.
func (ls *Listener) secure(nc net.Conn) (net.Conn, *wire, string, error) {
	if ls.tls == nil {
		return nc, nil, "", nil
	}
	// The deadline serve set bounds the handshake; Close ends it sooner.
	tc, w, name, err := ls.tls.accept(context.Background(), nc)
	if err != nil {
		return nil, nil, "", err
	}
	return tc, w, name, nil
}

// tlsOption gives the Conns made by Dial the Listener's TLS.
func (ls *Listener) tlsOption() DialOption {
	return optionFunc(func(o *dialOptions) { o.tls = ls.tls })
}

// accepted records pc as the newest connection its peer opened, closing
// the one it replaces: the peer dials again only when it restarted or lost
// that one, which this side may not have noticed yet. A duplex connection
// is offered to this side's Conn to the peer, which may write on it. It
// reports false if the Listener closed.
func (ls *Listener) accepted(pc *peerConn, duplex bool) bool {
	ls.mu.Lock()
	if ls.mu.closed {
		ls.mu.Unlock()
		return false
	}
	old := ls.mu.accepted[pc.name]
	ls.mu.accepted[pc.name] = pc
	pc.duplex = duplex
	link := ls.mu.links[pc.name]
	ls.mu.Unlock()
	if old != nil {
		ls.logger.Warn("tcp: peer connected again; closing its previous connection",
			"peer", pc.name, "remote", pc.nc.RemoteAddr().String(), "previous", old.nc.RemoteAddr().String())
		old.halt()
	}
	if link != nil && duplex {
		link.nudge()
	}
	return true
}

// logEnd logs why a connection stopped reading, at a level that says
// whose fault it is, and counts those this side closed.
func (ls *Listener) logEnd(log *slog.Logger, pc *peerConn, err error) {
	select {
	case <-ls.closing:
		return
	case <-pc.stop:
		return
	default:
	}
	var fe *transport.FrameError
	switch {
	case err == io.EOF:
		log.Debug("tcp: peer closed the connection")
	case errors.As(err, &fe):
		ls.stats.malformed.Add(1)
		log.Error("tcp: closing connection: bad frame", "err", err)
	case errors.Is(err, errIdle):
		ls.stats.idle.Add(1)
		log.Warn("tcp: closing idle connection", "err", err)
	case errors.Is(err, errStalled):
		ls.stats.stalled.Add(1)
		log.Warn("tcp: closing connection: a frame stalled", "err", err)
	case errors.Is(err, errClosing):
	default:
		log.Warn("tcp: connection lost", "err", err)
	}
}
