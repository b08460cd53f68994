// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hydro-go/hydro/internal/ir"
)

// Partition turns the process at into a cluster of n partitions: a
// rewrite of the IR between Check and Lower. Every channel into the
// process is routed by key (ir.ByKey): each item goes to the partition its
// key's hash names, so that all the items of one key meet in one
// partition, where the process's keyed state for that key lives. keys
// gives the key of a channel's items (a KeyBy); a channel it does not name
// is routed by the Key of its items, which must then be KVs. What leaves
// the process leaves every partition for the same places as before.
//
// Partition proves that the process keeps its state per key: it follows
// the routing key from each channel in, through the operators that keep it
// (filters, the keyed operators, batches and ticks), and requires every
// operator with state (keyed aggregations, joins, Unique, FilterNotIn) to
// see items co-located by it. An operator that computes a new element
// (Map, FlatMap, Values) loses a key Partition derived; a key the user
// named with KeyBy is taken to hold through such operators, as the user
// says it does (the simulator's equivalence check tests it).
//
// It refuses, changing nothing, and names the operator and its file:line:
// an operator that needs every key's data in one place (a global fold or
// reduce, Count, Enumerate, Scan, Sort, a cross product, ...) or one not
// known to keep its state per key; a keyed operator whose key Partition
// cannot tie to the routing key; a source, input or forward reference at
// the process (every partition would run it); a channel in that is not
// a Send from a process, or that has no key; an output of an ordered
// stream, whose order the partitions would interleave; and a rewrite after
// which the flow would fail Check (a receiver that relied on the order of
// what the process sent it, which now comes from n senders).
func Partition(f *ir.Flow, at *ir.Location, n int, keys map[*ir.Node]any) error {
	switch {
	case at.Kind != ir.Process || at.Parent != nil:
		return fmt.Errorf("hydro: Partition %v: only a process can be partitioned", at)
	case n < 1:
		return fmt.Errorf("hydro: Partition %v into %d: a partitioned process has at least one partition", at, n)
	}
	here := func(x *ir.Node) bool { return x != nil && x.Loc.Root() == at }
	into := func(x *ir.Node) bool { return here(x) && x.Net != nil && !here(x.Inputs[0]) }
	for k := range keys {
		if !into(k) {
			return fmt.Errorf("hydro: Partition %v: a key is given for %s, which is not a channel into %v", at, describe(k), at)
		}
	}
	states := map[*ir.Node]spread{}
	for _, x := range f.Order() {
		if !here(x) {
			continue
		}
		st, err := partitionState(x, at, keys, states)
		if err != nil {
			return err
		}
		states[x] = st
	}
	return applyPartition(f, at, n, keys, here, into)
}

// keyState is how a collection of the partitioned process is spread over
// the partitions.
type keyState uint8

const (
	// proven: by the Key of its KV items (or, for a stream of keys, by the
	// items themselves), as Partition followed it from a channel in.
	proven keyState = iota
	// named: by the key the user named for a channel it descends from.
	named
	// lost: by a key some operator's function has since replaced.
	lost
)

// spread is how a collection of the partitioned process is spread, and
// for a lost key, the operator that lost it.
type spread struct {
	st keyState
	by *ir.Node
}

// partitionState is how node x's collection is spread, or why x stops the
// rewrite.
func partitionState(x *ir.Node, at *ir.Location, keys map[*ir.Node]any, states map[*ir.Node]spread) (spread, error) {
	refuse := func(why string) error {
		return fmt.Errorf("hydro: Partition %v: %s %s", at, describe(x), why)
	}
	if x.Net != nil && x.Inputs[0].Loc.Root() != at {
		st, err := channelState(x, keys, refuse)
		return spread{st: st}, err
	}
	switch {
	case x.Cycle != nil:
		return spread{}, refuse("is a forward reference: the partitioning of what completes it is not followed")
	case len(x.Inputs) == 0:
		return spread{}, refuse("is a source: every partition would run it")
	}
	var in spread
	for _, p := range x.Inputs {
		if s := states[p]; s.st >= in.st {
			in = s
		}
	}
	op := x.Op
	switch {
	case op == "batch" && x.Inputs[0].Props.Ordered:
		return spread{}, refuse("batches an ordered stream: partitions would cut their keys' batches apart where its order does not allow (WeakenOrder first, if its order does not matter)")
	case slices.Contains(keeping, op),
		x.Props.Kind == ir.KeyedSingleton && slices.Contains([]string{"map", "filter_map"}, op):
		return in, nil
	case slices.Contains(replacing, op):
		if in.st == proven {
			return spread{st: lost, by: x}, nil
		}
		return in, nil
	case slices.Contains(perKey, op):
		if in.st == lost {
			return spread{}, refuse(fmt.Sprintf("keeps state per key, but its key may not be the one its input is routed by: %s computed new items. Name the key of the channel in with PartitionKey", describe(in.by)))
		}
		return in, nil
	case x.Props.Kind == ir.Sink:
		if p := x.Inputs[0].Props; p.Ordered && p.Kind == ir.Stream && op == "output" {
			return spread{}, refuse("yields an ordered stream: the partitions' items would interleave (WeakenOrder first, if its order does not matter)")
		}
		return in, nil
	case slices.Contains(global, op):
		return spread{}, refuse("needs every key's data in one place: it cannot be partitioned")
	}
	return spread{}, refuse("is not an operator known to keep its state per key")
}

// channelState checks a channel into the partitioned process and returns
// how it spreads its items.
func channelState(x *ir.Node, keys map[*ir.Node]any, refuse func(string) error) (keyState, error) {
	if x.Net.Route != ir.ToOne || x.Inputs[0].Loc.Root().Kind != ir.Process {
		return lost, refuse("brings items from a cluster or an external client: only a Send from a process can be routed by key")
	}
	pe, ok := x.Elem.(partitioned)
	if !ok {
		return lost, refuse("has no element type to route")
	}
	if k, ok := keys[x]; ok {
		if !pe.keyFits(k) {
			return lost, refuse(fmt.Sprintf("is given a key function of %T, which does not take its items", k))
		}
		return named, nil
	}
	if pe.isKV() {
		return proven, nil
	}
	return lost, refuse("carries items that are not KVs: name it (Named) and give its key with PartitionKey")
}

// Operators by what they do to the partitioning of their inputs.
var (
	// keeping pass items, or their keys, through unchanged.
	keeping = []string{
		"filter", "inspect", "weaken_order", "weaken_retries", "assume_ordered", "assume_exactly_once",
		"chain", "merge", "partition", "partition_yes", "partition_no", "batch", "all_ticks", "snapshot",
		"latest", "defer_tick", "persist", "entries", "keys", "into_keyed", "into_keyed_stream",
		"map_values", "filter_values", "filter_with_key", "filter_map_values", "flat_map_values",
		"inspect_values", "map_with_key", "sort_values", "generator_keyed_emit", "scan_keyed_emit",
		"enumerate_keyed_emit", "fold_early_stop_emit",
	}
	// replacing compute new items, whose key Partition cannot know.
	replacing = []string{"map", "filter_map", "flat_map", "flat_map_unordered", "flatten", "values", "prefix_key", "drop_key_prefix"}
	// perKey keep state per key (or per item), and so need their input
	// spread by it.
	perKey = []string{"fold_keyed", "reduce_keyed", "first_keyed", "value_counts", "join", "anti_join",
		"unique", "filter_not_in", "filter_key_not_in", "enumerate_keyed", "scan_keyed", "generator_keyed",
		"fold_early_stop", "fold_early_stop_keep"}
	// global need all the data in one place.
	global = []string{"fold", "reduce", "count", "min", "max", "first", "last", "collect", "collect_keys",
		"is_empty", "enumerate", "scan", "scan_while", "generator", "sort", "cross_product", "cross_singleton",
		"into_map", "get", "zip", "threshold", "reduce_watermark",
		"sample_every", "timeout", "repeat_with_keys", "lookup"}
)

// describe names a node for the user: its operator, its collection's name
// if it has one, and where it was made.
func describe(x *ir.Node) string {
	if x.Name != "" {
		return fmt.Sprintf("%s %q (%s)", x.Op, x.Name, x.Pos())
	}
	return fmt.Sprintf("%s (%s)", x.Op, x.Pos())
}

// applyPartition rewrites the flow once Partition has found it can be
// partitioned, and undoes it if Check then finds a problem.
func applyPartition(f *ir.Flow, at *ir.Location, n int, keys map[*ir.Node]any, here, into func(*ir.Node) bool) error {
	before := len(Check(f))
	type saved struct {
		net   *ir.Net
		props ir.Props
	}
	undo := map[*ir.Node]saved{}
	save := func(x *ir.Node) {
		if _, ok := undo[x]; !ok {
			s := saved{props: x.Props}
			if x.Net != nil {
				c := *x.Net
				s.net = &c
			}
			undo[x] = s
		}
	}
	restore := func() {
		for x, s := range undo {
			x.Props, x.Net = s.props, s.net
		}
	}
	consumers := f.Consumers()
	var weakened []*ir.Node
	for _, x := range f.Nodes {
		switch {
		case into(x):
			save(x)
			x.Net.Route, x.Net.Key, x.Net.Partitions = ir.ByKey, keys[x], n
		case x.Net != nil && !here(x) && here(x.Inputs[0]) && x.Props.Ordered && n > 1:
			// n senders now, whose items interleave.
			save(x)
			x.Props.Ordered = false
			weakened = append(weakened, x)
		}
	}
	// What was ordered only because its input was loses its order too.
	for len(weakened) > 0 {
		x := weakened[0]
		weakened = weakened[1:]
		for _, c := range consumers[x] {
			if c.Op == "output" {
				restore()
				return fmt.Errorf("hydro: Partition %v: %s yields an ordered stream that %v sends, which would come from %d partitions interleaved (WeakenOrder first, if its order does not matter)", at, describe(c), at, n)
			}
			if c.Props.Ordered && !here(c) && !slices.Contains(ordering, c.Op) {
				save(c)
				c.Props.Ordered = false
				weakened = append(weakened, c)
			}
		}
	}
	kind := at.Kind
	at.Kind, at.Partitions = ir.Cluster, n
	if errs := Check(f); len(errs) > before {
		at.Kind, at.Partitions = kind, 0
		restore()
		return fmt.Errorf("hydro: Partition %v: the partitioned flow would not check: %w", at, errors.Join(errs[before:]...))
	}
	return nil
}

// ordering are the operators whose result is ordered whatever the order of
// their input.
var ordering = []string{"sort", "sort_values", "assume_ordered", "fold", "reduce", "count", "min", "max", "collect", "is_empty"}
