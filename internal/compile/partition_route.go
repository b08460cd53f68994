// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"math"
	"reflect"

	"github.com/hydro-go/hydro/dfir"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/transport"
)

// The route into a partitioned process (ir.ByKey): each item goes to the
// member hashKey(key) mod Net.Partitions names, where the key is the
// user's key function's result (KeyBy), or the Key of a KV item. The hash
// is of the key's value, not of the process computing it, so every sender
// routes a key to the same member.

// KeyBy is a channel's Net.Key: the key of an item of T is Fn's result.
type KeyBy[T any, K comparable] struct{ Fn func(T) K }

// keyer is what a Net.Key gives a channel of T: how to hash an item's key.
type keyer[T any] interface {
	hasher(c *transport.Codec) func(*T) (uint64, error)
}

func (k KeyBy[T, K]) hasher(c *transport.Codec) func(*T) (uint64, error) {
	return func(t *T) (uint64, error) { return hashKey(c, k.Fn(*t)) }
}

// keyFits says whether key is a Net.Key for items of T.
func (Type[T]) keyFits(key any) bool { _, ok := key.(keyer[T]); return ok }

// isKV says whether T is a KV (dfir.KV, hydro.KV), whose Key routes it
// when no key function is given.
func (Type[T]) isKV() bool { return kvKeyField(reflect.TypeFor[T]()) }

func kvKeyField(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[dfir.KV[int, int]]().PkgPath() &&
		t.NumField() == 2 && t.Field(0).Name == "Key" && t.Field(1).Name == "Val"
}

// partitioned is what Partition asks of a node's Elem.
type partitioned interface {
	keyFits(key any) bool
	isKV() bool
}

var _ partitioned = Type[int]{}

// byKey is the outgoing of a ByKey route.
type byKey[T any] struct {
	*items[T]
	hash  func(*T) (uint64, error)
	parts uint64
	to    []uint32
	err   error
}

func byKeyOf[T any](c *Ctx, n *ir.Node, out *items[T]) *byKey[T] {
	o := &byKey[T]{items: out, parts: uint64(n.Net.Partitions)}
	if k, ok := n.Net.Key.(keyer[T]); ok {
		o.hash = k.hasher(c.Codec)
	} else if (Type[T]{}).isKV() {
		o.hash = func(t *T) (uint64, error) {
			return hashKey(c.Codec, reflect.ValueOf(t).Elem().Field(0).Interface())
		}
	} else {
		panic("hydro: internal error: " + n.String() + ": a route by key with no key for its items")
	}
	if o.parts == 0 {
		panic("hydro: internal error: " + n.String() + ": a route by key over no partitions")
	}
	return o
}

func (o *byKey[T]) drain() int {
	k := o.items.drain()
	o.to, o.err = o.to[:0], nil
	for i := range o.buf {
		h, err := o.hash(&o.buf[i])
		if err != nil && o.err == nil {
			o.err = err
		}
		o.to = append(o.to, uint32(h%o.parts))
	}
	return k
}

func (o *byKey[T]) member(i int) uint32 { return o.to[i] }

func (o *byKey[T]) encode(c *transport.Codec, dst []byte, idx []int32) ([]byte, error) {
	if o.err != nil {
		return dst, o.err
	}
	return o.items.encode(c, dst, idx)
}

var _ keyedOutgoing = (*byKey[int])(nil)

// hashKey is the FNV-1a hash of a key's value: of the bytes of a string,
// of the value of an integer (whatever its Go type), and of the
// deterministic encoding of anything else.
func hashKey(c *transport.Codec, k any) (uint64, error) {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	word := func(v uint64) uint64 {
		for range 8 {
			h ^= v & 0xff
			h *= prime
			v >>= 8
		}
		return h
	}
	switch v := k.(type) {
	case string:
		for i := range len(v) {
			h ^= uint64(v[i])
			h *= prime
		}
		return h, nil
	case int:
		return word(uint64(v)), nil
	case int8:
		return word(uint64(v)), nil
	case int16:
		return word(uint64(v)), nil
	case int32:
		return word(uint64(v)), nil
	case int64:
		return word(uint64(v)), nil
	case uint:
		return word(uint64(v)), nil
	case uint8:
		return word(uint64(v)), nil
	case uint16:
		return word(uint64(v)), nil
	case uint32:
		return word(uint64(v)), nil
	case uint64:
		return word(v), nil
	case bool:
		if v {
			return word(1), nil
		}
		return word(0), nil
	case float64:
		return word(math.Float64bits(v)), nil
	}
	b, err := c.AppendValue(nil, k)
	if err != nil {
		return 0, err
	}
	for _, x := range b {
		h ^= uint64(x)
		h *= prime
	}
	return h, nil
}
