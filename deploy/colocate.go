// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/node"
)

// RunNodes runs several nodes of one fleet in this OS process until ctx
// ends: typically the members of a cluster placed together so that the
// process uses one core per member (Localhost's Config.Cores, -cores).
// Each node is configured by its NodeConfig as RunNode would run it, and
// has its own graph, lowered from a flow that build builds for it alone,
// so that no state the flow's functions capture is shared between nodes
// (state build's closure captures from outside is shared: keep it safe
// for concurrent use). Each runs on goroutines of its own, and ticks on
// them in parallel with the others.
//
// The nodes send to each other over memory, through bounded queues (a
// full one holds the sender back as a slow TCP peer would), and to every
// other peer over TCP, each with its own certificate and admin endpoint
// as configured. RunNodes returns once every node has returned: nil when
// ctx is cancelled. If a node cannot start or fails, it stops the others
// and returns the errors. A role given twice is an error.
func RunNodes(ctx context.Context, build func(f *hydro.Flow), cfgs ...NodeConfig) error {
	if len(cfgs) == 0 {
		return errors.New("deploy: RunNodes: no node to run")
	}
	names := make([]string, len(cfgs))
	seen := map[string]bool{}
	for i, cfg := range cfgs {
		if seen[cfg.Role] {
			return fmt.Errorf("deploy: RunNodes: role %q given twice", cfg.Role)
		}
		seen[cfg.Role] = true
		names[i] = cfg.Role
	}
	host := node.NewHost(names...)
	runs := make([]*nodeRun, len(cfgs))
	for i, cfg := range cfgs {
		f := hydro.NewFlow()
		build(f)
		if err := f.Compile(); err != nil {
			return err
		}
		r, err := prepareNode(f, cfg, host)
		if err != nil {
			return err
		}
		if r.self.Idle != nil {
			r.self.Idle = namedIdleWriter(cfg.Finish, cfg.Role)
		}
		runs[i] = r
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Go(func() {
			if errs[i] = r.run(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
