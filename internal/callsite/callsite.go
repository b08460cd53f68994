// SPDX-License-Identifier: Apache-2.0

package callsite

import (
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Dir returns the directory of the source file that calls it: what a
// package passes to Find as its own.
func Dir() string {
	_, file, _, _ := runtime.Caller(1)
	return filepath.Dir(file)
}

// Find returns the file and line of the first caller above skip frames
// whose source is not in dir, counting a package's own test files as the
// user's. It returns "?", 0 when there is none.
//
// The file is named relative to the root of the main module
// ("examples/order/main.go"), so that it can be opened from there, when
// the caller's package belongs to the main module; otherwise (a
// dependency, a program run as go run file.go, a binary without build
// information) as its directory and name ("order/main.go"). See rel.
func Find(skip int, dir string) (string, int) {
	var pcs [16]uintptr
	n := runtime.Callers(skip+2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.File != "" && (filepath.Dir(f.File) != dir || strings.HasSuffix(f.File, "_test.go")) {
			return rel(f.Function, f.File, mainModule()), f.Line
		}
		if !more {
			return "?", 0
		}
	}
}

// module is what the binary's build information says of the main module.
type module struct {
	path string // the main module's path: "github.com/hydro-go/hydro"
	main string // the main package's import path
}

// mainModule reads the build information once. It reads no file: the
// linker put it in the binary.
var mainModule = sync.OnceValue(func() module {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return module{}
	}
	return module{path: bi.Main.Path, main: bi.Path}
})

// rel names file, the source of function (as runtime.Frame gives both),
// relative to the root of the module m: the package's path below the
// module's, then the file's name. A function of package main belongs to
// m's main package, and one of an external test package (path_test) to
// the package it tests. When the package is outside the module, or the
// function's name does not give its package, rel falls back to the file's
// directory and name.
func rel(function, file string, m module) string {
	dir, name := filepath.Split(file)
	fallback := path.Join(filepath.Base(dir), name)
	pkg := packageOf(function)
	if pkg == "main" {
		pkg = m.main
	}
	if strings.HasSuffix(file, "_test.go") {
		pkg = strings.TrimSuffix(pkg, "_test")
	}
	switch {
	case m.path == "" || pkg == "":
		return fallback
	case pkg == m.path:
		return name
	case strings.HasPrefix(pkg, m.path+"/"):
		return path.Join(strings.TrimPrefix(pkg, m.path+"/"), name)
	}
	return fallback
}

// packageOf returns the import path of the package of a function named as
// runtime.Frame.Function names it ("example.com/a/b.F.func1",
// "example.com/a/b.(*T).M", "main.main", "example.com/a/b.G[...]"), or ""
// if it cannot tell.
func packageOf(function string) string {
	if i := strings.IndexByte(function, '['); i >= 0 {
		function = function[:i] // type arguments may hold dots and slashes
	}
	slash := strings.LastIndexByte(function, '/')
	dot := strings.IndexByte(function[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return function[:slash+1+dot]
}
