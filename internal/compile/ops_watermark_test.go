// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"
	"testing"

	"github.com/hydro-go/hydro/dfir"
)

func TestWatermarkState(t *testing.T) {
	val := func(k, v int) wmItem[int, int] { return wmItem[int, int]{kv: dfir.KV[int, int]{Key: k, Val: v}} }
	mark := func(k int) wmItem[int, int] { return wmItem[int, int]{mark: k, isWM: true} }
	sum := func(acc *int, v int) { *acc += v }
	for _, tc := range []struct {
		name  string
		items []wmItem[int, int]
		want  string
	}{
		{"no watermark", []wmItem[int, int]{val(2, 1), val(1, 1), val(2, 3)}, "[2=4 1=1]"},
		{"watermark drops keys at or below it", []wmItem[int, int]{val(0, 1), val(1, 1), val(2, 1), mark(1)}, "[2=1]"},
		{"later values under dropped keys are ignored", []wmItem[int, int]{mark(1), val(1, 5), val(2, 5)}, "[2=5]"},
		{"a lower watermark changes nothing", []wmItem[int, int]{mark(2), mark(0), val(1, 5), val(3, 5)}, "[3=5]"},
		{"keys keep their first arrival order", []wmItem[int, int]{val(5, 1), val(3, 1), val(4, 1), mark(3), val(9, 1)}, "[5=1 4=1 9=1]"},
	} {
		st := &wmState[int, int]{vals: map[int]*int{}}
		for _, it := range tc.items {
			st.add(it, sum)
		}
		var got []string
		for _, k := range st.keys {
			got = append(got, fmt.Sprintf("%d=%d", k, *st.vals[k]))
		}
		if len(st.keys) != len(st.vals) {
			t.Errorf("%s: %d keys in order, %d in the map", tc.name, len(st.keys), len(st.vals))
		}
		if g := fmt.Sprint(got); g != tc.want {
			t.Errorf("%s: state = %s; want %s", tc.name, g, tc.want)
		}
	}
}
