// SPDX-License-Identifier: Apache-2.0

package deploytest

import (
	"time"
)

// envRole is the variable in which the deployer names each member's role
// ("Proposer/0"): the deployer's own contract with its members.
const envRole = "HYDRO_ROLE"

// Kill crashes member ("Acceptor/2") with SIGKILL, as a power cut would,
// and waits up to 10 s for the deployer to report its exit. The rest of
// the fleet runs on only if it was started with -stop-on-failure=false.
// Kill fails the test if no process of the fleet is that member.
func (f *Fleet) Kill(member string) {
	f.t.Helper()
	pids := f.processesWith(envRole + "=" + member)
	if len(pids) == 0 {
		f.t.Fatalf("deploytest: Kill(%s): no process of the fleet is that member", member)
	}
	for _, p := range pids {
		if err := killPID(p); err != nil {
			f.t.Fatalf("deploytest: Kill(%s): %v", member, err)
		}
	}
	f.WaitLine(Deployer, member+" exited", 10*time.Second)
}
