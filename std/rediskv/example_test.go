// SPDX-License-Identifier: Apache-2.0

package rediskv_test

import (
	"fmt"

	"github.com/hydro-go/hydro/std/rediskv"
	"github.com/hydro-go/hydro/std/resp"
)

func ExampleStore_Apply() {
	s := rediskv.New()
	for _, c := range [][]string{{"SET", "n", "41"}, {"INCR", "n"}, {"MGET", "n", "missing"}, {"INCR"}} {
		fmt.Println(s.Apply(resp.Command{Args: c}))
	}
	// Output:
	// OK
	// (integer) 42
	// ["42" (nil)]
	// (error) ERR wrong number of arguments for 'incr' command
}
