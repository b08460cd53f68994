// SPDX-License-Identifier: Apache-2.0

package hydro

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/ir"
)

// PartitionOption is an option of PartitionProcess.
type PartitionOption interface {
	applyPartition(c *partitionConfig)
}

type partitionConfig struct {
	keys []namedKey
}

type namedKey struct {
	name string
	key  any // a compile.KeyBy
}

type partitionKey namedKey

func (k partitionKey) applyPartition(c *partitionConfig) { c.keys = append(c.keys, namedKey(k)) }

// PartitionKey names the key of the items of a channel into a partitioned
// process: the collection the channel made (a Send's result) is named name
// with Named, and key returns what the process's keyed operators key those
// items' descendants by (a field of a struct, say). PartitionProcess routes
// each item to the partition key's hash names, and trusts that the keyed
// operators downstream key by it, through any Map between: check it with
// sim.Equivalent. A channel of KV items needs no PartitionKey: its items'
// Key routes them, and the rewrite checks that the keyed operators use it.
func PartitionKey[T any, K comparable](name string, key func(T) K) PartitionOption {
	return partitionKey{name: name, key: compile.KeyBy[T, K]{Fn: key}}
}

// PartitionProcess turns process p into a cluster of n partitions, without
// changing the flow's code: a rewrite of the compiled program that keeps
// its meaning. Every channel into p routes each item to one partition, by
// the hash of its key modulo n, so that all the items of a key meet in the
// same partition, where p's keyed state for it lives; each partition runs
// p's operators on its share of the keys, in parallel with the others.
// What p sent elsewhere, every partition now sends there, and outputs at p
// yield every partition's items. A Local, the simulator and the deployment
// run p as n members, whatever sizes they are given.
//
// The key of a channel's items is the Key of its KV items, or what the
// PartitionKey naming the channel returns. PartitionProcess refuses,
// changing nothing, and names the operator and the user's file:line where
// partitioning would change what the flow computes: an operator that needs
// every key's data in one place (a global Fold or Reduce, Count,
// Enumerate, Scan, Sort, CrossProduct, ...), a keyed operator whose key is
// not the routing key (a Map between them changed it: name the key with
// PartitionKey), a source or input at p (each partition would run it), a
// forward reference at p, a channel into p from a cluster or an external
// client, an output at p of an ordered stream (its order would
// interleave), or a flow whose receivers relied on the order of what p
// sent them, which now comes from n senders. It must be called before
// Compile.
func PartitionProcess[P any](f *Flow, p *Process[P], n int, opts ...PartitionOption) error {
	if f.compiled || f.compileErr != nil {
		return fmt.Errorf("%w: PartitionProcess after Compile: the compiled program is fixed", ErrRewrite)
	}
	if p.f != f {
		return fmt.Errorf("%w: PartitionProcess of %v, a process of another flow", ErrRewrite, p)
	}
	var cfg partitionConfig
	for _, o := range opts {
		o.applyPartition(&cfg)
	}
	keys := map[*ir.Node]any{}
	for _, k := range cfg.keys {
		i := slices.IndexFunc(f.ir.Nodes, func(n *ir.Node) bool { return n.Name == k.name })
		if i < 0 {
			return fmt.Errorf("%w: PartitionKey: no collection named %q (the flow names %s)", ErrRewrite, k.name, namedIn(&f.ir))
		}
		keys[f.ir.Nodes[i]] = k.key
	}
	if err := compile.Partition(&f.ir, p.l, n, keys); err != nil {
		return fmt.Errorf("%w: %w", ErrRewrite, err)
	}
	return nil
}
