// SPDX-License-Identifier: Apache-2.0

package deploy

import "testing"

// SetKubeTLSDir makes a pod's node read its TLS files from dir instead of
// kube.TLSMount until t ends.
func SetKubeTLSDir(t testing.TB, dir string) {
	old := kubeTLSDir
	kubeTLSDir = dir
	t.Cleanup(func() { kubeTLSDir = old })
}
