// SPDX-License-Identifier: Apache-2.0

package hydro_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
)

type wireFrom struct{}
type wireTo struct{}
type wireWorker struct{}
type wireClient struct{}

// order has an unexported field: the codec would drop it.
type order struct {
	Item string
	pin  int
}

// handler has a func field: the codec cannot encode it at all.
type handler struct {
	Name string
	Run  func()
}

// stamped travels: exported fields, and a time.Time that encodes itself.
type stamped struct {
	At    time.Time
	Count int
}

// TestCompileRefusesWhatCannotTravel: a channel or a CBOR port whose values
// would lose a field, fail to encode or decode to another type is refused
// at Compile, at the user's line, naming the field; nothing is dropped or
// zeroed at run time.
func TestCompileRefusesWhatCannotTravel(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(f *hydro.Flow)
		want  string
	}{
		{"unexported field over Send", func(f *hydro.Flow) {
			a, b := hydro.NewProcess[wireFrom](f), hydro.NewProcess[wireTo](f)
			hydro.NewOutput(hydro.Send(hydro.SourceIter(a, []order{{Item: "tea", pin: 7}}), b))
		}, "wire_test.go:49: hydro: Send carries hydro_test.order, which cannot travel: hydro_test.order.pin: an unexported field is not encoded: it would arrive zeroed"},
		{"func field over Broadcast", func(f *hydro.Flow) {
			a, w := hydro.NewProcess[wireFrom](f), hydro.NewCluster[wireWorker](f)
			hydro.NewOutput(hydro.Broadcast(hydro.SourceIter(a, []handler{{Name: "x"}}), w, hydro.NonDet("every member")))
		}, "hydro: Broadcast carries hydro_test.handler, which cannot travel: hydro_test.handler.Run: a func cannot be encoded"},
		{"interface over a CBOR port", func(f *hydro.Flow) {
			a := hydro.NewProcess[wireFrom](f)
			hydro.SinkExternal(hydro.SourceIter(a, []any{1}), hydro.NewExternal[wireClient](f), hydro.CBOR[any]())
		}, "hydro: SinkExternal carries interface {}, which cannot travel: interface {}: an interface (interface {}) decodes to whatever type the encoding suggests"},
	} {
		f := hydro.NewFlow()
		tc.build(f)
		err := f.Compile()
		if !errors.Is(err, hydro.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "hint: export the field") {
			t.Errorf("%s: Compile() = %v; want a problem %q with a hint", tc.name, err, tc.want)
		}
	}
	// What travels arrives whole.
	f := hydro.NewFlow()
	a, b := hydro.NewProcess[wireFrom](f), hydro.NewProcess[wireTo](f)
	at := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	out := hydro.NewOutput(hydro.Send(hydro.SourceIter(a, []stamped{{At: at, Count: 3}}), b))
	r := hydro.MustLocal(f)
	r.RunAvailable()
	if got := out.Drain(r); len(got) != 1 || !got[0].At.Equal(at) || got[0].Count != 3 {
		t.Errorf("received %v; want [{%v 3}]", got, at)
	}
}

// TestCompileRefusesTwoFlows: a collection of one flow sent to a location
// of another is refused in the flow that would receive it, naming both.
func TestCompileRefusesTwoFlows(t *testing.T) {
	f1, f2 := hydro.NewFlow(), hydro.NewFlow()
	a := hydro.NewProcess[wireFrom](f1)
	b := hydro.NewProcess[wireTo](f2)
	hydro.NewOutput(hydro.Send(hydro.SourceIter(a, []int{1}), b))
	err := f2.Compile()
	for _, want := range []string{"wire_test.go:85: hydro: send takes a collection of another flow (source_iter at ", "wire_test.go:85, a flow made at ", "wire_test.go:82) into this flow (made at ", "hint: build both ends in one flow"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile() = %v; want it to contain %q", err, want)
		}
	}
}

// TestRoundRobinKeepsOrder: RoundRobin keeps the sender's order and
// exactly-once delivery in each member's share, so it refuses an input
// without them, and its output may be folded in order.
func TestRoundRobinKeepsOrder(t *testing.T) {
	f := hydro.NewFlow()
	a, w := hydro.NewProcess[wireFrom](f), hydro.NewCluster[wireWorker](f)
	merged := hydro.Merge(hydro.SourceIter(a, []int{1}), hydro.SourceIter(a, []int{2}))
	hydro.NewOutput(hydro.RoundRobin(merged, w, hydro.NonDet("any member")))
	if err := f.Compile(); err == nil || !strings.Contains(err.Error(), "hydro: RoundRobin needs a totally ordered stream, but merge") || !strings.Contains(err.Error(), "hint: RoundRobin keeps the sender's order") {
		t.Errorf("RoundRobin of an unordered stream: Compile() = %v; want it refused with a hint", err)
	}
	f = hydro.NewFlow()
	a, w = hydro.NewProcess[wireFrom](f), hydro.NewCluster[wireWorker](f)
	shares := hydro.RoundRobin(hydro.SourceIter(a, []int{1, 2, 3, 4}), w, hydro.NonDet("any member"))
	out := hydro.NewOutput(hydro.Enumerate(shares)) // order-sensitive: needs RoundRobin's order
	r := hydro.MustLocal(f, hydro.Size(w, 2))
	r.RunAvailable()
	if got := out.Drain(r); len(got) != 4 {
		t.Errorf("enumerated shares %v; want 4 items", got)
	}
}

// TestSampleEveryRefusedInATick: SampleEvery emits on the shell's clock,
// which a tick's bounded batch cannot hold.
func TestSampleEveryRefusedInATick(t *testing.T) {
	f := hydro.NewFlow()
	a := hydro.NewProcess[wireFrom](f)
	tick := hydro.NewTick(a)
	hydro.NewOutput(hydro.AllTicks(hydro.SampleEvery(hydro.SingletonOf(tick, 1), time.Second, hydro.NonDet("a sample"))))
	if err := f.Compile(); err == nil || !strings.Contains(err.Error(), "hydro: SampleEvery at Tick[Process[wireFrom]] made at ") || !strings.Contains(err.Error(), "Batch its output into the tick") {
		t.Errorf("Compile() = %v; want SampleEvery in a tick refused", err)
	}
}
