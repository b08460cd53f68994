// SPDX-License-Identifier: Apache-2.0

package layers_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/hydro-go/hydro"

// pkg is what go list tells of a package.
type pkg struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
	Export     string
}

// list runs go list -json on patterns, with the extra flags.
func list(t *testing.T, flags []string, patterns ...string) map[string]pkg {
	t.Helper()
	readSources(t)
	args := append(append([]string{"list", "-json=ImportPath,Imports,Deps,Export"}, flags...), patterns...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// shells run flows: they own sockets, processes, goroutines and time.
var shells = []string{
	module + "/deploy",
	module + "/sim",
	module + "/internal/node",
	module + "/internal/launch",
	module + "/transport/tcp",
	module + "/deploy/remote",
}

// rule says what one package must not import.
type rule struct {
	pkg string
	// direct lists packages it must not import itself.
	direct []string
	// deps lists packages it must not depend on at all.
	deps []string
	why  string
}

// ioPkgs is what a deterministic core or the language must not import itself.
var ioPkgs = []string{"net", "os", "os/exec", "os/signal", "syscall", "math/rand", "math/rand/v2", "net/http"}

// ioDeps is what no layer below the shells may depend on, even through another
// package (fmt itself brings in os and syscall, so those are checked as
// direct imports only).
var ioDeps = []string{"net", "os/exec", "os/signal", "net/http"}

var rules = []rule{
	{module, ioPkgs, append(ioDeps, shells...),
		"the root package is the language alone: shells run it"},
	{module + "/internal/compile", ioPkgs, append(append(ioDeps, shells...), module, module+"/internal/engine"),
		"the compiler is a deterministic core below the language"},
	{module + "/internal/ir", ioPkgs, append(append(ioDeps, shells...), module, module+"/internal/compile", module+"/internal/engine", module+"/dfir", module+"/transport"),
		"the IR is data the compiler reads, and knows nothing of how it runs"},
	{module + "/internal/engine", ioPkgs, append(append(ioDeps, shells...), module),
		"the in-process engine is deterministic: the simulator drives it"},
	{module + "/dfir", ioPkgs, append(append(ioDeps, shells...), module, module+"/internal/compile", module+"/internal/ir", module+"/transport"),
		"dfir is the runtime below the language and knows nothing of networks"},
	{module + "/lattice", ioPkgs, append(append(ioDeps, shells...), module, module+"/dfir"),
		"lattices are the bottom layer"},
	{module + "/std/quorum", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/std/request", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/std/heartbeat", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/std/compartment", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/internal/viewer", ioPkgs, append(append(ioDeps, shells...), module, module+"/internal/engine"),
		"the viewer draws a flow and runs nothing: the language and the shells hand it what to draw"},
	{module + "/std/paxos", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/std/replica", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/internal/pki", []string{"net", "os", "os/exec", "os/signal", "syscall", "net/http"}, append([]string{"os/exec", "os/signal", "net/http"}, append(shells, module)...),
		"certificates are made and read as bytes: the shells deliver them, over files, the environment or sockets"},
	{module + "/std/twopc", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/std/bench", ioPkgs, append(ioDeps, shells...), "a component is built on the language alone: any shell runs it"},
	{module + "/std/resp", ioPkgs, append(ioDeps, shells...), "a codec is built on the language alone: any shell runs it"},
	{module + "/std/rediskv", ioPkgs, append(ioDeps, shells...), "a state machine is built on the language alone: any shell runs it"},
	{module + "/deploy/remote", nil, []string{module, module + "/deploy", module + "/internal/lang", module + "/internal/compile"},
		"running programs over SSH knows nothing of flows: the deployer decides what runs where"},
	{module + "/sim", nil, []string{"net", "os/exec", "net/http", module + "/deploy", module + "/internal/node", module + "/internal/launch", module + "/transport/tcp"},
		"the simulator runs flows in memory, never over sockets"},
}

// importers lists, for the internal packages that belong to one shell,
// the only packages that may import them.
var importers = map[string][]string{
	module + "/internal/engine": {module, module + "/sim", module + "/internal/lang"},
	module + "/internal/lang":   {module, module + "/sim", module + "/deploy"},
	module + "/internal/node":   {module + "/deploy"},
	module + "/internal/launch": {module + "/deploy"},
	module + "/internal/admin":  {module + "/deploy"},
	module + "/internal/viewer": {module, module + "/internal/lang", module + "/internal/admin", module + "/deploy"},
	// The e2e cluster writes its pause image with it, as deploy writes a fleet's.
	module + "/internal/image": {module + "/deploy", module + "/test/e2e/kube/pause"},
	module + "/internal/pki":   {module + "/deploy", module + "/internal/node"},
	// The hostile-peer suite is tests only: nothing imports it.
	module + "/internal/hostile": {},
	// sshd for tests of the SSH deployer: tests only.
	module + "/internal/sshdtest": {},
}

// TestLayers checks the import rule: shells → language → compile → dfir →
// lattice, with a deterministic core that touches no socket, process or
// global random source.
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	pkgs := list(t, []string{"-deps"}, module+"/...")
	for _, r := range rules {
		p, ok := pkgs[r.pkg]
		if !ok {
			t.Errorf("go list found no package %s", r.pkg)
			continue
		}
		for _, bad := range r.direct {
			if slices.Contains(p.Imports, bad) {
				t.Errorf("%s imports %s; it must not: %s", r.pkg, bad, r.why)
			}
		}
		for _, bad := range r.deps {
			if slices.Contains(p.Deps, bad) {
				t.Errorf("%s depends on %s; it must not: %s (see ARCHITECTURE.md)", r.pkg, bad, r.why)
			}
		}
	}
	for path, p := range pkgs {
		for _, imp := range p.Imports {
			if allowed, ok := importers[imp]; ok && !slices.Contains(allowed, path) {
				t.Errorf("%s imports %s, which only %v may import", path, imp, allowed)
			}
		}
	}
}

// readSources reads every Go file of the module and go.mod, so that go
// test's cache, which knows only the files a test opens itself, runs these
// tests again when any of them changes.
func readSources(t *testing.T) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod") {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
