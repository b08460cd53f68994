// SPDX-License-Identifier: Apache-2.0

package deploytest

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// A process with the fleet's mark in its environment is found, and one
// with another fleet's mark is not.
func TestProcesses(t *testing.T) {
	f := &Fleet{t: t, mark: envFleet + "=leftover-test"}
	ours := exec.Command("sleep", "30")
	ours.Env = append(os.Environ(), f.mark)
	theirs := exec.Command("sleep", "30")
	theirs.Env = append(os.Environ(), f.mark+"-other")
	for _, c := range []*exec.Cmd{ours, theirs} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		defer c.Wait()
		defer c.Process.Kill()
	}
	got := f.processes()
	if !slices.Contains(got, ours.Process.Pid) || slices.Contains(got, theirs.Process.Pid) {
		t.Errorf("processes() = %v; want %d and not %d", got, ours.Process.Pid, theirs.Process.Pid)
	}
}
