// SPDX-License-Identifier: Apache-2.0

package node

import (
	"sync"
	"sync/atomic"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// View is a node's view of the members of the clusters it talks to: which
// it sees as left (see the package's Failure detection section), for the
// send side's routing, and what it dropped for them. Run keeps it up to
// date (Node.View). Its methods may be called from any goroutine.
type View struct {
	size    func(*ir.Location) int
	dropped atomic.Uint64
	held    atomic.Int64 // the most bytes held for one peer
	// resized (capacity 1) tells Run that Resize changed a size.
	resized chan struct{}
	mu      struct {
		sync.Mutex
		left map[string]bool
		// sizes are the sizes Resize set, which override size's.
		sizes map[*ir.Location]int
	}
}

// NewView returns a View of clusters whose sizes size gives (1 if nil),
// with every member up.
func NewView(size func(*ir.Location) int) *View {
	if size == nil {
		size = func(*ir.Location) int { return 1 }
	}
	return &View{size: size, resized: make(chan struct{}, 1)}
}

// Members returns the members of l not seen as left, in order: a
// compile.Env.Members.
func (v *View) Members(l *ir.Location) []uint32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := v.sizeLocked(l)
	ms := make([]uint32, 0, n)
	for i := range n {
		if !v.mu.left[NameOf(compile.Dest{Loc: l, Member: uint32(i)})] {
			ms = append(ms, uint32(i))
		}
	}
	return ms
}

// Dropped returns how many messages the node dropped because their member
// was seen as left: those it held for it and those sent to it since. A
// frame carries a batch of messages (one channel's, for one tick): each
// counts.
func (v *View) Dropped() uint64 { return v.dropped.Load() }

func (v *View) set(name string, left bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.mu.left == nil {
		v.mu.left = map[string]bool{}
	}
	if left {
		v.mu.left[name] = true
	} else {
		delete(v.mu.left, name)
	}
}

// HeldPeak returns the most payload bytes the node has held at once for
// one peer whose Conn refused them (see Node.MaxHeldBytes).
func (v *View) HeldPeak() int { return int(v.held.Load()) }

func (v *View) noteHeld(n int) {
	for {
		old := v.held.Load()
		if int64(n) <= old || v.held.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}
