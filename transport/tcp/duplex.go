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
	name     string
	nc       net.Conn
	duplex   bool          // the peer opened it and reads what is written back
	stop     chan struct{} // closed by halt
	stopOnce sync.Once
	exited   chan struct{} // closed when its reader no longer delivers
}

func newPeerConn(name string, nc net.Conn) *peerConn {
	return &peerConn{name: name, nc: nc, stop: make(chan struct{}), exited: make(chan struct{})}
}

// halt closes the connection and tells its reader to stop delivering.
func (pc *peerConn) halt() {
	pc.stopOnce.Do(func() {
		close(pc.stop)
		pc.nc.Close()
	})
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
// one for peer, or if peer is not a valid name. Close the Conn before the
// Listener.
func (ls *Listener) Dial(ctx context.Context, peer, addr, self string, logger *slog.Logger, opts ...DialOption) *Conn {
	if err := validName(peer); err != nil {
		panic(fmt.Sprintf("tcp: Dial %s: %v", addr, err))
	}
	c := newConn(addr, self, ls.limits, logger, opts)
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

// unlink forgets c, closed.
func (ls *Listener) unlink(c *Conn) {
	ls.mu.Lock()
	if ls.mu.links[c.peer] == c {
		delete(ls.mu.links, c.peer)
	}
	ls.mu.Unlock()
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

// read delivers the frames of pc until it ends or is halted.
func (ls *Listener) read(pc *peerConn, br *bufio.Reader, log *slog.Logger) {
	r := transport.NewReader(br, ls.limits)
	claimed := false
	defer func() {
		if claimed {
			ls.release(pc)
		}
	}()
	for {
		f, err := r.Next()
		if err != nil {
			ls.logEnd(log, pc, err)
			return
		}
		if !claimed {
			if !ls.claim(pc) {
				return
			}
			claimed = true
		}
		if !ls.deliver(pc, f, r.Buffered()) {
			return
		}
	}
}

// claim makes pc the connection its peer's frames come from, once the one
// it replaces has been closed and its reader has stopped, so that a peer's
// frames are never reordered. It reports false if pc was halted meanwhile
// or the Listener closed.
func (ls *Listener) claim(pc *peerConn) bool {
	ls.mu.Lock()
	old := ls.mu.delivering[pc.name]
	ls.mu.delivering[pc.name] = pc
	ls.mu.Unlock()
	if old == nil {
		return true
	}
	old.halt()
	select {
	case <-old.exited:
		return true
	case <-pc.stop:
		return false
	case <-ls.closing:
		return false
	}
}

func (ls *Listener) release(pc *peerConn) {
	ls.mu.Lock()
	if ls.mu.delivering[pc.name] == pc {
		delete(ls.mu.delivering, pc.name)
	}
	ls.mu.Unlock()
}

// deliver hands one frame to the Handler, or a copy of it to Inbound. It
// reports false when the reader should stop.
func (ls *Listener) deliver(pc *peerConn, f transport.Frame, more bool) bool {
	if ls.handle != nil {
		ls.handle(Inbound{From: pc.name, Frame: f}, more)
		select {
		case <-pc.stop:
			return false
		case <-ls.closing:
			return false
		default:
			return true
		}
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
