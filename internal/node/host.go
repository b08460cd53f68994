// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

// Host is the nodes that run in one OS process, each on goroutines of its
// own with its own graph: the members of a cluster co-located so that one
// process uses several cores. Give every one of them the same Host
// (Node.Host). A node sends to a peer the Host names over memory, not
// TCP: its frames are copied, once per tick and peer, into a bounded
// queue the peer's local reader takes them from. It still listens on
// TCP for the peers the Host does not name.
//
// A Host is made before its nodes run, and names them all; its nodes may
// start and stop in any order. It holds no lock on the path of a frame:
// each node keeps its own lock, as over TCP, and between nodes a frame
// crosses one Go channel.
type Host struct {
	slots map[string]*slot
}

// NewHost returns a Host for the nodes named names, with the default
// queue bound (tcp.DefaultQueueBytes) per node. It panics if a name is
// given twice: that is configuration.
func NewHost(names ...string) *Host {
	h := &Host{slots: make(map[string]*slot, len(names))}
	for _, name := range names {
		if h.slots[name] != nil {
			panic(fmt.Sprintf("node: NewHost: %s named twice", name))
		}
		h.slots[name] = &slot{}
	}
	return h
}

// Names returns the names of the Host's nodes, in order.
func (h *Host) Names() []string {
	names := make([]string, 0, len(h.slots))
	for name := range h.slots {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Has reports whether the Host names a node called name.
func (h *Host) Has(name string) bool { return h != nil && h.slots[name] != nil }

// slot is one node's place in a Host: its local queue while it runs, and
// the links to it that want to hear when it starts or stops.
type slot struct {
	in       atomic.Pointer[localQueue]
	connects atomic.Uint64 // times a node took the slot
	mu       struct {
		sync.Mutex
		watchers map[*localLink]func(bool)
	}
}

// moved tells every link watching s that its node is up or down.
func (s *slot) moved(up bool) {
	s.mu.Lock()
	fs := make([]func(bool), 0, len(s.mu.watchers))
	for _, f := range s.mu.watchers {
		fs = append(fs, f)
	}
	s.mu.Unlock()
	for _, f := range fs {
		f(up)
	}
}

// Bounds of a node's local queue: the batches it holds and their payload
// bytes. A batch larger than maxLocalBytes is let in alone, into an empty
// queue, as a TCP Conn lets in one Send larger than its bound.
const (
	maxLocalBatches = 1024
	maxLocalBytes   = tcp.DefaultQueueBytes
	// maxLocalRun bounds the frames, and runLocalBytes their bytes, that
	// a local reader delivers with more set before it lets a tick run,
	// as a TCP reader delivers at most what its read buffer holds.
	maxLocalRun   = 1024
	runLocalBytes = 64 << 10
)

// localQueue is what a running node's co-located peers send it: batches of
// frames, one per Send, in the order they were sent.
type localQueue struct {
	ch    chan localBatch
	bytes atomic.Int64 // payload bytes in ch
	// frames and size count what the node's reader took, for LinkStats.
	frames, size atomic.Uint64
}

// localBatch is the frames of one Send, whose payloads point into one
// buffer the batch owns.
type localBatch struct {
	from   string
	frames []transport.Frame
	size   int64
}

// localLink is a node's sending side to a co-located peer: a tcp.Conn's
// twin in memory.
type localLink struct {
	self   string
	to     *slot
	limits transport.Limits
	sent   atomic.Uint64
	closed atomic.Bool
}

// link returns a link from node self to the co-located node name, calling
// moved (if not nil) whenever that node starts or stops.
func (h *Host) link(self, name string, limits transport.Limits, moved func(bool)) *localLink {
	l := &localLink{self: self, to: h.slots[name], limits: limits}
	if moved != nil {
		l.to.mu.Lock()
		if l.to.mu.watchers == nil {
			l.to.mu.watchers = map[*localLink]func(bool){}
		}
		l.to.mu.watchers[l] = moved
		l.to.mu.Unlock()
	}
	return l
}

// Send copies frames into one batch for the peer's reader. It never
// blocks: if the peer is not running, or its queue is full, it returns
// tcp.ErrBackpressure and queues nothing, as a Conn whose queue is full
// does; the node holds the frames and sends them again (see Bounds).
func (l *localLink) Send(frames ...transport.Frame) error {
	if l.closed.Load() {
		return tcp.ErrClosed
	}
	var size int64
	for _, f := range frames {
		if err := l.limits.CheckFrame(f); err != nil {
			return err
		}
		size += int64(len(f.Payload))
	}
	q := l.to.in.Load()
	if q == nil {
		return tcp.ErrBackpressure
	}
	if n := q.bytes.Add(size); n > maxLocalBytes && n != size {
		q.bytes.Add(-size)
		return tcp.ErrBackpressure
	}
	buf := make([]byte, 0, size)
	b := localBatch{from: l.self, frames: make([]transport.Frame, len(frames)), size: size}
	for i, f := range frames {
		start := len(buf)
		buf = append(buf, f.Payload...)
		b.frames[i] = transport.Frame{Channel: f.Channel, Sender: f.Sender, Payload: buf[start:len(buf):len(buf)]}
	}
	select {
	case q.ch <- b:
		l.sent.Add(uint64(len(frames)))
		return nil
	default:
		q.bytes.Add(-size)
		return tcp.ErrBackpressure
	}
}

// Stats returns the link's state as a Conn's: Connected while the peer
// runs, Connects the times it started, Sent the frames queued for it.
func (l *localLink) Stats() tcp.Stats {
	return tcp.Stats{Connected: l.to.in.Load() != nil, Connects: l.to.connects.Load(), Sent: l.sent.Load()}
}

// Close stops the link's Sends and its reports. What it queued stays for
// the peer's reader, which takes it while the peer runs: co-located nodes
// stop with their process, so there is nothing to wait for.
func (l *localLink) Close(context.Context) error {
	l.closed.Store(true)
	l.to.mu.Lock()
	delete(l.to.mu.watchers, l)
	l.to.mu.Unlock()
	return nil
}

// serve takes the Host's slot of node name and returns its queue. It
// fails if the Host does not name it or another node holds it.
func (h *Host) serve(name string) (*slot, *localQueue, error) {
	s := h.slots[name]
	if s == nil {
		return nil, nil, fmt.Errorf("the Host does not name %s (it names %v)", name, h.Names())
	}
	q := &localQueue{ch: make(chan localBatch, maxLocalBatches)}
	if !s.in.CompareAndSwap(nil, q) {
		return nil, nil, fmt.Errorf("%s already runs on this Host", name)
	}
	s.connects.Add(1)
	s.moved(true)
	return s, q, nil
}

// leave gives up the slot s: links to it see the node down, and their
// Sends are refused.
func (s *slot) leave(q *localQueue) {
	s.in.CompareAndSwap(q, nil)
	s.moved(false)
}

// readLocal is the local reader of a node on a Host: it hands every frame
// its co-located peers queue to receive, as a TCP reader does, with more
// set while more is queued, up to maxLocalRun frames and runLocalBytes
// bytes, so that the frames that arrived together join one tick. It
// returns when ctx ends; what is still queued then is dropped, the
// fail-stop prefix every channel allows.
func (n *node) readLocal(ctx context.Context, q *localQueue) {
	run, runBytes := 0, 0
	for {
		var b localBatch
		select {
		case <-ctx.Done():
			return
		case b = <-q.ch:
		}
		for i, f := range b.frames {
			run++
			runBytes += len(f.Payload)
			// NB: only this goroutine takes from q.ch, so a batch seen
			// queued here is still there for the next loop.
			more := (i < len(b.frames)-1 || len(q.ch) > 0) && run < maxLocalRun && runBytes < runLocalBytes
			if !more {
				run, runBytes = 0, 0
			}
			n.receive(ctx, transport.Inbound{From: b.from, Frame: f}, more)
		}
		q.frames.Add(uint64(len(b.frames)))
		q.size.Add(uint64(b.size))
		q.bytes.Add(-b.size)
	}
}

// peerLink is what a node sends to one peer through: a tcp.Conn, or a
// localLink to a co-located peer.
type peerLink interface {
	Send(frames ...transport.Frame) error
	Stats() tcp.Stats
	Close(ctx context.Context) error
}

var (
	_ peerLink = (*tcp.Conn)(nil)
	_ peerLink = (*localLink)(nil)
)
