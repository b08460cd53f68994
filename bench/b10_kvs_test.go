// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/lattice"
	"github.com/hydro-go/hydro/std/compartment"
	"github.com/hydro-go/hydro/transport"
)

// B10 kvs, in one process: a client sends n puts of lattice values
// (lattice.Max[uint64]) under Zipf-distributed keys (s = 1.1 over 100k
// keys), in bursts of 1,000, to a store of 2 shards that each key's hash
// picks; a shard merges the put into the key's value and answers with the
// merged value. Every iteration sends the same puts, so from the second on
// every answer is the key's largest value: the sum of the answers is
// checked against the one computed beforehand. Reported: ns/put.
//
//	hydro          the flow, under hydro.Local: compartment.PartitionBy to
//	               the shards' cluster, a Scan merging into a map per
//	               shard, Gather back; every message encoded
//	baseline       two Go maps, the put routed by the same hash and merged
//	               with the same Merge, each answer summed as it comes
//	baseline_wire  the same, each burst's puts to a shard and its answers
//	               encoded and decoded as one batch with the codec of the
//	               wire: what hydro's channels cost at the least
//
// The peer of the table, etcd with one member, is not measured: its
// server does not run embedded without its whole module graph.

const (
	b10N      = 100_000
	b10Keys   = 100_000
	b10Shards = 2
	b10Burst  = 1_000
)

// b10Put is a put, and its answer: a key and the value of a
// lattice.Max[uint64], as one flat record on the wire.
type b10Put struct {
	_   struct{} `cbor:",toarray"`
	Key uint64
	Val uint64
}

// b10Merge merges p into the store m and returns the answer: the key's
// merged value.
func b10Merge(m map[uint64]lattice.Max[uint64], p b10Put) b10Put {
	v, _ := m[p.Key].Merge(lattice.NewMax(p.Val))
	m[p.Key] = v
	return b10Put{Key: p.Key, Val: v.V}
}

// b10Hash picks a key's shard (with mod b10Shards).
func b10Hash(k uint64) uint64 { return k * 0x9e3779b97f4a7c15 >> 32 }

// b10Puts returns the puts of an iteration, from a fixed seed.
func b10Puts(n int) []b10Put {
	r := rand.New(rand.NewPCG(10, 10))
	z := rand.NewZipf(r, 1.1, 1, b10Keys-1)
	puts := make([]b10Put, n)
	for i := range puts {
		puts[i] = b10Put{Key: z.Uint64(), Val: r.Uint64() >> 20}
	}
	return puts
}

// b10Want is the sum of the answers to puts once every key holds its
// largest value.
func b10Want(puts []b10Put) uint64 {
	top := map[uint64]lattice.Max[uint64]{}
	for _, p := range puts {
		b10Merge(top, p)
	}
	var sum uint64
	for _, p := range puts {
		sum += top[p.Key].V
	}
	return sum
}

// b10Store is one implementation: put runs every burst of puts through
// the store and returns the answers' sum and count.
type b10Store func(puts []b10Put) (sum uint64, count int)

func b10Impls() []struct {
	name string
	new  func() (b10Store, error)
} {
	return []struct {
		name string
		new  func() (b10Store, error)
	}{
		{"hydro", hydroKVS},
		{"baseline", func() (b10Store, error) { return goKVS(nil), nil }},
		{"baseline_wire", func() (b10Store, error) {
			c, err := transport.NewCodec(transport.DefaultLimits)
			return goKVS(c), err
		}},
	}
}

func BenchmarkB10KVS(b *testing.B) {
	puts := b10Puts(b10N)
	want := b10Want(puts)
	b.Run(fmt.Sprintf("op=kvs,keys=zipf,shards=%d,n=%d", b10Shards, b10N), func(b *testing.B) {
		for _, im := range b10Impls() {
			b.Run("impl="+im.name, func(b *testing.B) {
				put, err := im.new()
				if err != nil {
					b.Fatal(err)
				}
				put(puts) // the first iteration fills the store
				b.ReportAllocs()
				for b.Loop() {
					if sum, n := put(puts); sum != want || n != len(puts) {
						b.Fatalf("impl=%s: %d answers summing to %d; want %d summing to %d", im.name, n, sum, len(puts), want)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(puts)), "ns/put")
			})
		}
	})
}

// TestKVS checks every implementation of B10 on a few thousand puts: the
// first pass answers with the values merged so far, the second with every
// key's largest value.
func TestKVS(t *testing.T) {
	puts := b10Puts(5 * b10Burst)
	want := b10Want(puts)
	for _, im := range b10Impls() {
		put, err := im.new()
		if err != nil {
			t.Fatal(err)
		}
		if _, n := put(puts); n != len(puts) {
			t.Errorf("impl=%s: first pass: %d answers; want %d", im.name, n, len(puts))
		}
		if sum, n := put(puts); sum != want || n != len(puts) {
			t.Errorf("impl=%s: %d answers summing to %d; want %d summing to %d", im.name, n, sum, len(puts), want)
		}
	}
}

type b10Client struct{}

type b10Shard struct{}

// hydroKVS builds the store as a flow and returns its put.
func hydroKVS() (b10Store, error) {
	f := hydro.NewFlow()
	client := hydro.NewProcess[b10Client](f)
	shards := hydro.NewCluster[b10Shard](f)
	in, puts := hydro.NewInput[b10Put](client)
	atShard := compartment.PartitionBy(puts, shards, b10Shards, func(p b10Put) uint64 { return b10Hash(p.Key) })
	merged := hydro.Scan(hydro.AssumeOrdered(atShard, "puts merge in any order"), func() map[uint64]lattice.Max[uint64] { return map[uint64]lattice.Max[uint64]{} },
		func(m *map[uint64]lattice.Max[uint64], p b10Put) b10Put { return b10Merge(*m, p) })
	answers := hydro.NewOutput(hydro.Gather(merged, client).Values())
	r, err := hydro.NewLocal(f, hydro.Size(shards, b10Shards))
	if err != nil {
		return nil, err
	}
	var got []b10Put
	return func(puts []b10Put) (uint64, int) {
		var sum uint64
		n := 0
		for i := 0; i < len(puts); i += b10Burst {
			in.Push(r, puts[i:min(i+b10Burst, len(puts))]...)
			r.RunAvailable()
			got = answers.DrainInto(r, got[:0])
			for _, a := range got {
				sum += a.Val
			}
			n += len(got)
		}
		return sum, n
	}, nil
}

// goKVS returns the hand-written store's put; with a codec, each burst's
// puts to a shard and the shard's answers go through it as one batch.
func goKVS(c *transport.Codec) b10Store {
	var shards [b10Shards]map[uint64]lattice.Max[uint64]
	for i := range shards {
		shards[i] = map[uint64]lattice.Max[uint64]{}
	}
	var routed [b10Shards][]b10Put
	var answers []b10Put
	var wire []byte
	// through encodes items, decodes them into dst's storage, and returns
	// dst: a batch's trip over the wire.
	through := func(items, dst []b10Put) []b10Put {
		wire = must(transport.AppendBatch(c, wire[:0], items))
		return must(transport.DecodeBatch(c, wire, dst[:0]))
	}
	return func(puts []b10Put) (uint64, int) {
		var sum uint64
		n := 0
		for i := 0; i < len(puts); i += b10Burst {
			burst := puts[i:min(i+b10Burst, len(puts))]
			if c == nil {
				for _, p := range burst {
					a := b10Merge(shards[b10Hash(p.Key)%b10Shards], p)
					sum += a.Val
					n++
				}
				continue
			}
			for s := range routed {
				routed[s] = routed[s][:0]
			}
			for _, p := range burst {
				s := b10Hash(p.Key) % b10Shards
				routed[s] = append(routed[s], p)
			}
			for s := range routed {
				in := through(routed[s], routed[s])
				answers = answers[:0]
				for _, p := range in {
					answers = append(answers, b10Merge(shards[s], p))
				}
				for _, a := range through(answers, answers) {
					sum += a.Val
					n++
				}
			}
		}
		return sum, n
	}
}
