// SPDX-License-Identifier: Apache-2.0

package twopc

import (
	"testing"

	"github.com/hydro-go/hydro"
)

// TestSteer: the coordinator's step for one transaction among 3 members.
func TestSteer(t *testing.T) {
	type l = ledger[int]
	for _, tc := range []struct {
		name  string
		s     l
		fired int
		want  move[int]
	}{
		{"ghost", l{Acked: 1}, 0, move[int]{}},
		{"new", l{Begun: true, Payload: 7}, 0, move[int]{next: l{Known: true, Begun: true, Payload: 7}, keep: true, prepareTo: 7}},
		{"waiting", l{Known: true, Begun: true, Payload: 7, Answered: 1, Yes: 1}, 0, move[int]{next: l{Known: true, Begun: true, Payload: 7, Answered: 1, Yes: 1}, keep: true}},
		{"resend prepare", l{Known: true, Begun: true, Payload: 7, Answered: 1, Yes: 1}, 1, move[int]{next: l{Known: true, Begun: true, Payload: 7, Answered: 1, Yes: 1}, keep: true, prepareTo: 6}},
		{"all yes", l{Known: true, Begun: true, Payload: 7, Answered: 7, Yes: 7}, 0, move[int]{next: l{Known: true, Begun: true, Answered: 7, Yes: 7, Decided: true, Commit: true}, keep: true, announce: true, decideTo: 7}},
		{"one no", l{Known: true, Begun: true, Payload: 7, Answered: 2}, 0, move[int]{next: l{Known: true, Begun: true, Answered: 2, Decided: true}, keep: true, announce: true, decideTo: 7}},
		{"resend decision", l{Known: true, Begun: true, Decided: true, Acked: 5}, 2, move[int]{next: l{Known: true, Begun: true, Decided: true, Acked: 5}, keep: true, decideTo: 2}},
		{"all acked", l{Known: true, Begun: true, Decided: true, Acked: 7}, 0, move[int]{next: l{Known: true, Begun: true, Decided: true, Acked: 7}}},
	} {
		if got := steer(tc.s, tc.fired, 3, 3); got != tc.want {
			t.Errorf("steer(%s) = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}

// TestRespond: a participant's step for one transaction.
func TestRespond(t *testing.T) {
	type r = record[int, int]
	refuse7 := func(_ hydro.MemberID[int], p int) bool { return p != 7 }
	for _, tc := range []struct {
		name string
		r    r
		want answer[int, int]
	}{
		{"prepare, yes", r{Self: 1, Prepare: true, Payload: 5}, answer[int, int]{next: r{Self: 1, Logged: true, Vote: true, Payload: 5}, keep: true, vote: yes}},
		{"prepare, no", r{Self: 1, Prepare: true, Payload: 7}, answer[int, int]{next: r{Self: 1, Logged: true, Payload: 7}, keep: true, vote: no, learned: true, decision: Decision[int, int]{Member: 1, Payload: 7}}},
		{"prepare again", r{Self: 1, Logged: true, Vote: true, Prepare: true, Payload: 5}, answer[int, int]{next: r{Self: 1, Logged: true, Vote: true, Payload: 5}, keep: true, vote: yes}},
		{"commit", r{Self: 1, Logged: true, Vote: true, Payload: 5, Commit: true}, answer[int, int]{ack: true, learned: true, decision: Decision[int, int]{Member: 1, Payload: 5, Commit: true}}},
		{"abort after no", r{Self: 1, Logged: true, Payload: 7, Abort: true}, answer[int, int]{ack: true}},
		{"decision again", r{Self: 1, Commit: true}, answer[int, int]{ack: true}},
	} {
		if got := respond(tc.r, refuse7); got != tc.want {
			t.Errorf("respond(%s) = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}
