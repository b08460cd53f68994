// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/bench/internal/netbench"
	"github.com/hydro-go/hydro/std/twopc"
	"github.com/hydro-go/hydro/transport"
)

// B9 2pc, in one process: k closed-loop clients (netbench.Closed) each
// keep one transaction in flight against a coordinator and 3
// participants, and a transaction is answered once the coordinator has
// decided it. Every participant votes yes, so every answer must be a
// commit. Every node runs in the one goroutine that drives the loop, and
// every message is encoded as on the wire: a batch per sender, receiver
// and round. Reported: ns/txn, the time per answered transaction (the
// inverse of the throughput), and the p50 and p99 latency.
//
//	hydro     std/twopc.Run under hydro.Local; one round is one
//	          RunTicks(1), in which every node ticks once
//	baseline  the same protocol written by hand (b9_baseline_test.go):
//	          the same four messages, a coordinator's ledger and each
//	          participant's log kept in maps, each round's messages to
//	          one node encoded as one CBOR batch with the same codec
//
// No peer: a user who wants two-phase commit in Go writes it, as the
// baseline does.

// b9Clients are the closed-loop clients B9 measures.
var b9Clients = []int{1, 100, 600}

// b9Participants is how many participants vote on every transaction.
const b9Participants = 3

// b9Sizes returns the transactions per iteration and per warm-up with k
// clients.
func b9Sizes(k int) (n, warm int) {
	n = 100_000
	if k == 1 {
		n = 10_000
	}
	if netbench.Smoke() {
		n /= 40
	}
	return n, max(n/10, 200)
}

func BenchmarkB9TwoPC(b *testing.B) {
	for _, k := range b9Clients {
		n, warm := b9Sizes(k)
		b.Run(fmt.Sprintf("op=2pc,clients=%d,n=%d", k, n), func(b *testing.B) {
			for _, im := range twoPCImpls(k) {
				b.Run("impl="+im.Name, func(b *testing.B) { netbench.Bench(b, im, n, warm, "ns/txn") })
			}
		})
	}
}

func twoPCImpls(k int) []netbench.Impl {
	return []netbench.Impl{
		{Name: "hydro", Start: func() (*netbench.Run, error) { return hydroTwoPC(k) }},
		{Name: "baseline", Start: func() (*netbench.Run, error) { return goTwoPC(k) }},
	}
}

// TestTwoPC runs every implementation of B9 at every client count for a
// few rounds of transactions, checking each answer, and that stopping it
// leaves no goroutine behind.
func TestTwoPC(t *testing.T) {
	for _, k := range b9Clients {
		for _, im := range twoPCImpls(k) {
			t.Run(fmt.Sprintf("clients=%d/impl=%s", k, im.Name), func(t *testing.T) { netbench.Test(t, im, 3*k+50) })
		}
	}
}

type b9Coordinator struct{}

type b9Participant struct{}

// answerOf is the answer to transaction id, sent at sent: a commit is
// the request itself, an abort an answer the recorder refuses.
func answerOf(id uint64, sent int64, commit bool) netbench.Req {
	if !commit {
		sent = -1
	}
	return netbench.Req{ID: id, Sent: sent}
}

// hydroTwoPC builds the flow of std/twopc with a coordinator and 3
// participants and returns the loop, which pushes the clients'
// transactions at the coordinator and takes its outcomes.
func hydroTwoPC(k int) (*netbench.Run, error) {
	f := hydro.NewFlow()
	coord := hydro.NewProcess[b9Coordinator](f)
	parts := hydro.NewCluster[b9Participant](f)
	in, txns := hydro.NewInput[twopc.Txn[netbench.Req]](coord)
	res := twopc.Run(coord, parts, txns, twopc.Config[b9Participant, netbench.Req]{Participants: b9Participants},
		hydro.NonDet("a benchmark: votes and acknowledgements count whatever their batches"))
	outcomes := hydro.NewOutput(res.Outcomes)
	r, err := hydro.NewLocal(f, hydro.Size(parts, b9Participants))
	if err != nil {
		return nil, err
	}
	sent := make([]int64, k)
	var batch []twopc.Txn[netbench.Req]
	var decided []twopc.Outcome
	step := func(submit, answered []netbench.Req) []netbench.Req {
		batch = batch[:0]
		for _, q := range submit {
			sent[q.ID%uint64(k)] = q.Sent
			batch = append(batch, twopc.Txn[netbench.Req]{ID: q.ID, Payload: q})
		}
		in.Push(r, batch...)
		r.RunTicks(1)
		decided = outcomes.DrainInto(r, decided[:0])
		for _, o := range decided {
			answered = append(answered, answerOf(o.ID, sent[o.ID%uint64(k)], o.Commit))
		}
		return answered
	}
	return netbench.Closed(k, step, nil), nil
}

// goTwoPC returns the loop over the hand-written two-phase commit.
func goTwoPC(k int) (*netbench.Run, error) {
	c, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		return nil, err
	}
	s := newGoTwoPCSystem(c, b9Participants)
	return netbench.Closed(k, s.step, nil), nil
}
