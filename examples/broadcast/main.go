// SPDX-License-Identifier: Apache-2.0

// Command broadcast is many-to-many traffic between two clusters: every
// producer broadcasts its values to every consumer, each consumer tallies
// what it got from each producer and sends digests to a reporter, and the
// reporter prints every consumer's totals once all values have arrived.
//
//	go run ./examples/broadcast -cluster Producer=2 -cluster Consumer=3
//
// Stop it with Ctrl-C.
package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hydro-go/hydro/deploy"

	"github.com/hydro-go/hydro"
)

// Producer broadcasts values.
type Producer struct{}

// Consumer tallies what it receives.
type Consumer struct{}

// Reporter prints the consumers' totals.
type Reporter struct{}

// Values are what every producer sends, scaled by its member index plus
// one: Producer/1 sends 2, 4, 6, 8.
var Values = []int{1, 2, 3, 4}

// Item is a value with the producer that sent it: a consumer sees the
// broadcasts of all producers as one stream.
type Item struct {
	From  hydro.MemberID[Producer]
	Value int
}

// Tally is a count and a sum of values.
type Tally struct {
	Count, Sum int
}

func (t *Tally) add(u Tally) { t.Count += u.Count; t.Sum += u.Sum }

// Digest is what a consumer tells the reporter after a tick: the tally of
// what it got from one producer in that tick.
type Digest struct {
	From  hydro.MemberID[Producer]
	Tally Tally
}

// Build is the whole flow; the reporter prints the totals.
func Build(f *hydro.Flow) {
	BuildWith(f, func(line string) { fmt.Println(line) })
}

// BuildWith is the flow, reporting to report, once every consumer has
// every value, one line per consumer (in order) and then a last line.
func BuildWith(f *hydro.Flow, report func(line string)) {
	producers := hydro.NewCluster[Producer](f)
	consumers := hydro.NewCluster[Consumer](f)
	reporter := hydro.NewProcess[Reporter](f)

	// Every producer sends its values, tagged with its id, to every
	// consumer.
	values := hydro.CrossSingleton(hydro.SourceIter(producers, Values), producers.SelfID())
	items := hydro.Map(values, func(p hydro.Pair[int, hydro.MemberID[Producer]]) Item {
		return Item{From: p.Right, Value: p.Left * (int(p.Right) + 1)}
	})
	got := hydro.Broadcast(items, consumers, hydro.NonDet("every consumer is a member from the start"))

	// Each consumer tallies a tick's items per producer and sends the
	// tallies on.
	ctick := hydro.NewTick(consumers)
	batch := hydro.Batch(got, ctick, hydro.NonDet("tallies add up whatever the batches"))
	perProducer := hydro.FoldKeyed(hydro.IntoKeyed(hydro.Map(batch, func(it Item) hydro.KV[hydro.MemberID[Producer], Tally] {
		return hydro.KV[hydro.MemberID[Producer], Tally]{Key: it.From, Val: Tally{Count: 1, Sum: it.Value}}
	})), zeroTally, (*Tally).add, hydro.Commutative)
	digests := hydro.Map(perProducer.Entries(), func(kv hydro.KV[hydro.MemberID[Producer], Tally]) Digest {
		return Digest{From: kv.Key, Tally: kv.Val}
	})
	atReporter := hydro.Gather(hydro.AllTicks(digests), reporter)

	// The reporter adds up the digests per consumer and producer, and
	// counts the members of both clusters.
	totals := hydro.Fold(atReporter.Entries(), newTotals, (*Totals).add, hydro.Commutative)
	np := hydro.Fold(hydro.Members(producers, reporter).Entries(), zero, count[Producer], hydro.Commutative)
	nc := hydro.Fold(hydro.Members(consumers, reporter).Entries(), zero, count[Consumer], hydro.Commutative)

	// At every tick, once every value has reached every consumer, the
	// report; printed once.
	rtick := hydro.NewTick(reporter)
	nd := hydro.NonDet("the report waits until every value is in")
	sizes := hydro.Zip(hydro.Snapshot(np, rtick, nd), hydro.Snapshot(nc, rtick, nd))
	now := hydro.Zip(hydro.Snapshot(totals, rtick, nd), sizes)
	done := now.Filter(func(p hydro.Pair[Totals, hydro.Pair[int, int]]) bool {
		return p.Left.complete(p.Right.Left, p.Right.Right)
	})
	lines := hydro.FlatMap(done.IntoStream(), func(p hydro.Pair[Totals, hydro.Pair[int, int]]) []string {
		return p.Left.report(p.Right.Left, p.Right.Right)
	})
	hydro.ForEach(hydro.Unique(hydro.AllTicks(lines)), report)
}

func zeroTally() Tally { return Tally{} }

func zero() int { return 0 }

// count counts the members of a cluster present.
func count[C any](n *int, kv hydro.KV[hydro.MemberID[C], hydro.Membership]) {
	if kv.Val == hydro.Joined {
		*n++
	} else {
		*n--
	}
}

// Totals is what the reporter has heard: per consumer, per producer.
type Totals map[hydro.MemberID[Consumer]]map[hydro.MemberID[Producer]]Tally

func newTotals() Totals { return Totals{} }

func (t *Totals) add(kv hydro.KV[hydro.MemberID[Consumer], Digest]) {
	per := (*t)[kv.Key]
	if per == nil {
		per = map[hydro.MemberID[Producer]]Tally{}
		(*t)[kv.Key] = per
	}
	sum := per[kv.Val.From]
	sum.add(kv.Val.Tally)
	per[kv.Val.From] = sum
}

// complete: each of nc consumers has every value of each of np producers.
func (t Totals) complete(np, nc int) bool {
	if np == 0 || nc == 0 || len(t) != nc {
		return false
	}
	for _, per := range t {
		if len(per) != np {
			return false
		}
		for _, s := range per {
			if s.Count != len(Values) {
				return false
			}
		}
	}
	return true
}

// report is a line per consumer, in order, then a last line.
func (t Totals) report(np, nc int) []string {
	var lines []string
	for _, c := range slices.Sorted(maps.Keys(t)) {
		var from []string
		total := 0
		for _, p := range slices.Sorted(maps.Keys(t[c])) {
			s := t[c][p]
			from = append(from, fmt.Sprintf("from %v n=%d sum=%d", p, s.Count, s.Sum))
			total += s.Sum
		}
		lines = append(lines, fmt.Sprintf("%v: %s; total=%d", c, strings.Join(from, ", "), total))
	}
	return append(lines, fmt.Sprintf("broadcast: producers=%d consumers=%d values=%d: every consumer got every value", np, nc, np*len(Values)))
}

func main() { deploy.Main(Build) }
