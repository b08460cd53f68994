// SPDX-License-Identifier: Apache-2.0

package dfir

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"reflect"
)

// State hashing. Between ticks a graph's future depends only on what it
// keeps from one tick to the next: whether its first tick has run (sources
// emit then), the items waiting in its inputs and its defer_tick handoffs,
// and each stateful operator's state (accumulators, join tables, held
// batches, output buffers). WriteState writes all of that into a hash, so
// that a simulator can recognise a state it has explored before and skip
// it. Each stateful operator registers its state with keep while it is
// wired; per-tick state is empty between ticks and hashes as empty.
//
// NB: the functions a user gives operators (Map's f, Fold's init) are
// taken to be pure: state a closure keeps of its own is invisible here.
// Operators that hand items to the outside world as they pass (ForEach,
// Inspect) make the graph's state opaque: what they did cannot be read
// back, so WriteState reports false.

// keep registers the state an operator carries across ticks: pointers to
// the variables its closures share (or pointers the operator holds), read
// when the state is hashed. Only valid while wiring.
func (n *node) keep(state ...any) { n.kept = append(n.kept, state...) }

// WriteState writes into h everything the graph carries from one tick to
// the next, compiling the graph first if needed: two graphs built alike
// whose states write the same bytes behave alike from then on, given the
// same inputs and decisions. Call it between ticks. It reports false if
// the graph has an operator whose effects it cannot see (ForEach, Inspect),
// in which case equal hashes say nothing.
//
// Maps are written independently of their iteration order, so the bytes
// written are a function of the state alone; they are meant for a hash
// (h's seed decides them), not for storage.
func (g *Graph) WriteState(h *maphash.Hash) bool {
	p := g.mustPlan()
	w := stateWriter{h: h, seed: h.Seed()}
	w.bool(g.tick == 0)
	for _, in := range g.inputs {
		in.writeState(&w)
	}
	for _, hd := range p.handoffs {
		hd.writeState(&w)
	}
	ok := true
	for _, n := range g.nodes {
		if n.opaque {
			ok = false
		}
		if len(n.kept) == 0 {
			continue
		}
		w.uint(uint64(n.id))
		for _, s := range n.kept {
			w.value(reflect.ValueOf(s))
		}
	}
	return ok
}

// writeState writes what the handoff holds: nothing between ticks but for
// inputs and defer_tick.
func (h *handoffOf[T]) writeState(w *stateWriter) {
	w.uint(uint64(len(h.buf) + len(h.ready)))
	w.value(reflect.ValueOf(h.ready))
	w.value(reflect.ValueOf(h.buf))
}

// stateWriter writes values into a hash, following pointers, with maps
// written in an order-independent way.
type stateWriter struct {
	h    *maphash.Hash
	seed maphash.Seed
	seen map[uintptr]int // pointers already written, by order of first visit
	buf  [8]byte
}

func (w *stateWriter) uint(x uint64) {
	binary.LittleEndian.PutUint64(w.buf[:], x)
	w.h.Write(w.buf[:])
}

func (w *stateWriter) bool(b bool) {
	if b {
		w.h.WriteByte(1)
	} else {
		w.h.WriteByte(0)
	}
}

// value writes v, tagged by kind so that values of different shapes do not
// run into each other.
func (w *stateWriter) value(v reflect.Value) {
	if !v.IsValid() {
		w.h.WriteByte(0)
		return
	}
	k := v.Kind()
	w.h.WriteByte(byte(k))
	switch k {
	case reflect.Bool:
		w.bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.uint(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		w.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		w.uint(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		w.uint(math.Float64bits(real(c)))
		w.uint(math.Float64bits(imag(c)))
	case reflect.String:
		w.uint(uint64(v.Len()))
		w.h.WriteString(v.String())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			w.uint(uint64(v.Len()))
			w.h.Write(v.Bytes())
			return
		}
		fallthrough
	case reflect.Array:
		w.uint(uint64(v.Len()))
		for i := range v.Len() {
			w.value(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			w.value(v.Field(i))
		}
	case reflect.Pointer:
		w.pointer(v)
	case reflect.Interface:
		if v.IsNil() {
			w.h.WriteByte(0)
			return
		}
		e := v.Elem()
		w.h.WriteByte(1)
		w.h.WriteString(e.Type().String())
		w.value(e)
	case reflect.Map:
		w.mapValue(v)
	case reflect.Chan:
		// What waits in a channel cannot be read without taking it.
		w.bool(v.IsNil())
		if !v.IsNil() {
			w.uint(uint64(v.Len()))
		}
	default: // Func, UnsafePointer: only whether it is set
		w.bool(v.IsNil())
	}
}

// pointer writes what p points to the first time, and a reference to that
// first visit after: shared and cyclic structures hash by their shape.
func (w *stateWriter) pointer(p reflect.Value) {
	if p.IsNil() {
		w.h.WriteByte(0)
		return
	}
	addr := p.Pointer()
	if i, ok := w.seen[addr]; ok {
		w.h.WriteByte(2)
		w.uint(uint64(i))
		return
	}
	if w.seen == nil {
		w.seen = map[uintptr]int{}
	}
	w.seen[addr] = len(w.seen)
	w.h.WriteByte(1)
	w.value(p.Elem())
}

// mapValue writes a map as its length and the sum of its entries' hashes,
// each entry hashed on its own: the sum does not depend on the order in
// which the map is walked.
func (w *stateWriter) mapValue(m reflect.Value) {
	if m.IsNil() {
		w.h.WriteByte(0)
		return
	}
	w.h.WriteByte(1)
	w.uint(uint64(m.Len()))
	var sum uint64
	var eh maphash.Hash
	eh.SetSeed(w.seed)
	ew := stateWriter{h: &eh, seed: w.seed}
	for it := m.MapRange(); it.Next(); {
		eh.Reset()
		clear(ew.seen)
		ew.value(it.Key())
		ew.value(it.Value())
		sum += eh.Sum64()
	}
	w.uint(sum)
}
