// SPDX-License-Identifier: Apache-2.0

package node

import (
	"sync"
	"time"
)

// acceptRate is a port's token bucket for PortLimits.AcceptRate: a
// connection is taken in only with a token, and tokens come back at the
// rate, up to AcceptBurst.
type acceptRate struct {
	tokens float64   // loop only
	last   time.Time // when tokens was last topped up; loop only

	mu struct {
		sync.Mutex
		t      *time.Timer // wakes the loop when a token is back
		closed bool
	}
}

// allow reports whether s may take in a connection now; if not, it has
// the loop told when it may (wantAccept), and counts the stop. The lock
// is held.
func (ps *ports) allow(s *portServer) bool {
	lim := s.lim
	if lim.AcceptRate <= 0 {
		return true
	}
	r := &s.rate
	now := time.Now()
	if r.last.IsZero() {
		r.tokens = float64(lim.AcceptBurst)
	} else {
		r.tokens = min(float64(lim.AcceptBurst), r.tokens+now.Sub(r.last).Seconds()*lim.AcceptRate)
	}
	r.last = now
	if r.tokens >= 1 {
		return true
	}
	wait := time.Duration((1 - r.tokens) / lim.AcceptRate * float64(time.Second))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mu.closed || r.mu.t != nil {
		return false // the loop hears when the timer armed fires
	}
	s.stats.RateLimited.Add(1)
	s.log.Debug("accept rate reached: new clients wait", "wait", wait)
	r.mu.t = time.AfterFunc(wait, func() {
		r.mu.Lock()
		r.mu.t = nil
		closed := r.mu.closed
		r.mu.Unlock()
		if !closed {
			ps.wantAccept(s)
		}
	})
	return false
}

// took spends a token on a connection taken in. The lock is held.
func (s *portServer) took() {
	if s.lim.AcceptRate > 0 {
		s.rate.tokens--
	}
}

// stopRate stops s's timer for good.
func (s *portServer) stopRate() {
	r := &s.rate
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mu.closed = true
	if r.mu.t != nil {
		r.mu.t.Stop()
		r.mu.t = nil
	}
}
