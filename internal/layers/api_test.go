// SPDX-License-Identifier: Apache-2.0

package layers_test

import (
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"strings"
	"testing"
)

// public are the packages a program outside this module may import.
var public = []string{
	module,
	module + "/deploy",
	module + "/deploy/deploytest",
	module + "/deploy/kube",
	module + "/deploy/compose",
	module + "/deploy/remote",
	module + "/sim",
	module + "/dfir",
	module + "/lattice",
	module + "/lattice/latticetest",
	module + "/transport",
	module + "/transport/mem",
	module + "/transport/tcp",
	module + "/std/quorum",
	module + "/std/request",
	module + "/std/heartbeat",
	module + "/std/compartment",
	module + "/std/twopc",
	module + "/std/resp",
	module + "/std/rediskv",
}

// TestPublicAPI walks the exported API of every public package (exported
// functions, variables, constants, types, their exported fields and
// methods, and every type these mention) and fails on a type from an
// internal package: a program outside the module could not name it, so a
// signature with one cannot be called, filled or implemented there.
func TestPublicAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	pkgs := list(t, []string{"-export", "-deps"}, public...)
	exports := map[string]string{}
	for path, p := range pkgs {
		exports[path] = p.Export
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	for _, path := range public {
		p, err := imp.Import(path)
		if err != nil {
			t.Fatalf("importing %s: %v", path, err)
		}
		w := walker{seen: map[types.Type]bool{}}
		for _, name := range p.Scope().Names() {
			obj := p.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			w.at = path + "." + name
			w.typ(obj.Type())
			if tn, ok := obj.(*types.TypeName); ok {
				w.methods(tn.Type())
			}
		}
		for _, bad := range w.bad {
			t.Errorf("%s", bad)
		}
	}
}

// walker visits every type an exported API mentions.
type walker struct {
	at   string // the exported object being walked, for messages
	seen map[types.Type]bool
	bad  []string
}

func (w *walker) typ(t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		obj := t.Obj()
		if pkg := obj.Pkg(); pkg != nil && isInternal(pkg.Path()) {
			w.bad = append(w.bad, fmt.Sprintf("%s mentions %s.%s, a type of an internal package", w.at, pkg.Path(), obj.Name()))
			return
		}
		for i := range t.TypeArgs().Len() {
			w.typ(t.TypeArgs().At(i))
		}
		if obj.Exported() {
			w.typ(t.Underlying())
			w.methods(t)
		}
	case *types.Alias:
		w.typ(types.Unalias(t))
	case *types.Pointer:
		w.typ(t.Elem())
	case *types.Slice:
		w.typ(t.Elem())
	case *types.Array:
		w.typ(t.Elem())
	case *types.Map:
		w.typ(t.Key())
		w.typ(t.Elem())
	case *types.Chan:
		w.typ(t.Elem())
	case *types.Signature:
		w.tuple(t.Params())
		w.tuple(t.Results())
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.typ(f.Type())
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			if m := t.Method(i); m.Exported() {
				w.typ(m.Type())
			}
		}
		for i := range t.NumEmbeddeds() {
			w.typ(t.EmbeddedType(i))
		}
	case *types.Union:
		for i := range t.Len() {
			w.typ(t.Term(i).Type())
		}
	case *types.TypeParam:
		w.typ(t.Constraint())
	}
}

func (w *walker) tuple(t *types.Tuple) {
	for i := range t.Len() {
		w.typ(t.At(i).Type())
	}
}

// methods walks the exported methods of a named type and of its pointer.
func (w *walker) methods(t types.Type) {
	at := w.at
	defer func() { w.at = at }()
	for _, recv := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(recv)
		for i := range ms.Len() {
			if m := ms.At(i).Obj(); m.Exported() {
				w.at = types.TypeString(recv, nil) + "." + m.Name()
				w.typ(m.Type())
			}
		}
	}
}

func isInternal(path string) bool {
	return strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal") || strings.HasPrefix(path, "internal/")
}
