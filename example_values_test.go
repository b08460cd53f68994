// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"fmt"
	"slices"

	"github.com/hydro-go/hydro"
)

// Per-key operators keep each key's order, so a fold per key may depend on
// it.
func ExampleMapWithKey() {
	type Server struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Server](f)
	orders := hydro.IntoKeyed(hydro.SourceIter(p, []hydro.KV[string, int]{{Key: "tea", Val: 2}, {Key: "cake", Val: 1}, {Key: "tea", Val: 3}}))
	lines := hydro.MapWithKey(hydro.FilterValues(orders, func(n int) bool { return n > 1 }), func(item string, n int) string {
		return fmt.Sprintf("%d × %s", n, item)
	})
	out := hydro.NewOutput(lines.Values())
	r := hydro.MustLocal(f)
	r.RunAvailable()
	got := out.Drain(r)
	slices.Sort(got)
	fmt.Println(got)
	// Output: [2 × tea 3 × tea]
}

// IfSomeThen passes a singleton's value on only while an optional has one:
// here, the greeting only when someone is logged in.
func ExampleIfSomeThen() {
	type Server struct{}
	f := hydro.NewFlow()
	p := hydro.NewProcess[Server](f)
	user := hydro.SingletonOf(p, "ada").Filter(func(u string) bool { return u != "" })
	greeting := hydro.IfSomeThen(user, hydro.SingletonOf(p, "welcome back"))
	out := hydro.NewOutput(greeting.IntoStream())
	r := hydro.MustLocal(f)
	r.RunTick()
	fmt.Println(out.Drain(r))
	// Output: [welcome back]
}
