// SPDX-License-Identifier: Apache-2.0

package netbench

import (
	"errors"
	"sync"
)

// B8: a closed loop of k slots against a replicated log whose every node
// one goroutine steps in turn (Hydro's flow under hydro.Local; etcd raft's
// RawNodes). Each request is a Req proposed to the log; its answer is the
// same Req once the log committed and applied it. Stepper is the system:
// the loop hands it the requests to propose and takes the answers it
// found.

// Stepper advances a system by one round: it proposes submit, runs every
// node once, and appends to answers every request applied since the last
// round, each once.
type Stepper func(submit, answers []Req) []Req

// Closed returns the started loop of k slots over step, measured by a
// Recorder: the goroutine that runs it owns step, and stop runs after it
// has ended, to release what the system holds.
func Closed(k int, step Stepper, stop func() error) *Run {
	rec := NewRecorder(k)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var submit, answers []Req
		for q := range rec.Seeds() {
			submit = append(submit, q)
		}
		for {
			select {
			case <-quit:
				return
			default:
			}
			answers = step(submit, answers[:0])
			submit = submit[:0]
			for _, a := range answers {
				if next, ok := rec.Answer(a); ok {
					next.Sent = rec.Now()
					submit = append(submit, next)
				}
			}
		}
	})
	return rec.Run(func() error {
		close(quit)
		wg.Wait()
		if stop == nil {
			return nil
		}
		return errors.Join(stop())
	})
}

// PaxosSizes returns the commits per iteration and per warm-up of B8.
func PaxosSizes() (n, warm int) {
	n = 100_000
	if Smoke() {
		n /= 40
	}
	return n, max(n/10, 500)
}
