// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// Duplex links. A Conn made by Listener.Dial shares its Listener's
// connections: frames the peer writes on the Conn's own connection are
// delivered like those of the connections the peer opened, and when the peer
// has opened a connection to this side, the Conn writes on that one instead
// of dialing. Two nodes that talk both ways then share one TCP connection,
// whose acknowledgements ride on the answers.
//
// A Conn keeps the connection it has until that one fails; each side may
// have dialed at once, and then each direction has a connection of its own.
// A peer's frames come from one connection at a time (claim): when they
// start coming from another, the peer gave up the first, which is closed,
// and its reader has stopped before the other delivers.

// peerConn is a connection to a peer past the hello: one the peer opened,
// or a Conn's own.
type peerConn struct {
	name string
	nc   net.Conn // what frames are read from and written to
	// raw is the TCP connection under nc, nc itself without TLS: it is
	// what halt closes and halfClose half-closes, which never wait for
	// the peer (a TLS close would send an alert, and wait while the
	// socket is full).
	raw net.Conn
	// wire is the TCP connection as TLS writes to it, nil without TLS.
	wire     *wire
	duplex   bool          // the peer opened it and reads what is written back
	stop     chan struct{} // closed by halt
	stopOnce sync.Once
	// exited is closed when its reader has returned: the connection
	// ended or was halted, and nothing more is delivered from it. (A
	// Conn's reader stops delivering when the Listener closes, but reads
	// on, to notice the end.)
	exited chan struct{}
}

func newPeerConn(name string, nc, raw net.Conn) *peerConn {
	return &peerConn{name: name, nc: nc, raw: raw, stop: make(chan struct{}), exited: make(chan struct{})}
}

// halt closes the connection and tells its reader to stop delivering.
func (pc *peerConn) halt() {
	pc.stopOnce.Do(func() {
		close(pc.stop)
		pc.raw.Close()
	})
}

// halfClose ends the writing half of nc, telling the peer that nothing
// more comes, and reports whether nc could do that (a TCP connection can;
// net.Pipe cannot).
func halfClose(nc net.Conn) bool {
	cw, ok := nc.(interface{ CloseWrite() error })
	return ok && cw.CloseWrite() == nil
}

func (pc *peerConn) halted() bool {
	select {
	case <-pc.stop:
		return true
	default:
		return false
	}
}

// Dial is like the package's Dial, for the peer named peer at addr, but
// the Conn shares the Listener's connections (see above): what the peer
// writes on the Conn's connection is delivered as if it had come to the
// Listener, with peer as its Inbound.From, and the Conn writes on a
// connection the peer opened to this Listener when there is one. The hello
// tells the peer's Listener that this side reads too.
//
// There is one such Conn per peer: Dial panics if the Listener already has
// one for peer, or if peer is not a valid name.
//
// Close the Conn before the Listener, so that what the peer writes back
// until then is delivered; once the Listener is closed, the Conn goes on
// writing and discards what it reads. NB: the goroutine that reads the
// Conn's connection calls the Handler, and Conn.Close waits for it, even
// past its ctx: a Handler that blocks delays Close of the Conn to the peer
// whose frames it handles, and a Handler must not Close the Conn to the
// peer whose frame it is handling: Close would wait for the Handler to
// return.
func (ls *Listener) Dial(ctx context.Context, peer, addr, self string, logger *slog.Logger, opts ...DialOption) *Conn {
	if err := validName(peer); err != nil {
		panic(fmt.Sprintf("tcp: Dial %s: %v", addr, err))
	}
	c := newConn(addr, self, ls.limits, logger, append([]DialOption{ls.tlsOption(), WithIdleTimeout(ls.idle)}, opts...))
	c.ls, c.peer, c.adopt = ls, peer, make(chan struct{}, 1)
	c.hello = appendHello(nil, self, true)
	c.logger = c.logger.With("peer", peer)
	ls.mu.Lock()
	if ls.mu.links[peer] != nil {
		ls.mu.Unlock()
		panic(fmt.Sprintf("tcp: Dial %s: the Listener already has a Conn to %s", addr, peer))
	}
	ls.mu.links[peer] = c
	ls.mu.Unlock()
	c.start(ctx)
	return c
}

// forget deletes m[name], a map of ls.mu, if it still holds v: when a
// connection or Conn goes, the entry that replaced it meanwhile stays.
func forget[V comparable](ls *Listener, m map[string]V, name string, v V) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if m[name] == v {
		delete(m, name)
	}
}

// adoptable returns the duplex connection peer opened, if it is up and no
// Conn gave it up.
func (ls *Listener) adoptable(peer string) *peerConn {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	pc := ls.mu.accepted[peer]
	if pc == nil || !pc.duplex || pc.halted() {
		return nil
	}
	return pc
}

// enroll counts the reader of a connection a Conn dialed among the
// Listener's goroutines, which Close waits for, and reports true; once the
// Listener is closed it reports false and the reader must not deliver.
func (ls *Listener) enroll(nc net.Conn) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.mu.closed {
		return false
	}
	ls.mu.dialed[nc] = struct{}{}
	ls.wg.Add(1) // NB: under mu with closed false; see Close
	return true
}

// unenroll undoes enroll once the reader has stopped delivering, and
// reports whether the Listener is closed.
func (ls *Listener) unenroll(nc net.Conn) (closed bool) {
	ls.mu.Lock()
	delete(ls.mu.dialed, nc)
	closed = ls.mu.closed
	ls.mu.Unlock()
	ls.wg.Done()
	return closed
}

// read delivers the frames of pc until it ends or is halted, or the
// Listener closes, holding it to the frame timeout and to idle (none if 0).
func (ls *Listener) read(pc *peerConn, br *bufio.Reader, idle time.Duration, log *slog.Logger) {
	r := transport.NewReader(br, ls.limits)
	p := pacer{nc: pc.raw, br: br, r: r, idle: idle, frame: ls.frame, closing: ls.closing}
	claimed := false
	promised := false // the Handler was last called with more true
	for {
		err := p.wait()
		var f transport.Frame
		if err == nil {
			f, err = r.Next()
		}
		if err != nil {
			ls.logEnd(log, pc, p.explain(err))
			break
		}
		if f.Channel == keepaliveChannel {
			ls.stats.keepalives.Add(1)
			if promised && !r.Buffered() {
				// No frame follows at once after all: keep the
				// promise with a call that has none (see Handler).
				ls.handle(Inbound{}, false)
				promised = false
			}
			continue
		}
		if !claimed {
			claimed = true
			if !ls.claim(pc) {
				break
			}
		}
		ls.stats.frames.Add(1)
		ls.stats.bytes.Add(uint64(transport.EncodedLen(f)))
		more := r.Buffered()
		ok := ls.deliver(pc, f, more)
		promised = more && ls.handle != nil
		if !ok {
			break
		}
	}
	if promised {
		// The frame more announced will not be delivered: keep the
		// promise with a call that has none (see Handler).
		ls.handle(Inbound{}, false)
	}
	if claimed {
		forget(ls, ls.mu.delivering, pc.name, pc)
	}
}

// claim makes pc the connection its peer's frames come from, once the one
// it replaces has been closed and its reader has stopped, so that a peer's
// frames are never reordered. It reports false if pc was halted meanwhile
// or the Listener closed.
//
// NB: a halted pc still waits for the connection it replaces. The one that
// claims after pc waits only for pc to exit, so if pc exited at once, that
// one could deliver while pc's predecessor still does: O's reader in the
// Handler, P waiting for O, Q halting P and waiting for P.
func (ls *Listener) claim(pc *peerConn) bool {
	ls.mu.Lock()
	old := ls.mu.delivering[pc.name]
	ls.mu.delivering[pc.name] = pc
	ls.mu.Unlock()
	if old != nil {
		old.halt()
		select {
		case <-old.exited:
		case <-ls.closing:
			return false
		}
	}
	return !pc.halted()
}

// deliver hands one frame to the Handler, or a copy of it to Inbound. It
// reports false when the reader should stop.
func (ls *Listener) deliver(pc *peerConn, f transport.Frame, more bool) bool {
	if ls.handle != nil {
		ls.handle(Inbound{From: pc.name, Frame: f}, more)
		return !pc.halted() && !ls.isClosing()
	}
	f.Payload = bytes.Clone(f.Payload) // the Reader reuses its buffer
	select {
	case ls.inbound <- Inbound{From: pc.name, Frame: f}:
		return true
	case <-pc.stop:
		return false
	case <-ls.closing:
		return false
	}
}
