// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"slices"
	"testing"

	"github.com/hydro-go/hydro"
)

// TestGridQuorumsIntersect: for every grid up to 4×4, every read quorum
// meets every write quorum, found by trying every set of acceptors; and
// every row is a read quorum, every column a write quorum.
func TestGridQuorumsIntersect(t *testing.T) {
	for rows := 1; rows <= 4; rows++ {
		for cols := 1; cols <= 4; cols++ {
			g := Grid{Rows: rows, Cols: cols}
			var reads, writes []uint64
			for s := uint64(0); s < 1<<g.Size(); s++ {
				if g.read(s) {
					reads = append(reads, s)
				}
				if g.write(s) {
					writes = append(writes, s)
				}
			}
			for _, w := range writes {
				for _, r := range reads {
					if r&w == 0 {
						t.Fatalf("%d×%d: read quorum %b misses write quorum %b", rows, cols, r, w)
					}
				}
			}
			for r := range rows {
				var row []hydro.MemberID[Acceptor]
				for c := range cols {
					row = append(row, hydro.MemberID[Acceptor](r*cols+c))
				}
				if !g.ReadQuorum(row) {
					t.Errorf("%d×%d: row %d %v is not a read quorum", rows, cols, r, row)
				}
			}
			for c := range cols {
				if col := g.Column(c); !g.WriteQuorum(col) {
					t.Errorf("%d×%d: column %d %v is not a write quorum", rows, cols, c, col)
				}
			}
		}
	}
}

// TestGridReadQuorumByCount: in a 2×2 grid, a column is as many acceptors
// as a row but is no read quorum: it misses the other column, a write
// quorum.
func TestGridReadQuorumByCount(t *testing.T) {
	g := Grid{Rows: 2, Cols: 2}
	col := g.Column(0)
	if len(col) != g.Cols {
		t.Fatalf("column 0 = %v; want %d acceptors", col, g.Cols)
	}
	if g.ReadQuorum(col) {
		t.Errorf("ReadQuorum(%v) = true; want false (it misses column %v)", col, g.Column(1))
	}
	if !g.ReadQuorum([]hydro.MemberID[Acceptor]{0, 3}) {
		t.Error("ReadQuorum([0 3]) = false; want true (one acceptor in each column)")
	}
	if g.WriteQuorum([]hydro.MemberID[Acceptor]{0, 1}) {
		t.Error("WriteQuorum([0 1]) = true; want false (a row, no column)")
	}
}

func TestGridCheck(t *testing.T) {
	for _, g := range []Grid{{0, 2}, {2, 0}, {9, 8}} {
		if err := g.check(); err == nil {
			t.Errorf("Grid%v.check() = nil; want an error", g)
		}
	}
	if err := (Grid{8, 8}).check(); err != nil {
		t.Errorf("Grid{8, 8}.check() = %v; want nil", err)
	}
}

// TestProxy: a proxy leader sends a p2a to the column its try picks,
// announces the slot once that whole column accepted at the ballot (not
// for acceptances from two columns), forwards a refusal to the leader,
// ignores a deposed leader's p2a, and forgets an idle slot.
func TestProxy(t *testing.T) {
	g := Grid{Rows: 2, Cols: 2}
	x := newProxy[string](1, g, 2, 2)
	b := Ballot{Num: 2, Proposer: 1}
	a := x.step(proxyEvent[string]{Kind: pxP2a, P2a: toAcceptor[string]{Kind: kindP2a, Ballot: b, Slot: 4, Batch: []string{"v"}}})
	if len(a.ToAcceptors) != 2 || a.ToAcceptors[0].Key != 0 || a.ToAcceptors[1].Key != 2 || a.ToAcceptors[0].Val.From != 1 {
		t.Fatalf("p2a for slot 4, try 0: sent %+v; want acceptors 0 and 2 (column 0), from proxy 1", a.ToAcceptors)
	}
	a = x.step(proxyEvent[string]{Kind: pxP2a, P2a: toAcceptor[string]{Kind: kindP2a, Ballot: b, Slot: 4, Batch: []string{"v"}, Try: 2}})
	if len(a.ToAcceptors) != 2 || a.ToAcceptors[0].Key != 1 || a.ToAcceptors[1].Key != 3 {
		t.Fatalf("p2a for slot 4, try 2: sent %+v; want acceptors 1 and 3 (column 1, once both proxies had column 0)", a.ToAcceptors)
	}
	ack := func(acc hydro.MemberID[Acceptor]) proxyActions[string] {
		return x.step(proxyEvent[string]{Kind: pxP2b, Reply: reply[string]{OK: true, Acceptor: acc, Ballot: b, Max: b, Slot: 4}})
	}
	if a := ack(0); len(a.Commits) != 0 {
		t.Errorf("one acceptance: %+v; want no commit", a)
	}
	if a := ack(3); len(a.Commits) != 0 {
		t.Errorf("acceptances of 0 and 3 (a row's worth, no column): %+v; want no commit", a)
	}
	a = ack(2)
	if len(a.Commits) != 1 || a.Commits[0].Slot != 4 || len(a.Committed) != 1 || a.Committed[0].Key != 1 {
		t.Errorf("column 0 whole: %+v; want slot 4 announced and its commit told to proposer 1", a)
	}
	if a := ack(1); len(a.Commits) != 0 {
		t.Errorf("an acceptance after the commit: %+v; want nothing", a)
	}
	high := Ballot{Num: 3}
	a = x.step(proxyEvent[string]{Kind: pxP2b, Reply: reply[string]{Acceptor: 1, Ballot: b, Max: high, Slot: 5}})
	if len(a.Refusals) != 1 || a.Refusals[0].Key != 1 || a.Refusals[0].Val.Max != high {
		t.Errorf("a refusal: %+v; want it forwarded to proposer 1 with max %v", a, high)
	}
	x.step(proxyEvent[string]{Kind: pxP2a, P2a: toAcceptor[string]{Kind: kindP2a, Ballot: high, Slot: 6}})
	if a := x.step(proxyEvent[string]{Kind: pxP2a, P2a: toAcceptor[string]{Kind: kindP2a, Ballot: b, Slot: 6}}); len(a.ToAcceptors) != 0 {
		t.Errorf("a p2a below the slot's ballot: sent %+v; want nothing", a.ToAcceptors)
	}
	x.step(proxyEvent[string]{Kind: pxTimer})
	x.step(proxyEvent[string]{Kind: pxTimer})
	if len(x.open) != 0 {
		t.Errorf("after two idle periods: open %v; want every slot forgotten", x.open)
	}
}

// TestProposerResends: a leader of a grid leads once its promises hold an
// acceptor of every column, not before, and sends an uncommitted slot
// again every retry periods with the next try, until it is committed.
func TestProposerResends(t *testing.T) {
	p := newProposer[string](testConfig, 0)
	p.retry = 2
	p.read = Grid{Rows: 2, Cols: 2}.ReadQuorum
	for range p.timeout() {
		p.step(event[string]{Kind: evTimer})
	}
	b := p.ballot
	promise := func(acc hydro.MemberID[Acceptor]) {
		p.step(event[string]{Kind: evReply, Reply: reply[string]{P1b: true, OK: true, Acceptor: acc, Ballot: b, Max: b}})
	}
	promise(0)
	promise(2)
	if p.leader {
		t.Fatal("promises of column 0 alone made it lead")
	}
	promise(3)
	if !p.leader {
		t.Fatal("promises of acceptors 0, 2 and 3 (both columns): not leader")
	}
	p.step(event[string]{Kind: evPayloads, Batch: []string{"x"}})
	var tries []uint32
	for range 5 {
		for _, m := range p.step(event[string]{Kind: evTimer}).ToAcceptors {
			tries = append(tries, m.Try)
		}
	}
	if want := []uint32{1, 2}; !slices.Equal(tries, want) {
		t.Errorf("five periods without a commit: sent again with tries %v; want %v", tries, want)
	}
	p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 0, Ballot: b}})
	for range 4 {
		if a := p.step(event[string]{Kind: evTimer}); len(a.ToAcceptors) != 0 {
			t.Errorf("after the commit: sent %+v; want nothing", a.ToAcceptors)
		}
	}
}

// TestRoute: Proxies × Cols tries of a slot take every pair of proxy
// leader and column.
func TestRoute(t *testing.T) {
	for _, pc := range [][2]int{{1, 1}, {2, 2}, {3, 2}, {2, 3}, {4, 4}} {
		for s := range 5 {
			seen := map[[2]int]bool{}
			for try := range pc[0] * pc[1] {
				p, c := route(s, uint32(try), pc[0], pc[1])
				seen[[2]int{p, c}] = true
			}
			if len(seen) != pc[0]*pc[1] {
				t.Errorf("route(%d, 0..%d, %d, %d) took %d pairs; want all %d", s, pc[0]*pc[1]-1, pc[0], pc[1], len(seen), pc[0]*pc[1])
			}
		}
	}
}

// TestProposerAvoidsSuspectRoutes: with four routes, a slot sent again
// makes its first route suspect, so that new slots skip it; a commit on a
// route clears it, and after 10 retry intervals every suspect is
// forgiven.
func TestProposerAvoidsSuspectRoutes(t *testing.T) {
	p := newProposer[string](testConfig, 0)
	p.retry, p.routes, p.suspect = 1, 4, map[int]bool{}
	p.read = Grid{Rows: 2, Cols: 2}.ReadQuorum
	for range p.timeout() {
		p.step(event[string]{Kind: evTimer})
	}
	b := p.ballot
	for _, acc := range []hydro.MemberID[Acceptor]{0, 1} {
		p.step(event[string]{Kind: evReply, Reply: reply[string]{P1b: true, OK: true, Acceptor: acc, Ballot: b, Max: b}})
	}
	if !p.leader {
		t.Fatal("not leader")
	}
	tryOf := func(a actions[string]) []uint32 {
		var ts []uint32
		for _, m := range a.ToAcceptors {
			ts = append(ts, m.Try)
		}
		return ts
	}
	if got := tryOf(p.step(event[string]{Kind: evPayloads, Batch: []string{"a"}})); !slices.Equal(got, []uint32{0}) {
		t.Fatalf("slot 0 sent on tries %v; want [0]", got)
	}
	if got := tryOf(p.step(event[string]{Kind: evTimer})); !slices.Equal(got, []uint32{1}) {
		t.Fatalf("slot 0 sent again on tries %v; want [1] (route 0 now suspect)", got)
	}
	p.step(event[string]{Kind: evPayloads, Batch: []string{"b"}}) // slot 1, route 1
	p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 0, Ballot: b}})
	p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 1, Ballot: b}})
	p.step(event[string]{Kind: evPayloads, Batch: []string{"c"}}) // slot 2, route 2
	p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 2, Ballot: b}})
	// Slot 3 would take route 3, slot 4 route 0: route 0 is suspect.
	p.step(event[string]{Kind: evPayloads, Batch: []string{"d"}})
	p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 3, Ballot: b}})
	if got := tryOf(p.step(event[string]{Kind: evPayloads, Batch: []string{"e"}})); !slices.Equal(got, []uint32{1}) {
		t.Errorf("slot 4 sent on tries %v; want [1], skipping the suspect route 0", got)
	}
	p.step(event[string]{Kind: evCommitted, Key: commitKey{Slot: 4, Ballot: b}})
	for range forgiveRetries {
		p.step(event[string]{Kind: evTimer})
	}
	if got := tryOf(p.step(event[string]{Kind: evPayloads, Batch: []string{"f"}})); len(p.suspect) != 0 || !slices.Equal(got, []uint32{0}) {
		t.Errorf("after %d quiet retry intervals: suspects %v, slot 5 on tries %v; want none, and [0]", forgiveRetries, p.suspect, got)
	}
}
