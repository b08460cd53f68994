// SPDX-License-Identifier: Apache-2.0

package peers

import (
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"testing"
	"time"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/paxos"
	"github.com/hydro-go/hydro/std/rediskv"
	"github.com/hydro-go/hydro/std/replica"
	"github.com/hydro-go/hydro/std/resp"
)

// B10 replicated: a Redis store replicated on a consensus log, every
// command (reads too) through the log, in one process on one goroutine,
// every message encoded. Each round, every one of conns connections
// sends one command (SET of its key in even rounds, GET of it in odd
// ones, checked) and the round ends when all are answered: a closed loop
// with one command in flight per connection.
//
// op=rediskv-paxos is rediskv.Replicate under hydro.Local: a front end,
// two proposers, three acceptors and two replicas over the in-memory
// transport. op=etcd-raft is what a Go user would write instead: three
// etcd raft RawNodes with MemoryStorage, each command proposed on its own
// as RESP bytes, messages marshalled and unmarshalled between the nodes,
// the same store (rediskv.Store) applied at each node, the leader's
// replies encoded as RESP. op=etcd-raft-batched proposes each round's
// commands as one entry, as the Paxos leader batches what reaches it in
// one tick.

// replicated is one implementation: round sends cmds[i] on connection i
// and returns the replies, in the same order.
type replicated interface {
	round(cmds []resp.Command) ([]resp.Value, error)
}

func BenchmarkReplicate(b *testing.B) {
	const conns = 100
	for _, impl := range []struct {
		name  string
		start func(conns int) (replicated, error)
	}{
		{"rediskv-paxos", startRediskv},
		{"etcd-raft", startEtcdRaft},
		{"etcd-raft-batched", startEtcdRaftBatched},
	} {
		b.Run(fmt.Sprintf("op=%s,conns=%d", impl.name, conns), func(b *testing.B) {
			kv, err := impl.start(conns)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := checkRound(kv, conns, n); err != nil {
					b.Fatal(err)
				}
				n++
			}
			cmds := float64(n * conns)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/cmds, "ns/cmd")
			b.ReportMetric(cmds/b.Elapsed().Seconds(), "cmds/s")
		})
	}
}

// TestReplicate runs a few rounds of each implementation.
func TestReplicate(t *testing.T) {
	for name, start := range map[string]func(int) (replicated, error){"rediskv-paxos": startRediskv, "etcd-raft": startEtcdRaft, "etcd-raft-batched": startEtcdRaftBatched} {
		kv, err := start(10)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for n := range 6 {
			if err := checkRound(kv, 10, n); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
}

// checkRound runs round n: SETs of every connection's key in even rounds,
// GETs that must read them back in odd ones.
func checkRound(kv replicated, conns, n int) error {
	cmds := make([]resp.Command, conns)
	for i := range cmds {
		key := fmt.Sprintf("key%d", i)
		if n%2 == 0 {
			cmds[i] = resp.Command{Args: []string{"SET", key, fmt.Sprintf("v%d.%d", i, n)}}
		} else {
			cmds[i] = resp.Command{Args: []string{"GET", key}}
		}
	}
	got, err := kv.round(cmds)
	if err != nil {
		return err
	}
	for i, v := range got {
		want := "OK"
		if n%2 == 1 {
			want = fmt.Sprintf("%q", fmt.Sprintf("v%d.%d", i, n-1))
		}
		if v.String() != want {
			return fmt.Errorf("round %d: %s answered %v; want %s", n, cmds[i], v, want)
		}
	}
	return nil
}

type (
	benchFront   struct{}
	benchClient  struct{}
	benchReplica struct{}
)

// rediskvRun is the store under hydro.Local with in-memory connections.
type rediskvRun struct {
	r     *hydro.Local
	conns []*hydro.LocalClient[resp.Command, resp.Value]
	cfg   rediskv.Config
}

func startRediskv(conns int) (replicated, error) {
	cfg := rediskv.Config{
		Paxos:   paxos.Config{F: 1, Replicas: 2, Period: 100 * time.Millisecond, Timeout: 2, Stagger: 2},
		Replica: replica.Config{Checkpoint: 64},
		Retry:   time.Second,
	}
	f := hydro.NewFlow()
	proposers, acceptors, replicas := hydro.NewCluster[paxos.Proposer](f), hydro.NewCluster[paxos.Acceptor](f), hydro.NewCluster[benchReplica](f)
	kv := rediskv.Replicate(hydro.NewProcess[benchFront](f), hydro.NewExternal[benchClient](f), proposers, acceptors, replicas, cfg, hydro.NonDet("any proposer may lead"))
	r, err := hydro.NewLocal(f, hydro.Size(proposers, 2), hydro.Size(acceptors, 3), hydro.Size(replicas, 2))
	if err != nil {
		return nil, err
	}
	run := &rediskvRun{r: r, cfg: cfg}
	for range conns {
		run.conns = append(run.conns, kv.Port.Connect(r))
	}
	// A leader first: PING goes through the log too.
	run.conns[0].Send(resp.Command{Args: []string{"PING"}})
	for i := 0; i < 100 && len(run.conns[0].Receive()) == 0; i++ {
		r.Advance(cfg.Paxos.Period)
	}
	return run, nil
}

func (k *rediskvRun) round(cmds []resp.Command) ([]resp.Value, error) {
	for i, c := range cmds {
		k.conns[i].Send(c)
	}
	got := make([]resp.Value, len(cmds))
	left := len(cmds)
	for idle := 0; left > 0; {
		if k.r.RunAvailable() == 0 {
			// Nothing moved: only a timer can help, which it never
			// should here.
			if idle++; idle > 3 {
				return nil, fmt.Errorf("rediskv: %d of %d commands unanswered with nothing to run", left, len(cmds))
			}
			k.r.Advance(k.cfg.Paxos.Period)
		}
		for i, c := range k.conns {
			for _, v := range c.Receive() {
				got[i] = v
				left--
			}
		}
	}
	return got, nil
}

// etcdRun is three etcd raft nodes stepped on one goroutine.
type etcdRun struct {
	batch  bool // a round's commands in one entry
	nodes  []*raft.RawNode
	stores []*raft.MemoryStorage
	kvs    []rediskv.Store
	out    []outMsg
	got    []resp.Value
	left   int
	buf    []byte
}

type outMsg struct {
	to   uint64
	data []byte
}

func startEtcdRaftBatched(int) (replicated, error) { return startEtcd(true) }

func startEtcdRaft(int) (replicated, error) { return startEtcd(false) }

func startEtcd(batch bool) (replicated, error) {
	e := &etcdRun{batch: batch, kvs: make([]rediskv.Store, 3)}
	logger := &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	for id := uint64(1); id <= 3; id++ {
		s := raft.NewMemoryStorage()
		err := s.ApplySnapshot(&pb.Snapshot{Metadata: &pb.SnapshotMetadata{
			ConfState: &pb.ConfState{Voters: []uint64{1, 2, 3}}, Index: new(uint64(1)), Term: new(uint64(1)),
		}})
		if err != nil {
			return nil, err
		}
		n, err := raft.NewRawNode(&raft.Config{ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: s,
			MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256, Logger: logger})
		if err != nil {
			return nil, err
		}
		e.nodes, e.stores = append(e.nodes, n), append(e.stores, s)
	}
	if err := e.nodes[0].Campaign(); err != nil {
		return nil, err
	}
	if err := e.pump(); err != nil {
		return nil, err
	}
	if st := e.nodes[0].BasicStatus(); st.RaftState != raft.StateLeader {
		return nil, fmt.Errorf("etcd raft: node 1 is %v after its campaign; want the leader", st.RaftState)
	}
	return e, nil
}

func (e *etcdRun) round(cmds []resp.Command) ([]resp.Value, error) {
	e.got, e.left = make([]resp.Value, len(cmds)), len(cmds)
	// An entry is commands, each as its connection's number and RESP.
	var data []byte
	for i, c := range cmds {
		if !e.batch {
			data = nil
		}
		var err error
		if data, err = resp.AppendCommand(binary.BigEndian.AppendUint32(data, uint32(i)), c); err != nil {
			return nil, err
		}
		if !e.batch || i == len(cmds)-1 {
			if err := e.nodes[0].Propose(data); err != nil {
				return nil, err
			}
		}
	}
	if err := e.pump(); err != nil {
		return nil, err
	}
	if e.left > 0 {
		return nil, fmt.Errorf("etcd raft: %d of %d commands unanswered with nothing to run", e.left, len(cmds))
	}
	return e.got, nil
}

// pump handles every node's Ready and delivers their messages until none
// has anything left to do.
func (e *etcdRun) pump() error {
	for {
		moved := false
		for i, n := range e.nodes {
			if !n.HasReady() {
				continue
			}
			moved = true
			rd := n.Ready()
			if !raft.IsEmptyHardState(rd.HardState) {
				if err := e.stores[i].SetHardState(rd.HardState); err != nil {
					return err
				}
			}
			if err := e.stores[i].Append(rd.Entries); err != nil {
				return err
			}
			for _, m := range rd.Messages {
				data, err := proto.Marshal(m)
				if err != nil {
					return err
				}
				e.out = append(e.out, outMsg{to: m.GetTo(), data: data})
			}
			for _, ent := range rd.CommittedEntries {
				if err := e.apply(i, ent); err != nil {
					return err
				}
			}
			n.Advance(rd)
		}
		out := e.out
		e.out = nil
		for _, o := range out {
			m := &pb.Message{}
			if err := proto.Unmarshal(o.data, m); err != nil {
				return err
			}
			if err := e.nodes[o.to-1].Step(m); err != nil {
				return err
			}
			moved = true
		}
		if !moved {
			return nil
		}
	}
}

// apply runs a committed entry's commands at node i; node 1, the leader,
// answers.
func (e *etcdRun) apply(i int, ent *pb.Entry) error {
	data := ent.GetData()
	if ent.GetType() != pb.EntryType_EntryNormal {
		return nil
	}
	for len(data) > 0 {
		if len(data) < 4 {
			return fmt.Errorf("etcd raft: entry of %d bytes", len(data))
		}
		conn := binary.BigEndian.Uint32(data)
		data = data[4:]
		n, err := resp.SplitCommand(data, true)
		if err != nil || n == 0 {
			return fmt.Errorf("etcd raft: entry's command: %v", err)
		}
		c, err := resp.ParseCommand(data[:n])
		if err != nil {
			return err
		}
		data = data[n:]
		v := e.kvs[i].Apply(c)
		if i != 0 {
			continue
		}
		if e.buf, err = resp.AppendValue(e.buf[:0], v); err != nil {
			return err
		}
		if v, err = resp.ParseValue(e.buf); err != nil {
			return err
		}
		e.got[conn] = v
		e.left--
	}
	return nil
}
