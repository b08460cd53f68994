// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"time"

	"github.com/hydro-go/hydro/transport"
)

// keepaliveChannel is the channel of keepalive frames: a Conn writes one,
// with no payload, when it has written nothing for a third of the idle
// timeout, and readers drop them. Send refuses frames on it.
const keepaliveChannel = math.MaxUint32

// keepaliveFrame is a keepalive frame's wire form.
var keepaliveFrame = transport.AppendFrame(nil, transport.Frame{Channel: keepaliveChannel})

// Why a reader closes a connection for its timing.
var (
	errIdle    = errors.New("idle")
	errStalled = errors.New("frame stalled")
	// errClosing stops a reader whose Listener is closing.
	errClosing = errors.New("listener closing")
)

// pacer holds the reader of one connection to its timeouts, through the
// read deadline of the TCP connection under it: between frames, the idle
// timeout (none for a connection this side dialed, whose peer may have
// nothing to write back); from a frame's first byte, the frame timeout.
//
// Moving a deadline costs a lock and a timer update in the runtime, so the
// pacer moves it only when it must: a frame that arrives whole in one read
// needs no frame deadline, and the idle deadline is set 1.25 idle ahead and
// moved again only once it is less than idle ahead.
type pacer struct {
	nc      net.Conn // the TCP connection
	br      *bufio.Reader
	r       *transport.Reader
	idle    time.Duration // 0: no idle timeout
	frame   time.Duration
	closing <-chan struct{}

	armed   time.Time // the deadline set; zero for none
	inFrame bool      // armed is a frame's deadline
}

// wait returns once the next frame can be read: it is whole in the buffer,
// or it has begun and has the frame timeout to arrive whole. Its errors
// are the read's, errIdle or errClosing.
func (p *pacer) wait() error {
	if p.r.Buffered() {
		return nil
	}
	if p.br.Buffered() == 0 {
		if err := p.armIdle(); err != nil {
			return err
		}
		if _, err := p.br.Peek(1); err != nil {
			return p.explain(err)
		}
		if p.r.Buffered() {
			return nil // arrived whole: the usual case for small frames
		}
	}
	return p.set(time.Now().Add(p.frame), true)
}

// armIdle sets the deadline of a wait for the next frame.
func (p *pacer) armIdle() error {
	if p.idle <= 0 {
		if p.armed.IsZero() {
			return nil
		}
		return p.set(time.Time{}, false)
	}
	now := time.Now()
	if !p.inFrame && !p.armed.Before(now.Add(p.idle)) {
		return nil
	}
	return p.set(now.Add(p.idle+p.idle/4), false)
}

// set sets the read deadline. NB: Listener.Close sets deadlines too, to
// end the reads, after closing closing: the check after setting makes sure
// that this one does not undo Close's.
func (p *pacer) set(t time.Time, inFrame bool) error {
	p.armed, p.inFrame = t, inFrame
	if err := p.nc.SetReadDeadline(t); err != nil {
		return err
	}
	select {
	case <-p.closing:
		return errClosing
	default:
		return nil
	}
}

// explain says which timeout a read that hit its deadline ran out of.
func (p *pacer) explain(err error) error {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	if p.inFrame {
		return fmt.Errorf("%w: not whole %v after its first byte", errStalled, p.frame)
	}
	return fmt.Errorf("%w: nothing for %v, not even a keepalive", errIdle, p.idle)
}
