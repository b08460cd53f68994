// SPDX-License-Identifier: Apache-2.0

package heartbeat

import (
	"time"

	"github.com/hydro-go/hydro"
)

// Event is a change in what the watcher believes of a member.
type Event[C any] struct {
	Member hydro.MemberID[C]
	Up     bool
}

// state is what the watcher knows of a member: the timer periods it has
// missed in a row, and whether it is suspected. Within a tick the carried
// state and this tick's news are folded together per member; each field is
// summed or or-ed, so the fold does not depend on their order.
type state struct {
	Known  bool // carried from an earlier tick
	Down   bool // suspected, as carried
	Missed int  // periods missed in a row, as carried
	Beat   bool // a heartbeat this tick
}

// Monitor makes every member of members send a heartbeat to at every
// period, and returns at's view of them: Up when a member is first heard
// from or comes back, Down when at's own timer fired misses times in a row
// with no heartbeat from it in between. misses must be at least 1.
func Monitor[C, P any](members *hydro.Cluster[C], at *hydro.Process[P], period time.Duration, misses int, nd hydro.NonDet) hydro.Stream[Event[C], *hydro.Process[P]] {
	if misses < 1 {
		panic("heartbeat: Monitor needs misses ≥ 1")
	}
	beats := hydro.Gather(hydro.SourceInterval(members, period, nd), at)
	joined := hydro.FilterValues(hydro.Members(members, at), func(m hydro.Membership) bool { return m == hydro.Joined })
	timer := hydro.SourceInterval(at, period, nd)

	tick := hydro.NewTick(at)
	carried, old := hydro.TickCycle[hydro.KV[hydro.MemberID[C], state]](tick, hydro.Unordered)
	fired := hydro.Count(hydro.Batch(timer, tick, nd))

	news := hydro.Merge(
		hydro.MapValues(hydro.BatchKeyed(beats, tick, nd), func(time.Duration) state { return state{Beat: true} }).Entries(),
		hydro.MapValues(hydro.BatchKeyed(joined, tick, nd), func(hydro.Membership) state { return state{} }).Entries(),
		old,
	)
	folded := hydro.FoldKeyed(hydro.IntoKeyed(news), func() state { return state{} }, func(acc *state, s state) {
		acc.Known = acc.Known || s.Known
		acc.Down = acc.Down || s.Down
		acc.Missed += s.Missed
		acc.Beat = acc.Beat || s.Beat
	}, hydro.Commutative).Entries()

	type member = hydro.KV[hydro.MemberID[C], state]
	type change = hydro.KV[hydro.MemberID[C], verdict]
	judged := hydro.Map(hydro.CrossSingleton(folded, fired), func(p hydro.Pair[member, int]) change {
		return change{Key: p.Left.Key, Val: judge(p.Left.Val, p.Right, misses)}
	})
	carried.Complete(hydro.Map(judged, func(c change) member { return member{Key: c.Key, Val: c.Val.next} }))
	events := hydro.FilterMap(judged, func(c change) (Event[C], bool) {
		return Event[C]{Member: c.Key, Up: c.Val.event == up}, c.Val.event != none
	})
	return hydro.AllTicks(events)
}

// verdict is a member's state after a tick, and what to report of it.
type verdict struct {
	next  state
	event int8
}

const (
	none int8 = iota
	up
	down
)

// judge folds a tick into a member's state: fired timer events in it, and
// whether a heartbeat came. A member is reported up when first known, or
// when heard from while suspected; down when its misses reach the limit.
func judge(s state, fired, misses int) verdict {
	missed := 0
	if !s.Beat {
		missed = s.Missed + fired
	}
	isDown := missed >= misses
	v := verdict{next: state{Known: true, Down: isDown, Missed: missed}}
	switch {
	case isDown && (!s.Known || !s.Down):
		v.event = down
	case !isDown && (!s.Known || s.Down):
		v.event = up
	}
	return v
}
