// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"time"
)

// every reports index on fires every period, until ctx ends.
func every(ctx context.Context, period time.Duration, index int, fires chan<- int) {
	tk := time.NewTicker(period)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			select {
			case fires <- index:
			case <-ctx.Done():
				return
			}
		}
	}
}
