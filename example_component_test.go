// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"strings"

	"github.com/hydro-go/hydro"
)

type Frontend struct{}

type Backend struct{}

// CountRequests is a reusable piece of flow: it counts the requests that
// arrive at any location and answers every read with the count as of the
// read's tick. It is generic over the location, like any Go function.
func CountRequests[L hydro.Location](requests hydro.Stream[string, L], reads hydro.Stream[string, L]) hydro.Stream[string, L] {
	tick := hydro.NewTick(requests.Location())
	count := hydro.Count(requests)
	now := hydro.Snapshot(count, tick, hydro.NonDet("a read may miss requests of its own tick"))
	batch := hydro.Batch(reads, tick, hydro.NonDet("reads are independent"))
	answers := hydro.Map(hydro.CrossSingleton(batch, now), func(p hydro.Pair[string, int]) string {
		return fmt.Sprintf("%s: %d", p.Left, p.Right)
	})
	return hydro.AllTicks(answers)
}

// Example_component uses one component at two processes.
func Example_component() {
	f := hydro.NewFlow()
	front := hydro.NewProcess[Frontend](f)
	back := hydro.NewProcess[Backend](f)

	frontReqs, frontReqStream := hydro.NewInput[string](front)
	frontReads, frontReadStream := hydro.NewInput[string](front)
	backReqs, backReqStream := hydro.NewInput[string](back)
	backReads, backReadStream := hydro.NewInput[string](back)
	frontOut := hydro.NewOutput(CountRequests(frontReqStream, frontReadStream))
	backOut := hydro.NewOutput(CountRequests(backReqStream, backReadStream))

	r := hydro.MustLocal(f)
	frontReqs.Push(r, "GET /", "GET /a")
	backReqs.Push(r, "SELECT 1")
	r.RunAvailable()
	frontReads.Push(r, "front")
	backReads.Push(r, "back")
	r.RunAvailable()
	fmt.Println(strings.Join(frontOut.Drain(r), ", "))
	fmt.Println(strings.Join(backOut.Drain(r), ", "))
	// Output:
	// front: 2
	// back: 1
}
