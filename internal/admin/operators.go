// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"context"
	"fmt"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/hydro-go/hydro/dfir"
)

// opTimer is the dfir.Observer of a watched graph: it times each
// operator's own work, the time between its Enter and Exit not spent in an
// operator it pushed to, and labels the goroutine running the tick with
// the operator at work, so that a CPU profile taken at /debug/pprof/profile
// splits the location's time by operator (labels location, operator and
// name). It runs under the node's lock, with the ticks.
type opTimer struct {
	base   time.Time // nanos are counted from here, on the monotonic clock
	last   int64     // when the operator on top of stack last started or resumed
	stack  []int
	nanos  []int64           // per operator id
	labels []context.Context // per operator id, for pprof
	plain  context.Context   // no labels: between operators
}

var _ dfir.Observer = (*opTimer)(nil)

// newOpTimer makes the timer of a graph whose operators are ops (by id),
// at location loc.
func newOpTimer(loc string, ops []dfir.OperatorStats) *opTimer {
	t := &opTimer{base: time.Now(), nanos: make([]int64, len(ops)), labels: make([]context.Context, len(ops)),
		plain: context.Background()}
	for i, o := range ops {
		t.labels[i] = pprof.WithLabels(context.Background(), pprof.Labels(
			"location", loc, "operator", operatorLabel(o), "name", operatorName(o)))
	}
	return t
}

// operatorLabel names an operator in labels: "map#3 (main.go:20)".
func operatorLabel(o dfir.OperatorStats) string {
	return fmt.Sprintf("%s#%d (%s:%d)", o.Op, o.ID, o.File, o.Line)
}

func (t *opTimer) now() int64 { return int64(time.Since(t.base)) }

// Enter charges the time since the last mark to the operator that was at
// work, and starts op's.
func (t *opTimer) Enter(op int) {
	now := t.now()
	if n := len(t.stack); n > 0 {
		t.nanos[t.stack[n-1]] += now - t.last
	}
	t.stack = append(t.stack, op)
	t.last = now
	pprof.SetGoroutineLabels(t.labels[op])
}

// Exit charges the time since the last mark to op, and resumes the
// operator that pushed to it, if any.
func (t *opTimer) Exit(op int) {
	now := t.now()
	t.nanos[op] += now - t.last
	t.last = now
	t.stack = t.stack[:len(t.stack)-1]
	if n := len(t.stack); n > 0 {
		pprof.SetGoroutineLabels(t.labels[t.stack[n-1]])
	} else {
		pprof.SetGoroutineLabels(t.plain)
	}
}

// operatorName is the name of an operator's collection (the user's Named),
// or the name of a dfir operator built by hand.
func operatorName(o dfir.OperatorStats) string {
	if o.Collection != "" {
		return o.Collection
	}
	return o.Name
}

// operatorLabels are the labels of an operator's samples.
func operatorLabels(o dfir.OperatorStats) []label {
	return []label{{"operator", strconv.Itoa(o.ID)}, {"op", o.Op}, {"name", operatorName(o)},
		{"line", o.File + ":" + strconv.Itoa(o.Line)}, {"subgraph", strconv.Itoa(o.Subgraph)}}
}

// writeOperators writes the per-operator families.
func writeOperators(p *promWriter, ops []dfir.OperatorStats, nanos []int64) {
	p.family("hydro_operator_items_total", "counter", "Items each operator took in; a source's, the items it emitted.")
	for _, o := range ops {
		p.sample("hydro_operator_items_total", float64(o.Items), operatorLabels(o)...)
	}
	p.family("hydro_operator_seconds_total", "counter", "Time spent in each operator's own work, without the operators it pushed to.")
	for i, o := range ops {
		p.sample("hydro_operator_seconds_total", seconds(nanos, i), operatorLabels(o)...)
	}
}

func seconds(nanos []int64, i int) float64 {
	if i < len(nanos) {
		return float64(nanos[i]) / 1e9
	}
	return 0
}
