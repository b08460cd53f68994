// SPDX-License-Identifier: Apache-2.0

package docs_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// collections are the types whose appearance in a signature makes a
// function of package hydro an operator: the live collections, and the
// port an operator returns.
var collections = map[string]bool{
	"Stream": true, "KeyedStream": true, "Singleton": true, "Optional": true,
	"KeyedSingleton": true, "BidiPort": true,
}

// liveCollections are the types every method of which is an operator.
var liveCollections = map[string]bool{
	"Stream": true, "KeyedStream": true, "Singleton": true, "Optional": true, "KeyedSingleton": true,
}

// TestOperatorReference checks operators.md against package hydro: every
// exported function that takes or returns a collection, and every exported
// method of a collection or one that takes or returns one, has a row, and
// every name a row gives is such an operator.
func TestOperatorReference(t *testing.T) {
	ops, err := operators("..")
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) < 50 {
		t.Fatalf("found %d operators in package hydro; the scan is broken", len(ops))
	}
	rows, err := referenceRows("operators.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(ops)) {
		if !rows[name] {
			t.Errorf("operators.md has no row for %s (%s)", name, ops[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		if _, ok := ops[name]; !ok {
			t.Errorf("operators.md names %s, which is not an exported operator of package hydro", name)
		}
	}
}

// TestOperatorScan checks the scan itself on a small package.
func TestOperatorScan(t *testing.T) {
	dir := t.TempDir()
	src := `package hydro
type Stream[T, L any] struct{}
type Flow struct{}
type Local struct{}
func Map[T, U, L any](s Stream[T, L], f func(T) U) Stream[U, L] { return Stream[U, L]{} }
func Pair[T, L any]() (int, Stream[T, L]) { return 0, Stream[T, L]{} }
func (s Stream[T, L]) Filter(func(T) bool) Stream[T, L] { return s }
func (s Stream[T, L]) hidden() {}
func (f *Flow) Compile() error { return nil }
func (f *Flow) Source() *Stream[int, int] { return nil }
func (r *Local) Run() {}
func NewFlow() *Flow { return nil }
func unexported(s Stream[int, int]) {}
`
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a_test.go"), []byte("package hydro\nfunc Test(s Stream[int, int]) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ops, err := operators(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(maps.Keys(ops))
	want := []string{"Flow.Source", "Map", "Pair", "Stream.Filter"}
	if !slices.Equal(got, want) {
		t.Errorf("operators() = %v; want %v", got, want)
	}
}

// operators returns the exported operators of the package in dir (tests
// left out), each as "Name" or "Type.Method", with its file.
func operators(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	ops := make(map[string]string)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			name := fd.Name.Name
			op := mentions(fd.Type)
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				recv := baseName(fd.Recv.List[0].Type)
				if !ast.IsExported(recv) {
					continue
				}
				name = recv + "." + name
				op = op || liveCollections[recv]
			}
			if op {
				ops[name] = filepath.Base(file)
			}
		}
	}
	return ops, nil
}

// mentions reports whether a function type names a collection type among
// its parameters or results.
func mentions(ft *ast.FuncType) bool {
	found := false
	ast.Inspect(ft, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && collections[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// baseName is the name of a receiver's type, without pointer or type
// parameters.
func baseName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// rowName is an operator as the first cell of a row names it.
var rowName = regexp.MustCompile("`([A-Za-z.]+)`")

// referenceRows returns every operator the tables of page name, in the
// first cell of their rows. A row whose first cell names none is an error.
func referenceRows(page string) (map[string]bool, error) {
	src, err := os.ReadFile(page)
	if err != nil {
		return nil, err
	}
	rows := make(map[string]bool)
	for i, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Operator ") {
			continue
		}
		cells := strings.Split(line, " | ")
		names := rowName.FindAllStringSubmatch(cells[0], -1)
		if len(names) == 0 || strings.Count(line, "|") != 6 {
			return nil, fmt.Errorf("%s:%d: a row needs an operator in its first cell, and five cells: %s", page, i+1, line)
		}
		for _, m := range names {
			rows[m[1]] = true
		}
	}
	return rows, nil
}
