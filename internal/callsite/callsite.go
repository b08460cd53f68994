// SPDX-License-Identifier: Apache-2.0

package callsite

import (
	"path/filepath"
	"runtime"
	"strings"
)

// Dir returns the directory of the source file that calls it: what a
// package passes to Find as its own.
func Dir() string {
	_, file, _, _ := runtime.Caller(1)
	return filepath.Dir(file)
}

// Find returns the file (as dir/name.go) and line of the first caller above
// skip frames whose source is not in dir, counting a package's own test
// files as the user's. It returns "?", 0 when there is none.
func Find(skip int, dir string) (string, int) {
	var pcs [16]uintptr
	n := runtime.Callers(skip+2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.File != "" && (filepath.Dir(f.File) != dir || strings.HasSuffix(f.File, "_test.go")) {
			d, base := filepath.Split(f.File)
			return filepath.Join(filepath.Base(d), base), f.Line
		}
		if !more {
			return "?", 0
		}
	}
}
