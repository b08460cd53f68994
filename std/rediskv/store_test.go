// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro/std/resp"
)

func TestApply(t *testing.T) {
	s := New()
	steps := []struct {
		cmd  string
		want string
	}{
		{"PING", "PONG"},
		{"ping hi", `"hi"`},
		{"GET a", "(nil)"},
		{"SET a 1", "OK"},
		{"get a", `"1"`},
		{"INCR a", "(integer) 2"},
		{"INCR new", "(integer) 1"},
		{"SET s x", "OK"},
		{"INCR s", "(error) ERR value is not an integer or out of range"},
		{"SET big 9223372036854775807", "OK"},
		{"INCR big", "(error) ERR increment or decrement would overflow"},
		{"SET plus +1", "OK"},
		{"INCR plus", "(error) ERR value is not an integer or out of range"},
		{"EXISTS a nope s", "(integer) 2"},
		{"MSET x 1 y 2", "OK"},
		{"MGET x nope y", `["1" (nil) "2"]`},
		{"MSET x 1 y", "(error) ERR wrong number of arguments for 'mset' command"},
		{"GET", "(error) ERR wrong number of arguments for 'get' command"},
		{"SET a b EX 10", "(error) ERR wrong number of arguments for 'set' command"},
		{"DEL x y nope", "(integer) 2"},
		{"DBSIZE", "(integer) 5"},
		{"CONFIG GET save", `["save" ""]`},
		{"CONFIG GET APPENDONLY nope", `["appendonly" "no"]`},
		{"CONFIG GET nope", "[]"},
		{"CONFIG SET save x", "(error) ERR unknown subcommand 'SET'. Try CONFIG GET"},
		{"FLUSHALL", "(error) ERR unknown command 'FLUSHALL'"},
		{"ECHO e", `"e"`},
	}
	for _, st := range steps {
		c := resp.Command{Args: strings.Fields(st.cmd)}
		if got := s.Apply(c).String(); got != st.want {
			t.Errorf("Apply(%s) = %s; want %s", st.cmd, got, st.want)
		}
	}
	if v, ok := s.Get("a"); !ok || v != "2" || s.Len() != 5 {
		t.Errorf("Get(a) = %q, %v; Len() = %d; want \"2\", true, 5", v, ok, s.Len())
	}
	var zero Store
	if got := zero.Apply(resp.Command{Args: []string{"SET", "k", "v"}}); got.String() != "OK" {
		t.Errorf("zero Store: SET = %v", got)
	}
	for cmd, want := range map[string]bool{"set": true, "MSET": true, "del": true, "INCR": true, "GET": false, "X": false} {
		if got := IsWrite(resp.Command{Args: []string{cmd}}); got != want {
			t.Errorf("IsWrite(%s) = %v; want %v", cmd, got, want)
		}
	}
}
