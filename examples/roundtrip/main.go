// SPDX-License-Identifier: Apache-2.0

// Command roundtrip is a cluster round trip: a leader sends work to a
// cluster of workers, the workers answer with their own ids, and the leader
// collects the answers and prints a summary once every answer is in.
//
// The leader reaches the workers in the two ways a process addresses a
// cluster: a ping to each member by id (Demux, keyed by MemberID), and a
// list of jobs spread over the members in turn (RoundRobin).
//
//	go run ./examples/roundtrip -cluster Worker=3
//
// Stop it with Ctrl-C.
package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydro-go/hydro/deploy"

	"github.com/hydro-go/hydro"
)

// Leader sends the pings and the jobs, and collects the answers.
type Leader struct{}

// Worker answers.
type Worker struct{}

// Jobs is how many jobs the leader hands out.
const Jobs = 12

// Answer is what a worker sends back: its own id, and the job it answers
// (0 for a ping).
type Answer struct {
	Member hydro.MemberID[Worker]
	Job    int
}

// Build is the whole flow; the leader prints its summary.
func Build(f *hydro.Flow) {
	BuildWith(f, func(summary string) { fmt.Println(summary) })
}

// BuildWith is the flow, reporting the leader's summary to report once
// every worker has answered its ping and every job is answered.
func BuildWith(f *hydro.Flow, report func(summary string)) {
	leader := hydro.NewProcess[Leader](f)
	workers := hydro.NewCluster[Worker](f)

	// The leader learns the members from the membership stream: a ping to
	// each one that joins, addressed by its id.
	members := hydro.Members(workers, leader).Entries()
	pings := hydro.Demux(hydro.IntoKeyed(hydro.FilterMap(members, ping)), workers)
	// The jobs go to the members in turn.
	jobs := hydro.RoundRobin(hydro.SourceIter(leader, jobList()), workers, hydro.NonDet("any worker can do any job"))

	// Each worker answers with its own id.
	self := workers.SelfID()
	pongs := hydro.Map(hydro.CrossSingleton(pings, self), func(p hydro.Pair[string, hydro.MemberID[Worker]]) Answer {
		return Answer{Member: p.Right}
	})
	done := hydro.Map(hydro.CrossSingleton(jobs, self), func(p hydro.Pair[int, hydro.MemberID[Worker]]) Answer {
		return Answer{Member: p.Right, Job: p.Left}
	})
	answers := hydro.Gather(hydro.Merge(pongs, done), leader)

	// The leader tallies the answers, each keyed by the member that sent
	// it, and counts the members it expects answers from.
	tally := hydro.Fold(answers.Entries(), newTally, (*Tally).add, hydro.Commutative)
	size := hydro.Fold(members, zero, count, hydro.Commutative)

	// At every tick, once all is in, the summary; printed once.
	tick := hydro.NewTick(leader)
	nd := hydro.NonDet("the summary waits until every answer is in")
	now := hydro.Zip(hydro.Snapshot(tally, tick, nd), hydro.Snapshot(size, tick, nd))
	summary := hydro.MapOptional(now.Filter(complete), func(p hydro.Pair[Tally, int]) string { return p.Left.summary(p.Right) })
	hydro.ForEach(hydro.Unique(hydro.AllTicks(summary.IntoStream())), report)
}

func jobList() []int {
	jobs := make([]int, Jobs)
	for i := range jobs {
		jobs[i] = i + 1
	}
	return jobs
}

func ping(kv hydro.KV[hydro.MemberID[Worker], hydro.Membership]) (hydro.KV[hydro.MemberID[Worker], string], bool) {
	return hydro.KV[hydro.MemberID[Worker], string]{Key: kv.Key, Val: "ping"}, kv.Val == hydro.Joined
}

func zero() int { return 0 }

// count counts the members present.
func count(n *int, kv hydro.KV[hydro.MemberID[Worker], hydro.Membership]) {
	if kv.Val == hydro.Joined {
		*n++
	} else {
		*n--
	}
}

// Tally is what the leader has heard.
type Tally struct {
	Pongs map[hydro.MemberID[Worker]]int // pings answered, per member
	Jobs  map[hydro.MemberID[Worker]]int // jobs answered, per member
	Sum   int                            // of the jobs answered
	// Impostors counts answers whose sender is not the member they name.
	Impostors int
}

func newTally() Tally {
	return Tally{Pongs: map[hydro.MemberID[Worker]]int{}, Jobs: map[hydro.MemberID[Worker]]int{}}
}

func (t *Tally) add(kv hydro.KV[hydro.MemberID[Worker], Answer]) {
	switch a := kv.Val; {
	case a.Member != kv.Key:
		t.Impostors++
	case a.Job == 0:
		t.Pongs[a.Member]++
	default:
		t.Jobs[a.Member]++
		t.Sum += a.Job
	}
}

func (t Tally) answers() int {
	n := t.Impostors
	for _, c := range t.Pongs {
		n += c
	}
	for _, c := range t.Jobs {
		n += c
	}
	return n
}

// complete: every member has answered its ping, and every job is answered.
func complete(p hydro.Pair[Tally, int]) bool {
	return p.Right > 0 && p.Left.answers() == p.Right+Jobs
}

// summary says who answered what, members in order.
func (t Tally) summary(size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "round trip: workers=%d pongs=%d jobs=%d job_sum=%d; jobs per worker:", size, len(t.Pongs), Jobs, t.Sum)
	ids := make([]hydro.MemberID[Worker], 0, size)
	for id := range t.Pongs {
		ids = append(ids, id)
	}
	for id := range t.Jobs {
		if _, ok := t.Pongs[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, " %v=%d", id, t.Jobs[id])
	}
	if t.Impostors > 0 {
		fmt.Fprintf(&b, "; %d answers from impostors", t.Impostors)
	}
	return b.String()
}

func main() { deploy.Main(Build) }
