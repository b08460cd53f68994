// SPDX-License-Identifier: Apache-2.0

package replica

// KVOp is an operation on a KV store: a put of Value under Key, or a get
// of Key.
type KVOp struct {
	_     struct{} `cbor:",toarray"`
	Put   bool
	Key   string
	Value string
}

// KV is a map from keys to values as a Machine: a put answers "", a get
// the value (or "" for a missing key).
type KV struct {
	m map[string]string
}

// NewKV returns an empty KV store, as Replicate's newMachine wants it.
func NewKV() Machine[KVOp, string] { return &KV{m: map[string]string{}} }

// Apply runs op.
func (kv *KV) Apply(op KVOp) string {
	if op.Put {
		kv.m[op.Key] = op.Value
		return ""
	}
	return kv.m[op.Key]
}
