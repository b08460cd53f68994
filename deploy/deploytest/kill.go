// SPDX-License-Identifier: Apache-2.0

package deploytest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// envRole is the variable a deployer names each member's role in
// (launch.EnvRole, which this package may not import; a test keeps the
// two equal).
const envRole = "HYDRO_ROLE"

// Kill ends the fleet's member named member ("Acceptor/2", "Leader") with
// SIGKILL, as a crash would: it gets no chance to stop cleanly. The
// deployer reports its exit and, by default, stops the fleet: start it
// with "-stop-on-failure=false" for the rest to run on. Kill fails the
// test if no running process of the fleet is that member.
func (f *Fleet) Kill(member string) {
	f.t.Helper()
	role := []byte(envRole + "=" + member)
	for _, pid := range f.processes() {
		env, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "environ"))
		if err != nil || !bytes.Contains(append(append([]byte{0}, env...), 0), append(append([]byte{0}, role...), 0)) {
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			f.t.Fatalf("deploytest: killing %s (pid %d): %v", member, pid, err)
		}
		return
	}
	f.t.Fatalf("deploytest: no running member %s in the fleet", member)
}
