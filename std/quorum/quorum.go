// SPDX-License-Identifier: Apache-2.0

package quorum

import "github.com/hydro-go/hydro"

// Response is one response to a request: a success, or the error a
// responder reported (as text, so that it can travel).
type Response struct {
	Err string
}

// OK reports whether the response is a success.
func (r Response) OK() bool { return r.Err == "" }

// Remembered is how many decided keys Collect remembers at least, while
// their stragglers are still due: it forgets the oldest of them once
// 2·Remembered are held, so that requests whose last responders never
// answer (a responder that died) cost a bounded memory.
const Remembered = 4096

// Collect emits each request's key once its min-th success has arrived, and
// passes every error on, keyed by request. It needs 0 < min ≤ max, and
// responses that arrive exactly once (each counts).
//
// A request is forgotten once max responses have arrived. A request that
// reached its quorum is forgotten earlier when Remembered to 2·Remembered
// later requests reached theirs first: its stragglers after that start a
// new round of the key, as responses after the max-th do. A request that
// never gets min successes nor max responses stays tracked.
//
// Each response costs one step, whatever the number of requests tracked.
func Collect[K comparable, L hydro.Location](responses hydro.KeyedStream[K, Response, L], min, max int, nd hydro.NonDet) (done hydro.Stream[K, L], errs hydro.KeyedStream[K, string, L]) {
	if min <= 0 || max < min {
		panic("quorum: Collect needs 0 < min ≤ max")
	}
	type crossed struct {
		key K
		ok  bool
	}
	steps := hydro.Scan(hydro.AssumeOrdered(responses.Entries(), nd), func() *collector[K] { return nil },
		func(c **collector[K], r hydro.KV[K, Response]) crossed {
			if *c == nil {
				*c = newCollector[K](min, max, Remembered)
			}
			return crossed{r.Key, (*c).add(r.Key, r.Val.OK())}
		})
	done = hydro.FilterMap(steps, func(c crossed) (K, bool) { return c.key, c.ok })
	errs = hydro.FilterMapValues(responses, func(r Response) (string, bool) { return r.Err, !r.OK() })
	return done, errs
}

// tally is what is known of an open request: successes and responses so
// far.
type tally struct{ succ, total int }

// collector counts the responses of every request. A request is open until
// its min-th success (then decided) or its max-th response (then
// forgotten). A decided request stays, as the count of its responses, in
// decided until its max-th response, or until decided fills up: decided
// then becomes older, and what older held is forgotten.
type collector[K comparable] struct {
	min, max int
	window   int
	open     map[K]tally
	decided  map[K]int
	older    map[K]int
}

func newCollector[K comparable](min, max, window int) *collector[K] {
	return &collector[K]{min: min, max: max, window: window, open: map[K]tally{}, decided: map[K]int{}, older: map[K]int{}}
}

// add counts one response to key and reports whether it completed the
// key's quorum.
func (c *collector[K]) add(key K, ok bool) bool {
	if c.late(c.decided, key) || c.late(c.older, key) {
		return false
	}
	t := c.open[key]
	t.total++
	if ok {
		t.succ++
	}
	switch {
	case t.succ >= c.min:
		delete(c.open, key)
		if t.total < c.max {
			c.decide(key, t.total)
		}
		return true
	case t.total >= c.max:
		delete(c.open, key)
	default:
		c.open[key] = t
	}
	return false
}

// late counts a straggler of a decided key held in m, if it is there.
func (c *collector[K]) late(m map[K]int, key K) bool {
	n, ok := m[key]
	if !ok {
		return false
	}
	if n+1 >= c.max {
		delete(m, key)
	} else {
		m[key] = n + 1
	}
	return true
}

// decide remembers a key that reached its quorum after total responses.
func (c *collector[K]) decide(key K, total int) {
	if len(c.decided) >= c.window {
		c.older, c.decided = c.decided, c.older
		clear(c.decided)
	}
	c.decided[key] = total
}
