// SPDX-License-Identifier: Apache-2.0

package layers_test

import (
	"strings"
	"testing"
)

// testOnly lists module path prefixes that the module's tests may import
// but none of its packages may depend on: the Kubernetes API types check
// the manifests deploy/kube writes, and would bring some twenty modules
// into every program that deploys to Kubernetes; the Compose
// specification's schema, with its JSON schema validator, checks the
// files deploy/compose writes.
var testOnly = []string{"k8s.io/", "github.com/compose-spec/", "github.com/santhosh-tekuri/"}

// TestTestOnlyDependencies checks that no package of the module depends,
// even through another, on a module kept for tests.
func TestTestOnlyDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	pkgs := list(t, []string{"-deps"}, module+"/...")
	for path, p := range pkgs {
		if !strings.HasPrefix(path, module) {
			continue
		}
		for _, d := range p.Deps {
			for _, prefix := range testOnly {
				if strings.HasPrefix(d, prefix) {
					t.Errorf("%s depends on %s; only tests may (see DEPENDENCIES.md)", path, d)
				}
			}
		}
	}
	if _, ok := pkgs[module+"/deploy/kube"]; !ok {
		t.Errorf("go list found no package %s/deploy/kube", module)
	}
}
