// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"reflect"
	"testing"
)

type plain struct {
	N    int
	S    []int
	M    map[string][]int
	P    *int
	hide int
}

type hidden struct {
	s []int // a reference behind an unexported field: cannot be copied
}

// deepCopy must share no memory with what it copies, so that the claim
// checks can apply a user's function to copies without touching the
// aggregation's state.
func TestDeepCopy(t *testing.T) {
	one := 1
	v := plain{N: 1, S: []int{1, 2}, M: map[string][]int{"a": {3}}, P: &one, hide: 7}
	c, ok := deepCopy(v)
	if !ok || !reflect.DeepEqual(c, v) {
		t.Fatalf("deepCopy(%+v) = %+v, %v; want an equal copy", v, c, ok)
	}
	c.S[0], c.M["a"][0], *c.P = 9, 9, 9
	if v.S[0] != 1 || v.M["a"][0] != 3 || *v.P != 1 {
		t.Errorf("changing the copy changed the original: %+v", v)
	}
	var x any = []int{1}
	cx, ok := deepCopy(x)
	if !ok {
		t.Fatalf("deepCopy(any([]int)) failed")
	}
	cx.([]int)[0] = 5
	if x.([]int)[0] != 1 {
		t.Errorf("changing a copied interface's slice changed the original")
	}
	for _, bad := range []any{hidden{s: []int{1}}, make(chan int)} {
		if _, ok := deepCopy(bad); ok {
			t.Errorf("deepCopy(%T) = ok; want refused", bad)
		}
	}
}

func TestComparableType(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		want bool
	}{
		{reflect.TypeFor[int](), true},
		{reflect.TypeFor[plain](), true},
		{reflect.TypeFor[func()](), false},
		{reflect.TypeFor[struct{ F []func() }](), false},
		{reflect.TypeFor[map[string]*plain](), true},
	} {
		if got := comparableType(tc.typ); got != tc.want {
			t.Errorf("comparableType(%v) = %v; want %v", tc.typ, got, tc.want)
		}
	}
}
