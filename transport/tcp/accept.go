// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"log/slog"
	"net"
	"time"
)

// AcceptLoop accepts connections on ln and hands each to serve, on the
// calling goroutine (serve starts what runs longer), until Accept fails
// after closing has been closed: close closing, then ln. Any other failure
// (out of file descriptors, say) is logged at level Error and retried after
// a pause that doubles from 5 ms to 1 s, so that a flood of connections
// does not stop the listener for good.
func AcceptLoop(ln net.Listener, closing <-chan struct{}, logger *slog.Logger, serve func(net.Conn)) {
	failures := 0
	for {
		nc, err := ln.Accept()
		if err != nil {
			select {
			case <-closing:
				return
			default:
			}
			failures++
			wait := min(5*time.Millisecond<<min(failures, 8), time.Second)
			logger.Error("tcp: accept failed; retrying", "err", err, "wait", wait)
			select {
			case <-time.After(wait):
			case <-closing:
				return
			}
			continue
		}
		failures = 0
		serve(nc)
	}
}
