// SPDX-License-Identifier: Apache-2.0

package bench

import (
	mathbits "math/bits"

	"github.com/hydro-go/hydro/bench/internal/netbench"
	"github.com/hydro-go/hydro/transport"
)

// B9's baseline: two-phase commit written by hand, the protocol of
// std/twopc with its four messages (prepare, vote, decision,
// acknowledgement), stepped in rounds by one goroutine. In a round the
// coordinator reads the participants' replies of the last round, decides,
// takes the new transactions and sends; then each participant reads what
// the coordinator sent it, logs its vote or the decision, and replies.
// What one node sends another in a round is one batch, encoded and
// decoded with the codec of the wire.

// Kinds of message, as std/twopc's.
const (
	goPrepare uint8 = iota + 1
	goCommit
	goAbort
	goYes
	goNo
	goAck
)

// goRequest is what the coordinator sends a participant.
type goRequest struct {
	_       struct{} `cbor:",toarray"`
	ID      uint64
	Kind    uint8
	Payload netbench.Req // prepare only
}

// goReply is what a participant sends the coordinator.
type goReply struct {
	_    struct{} `cbor:",toarray"`
	ID   uint64
	Kind uint8
}

// goLedger is the coordinator's record of a transaction, until every
// participant acknowledged its decision.
type goLedger struct {
	payload              netbench.Req // until decided
	answered, yes, acked uint64       // members, one bit each
	decided, commit      bool
}

// goVote is a participant's log entry: its vote, with the payload, until
// the decision comes.
type goVote struct {
	yes     bool
	payload netbench.Req
}

type goTwoPCSystem struct {
	c      *transport.Codec
	all    uint64 // every participant's bit
	ledger map[uint64]goLedger
	sends  [][]goRequest // this round's requests, per participant
	toPart [][]byte      // the same, encoded
	replyB [][]byte      // each participant's replies of the last round, encoded
	logs   []map[uint64]goVote
	reqs   []goRequest // decoding scratch
	reps   []goReply   // decoding and encoding scratch
}

func newGoTwoPCSystem(c *transport.Codec, n int) *goTwoPCSystem {
	s := &goTwoPCSystem{c: c, all: 1<<n - 1, ledger: map[uint64]goLedger{},
		sends: make([][]goRequest, n), toPart: make([][]byte, n), replyB: make([][]byte, n), logs: make([]map[uint64]goVote, n)}
	for i := range s.logs {
		s.logs[i] = map[uint64]goVote{}
	}
	return s
}

// must stops the loop on an encoding error: a programmer's error, as the
// messages hold nothing the codec cannot encode.
func must[T any](v T, err error) T {
	if err != nil {
		panic("bench: B9 baseline: " + err.Error())
	}
	return v
}

// step runs one round: the coordinator, then each participant.
func (s *goTwoPCSystem) step(submit, answered []netbench.Req) []netbench.Req {
	for p := range s.sends {
		s.sends[p] = s.sends[p][:0]
	}
	for p, b := range s.replyB {
		if len(b) == 0 {
			continue
		}
		s.reps = must(transport.DecodeBatch(s.c, b, s.reps[:0]))
		for _, r := range s.reps {
			answered = s.hear(uint64(1)<<p, r, answered)
		}
	}
	for _, q := range submit {
		s.ledger[q.ID] = goLedger{payload: q}
		s.send(s.all, goRequest{ID: q.ID, Kind: goPrepare, Payload: q})
	}
	for p := range s.sends {
		s.toPart[p] = must(transport.AppendBatch(s.c, s.toPart[p][:0], s.sends[p]))
	}
	for p := range s.logs {
		s.participate(p)
	}
	return answered
}

// hear handles one reply from the participant of bit at the coordinator,
// appending to answered the transaction it decides, if any.
func (s *goTwoPCSystem) hear(bit uint64, r goReply, answered []netbench.Req) []netbench.Req {
	l, ok := s.ledger[r.ID]
	if !ok {
		return answered // an acknowledgement of a transaction forgotten
	}
	switch r.Kind {
	case goYes:
		l.answered, l.yes = l.answered|bit, l.yes|bit
	case goNo:
		l.answered |= bit
	case goAck:
		l.acked |= bit
	}
	if !l.decided && (l.answered&^l.yes != 0 || l.yes == s.all) {
		l.decided, l.commit = true, l.yes == s.all
		answered = append(answered, answerOf(r.ID, l.payload.Sent, l.commit))
		l.payload = netbench.Req{}
		kind := goAbort
		if l.commit {
			kind = goCommit
		}
		s.send(s.all, goRequest{ID: r.ID, Kind: kind})
	}
	if l.decided && l.acked == s.all {
		delete(s.ledger, r.ID)
		return answered
	}
	s.ledger[r.ID] = l
	return answered
}

// send queues m for every participant in set.
func (s *goTwoPCSystem) send(set uint64, m goRequest) {
	for ; set != 0; set &= set - 1 {
		p := mathbits.TrailingZeros64(set)
		s.sends[p] = append(s.sends[p], m)
	}
}

// participate runs participant p on what the coordinator sent it this
// round: a prepare is voted on (yes) and logged before the vote leaves, a
// repeated one answered from the log; a decision is recorded and
// acknowledged.
func (s *goTwoPCSystem) participate(p int) {
	log := s.logs[p]
	s.reqs = must(transport.DecodeBatch(s.c, s.toPart[p], s.reqs[:0]))
	s.reps = s.reps[:0]
	for _, m := range s.reqs {
		switch m.Kind {
		case goPrepare:
			v, ok := log[m.ID]
			if !ok {
				v = goVote{yes: true, payload: m.Payload}
				log[m.ID] = v
			}
			kind := goNo
			if v.yes {
				kind = goYes
			}
			s.reps = append(s.reps, goReply{ID: m.ID, Kind: kind})
		case goCommit, goAbort:
			delete(log, m.ID)
			s.reps = append(s.reps, goReply{ID: m.ID, Kind: goAck})
		}
	}
	s.replyB[p] = must(transport.AppendBatch(s.c, s.replyB[p][:0], s.reps))
}
