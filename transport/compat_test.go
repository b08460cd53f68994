// SPDX-License-Identifier: Apache-2.0

package transport_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/hydro-go/hydro/transport"
)

type reqV1 struct {
	Key string
	N   int
}

type reqAdded struct { // a field added: old readers skip it
	Key  string
	N    int64
	Note string
}

type reqRetyped struct { // N became text
	Key string
	N   string
}

type pairArr struct {
	_    struct{} `cbor:",toarray"`
	A, B int
}

type tripleArr struct {
	_       struct{} `cbor:",toarray"`
	A, B, C int
}

type tagged struct {
	Count string `cbor:"N"`
}

func TestCompatible(t *testing.T) {
	cases := []struct {
		name       string
		sent, recv any // samples: the sent one is encoded and decoded as the other
		ok         bool
	}{
		{"same", 1, 2, true},
		{"int to uint8", int64(7), uint8(0), true},
		{"int to string", 1, "", false},
		{"string to float", "x", 1.5, false},
		{"float to float", float32(1.5), 2.5, true},
		{"slices", []int{1, 2}, []int32{}, true},
		{"slice of int to slice of string", []int{1}, []string{}, false},
		{"bytes to ints", []byte{1}, []int{}, false},
		{"maps", map[string]int{"a": 1}, map[string]int64{}, true},
		{"map values differ", map[string]int{"a": 1}, map[string]string{}, false},
		{"field added", reqAdded{"k", 1, "n"}, reqV1{}, true},
		{"field dropped", reqV1{"k", 1}, reqAdded{}, true},
		{"field retyped", reqV1{"k", 1}, reqRetyped{}, false},
		{"field renamed by tag, retyped", reqV1{"k", 1}, tagged{}, false},
		{"array structs", pairArr{A: 1, B: 2}, pairArr{}, true},
		{"array struct of another length", pairArr{A: 1, B: 2}, tripleArr{}, false},
		{"array struct to map struct", pairArr{A: 1, B: 2}, reqV1{}, false},
		{"pointer", &reqV1{"k", 1}, reqAdded{}, true},
		{"into any", reqV1{"k", 1}, new(any), true},
		{"time to time", time.Unix(1, 0), time.Time{}, true},
		{"time to string", time.Unix(1, 0), "", true},
		{"time to int", time.Unix(1, 0), 0, false},
	}
	c, err := transport.NewCodec(transport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		st, rt := reflect.TypeOf(tc.sent), reflect.TypeOf(tc.recv)
		if rt.Kind() == reflect.Pointer && rt.Elem().Kind() == reflect.Interface {
			rt = rt.Elem()
		}
		err := transport.Compatible(st, rt)
		if (err == nil) != tc.ok {
			t.Errorf("%s: Compatible(%v, %v) = %v; want ok %v", tc.name, st, rt, err, tc.ok)
		}
		// The codec agrees: what Compatible refuses does not decode.
		buf, err := c.AppendValue(nil, tc.sent)
		if err != nil {
			t.Fatal(err)
		}
		derr := c.DecodeValue(buf, reflect.New(rt).Interface())
		if (derr == nil) != tc.ok {
			t.Errorf("%s: decoding %v as %v: %v; Compatible says ok %v", tc.name, st, rt, derr, tc.ok)
		}
	}
}

func TestCompatibleNamesTheField(t *testing.T) {
	err := transport.Compatible(reflect.TypeFor[[]reqV1](), reflect.TypeFor[[]reqRetyped]())
	want := "element: field N: int is sent and string received"
	if err == nil || err.Error() != want {
		t.Errorf("Compatible = %v; want %q", err, want)
	}
}
