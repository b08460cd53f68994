// SPDX-License-Identifier: Apache-2.0

package rediskv

import (
	"math"
	"strconv"
	"strings"

	"github.com/hydro-go/hydro/std/resp"
)

// Store is the keys and values of a key-value store. The zero Store is
// empty and ready to use.
type Store struct {
	m map[string]string
}

// New returns an empty store.
func New() *Store { return &Store{} }

// Len returns how many keys the store holds.
func (s *Store) Len() int { return len(s.m) }

// Get returns the value of key, and whether it is set.
func (s *Store) Get(key string) (string, bool) {
	v, ok := s.m[key]
	return v, ok
}

// IsWrite reports whether c may change a store: what a replicated store
// must order through its log. An unknown command is not a write.
func IsWrite(c resp.Command) bool {
	switch c.Name() {
	case "SET", "DEL", "INCR", "MSET":
		return true
	}
	return false
}

// arity is each command's number of words, name included: at least min,
// and, when even, an odd count of arguments after the name (MSET's pairs).
var arity = map[string]struct {
	min, max int // max -1: no bound
	pairs    bool
}{
	"PING":   {1, 2, false},
	"ECHO":   {2, 2, false},
	"GET":    {2, 2, false},
	"SET":    {3, 3, false},
	"DEL":    {2, -1, false},
	"EXISTS": {2, -1, false},
	"INCR":   {2, 2, false},
	"MGET":   {2, -1, false},
	"MSET":   {3, -1, true},
	"DBSIZE": {1, 1, false},
	"CONFIG": {2, -1, false},
}

// Apply runs c against the store and returns its reply.
func (s *Store) Apply(c resp.Command) resp.Value {
	name := c.Name()
	a, ok := arity[name]
	if !ok {
		return resp.Errorf("ERR unknown command '%.128s'", c.Arg(0))
	}
	n := len(c.Args)
	if n < a.min || a.max >= 0 && n > a.max || a.pairs && n%2 == 0 {
		return resp.Errorf("ERR wrong number of arguments for '%s' command", strings.ToLower(name))
	}
	args := c.Args[1:]
	switch name {
	case "PING":
		if len(args) == 1 {
			return resp.Bulk(args[0])
		}
		return resp.Simple("PONG")
	case "ECHO":
		return resp.Bulk(args[0])
	case "GET":
		return s.get(args[0])
	case "SET":
		s.set(args[0], args[1])
		return resp.Simple("OK")
	case "DEL", "EXISTS":
		count := 0
		for _, k := range args {
			if _, ok := s.m[k]; ok {
				count++
				if name == "DEL" {
					delete(s.m, k)
				}
			}
		}
		return resp.Int(int64(count))
	case "INCR":
		return s.incr(args[0])
	case "MGET":
		vs := make([]resp.Value, len(args))
		for i, k := range args {
			vs[i] = s.get(k)
		}
		return resp.Array(vs...)
	case "MSET":
		for i := 0; i < len(args); i += 2 {
			s.set(args[i], args[i+1])
		}
		return resp.Simple("OK")
	case "DBSIZE":
		return resp.Int(int64(len(s.m)))
	}
	// CONFIG
	if strings.ToUpper(args[0]) != "GET" {
		return resp.Errorf("ERR unknown subcommand '%.128s'. Try CONFIG GET", args[0])
	}
	var vs []resp.Value
	for _, p := range args[1:] {
		if v, ok := config[strings.ToLower(p)]; ok {
			vs = append(vs, resp.Bulk(strings.ToLower(p)), resp.Bulk(v))
		}
	}
	return resp.Array(vs...)
}

// config is what CONFIG GET reports: the store keeps nothing on disk.
var config = map[string]string{"save": "", "appendonly": "no"}

func (s *Store) get(k string) resp.Value {
	if v, ok := s.m[k]; ok {
		return resp.Bulk(v)
	}
	return resp.Null()
}

func (s *Store) set(k, v string) {
	if s.m == nil {
		s.m = make(map[string]string)
	}
	s.m[k] = v
}

func (s *Store) incr(k string) resp.Value {
	var n int64
	if v, ok := s.m[k]; ok {
		var err error
		// NB: Redis refuses spellings ParseInt takes ("+1", "01").
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || strconv.FormatInt(n, 10) != v {
			return resp.Errorf("ERR value is not an integer or out of range")
		}
	}
	if n == math.MaxInt64 {
		return resp.Errorf("ERR increment or decrement would overflow")
	}
	n++
	s.set(k, strconv.FormatInt(n, 10))
	return resp.Int(n)
}
