// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro"
)

type exFront struct{}
type exCounter struct{}

// A word counter partitioned into 3: each word's pairs reach the partition
// its hash names, where its count lives.
func ExamplePartitionProcess() {
	f := hydro.NewFlow()
	front := hydro.NewProcess[exFront](f)
	counter := hydro.NewProcess[exCounter](f)
	in, lines := hydro.NewInput[string](front)
	pairs := hydro.Map(hydro.FlatMap(lines, strings.Fields), func(w string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: w, Val: 1} })
	tick := hydro.NewTick(counter)
	batch := hydro.Batch(hydro.WeakenOrder(hydro.Send(pairs, counter)), tick, hydro.NonDet("counts are summed per tick"))
	counts := hydro.FoldKeyed(hydro.IntoKeyed(batch), func() int { return 0 }, func(acc *int, n int) { *acc += n }, hydro.Commutative)
	out := hydro.NewOutput(hydro.Send(hydro.AllTicks(counts.Entries()), front))
	if err := hydro.PartitionProcess(f, counter, 3); err != nil {
		fmt.Println(err)
		return
	}
	r := hydro.MustLocal(f)
	in.Push(r, "to be or not to be")
	r.RunAvailable()
	var got []string
	for _, kv := range out.Drain(r) {
		got = append(got, fmt.Sprintf("%s=%d", kv.Key, kv.Val))
	}
	slices.Sort(got)
	fmt.Println(got)
	// Output: [be=2 not=1 or=1 to=2]
}
