// SPDX-License-Identifier: Apache-2.0

package paxos

import (
	"fmt"

	"github.com/hydro-go/hydro"
)

// Grid arranges the acceptors of compartmentalized Paxos in Rows × Cols:
// acceptor row*Cols + col sits in row row and column col.
//
// The quorums are those of Whittaker et al. ("Scaling Replicated State
// Machines with Compartmentalization", §3.2), which follow Flexible Paxos:
// every column is a write quorum (phase 2), and every row is a read quorum
// (phase 1). More generally a read quorum is any set of acceptors that
// holds at least one acceptor of every column; every row is such a set.
// A read quorum therefore meets every write quorum, which is what safety
// needs, while two write quorums need not meet, which is what lets phase 2
// load spread over Cols columns.
//
// A read quorum is not "any Cols acceptors": in a 2×2 grid the column
// {0, 2} has two acceptors and misses the column {1, 3}, where a value may
// have been chosen.
//
// Rows-1 failures leave one acceptor in every column, so a read quorum,
// and Cols-1 failures leave one column whole, so a write quorum: a grid
// of at least F+1 rows and F+1 columns tolerates F failures.
type Grid struct {
	Rows, Cols int
}

// maxGrid is how many acceptors a grid may hold: a set of them is a
// uint64.
const maxGrid = 64

// Size is how many acceptors the grid holds: Rows × Cols.
func (g Grid) Size() int { return g.Rows * g.Cols }

func (g Grid) check() error {
	if g.Rows < 1 || g.Cols < 1 || g.Size() > maxGrid {
		return fmt.Errorf("paxos: Grid needs Rows ≥ 1, Cols ≥ 1 and at most %d acceptors; got %d×%d", maxGrid, g.Rows, g.Cols)
	}
	return nil
}

// Column is the write quorum of column c: the acceptors c, Cols+c,
// 2·Cols+c, … .
func (g Grid) Column(c int) []hydro.MemberID[Acceptor] {
	ids := make([]hydro.MemberID[Acceptor], g.Rows)
	for r := range g.Rows {
		ids[r] = hydro.MemberID[Acceptor](r*g.Cols + c)
	}
	return ids
}

// WriteQuorum reports whether ids hold a whole column of the grid.
func (g Grid) WriteQuorum(ids []hydro.MemberID[Acceptor]) bool { return g.write(g.set(ids)) }

// ReadQuorum reports whether ids hold an acceptor of every column.
func (g Grid) ReadQuorum(ids []hydro.MemberID[Acceptor]) bool { return g.read(g.set(ids)) }

// set is ids as a bit set; ids outside the grid are left out.
func (g Grid) set(ids []hydro.MemberID[Acceptor]) uint64 {
	var s uint64
	for _, id := range ids {
		if int(id) < g.Size() {
			s |= 1 << uint(id)
		}
	}
	return s
}

// column is column c as a bit set.
func (g Grid) column(c int) uint64 {
	var s uint64
	for r := range g.Rows {
		s |= 1 << uint(r*g.Cols+c)
	}
	return s
}

func (g Grid) write(s uint64) bool {
	for c := range g.Cols {
		if col := g.column(c); s&col == col {
			return true
		}
	}
	return false
}

func (g Grid) read(s uint64) bool {
	for c := range g.Cols {
		if s&g.column(c) == 0 {
			return false
		}
	}
	return true
}
