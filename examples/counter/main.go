// SPDX-License-Identifier: Apache-2.0

// Command counter is a counter service in one process: increments are
// acknowledged, and reads are answered with the count.
//
//	go run ./examples/counter
package main

import (
	"fmt"

	"github.com/hydro-go/hydro"
)

// Server names the process the counter runs at.
type Server struct{}

// Counter counts increment requests and answers each read with the count as
// of the read's tick. Increments and reads carry a request id.
//
// Increments are acknowledged as they arrive, but the count a read sees is a
// snapshot taken when its tick runs: a read may miss an increment that was
// acknowledged in the same tick. The NonDet reasons say so.
func Counter[L hydro.Location](increments, reads hydro.Stream[int, L]) (acks, answers hydro.Stream[hydro.KV[int, int], L]) {
	tick := hydro.NewTick(increments.Location())
	acks = hydro.Map(increments, func(id int) hydro.KV[int, int] { return hydro.KV[int, int]{Key: id, Val: 0} })
	count := hydro.Count(increments)
	now := hydro.Snapshot(count, tick, hydro.NonDet("a read may not see increments acknowledged in its own tick"))
	batch := hydro.Batch(reads, tick, hydro.NonDet("reads are independent of each other"))
	answered := hydro.Map(hydro.CrossSingleton(batch, now), func(p hydro.Pair[int, int]) hydro.KV[int, int] {
		return hydro.KV[int, int]{Key: p.Left, Val: p.Right}
	})
	return acks, hydro.AllTicks(answered)
}

func main() {
	f := hydro.NewFlow()
	server := hydro.NewProcess[Server](f)
	incIn, increments := hydro.NewInput[int](server)
	readIn, reads := hydro.NewInput[int](server)
	acks, answers := Counter(increments, reads)
	ackOut, answerOut := hydro.NewOutput(acks), hydro.NewOutput(answers)

	r := hydro.MustLocal(f)
	incIn.Push(r, 1, 2)
	r.RunAvailable()
	fmt.Println("acked:", ackOut.Drain(r))
	readIn.Push(r, 3)
	incIn.Push(r, 4)
	r.RunAvailable()
	fmt.Println("acked:", ackOut.Drain(r))
	fmt.Println("read (id, count):", answerOut.Drain(r))
}
