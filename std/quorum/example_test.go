// SPDX-License-Identifier: Apache-2.0

package quorum_test

import (
	"fmt"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/quorum"
)

// A write commits once two of its three replicas acknowledge it; a replica
// that fails is reported as it answers.
func ExampleCollect() {
	type Leader struct{}
	f := hydro.NewFlow()
	leader := hydro.NewProcess[Leader](f)
	acksIn, acks := hydro.NewInput[hydro.KV[int, quorum.Response]](leader)
	committed, failures := quorum.Collect(hydro.IntoKeyed(acks), 2, 3, hydro.NonDet("acknowledgements count whatever their batches"))
	out, errs := hydro.NewOutput(committed), hydro.NewOutput(failures.Entries())

	r := hydro.MustLocal(f)
	acksIn.Push(r, hydro.KV[int, quorum.Response]{Key: 7}, hydro.KV[int, quorum.Response]{Key: 7, Val: quorum.Response{Err: "disk full"}})
	r.RunAvailable()
	fmt.Println("after two:", out.Drain(r), errs.Drain(r))
	acksIn.Push(r, hydro.KV[int, quorum.Response]{Key: 7})
	r.RunAvailable()
	fmt.Println("after three:", out.Drain(r))
	// Output:
	// after two: [] [(7, disk full)]
	// after three: [7]
}
