// SPDX-License-Identifier: Apache-2.0

package callsite

import "testing"

func TestPackageOf(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"main.main", "main"},
		{"main.Build.func1", "main"},
		{"github.com/hydro-go/hydro/examples/order.Build", "github.com/hydro-go/hydro/examples/order"},
		{"github.com/hydro-go/hydro/examples/order.Build.func1.2", "github.com/hydro-go/hydro/examples/order"},
		{"github.com/hydro-go/hydro.(*Flow).Compile", "github.com/hydro-go/hydro"},
		{"github.com/hydro-go/hydro.Map[go.shape.int,go.shape.string]", "github.com/hydro-go/hydro"},
		{"example.com/a.v2/b.F", "example.com/a.v2/b"},
		{"gopkg.in/yaml.v3.Marshal", "gopkg.in/yaml"}, // NB: a dot in the last element is ambiguous; such a package is never the user's module
		{"nodot", ""},
	} {
		if got := packageOf(tc.in); got != tc.want {
			t.Errorf("packageOf(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestRel(t *testing.T) {
	hydro := module{path: "github.com/hydro-go/hydro", main: "github.com/hydro-go/hydro/examples/order"}
	for _, tc := range []struct {
		function, file string
		m              module
		want           string
	}{
		{"main.Build", "/src/hydro/examples/order/main.go", hydro, "examples/order/main.go"},
		{"github.com/hydro-go/hydro/examples/order.Build", "/src/hydro/examples/order/main.go", hydro, "examples/order/main.go"},
		{"github.com/hydro-go/hydro_test.TestX", "/src/hydro/flow_test.go", hydro, "flow_test.go"},
		{"github.com/hydro-go/hydro/deploy/deploytest_test.build", "/src/hydro/deploy/deploytest/x_test.go", hydro, "deploy/deploytest/x_test.go"},
		{"github.com/hydro-go/hydro.(*Flow).Compile", "/src/hydro/flow.go", hydro, "flow.go"},
		// Outside the main module, without build information, under go
		// run file.go: the directory and the name.
		{"example.com/other/pkg.F", "/mod/other/pkg/f.go", hydro, "pkg/f.go"},
		{"github.com/hydro-go/hydrogen.F", "/src/hydrogen/f.go", hydro, "hydrogen/f.go"},
		{"main.main", "/tmp/x/main.go", module{}, "x/main.go"},
		{"main.main", "/tmp/x/main.go", module{path: "example.com/m", main: "command-line-arguments"}, "x/main.go"},
	} {
		if got := rel(tc.function, tc.file, tc.m); got != tc.want {
			t.Errorf("rel(%q, %q, %v) = %q; want %q", tc.function, tc.file, tc.m, got, tc.want)
		}
	}
}

// This test's own position, from the module root.
func TestFind(t *testing.T) {
	file, line := Find(0, "/nowhere")
	if file != "internal/callsite/callsite_test.go" || line == 0 {
		t.Errorf("Find = %s:%d; want internal/callsite/callsite_test.go and a line", file, line)
	}
}
