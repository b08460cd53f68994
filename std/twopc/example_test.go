// SPDX-License-Identifier: Apache-2.0

package twopc_test

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/twopc"
)

// Three shops are asked to sell their part of an order at once; the shop
// with no stock left refuses the second order, so it aborts everywhere.
func ExampleRun() {
	type Desk struct{}
	type Shop struct{}
	f := hydro.NewFlow()
	desk := hydro.NewProcess[Desk](f)
	shops := hydro.NewCluster[Shop](f)
	ordersIn, orders := hydro.NewInput[twopc.Txn[string]](desk)
	res := twopc.Run(desk, shops, orders, twopc.Config[Shop, string]{
		Participants: 3,
		Vote: func(self hydro.MemberID[Shop], item string) bool {
			return !(self == 2 && item == "bike") // shop 2 has no bike left
		},
	}, hydro.NonDet("messages are counted whatever their batches"))
	outcomes, decisions := hydro.NewOutput(res.Outcomes), hydro.NewOutput(res.Decisions)

	r := hydro.MustLocal(f, hydro.Size(shops, 3))
	ordersIn.Push(r, twopc.Txn[string]{ID: 1, Payload: "book"}, twopc.Txn[string]{ID: 2, Payload: "bike"})
	r.RunAvailable()
	for _, o := range sortOutcomes(outcomes.Drain(r)) {
		fmt.Printf("order %d: commit=%v\n", o.ID, o.Commit)
	}
	var learned []string
	for _, d := range decisions.Drain(r) {
		learned = append(learned, fmt.Sprintf("%v: order %d (%s) commit=%v", d.Member, d.ID, d.Payload, d.Commit))
	}
	slices.Sort(learned)
	for _, l := range learned {
		fmt.Println(l)
	}
	// Output:
	// order 1: commit=true
	// order 2: commit=false
	// Shop/0: order 1 (book) commit=true
	// Shop/0: order 2 (bike) commit=false
	// Shop/1: order 1 (book) commit=true
	// Shop/1: order 2 (bike) commit=false
	// Shop/2: order 1 (book) commit=true
	// Shop/2: order 2 (bike) commit=false
}

func sortOutcomes(os []twopc.Outcome) []twopc.Outcome {
	slices.SortFunc(os, func(a, b twopc.Outcome) int { return int(a.ID) - int(b.ID) })
	return os
}
