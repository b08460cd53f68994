// SPDX-License-Identifier: Apache-2.0

// Command twopc books orders across three shops with two-phase commit
// (package std/twopc): the desk asks every shop to sell its part of each
// order, and an order goes through only if every shop agrees. Shop 2 has
// no bike left, so the bike order aborts everywhere.
//
//	go run ./examples/twopc -cluster Shop=3
//
// Stop it with Ctrl-C.
package main

import (
	"fmt"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/std/twopc"
)

// Desk coordinates the orders.
type Desk struct{}

// Shop is a participant.
type Shop struct{}

// Shops is the size of the Shop cluster the flow expects.
const Shops = 3

// Orders are the transactions the desk books.
var Orders = []twopc.Txn[string]{{ID: 1, Payload: "book"}, {ID: 2, Payload: "bike"}, {ID: 3, Payload: "lamp"}}

// Build is the whole flow: the desk prints each outcome, each shop what
// it learned.
func Build(f *hydro.Flow) {
	desk := hydro.NewProcess[Desk](f)
	shops := hydro.NewCluster[Shop](f)
	res := twopc.Run(desk, shops, hydro.SourceIter(desk, Orders), twopc.Config[Shop, string]{
		Participants: Shops,
		Vote:         func(self hydro.MemberID[Shop], item string) bool { return !(self == 2 && item == "bike") },
		Retry:        200 * time.Millisecond,
	}, hydro.NonDet("votes and acknowledgements count whatever their batches; resends are idempotent"))
	hydro.ForEach(hydro.AssumeOrdered(res.Outcomes, "printed as decided"), func(o twopc.Outcome) { fmt.Println(outcomeLine(o)) })
	hydro.ForEach(hydro.AssumeOrdered(res.Decisions, "printed as learned"), func(d twopc.Decision[Shop, string]) { fmt.Println(decisionLine(d)) })
}

func verdict(commit bool) string {
	if commit {
		return "committed"
	}
	return "aborted"
}

func outcomeLine(o twopc.Outcome) string { return fmt.Sprintf("order %d %s", o.ID, verdict(o.Commit)) }

func decisionLine(d twopc.Decision[Shop, string]) string {
	return fmt.Sprintf("order %d (%s) %s", d.ID, d.Payload, verdict(d.Commit))
}

func main() { deploy.Main(Build) }
