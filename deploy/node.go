// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

// Node is one running copy of a location in a deployment: its name in the
// fleet, where it listens, and where its peers listen.
type Node struct {
	// Name identifies the node in the fleet, "Leader" or "Worker/3"; peers
	// see it as the sender of every frame.
	Name string
	// Addr is the host:port the node listens on.
	Addr string
	// Peers maps every node's name to its address.
	Peers map[string]string
	// Limits bound what the node accepts from the network.
	Limits transport.Limits
	// Logger receives the node's logs; nil discards.
	Logger *slog.Logger
	// Ports maps the names of the external ports the node serves to the
	// addresses to listen on; a port without one listens on 127.0.0.1 and
	// a free port, and logs it.
	Ports map[string]string
}

// NameOf returns the fleet name of a copy of a location: the location's name
// for a process, the name and the member index for a cluster member.
func NameOf(d ir.Dest) string {
	if d.Loc.Kind == ir.Cluster {
		return fmt.Sprintf("%s/%d", d.Loc.Name, d.Member)
	}
	return d.Loc.Name
}

// Run drives one compiled graph until ctx ends: it listens for its peers'
// frames, runs a tick whenever frames arrive or a timer fires (and the first
// tick at once), and after every tick sends each peer, in one write, what
// the tick addressed to it. A frame that cannot be decoded is logged with
// its peer and dropped; the node keeps serving. Run returns nil when ctx is
// cancelled, after closing every connection.
//
// Run also serves the graph's external ports, each on its own listener at
// the address self.Ports gives it: clients' messages join the next tick,
// and what a tick sends them is written after it, one write per client. A
// client that sends a message too large or undecodable is closed and
// logged; the others are served on.
func Run(ctx context.Context, g *compile.Graph, self Node, members func(*ir.Location) []uint32) (err error) {
	log := self.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := tcp.Listen(ctx, self.Addr, self.Limits, log)
	if err != nil {
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	n := &node{g: g, self: self, log: log, conns: map[string]*tcp.Conn{}, out: map[string][]transport.Frame{}}
	defer func() {
		// Give each connection a moment to deliver the last tick's
		// messages; a peer already gone loses them, which is the fail-stop
		// prefix every channel allows, not an error of this node.
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for name, c := range n.conns {
			if cerr := c.Close(cctx); cerr != nil {
				log.Warn("messages not delivered before stopping", "peer", name, "err", cerr)
			}
		}
		lctx, lcancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer lcancel()
		err = errors.Join(err, ln.Close(lctx))
	}()
	if n.ports, err = servePorts(ctx, g.Ports, self.Ports, log); err != nil {
		return fmt.Errorf("deploy: %s: %w", self.Name, err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = errors.Join(err, n.ports.close(cctx))
	}()

	// Timers: one goroutine per timer, owned here.
	fires := make(chan int)
	tctx, stopTimers := context.WithCancel(ctx)
	done := make(chan struct{})
	running := len(g.Timers)
	for i, t := range g.Timers {
		go func() {
			defer func() { done <- struct{}{} }()
			tk := time.NewTicker(time.Duration(t.Period))
			defer tk.Stop()
			for {
				select {
				case <-tctx.Done():
					return
				case <-tk.C:
					select {
					case fires <- i:
					case <-tctx.Done():
						return
					}
				}
			}
		}()
	}
	defer func() {
		stopTimers()
		for range running {
			<-done
		}
	}()

	for _, m := range g.Membership {
		for _, id := range members(m.Cluster) {
			m.Push(id, true)
		}
	}
	start := time.Now()
	n.runTicks(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case in, ok := <-ln.Inbound():
			if !ok {
				return nil
			}
			n.deliver(in)
		case i := <-fires:
			g.Timers[i].Push(int64(time.Since(start)))
		case ev := <-n.ports.events:
			n.ports.handle(ev)
		}
		// Take whatever else is already here into the same tick.
	more:
		for range 1024 {
			select {
			case in, ok := <-ln.Inbound():
				if !ok {
					break more
				}
				n.deliver(in)
			default:
				break more
			}
		}
		n.ports.takeReady()
		n.runTicks(ctx)
		if n.ports.settle() {
			n.runTicks(ctx)
		}
	}
}

type node struct {
	g     *compile.Graph
	self  Node
	log   *slog.Logger
	conns map[string]*tcp.Conn
	out   map[string][]transport.Frame
	order []string
	retry []string // peers whose frames were refused, sent first next time
	ports *ports
}

func (n *node) deliver(in transport.Inbound) {
	box, ok := n.g.Inboxes[in.Frame.Channel]
	if !ok {
		n.log.Error("frame for an unknown channel dropped", "peer", in.From, "channel", in.Frame.Channel)
		return
	}
	if box.From != nil {
		if want := NameOf(ir.Dest{Loc: box.From, Member: in.Frame.Sender}); in.From != want {
			n.log.Error("frame from the wrong peer dropped", "peer", in.From, "claims", want, "channel", in.Frame.Channel)
			return
		}
	}
	if err := box.Deliver(in.Frame.Sender, in.Frame.Payload); err != nil {
		n.log.Error("undecodable frame dropped", "peer", in.From, "channel", in.Frame.Channel, "err", err)
	}
}

// runTicks runs ticks while the graph has work, sending after each.
func (n *node) runTicks(ctx context.Context) {
	for {
		for _, f := range n.g.Feeders {
			f()
		}
		n.g.Graph.RunTick()
		n.flush(ctx)
		if !n.g.Graph.Pending() || ctx.Err() != nil {
			return
		}
	}
}

// flush sends every peer what the tick addressed to it, in one write. What a
// peer's connection refuses (its queue is full) is kept and sent first next
// time, so that a channel never skips messages and then delivers later ones.
func (n *node) flush(ctx context.Context) {
	n.order = append(n.order[:0], n.retry...)
	n.retry = n.retry[:0]
	for _, o := range n.g.Outboxes {
		err := o.Flush(func(to ir.Dest, payload []byte) error {
			name := NameOf(to)
			if len(n.out[name]) == 0 {
				n.order = append(n.order, name)
			}
			n.out[name] = append(n.out[name], transport.Frame{Channel: o.Channel, Sender: n.g.Dest.Member, Payload: append([]byte(nil), payload...)})
			return nil
		})
		if err != nil {
			n.log.Error("cannot encode a message", "err", err)
		}
	}
	for _, name := range n.order {
		frames := n.out[name]
		c, err := n.conn(ctx, name)
		if err != nil {
			n.log.Error("message to an unknown node dropped", "peer", name, "err", err)
			n.out[name] = frames[:0]
			continue
		}
		if err := c.Send(frames...); err != nil {
			n.log.Warn("messages held for the next tick", "peer", name, "frames", len(frames), "err", err)
			n.retry = append(n.retry, name)
			continue
		}
		clear(frames)
		n.out[name] = frames[:0]
	}
	n.ports.flush()
}

func (n *node) conn(ctx context.Context, name string) (*tcp.Conn, error) {
	if c, ok := n.conns[name]; ok {
		return c, nil
	}
	addr, ok := n.self.Peers[name]
	if !ok {
		return nil, fmt.Errorf("deploy: no address for %s", name)
	}
	// The connection outlives ctx by the moment Run's shutdown gives it to
	// deliver the last messages.
	c := tcp.Dial(context.WithoutCancel(ctx), addr, n.self.Name, n.self.Limits, n.log)
	n.conns[name] = c
	return c, nil
}
