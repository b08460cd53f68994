// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
)

// Equivalence of a flow and its rewrite. A rewrite (hydro.Decouple,
// hydro.PartitionProcess) must keep the flow's meaning: whatever the
// rewritten flow yields in an execution, the original yields in one of its
// own, on the same inputs. The scenario builds either flow, as a bool says,
// drives it, and records what its outputs yield with Observe; Equivalent
// and RandomEquivalent run both and compare.

// observation is one call of Observe.
type observation struct {
	name    string
	ordered bool
	items   []string // each item printed with %v, in the order yielded
}

// canon is the observation as compared: its items in order, or sorted
// where ordered is false.
func (o observation) canon(ordered bool) string {
	items := o.items
	if !ordered {
		items = slices.Sorted(slices.Values(items))
	}
	var b strings.Builder
	b.WriteString(strconv.Quote(o.name))
	for _, it := range items {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(it))
	}
	return b.String()
}

func (o observation) String() string {
	how := "multiset"
	if o.ordered {
		how = "sequence"
	}
	return fmt.Sprintf("%s (%s) = [%s]", o.name, how, strings.Join(o.items, " "))
}

// Observe runs r until it settles, as Collect does, and returns what o
// yielded, recording it under name for Equivalent and RandomEquivalent to
// compare with what the other flow's output of that name yielded. Items
// compare as fmt prints them with %v: as a sequence where the collection o
// drains is ordered in the original flow, as a multiset where it is not.
// A scenario may observe several outputs, and one output several times
// (between the phases of its input, say); observations compare in the order
// they were made.
func Observe[T any](s *Sim, r *hydro.Local, name string, o *hydro.Output[T]) []T {
	items := Collect(s, r, o)
	obs := observation{name: name, ordered: orderedOutput(o)}
	for _, v := range items {
		obs.items = append(obs.items, fmt.Sprintf("%v", v))
	}
	s.observed = append(s.observed, obs)
	return items
}

// orderedOutput says whether what o drains is ordered: at a process, an
// ordered stream; at a cluster, whose members' items Drain concatenates
// member by member, never.
func orderedOutput(o any) bool {
	n := lang.Output(o)
	if len(n.Inputs) == 0 || n.Inputs[0] == nil {
		return false
	}
	in := n.Inputs[0]
	return in.Props.Ordered && in.Props.Kind == ir.Stream && in.Loc.Root().Kind != ir.Cluster
}

// outcomes are the distinct things the original flow yielded, each with one
// execution that yields it.
type outcomes struct {
	seen  map[string]*witness
	order []*witness
	// ordered holds, per observation name, whether the original's output
	// is ordered: how the rewrite's is compared.
	ordered map[string]bool
}

type witness struct {
	obs     []observation
	seed    uint64 // the seed of a random execution
	choices []int
}

func newOutcomes() *outcomes {
	return &outcomes{seen: map[string]*witness{}, ordered: map[string]bool{}}
}

// key is the canonical form of a whole execution's observations, compared
// as the original's outputs are ordered.
func (oc *outcomes) key(obs []observation) string {
	parts := make([]string, len(obs))
	for i, o := range obs {
		ordered, ok := oc.ordered[o.name]
		if !ok {
			ordered = o.ordered
		}
		parts[i] = o.canon(ordered)
	}
	return strings.Join(parts, "\n")
}

// add records what an execution of the original observed.
func (oc *outcomes) add(s *Sim, seed uint64) {
	for _, o := range s.observed {
		if _, ok := oc.ordered[o.name]; !ok {
			oc.ordered[o.name] = o.ordered
		}
	}
	k := oc.key(s.observed)
	if oc.seen[k] == nil {
		w := &witness{obs: s.observed, seed: seed, choices: s.chosen()}
		oc.seen[k] = w
		oc.order = append(oc.order, w)
	}
}

// check ends an execution of the rewritten flow as failed unless the
// original yields what it observed.
func (oc *outcomes) check(s *Sim) {
	if oc.seen[oc.key(s.observed)] != nil {
		return
	}
	s.Fatalf("%s", oc.mismatch(s.observed))
}

// mismatch describes what the rewrite observed beside the original's
// outcome closest to it (the most observations alike).
func (oc *outcomes) mismatch(got []observation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the rewritten flow's outputs are none of the original's (%d outcome%s):\n", len(oc.order), plural(len(oc.order)))
	best, alike := (*witness)(nil), -1
	for _, w := range oc.order {
		k := 0
		for i := range min(len(w.obs), len(got)) {
			if oc.key(w.obs[i:i+1]) == oc.key(got[i:i+1]) {
				k++
			}
		}
		if k > alike {
			best, alike = w, k
		}
	}
	for i := range max(len(got), len(best.obs)) {
		mark := "  "
		var r, o string
		if i < len(got) {
			r = got[i].String()
		}
		if i < len(best.obs) {
			o = best.obs[i].String()
		}
		if i >= len(got) || i >= len(best.obs) || oc.key(got[i:i+1]) != oc.key(best.obs[i:i+1]) {
			mark = "≠ "
		}
		fmt.Fprintf(&b, "\t%srewritten: %s\n\t%soriginal:  %s\n", mark, r, strings.Repeat(" ", len(mark)), o)
	}
	switch {
	case best.seed != 0:
		fmt.Fprintf(&b, "\tthe original yields that with seed %d\n", best.seed)
	case len(best.choices) == 0:
		b.WriteString("\tthe original yields that in its only execution\n")
	default:
		fmt.Fprintf(&b, "\tthe original yields that with choices %s\n", joinInts(best.choices))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Equivalent checks that a rewrite keeps a flow's meaning, over every
// execution of a small configuration. The scenario builds the original flow
// (rewritten false) or the rewritten one (true), drives it on the same
// inputs, and records what its outputs yield with Observe. Equivalent
// first finds every outcome of the original, exhaustively (as Exhaustive,
// within cfg.MaxExecutions); then runs the rewritten flow through every
// execution with Exhaustive, failing the test at the first whose
// observations are none of the original's: its report gives its choices,
// its trace, and its outputs beside the closest of the original's, and
// $HYDRO_SIM_CHOICES replays it. Outputs compare as sequences where the
// original's is ordered, as multisets where it is not. It returns how many
// executions of the rewritten flow ran to their end, and logs how many of
// the original's outcomes the rewrite never yields (a rewrite may take
// fewer choices than the original: that keeps its meaning).
func Equivalent(t *testing.T, cfg Config, scenario func(s *Sim, rewritten bool)) int {
	t.Helper()
	cfg = cfg.withDefaults()
	orig, st, f, complete := originals(cfg, scenario)
	switch {
	case f != nil && f.Flow != nil:
		t.Fatalf("sim: the original flow: %v", f.Flow)
	case f != nil:
		t.Fatalf("sim: the original flow failed in execution %d: %s", st.ran, f.Report)
	case !complete:
		t.Fatalf("sim: the original flow has more than %d executions: its outcomes are not all known. Shrink the scenario, raise MaxExecutions, or use RandomEquivalent.", cfg.MaxExecutions)
	case len(orig.order) == 0:
		t.Fatalf("sim: no execution of the original flow ran to its end: nothing to compare")
	}
	reached := map[*witness]bool{}
	n := Exhaustive(t, cfg, func(s *Sim) {
		scenario(s, true)
		orig.check(s)
		reached[orig.seen[orig.key(s.observed)]] = true
	})
	if missed := len(orig.order) - len(reached); missed > 0 && os.Getenv(EnvChoices) == "" {
		t.Logf("sim: the rewrite never yields %d of the original's %d outcomes", missed, len(orig.order))
	}
	return n
}

// originals explores every execution of the original flow and returns
// its outcomes.
func originals(cfg Config, scenario func(s *Sim, rewritten bool)) (*outcomes, stats, *Failure, bool) {
	orig := newOutcomes()
	st, f, complete := explore(cfg.MaxExecutions, reduction{por: !cfg.NoReduction, states: !cfg.NoStateHashing}, func(s *Sim) {
		scenario(s, false)
		orig.add(s, 0)
	})
	return orig, st, f, complete
}

// RandomEquivalent checks that a rewrite keeps a flow's meaning over
// cfg.Runs seeds of each flow: the scenario is Equivalent's. The original's
// outputs must not depend on its choices (a confluent flow, its unordered
// outputs compared as multisets): a random search cannot know every outcome
// of a flow whose outputs do, so the test fails, naming two seeds that
// disagree, where Equivalent is the check to use. Every execution of the
// rewritten flow must then yield the original's outcome; the first that
// does not fails the test as Random does, with its seed (saved, and
// replayed by $HYDRO_SIM_SEED), trace, and both outputs.
func RandomEquivalent(t *testing.T, cfg Config, scenario func(s *Sim, rewritten bool)) {
	t.Helper()
	cfg = cfg.withDefaults()
	orig := newOutcomes()
	for i := range uint64(cfg.Runs) {
		seed := cfg.Seed + i
		s := Seeded(seed)
		o, msg, err := s.run(func(s *Sim) { scenario(s, false) })
		switch {
		case o == brokenFlow:
			t.Fatalf("sim: the original flow: %v", err)
		case o == failedRun:
			t.Fatalf("sim: the original flow failed with seed %d: %s", seed, s.report(msg))
		case o == passed:
			orig.add(s, seed)
		}
		if len(orig.order) > 1 {
			a, b := orig.order[0], orig.order[1]
			t.Fatalf("sim: the original flow's outputs depend on its choices: seed %d yields\n\t%v\nand seed %d yields\n\t%v\n"+
				"RandomEquivalent needs one outcome to compare with; Equivalent finds all of them", a.seed, a.obs, b.seed, b.obs)
		}
	}
	if len(orig.order) == 0 {
		t.Fatalf("sim: no execution of the original flow ran to its end: nothing to compare")
	}
	Random(t, cfg, func(s *Sim) {
		scenario(s, true)
		orig.check(s)
	})
}
