// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/std/replica"
	"github.com/hydro-go/hydro/std/resp"
)

// TestFrontend: no command before the log gave an epoch (the hello sent
// again after a whole period unanswered); one batch in flight per
// connection, sent again after a whole period unanswered; answers for an
// earlier epoch ignored; replies in order from the first answer only;
// commands past MaxPending refused in their turn; a closed connection
// forgotten, and not opened again by a command of its last tick.
func TestFrontend(t *testing.T) {
	fe := newFrontend(Config{MaxPending: 2, MaxBatch: 2})
	var log []string
	do := func(e feEvent) {
		out := fe.step(e)
		for _, r := range out.replies {
			log = append(log, fmt.Sprintf("reply c%d %v", r.Key, r.Val))
		}
		for _, r := range out.send {
			log = append(log, fmt.Sprintf("send e%d/c%d#%d%v", r.Client>>32, r.Client&(1<<32-1), r.Seq, r.Op))
		}
	}
	cmd := func(conn int, s string) { do(feEvent{kind: feCommand, conn: hydro.ConnID(conn), cmd: words(s)}) }
	answer := func(conn int, seq uint64, vals ...string) {
		var res []resp.Value
		for _, v := range vals {
			res = append(res, resp.Simple(v))
		}
		do(feEvent{kind: feAnswer, answer: replica.Response[[]resp.Value]{Client: 7<<32 | uint64(conn), Seq: seq, Result: res}})
	}
	expect := func(want ...string) {
		t.Helper()
		if got := strings.Join(log, "\n"); got != strings.Join(want, "\n") {
			t.Errorf("front end did\n%s\nwant\n%s", got, strings.Join(want, "\n"))
		}
		log = nil
	}

	cmd(1, "SET a 1") // the hello first, the command waits
	expect("send e0/c0#0[]")
	do(feEvent{kind: feTimer})
	do(feEvent{kind: feTimer})
	expect("send e0/c0#0[]")
	hello := func(slot int) {
		do(feEvent{kind: feAnswer, answer: replica.Response[[]resp.Value]{Client: 0, Slot: slot}})
	}
	hello(6) // epoch 7: the command goes
	hello(9) // a retry's: the epoch stays
	expect("send e7/c1#1[SET a 1]")
	cmd(1, "GET a") // queued behind it
	cmd(1, "GET b")
	cmd(1, "GET c") // past MaxPending: refused after the others
	expect()
	do(feEvent{kind: feTimer})
	expect()
	do(feEvent{kind: feTimer})
	expect("send e7/c1#1[SET a 1]")
	do(feEvent{kind: feAnswer, answer: replica.Response[[]resp.Value]{Client: 6<<32 | 1, Seq: 1, Result: []resp.Value{resp.Simple("OK")}}})
	expect() // for an earlier epoch
	answer(1, 1, "OK")
	answer(1, 1, "OK") // the other replica's
	expect("reply c1 OK", "send e7/c1#2[GET a GET b]")
	cmd(1, "GET d") // refused: GET c was
	answer(1, 2, "x", "y")
	expect("reply c1 x", "reply c1 y",
		"reply c1 (error) ERR too many commands pending on this connection",
		"reply c1 (error) ERR too many commands pending on this connection")
	cmd(1, "GET e")
	expect("send e7/c1#3[GET e]")

	do(feEvent{kind: feClosed, conn: 2})
	cmd(2, "GET z") // in the tick of the close: dropped
	do(feEvent{kind: feClosed, conn: 1})
	do(feEvent{kind: feTimer})
	do(feEvent{kind: feTimer})
	answer(1, 3, "late")
	expect()
	if len(fe.conns) != 0 {
		t.Errorf("front end holds %d connections after both closed", len(fe.conns))
	}
}

// TestFrontendEarly: the broken variant acknowledges SET when it sends it,
// and drops the log's reply to it.
func TestFrontendEarly(t *testing.T) {
	fe := newFrontend(Config{MaxPending: 4, MaxBatch: 4, early: true})
	fe.step(feEvent{kind: feAnswer, answer: replica.Response[[]resp.Value]{Client: 0}})
	out := fe.step(feEvent{kind: feCommand, conn: 1, cmd: words("SET a 1")})
	if len(out.replies) != 1 || out.replies[0].Val.String() != "OK" || len(out.send) != 1 {
		t.Fatalf("SET: %+v; want OK at once and the request sent", out)
	}
	out = fe.step(feEvent{kind: feAnswer, answer: replica.Response[[]resp.Value]{Client: 1<<32 | 1, Seq: 1, Result: []resp.Value{resp.Simple("OK")}}})
	if len(out.replies) != 0 {
		t.Errorf("the log's reply to an acknowledged SET was sent again: %+v", out.replies)
	}
}
