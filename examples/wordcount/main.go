// SPDX-License-Identifier: Apache-2.0

// Command wordcount is a map-reduce word count over a cluster of workers, as
// a real fleet on localhost: a leader spreads lines over the workers, each
// worker counts the words of what it got, and the leader adds the counts up
// and prints the totals whenever they change. The flow is finite: once
// every line is counted and every count delivered, the fleet stops by
// itself, with status 0.
//
//	go run ./examples/wordcount -cluster Worker=3
package main

import (
	"fmt"
	"strings"

	"github.com/hydro-go/hydro/deploy"

	"github.com/hydro-go/hydro"
)

// Leader holds the text and the totals.
type Leader struct{}

// Worker counts words.
type Worker struct{}

// Text is what the fleet counts.
var Text = []string{
	"the quick brown fox",
	"jumps over the lazy dog",
	"the dog sleeps",
	"a fox runs",
}

// Build is the whole flow; it prints the totals.
func Build(f *hydro.Flow) {
	BuildWith(f, func(counts []string) { fmt.Println("counts:", strings.Join(counts, " ")) })
}

// BuildWith is the flow, reporting the sorted totals (word=count) to report
// whenever they change.
func BuildWith(f *hydro.Flow, report func(counts []string)) {
	leader := hydro.NewProcess[Leader](f)
	workers := hydro.NewCluster[Worker](f)

	// The leader tidies each line before it spreads the lines; a plan given
	// at deploy time can move this stage to a process of its own.
	clean := hydro.Map(hydro.SourceIter(leader, Text), strings.TrimSpace).Named("clean")
	lines := hydro.RoundRobin(clean, workers, hydro.NonDet("any worker can count any line"))
	words := hydro.FlatMap(lines, strings.Fields)

	// Map: each worker counts the words of each batch it receives.
	wtick := hydro.NewTick(workers)
	ones := hydro.Map(hydro.Batch(words, wtick, hydro.NonDet("counts add up whatever the batches")), func(w string) hydro.KV[string, int] {
		return hydro.KV[string, int]{Key: w, Val: 1}
	})
	partial := hydro.FoldKeyed(hydro.IntoKeyed(ones), zero, add, hydro.Commutative)

	// Reduce: the leader adds up the partial counts of every worker.
	atLeader := hydro.Gather(hydro.AllTicks(partial.Entries()), leader)
	totals := hydro.FoldKeyed(hydro.IntoKeyed(atLeader.Values()), zero, add, hydro.Commutative)

	// Report the totals, sorted, whenever the leader runs a tick.
	ltick := hydro.NewTick(leader)
	now := hydro.SnapshotKeyed(totals, ltick, hydro.NonDet("totals grow as partial counts arrive"))
	pairs := hydro.SortFunc(hydro.Map(now.Entries(), func(kv hydro.KV[string, int]) string {
		return fmt.Sprintf("%s=%d", kv.Key, kv.Val)
	}), strings.Compare)
	counts := hydro.Collect(pairs).Filter(func(s []string) bool { return len(s) > 0 })
	hydro.ForEach(hydro.AllTicks(counts.IntoStream()), report)

	// The text is all there is: the flow is done once it is counted.
	f.Finite()
}

func zero() int { return 0 }

func add(acc *int, n int) { *acc += n }

func main() { deploy.Main(Build) }
