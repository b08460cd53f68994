// SPDX-License-Identifier: Apache-2.0

package semantics

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hydro-go/hydro"
)

// Watch shows a top-level singleton as a stream: its value, snapshotted
// once in every tick.
func Watch[T any](x hydro.Singleton[T, Proc]) hydro.Stream[T, Proc] {
	tk := hydro.NewTick(x.Location())
	return hydro.AllTicks(hydro.Snapshot(x, tk, ND).IntoStream())
}

// WatchOptional is Watch for optionals: nothing in a tick where it is empty.
func WatchOptional[T any](x hydro.Optional[T, Proc]) hydro.Stream[T, Proc] {
	tk := hydro.NewTick(x.Location())
	return hydro.AllTicks(hydro.SnapshotOptional(x, tk, ND).IntoStream())
}

// WatchKeyed shows a top-level keyed singleton once in every tick, as one
// item: its entries, sorted.
func WatchKeyed[K comparable, V any](x hydro.KeyedSingleton[K, V, Proc]) hydro.Stream[string, Proc] {
	tk := hydro.NewTick(x.Location())
	return hydro.AllTicks(InOne(hydro.SnapshotKeyed(x, tk, ND).Entries()))
}

// InOne renders a tick's batch as one item, its items sorted: an unordered
// batch that reads the same whatever its order.
//
// NB: the fold keeps its slice sorted as it goes, so that it is truly
// commutative: appending and sorting afterwards gave the same rendering, but
// a fold whose own result depends on order, which the simulator's check of
// the Commutative claim rightly refused.
func InOne[T any](s hydro.Stream[T, Tick]) hydro.Stream[string, Tick] {
	all := hydro.Fold(hydro.WeakenOrder(s), func() []string { return nil },
		func(acc *[]string, v T) {
			x := fmt.Sprint(v)
			i, _ := slices.BinarySearch(*acc, x)
			*acc = slices.Insert(*acc, i, x)
		}, hydro.Commutative)
	return hydro.MapSingleton(all, func(xs []string) string { return "{" + strings.Join(xs, " ") + "}" }).IntoStream()
}

// KV builds a key-value pair.
func KV[K comparable, V any](k K, v V) hydro.KV[K, V] { return hydro.KV[K, V]{Key: k, Val: v} }

// Pair builds a pair.
func Pair[A, B any](a A, b B) hydro.Pair[A, B] { return hydro.Pair[A, B]{Left: a, Right: b} }

func ints(v ...int) []int { return v }

func strs(v ...string) []string { return v }

func times(k int) func(int) int { return func(x int) int { return x * k } }

func odd(x int) bool { return x%2 != 0 }

// copies returns x copies of x.
func copies(x int) []int {
	out := make([]int, x)
	for i := range out {
		out[i] = x
	}
	return out
}

func sum(acc *int, x int) { *acc += x }

func zero() int { return 0 }

func maxInto(acc *int, x int) { *acc = max(*acc, x) }

// atoi parses a rendered int, or returns an error naming what it was.
func atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an int", s)
	}
	return n, nil
}

// atois parses rendered ints.
func atois(all []string) ([]int, error) {
	out := make([]int, len(all))
	for i, s := range all {
		n, err := atoi(s)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
