// SPDX-License-Identifier: Apache-2.0

package peers

import (
	"fmt"
	"io"
	"log"
	"testing"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/hydro-go/hydro/bench/internal/netbench"
)

// B8 paxos against etcd raft: three RawNodes with MemoryStorage, stepped
// in turn by the goroutine of the closed loop (netbench.Closed), as
// hydro.Local steps Hydro's nodes. Node 1 leads; a request is proposed
// there as a 16-byte entry and answered when node 1 applies it. One round
// proposes the requests, then handles every node's Ready (entries appended
// to its storage, messages queued, committed entries applied) and delivers
// the queued messages. No node ticks, so the leader never changes.
//
//	raft       messages handed over as pointers
//	raft_wire  every message marshalled and unmarshalled (protobuf), as
//	           Hydro's are (CBOR)

const b8Clients = 100

func BenchmarkB8Paxos(b *testing.B) {
	n, warm := netbench.PaxosSizes()
	b.Run(fmt.Sprintf("op=paxos,clients=%d,n=%d", b8Clients, n), func(b *testing.B) {
		for _, im := range raftImpls() {
			b.Run("impl="+im.Name, func(b *testing.B) { netbench.Bench(b, im, n, warm, "ns/commit") })
		}
	})
}

func raftImpls() []netbench.Impl {
	return []netbench.Impl{
		{Name: "raft", Start: func() (*netbench.Run, error) { return raftLoop(false) }},
		{Name: "raft_wire", Start: func() (*netbench.Run, error) { return raftLoop(true) }},
	}
}

func TestPaxos(t *testing.T) {
	for _, im := range raftImpls() {
		t.Run("impl="+im.Name, func(t *testing.T) { netbench.Test(t, im, 3*b8Clients+50) })
	}
}

// compactEvery is how many applied entries a node keeps before it
// compacts its storage below them.
const compactEvery = 10_000

type raftNode struct {
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	applied uint64
	compact uint64
}

// raftLoop starts three nodes, elects node 1, and returns the loop.
func raftLoop(wire bool) (*netbench.Run, error) {
	logger := &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	nodes := make([]*raftNode, 3)
	for i := range nodes {
		s := raft.NewMemoryStorage()
		err := s.ApplySnapshot(&pb.Snapshot{Metadata: &pb.SnapshotMetadata{
			ConfState: &pb.ConfState{Voters: []uint64{1, 2, 3}}, Index: new(uint64(1)), Term: new(uint64(1)),
		}})
		if err != nil {
			return nil, err
		}
		rn, err := raft.NewRawNode(&raft.Config{
			ID: uint64(i + 1), ElectionTick: 10, HeartbeatTick: 1, Storage: s,
			MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256, MaxUncommittedEntriesSize: 1 << 30, Logger: logger,
		})
		if err != nil {
			return nil, err
		}
		nodes[i] = &raftNode{rn: rn, storage: s, applied: 1}
	}
	var inbox, next []*pb.Message
	var buf []byte
	// round handles every node's Ready and delivers the messages, calling
	// apply on each entry node 1 applies.
	round := func(apply func(data []byte)) error {
		for i, nd := range nodes {
			for nd.rn.HasReady() {
				rd := nd.rn.Ready()
				if !raft.IsEmptyHardState(rd.HardState) {
					if err := nd.storage.SetHardState(rd.HardState); err != nil {
						return err
					}
				}
				if err := nd.storage.Append(rd.Entries); err != nil {
					return err
				}
				inbox = append(inbox, rd.Messages...)
				for _, e := range rd.CommittedEntries {
					nd.applied = e.GetIndex()
					if i == 0 && e.GetType() == pb.EntryNormal && len(e.GetData()) > 0 {
						apply(e.GetData())
					}
				}
				nd.rn.Advance(rd)
				if nd.applied >= nd.compact+compactEvery {
					nd.compact = nd.applied - compactEvery/2
					if err := nd.storage.Compact(nd.compact); err != nil {
						return err
					}
				}
			}
		}
		inbox, next = next[:0], inbox
		for _, m := range next {
			if wire {
				var err error
				if buf, err = (proto.MarshalOptions{}).MarshalAppend(buf[:0], m); err != nil {
					return err
				}
				m = &pb.Message{}
				if err := proto.Unmarshal(buf, m); err != nil {
					return err
				}
			}
			if err := nodes[m.GetTo()-1].rn.Step(m); err != nil {
				return err
			}
		}
		clear(next)
		return nil
	}
	if err := nodes[0].rn.Campaign(); err != nil {
		return nil, err
	}
	for i := 0; nodes[0].rn.BasicStatus().RaftState != raft.StateLeader; i++ {
		if i == 100 {
			return nil, fmt.Errorf("b8: node 1 not elected after %d rounds", i)
		}
		if err := round(func([]byte) {}); err != nil {
			return nil, err
		}
	}

	// NB: an error of an in-memory node is a bug of this loop: it panics.
	step := func(submit, answers []netbench.Req) []netbench.Req {
		for _, q := range submit {
			data := make([]byte, 16) // the entry keeps it
			q.Put(data)
			if err := nodes[0].rn.Propose(data); err != nil {
				panic(fmt.Sprintf("b8: propose: %v", err))
			}
		}
		if err := round(func(d []byte) { answers = append(answers, netbench.GetReq(d)) }); err != nil {
			panic(fmt.Sprintf("b8: %v", err))
		}
		return answers
	}
	return netbench.Closed(b8Clients, step, nil), nil
}
