// SPDX-License-Identifier: Apache-2.0

package heartbeat

import "testing"

// TestJudge: the detector's state machine, tick by tick, with misses = 3.
func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     state
		fired int
		want  verdict
	}{
		{"first heard from", state{Beat: true}, 0, verdict{state{Known: true}, up}},
		{"first known by membership", state{}, 0, verdict{state{Known: true}, up}},
		{"a beat resets the count", state{Known: true, Missed: 2, Beat: true}, 1, verdict{state{Known: true}, none}},
		{"one period missed", state{Known: true}, 1, verdict{state{Known: true, Missed: 1}, none}},
		{"third period missed", state{Known: true, Missed: 2}, 1, verdict{state{Known: true, Missed: 3, Down: true}, down}},
		{"two periods in one tick", state{Known: true, Missed: 1}, 2, verdict{state{Known: true, Missed: 3, Down: true}, down}},
		{"still down", state{Known: true, Missed: 3, Down: true}, 1, verdict{state{Known: true, Missed: 4, Down: true}, none}},
		{"back", state{Known: true, Missed: 4, Down: true, Beat: true}, 1, verdict{state{Known: true}, up}},
		{"never heard, never sends", state{}, 3, verdict{state{Known: true, Missed: 3, Down: true}, down}},
	} {
		if got := judge(tc.s, tc.fired, 3); got != tc.want {
			t.Errorf("judge(%s) = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}
