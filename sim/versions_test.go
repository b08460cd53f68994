// SPDX-License-Identifier: Apache-2.0

package sim_test

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/sim"
)

type shop struct{}

type till struct{}

// The orders a shop sends its tills, as four builds of the program see
// them.
type (
	orderV1 struct {
		Item string
		Qty  int
	}
	// orderGift adds a field: old tills skip it.
	orderGift struct {
		Item string
		Qty  int
		Gift bool
	}
	// orderRenamed renames Qty: old tills read no quantity.
	orderRenamed struct {
		Item  string
		Count int
	}
	// orderRetyped sends the quantity as text.
	orderRetyped struct {
		Item string
		Qty  string
	}
)

type shopBuild[O any] struct {
	f      *hydro.Flow
	shop   *hydro.Process[shop]
	tills  *hydro.Cluster[till]
	orders *hydro.Input[O]
	totals *hydro.Output[hydro.KV[string, int]]
}

// buildShop is one build of the shop: the shop routes each order to a
// till by its item, the till keeps a running total per item and reports
// every new total back. extra adds an operator before the routing, as a
// later version might, which renumbers the channels made after it: only
// their names keep them matched.
func buildShop[O any](item func(O) string, qty func(O) int, extra bool) shopBuild[O] {
	f := hydro.NewFlow()
	p := hydro.NewProcess[shop](f)
	tills := hydro.NewCluster[till](f)
	in, orders := hydro.NewInput[O](p)
	if extra {
		orders = orders.Filter(func(o O) bool { return item(o) != "" })
	}
	routed := hydro.IntoKeyed(hydro.Map(orders, func(o O) hydro.KV[hydro.MemberID[till], O] {
		return hydro.KV[hydro.MemberID[till], O]{Key: hydro.MemberID[till](len(item(o)) % 2), Val: o}
	}))
	at := hydro.Demux(routed, tills).Named("orders")
	totals := hydro.Scan(at, func() map[string]int { return map[string]int{} }, func(m *map[string]int, o O) hydro.KV[string, int] {
		(*m)[item(o)] += qty(o)
		return hydro.KV[string, int]{Key: item(o), Val: (*m)[item(o)]}
	})
	back := hydro.Gather(totals, p).Named("totals")
	return shopBuild[O]{f: f, shop: p, tills: tills, orders: in, totals: hydro.NewOutput(back.Values())}
}

func shopV1() shopBuild[orderV1] {
	return buildShop(func(o orderV1) string { return o.Item }, func(o orderV1) int { return o.Qty }, false)
}

func shopGift() shopBuild[orderGift] {
	return buildShop(func(o orderGift) string { return o.Item }, func(o orderGift) int {
		if o.Gift {
			return 0
		}
		return o.Qty
	}, true)
}

func shopRenamed() shopBuild[orderRenamed] {
	return buildShop(func(o orderRenamed) string { return o.Item }, func(o orderRenamed) int { return o.Count }, true)
}

// checkTotals pushes three orders (pen goes to till 1, soap to till 0) through push and checks the last total
// of each item.
func checkTotals(s *sim.Sim, r *hydro.Local, push func(item string, qty int), out *hydro.Output[hydro.KV[string, int]]) {
	push("pen", 2)
	push("soap", 3)
	push("pen", 1)
	s.RunAvailable(r)
	final := map[string]int{}
	for _, kv := range out.Drain(r) {
		final[kv.Key] = kv.Val
	}
	s.Assert(final["pen"] == 3 && final["soap"] == 3, "totals %v; want pen 3, soap 3", final)
}

// upgrade is one stage of a rolling upgrade: whether the shop runs the
// new build, and which tills do.
type upgrade struct {
	name     string
	newShop  bool
	newTills []int
}

var stages = []upgrade{
	{"old shop, till 1 new", false, []int{1}},
	{"old shop, both tills new", false, []int{0, 1}},
	{"new shop, till 0 old", true, []int{1}},
	{"new shop, both tills old", true, nil},
	{"all new", true, []int{0, 1}},
}

// runStage runs the shop with the old build v1 and the new build b at
// stage u, pushing orders into whichever build the shop runs.
func runStage[O any](s *sim.Sim, u upgrade, b shopBuild[O], order func(string, int) O) {
	old := shopV1()
	opts := []hydro.LocalOption{hydro.SizeOf[till](2)}
	if len(u.newTills) > 0 {
		opts = append(opts, sim.Runs(b.tills, u.newTills...))
	}
	push := func(r *hydro.Local) func(string, int) {
		return func(item string, qty int) { old.orders.Push(r, orderV1{item, qty}) }
	}
	out := old.totals
	if u.newShop {
		opts = append(opts, sim.Runs(b.shop))
		push = func(r *hydro.Local) func(string, int) {
			return func(item string, qty int) { b.orders.Push(r, order(item, qty)) }
		}
		out = b.totals
	}
	r := s.Versions([]*hydro.Flow{old.f, b.f}, opts...)
	checkTotals(s, r, push(r), out)
}

// TestVersionsCompatibleChange: a new build that adds a field to the
// orders, and an operator that renumbers the unnamed channels, works
// beside the old one at every stage of a rolling upgrade.
func TestVersionsCompatibleChange(t *testing.T) {
	for _, u := range stages {
		t.Run(u.name, func(t *testing.T) {
			sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
				runStage(s, u, shopGift(), func(item string, qty int) orderGift { return orderGift{Item: item, Qty: qty} })
			})
		})
	}
}

// TestVersionsIncompatibleChangeIsCaught: a build that renames the
// quantity's field passes on its own, and at the stages where the shop
// and the tills that get orders run one build, but an old till reading a
// new shop's orders finds no quantity: the simulator fails that stage,
// with a trace that says which node runs which version.
func TestVersionsIncompatibleChangeIsCaught(t *testing.T) {
	renamed := func(item string, qty int) orderRenamed { return orderRenamed{item, qty} }
	sim.Exhaustive(t, sim.Config{}, func(s *sim.Sim) {
		b := shopRenamed()
		r := s.Local(b.f, hydro.SizeOf[till](2))
		checkTotals(s, r, func(item string, qty int) { b.orders.Push(r, renamed(item, qty)) }, b.totals)
	})
	for _, u := range stages {
		_, f, complete := sim.Enumerate(1000, func(s *sim.Sim) { runStage(s, u, shopRenamed(), renamed) })
		caught := f != nil
		// Both tills get orders: the change breaks the totals wherever
		// the shop's build differs from a till's.
		want := !u.newShop || len(u.newTills) != 2
		if caught != want || !complete && !caught {
			t.Errorf("%s: failure %v (complete %v); want one: %v", u.name, f, complete, want)
			continue
		}
		if caught && (f.Flow != nil || !strings.Contains(f.Message, "want pen 3, soap 3") || !strings.Contains(f.Report, "versions: shop runs ")) {
			t.Errorf("%s: failure %+v; want the totals wrong and the versions in the trace", u.name, f)
		}
	}
}

// TestVersionsMismatchedType: a build that sends the quantity as text
// cannot share the channel with one that reads a number; the simulator
// says so before it runs anything, naming the channel and the field.
func TestVersionsMismatchedType(t *testing.T) {
	_, f, _ := sim.Enumerate(10, func(s *sim.Sim) {
		b := buildShop(func(o orderRetyped) string { return o.Item }, func(o orderRetyped) int { return len(o.Qty) }, false)
		runStage(s, upgrade{"", false, []int{1}}, b, func(item string, qty int) orderRetyped { return orderRetyped{item, ""} })
	})
	if f == nil || f.Flow == nil {
		t.Fatalf("Enumerate: %+v; want a flow error", f)
	}
	for _, want := range []string{`channel "orders" from shop to till`, "version 0", "version 1", "field Qty: int is sent and string received"} {
		if !strings.Contains(f.Flow.Error(), want) {
			t.Errorf("error %q does not say %q", f.Flow, want)
		}
	}
}
