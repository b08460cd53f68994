// SPDX-License-Identifier: Apache-2.0

package dfir

import "fmt"

// KV is a key and a value: the element type of keyed operators such as Join
// and FoldKeyed.
type KV[K comparable, V any] struct {
	Key K
	Val V
}

// String formats the pair as (key, value).
func (kv KV[K, V]) String() string { return fmt.Sprintf("(%v, %v)", kv.Key, kv.Val) }

// Pair is two values side by side: the element type of CrossJoin and Zip, and
// the value type of Join.
type Pair[A, B any] struct {
	Left  A
	Right B
}

// String formats the pair as (left, right).
func (p Pair[A, B]) String() string { return fmt.Sprintf("(%v, %v)", p.Left, p.Right) }

// Tagged is a value with the index of the output it belongs to, the input of
// DemuxTagged.
type Tagged[T any] struct {
	Tag int
	Val T
}

// Lifetime says how long an operator keeps its state: for the current tick
// only, or across ticks. It is DFIR's 'tick and 'static.
type Lifetime uint8

const (
	// PerTick state is cleared at the end of every tick. It is the default.
	PerTick Lifetime = iota
	// Static state persists across ticks.
	Static
	// Incremental state persists across ticks like Static, but an operator
	// emits each result once, when it arises, instead of replaying every
	// result every tick. It is what a stream of changes wants: a join of
	// two growing streams that emits each new match once. Only Join and
	// CrossJoin distinguish it from Static.
	Incremental
)

func (l Lifetime) String() string {
	switch l {
	case Static:
		return "static"
	case Incremental:
		return "incremental"
	}
	return "tick"
}

// persists reports whether state with this lifetime outlives the tick.
func (l Lifetime) persists() bool { return l != PerTick }
