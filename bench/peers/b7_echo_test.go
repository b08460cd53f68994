// SPDX-License-Identifier: Apache-2.0

package peers

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/hydro-go/hydro/bench/internal/netbench"
)

// B7 echo over NATS request-reply: k goroutines each call Request in a
// loop on one connection; a subscription on the other answers every
// request with Respond.

func BenchmarkB7Echo(b *testing.B) {
	for _, k := range netbench.Outstanding {
		n, warm := netbench.EchoSizes(k)
		b.Run(fmt.Sprintf("op=echo,outstanding=%d,n=%d", k, n), func(b *testing.B) {
			b.Run("impl=nats", func(b *testing.B) { netbench.Bench(b, natsEchoImpl(k), n, warm, "ns/rt") })
		})
	}
}

func natsEchoImpl(k int) netbench.Impl {
	return netbench.Impl{Name: "nats", Start: func() (*netbench.Run, error) { return natsEcho(k) }}
}

func TestEcho(t *testing.T) {
	for _, k := range netbench.Outstanding {
		t.Run(fmt.Sprintf("outstanding=%d", k), func(t *testing.T) { netbench.Test(t, natsEchoImpl(k), 3*k+50) })
	}
}

func natsEcho(k int) (*netbench.Run, error) {
	p, err := startNATS()
	if err != nil {
		return nil, err
	}
	_, err = p.b.Subscribe("b7", func(m *nats.Msg) { m.Respond(m.Data) })
	if err == nil {
		err = p.b.Flush()
	}
	if err != nil {
		return nil, errors.Join(err, p.stop())
	}
	rec := netbench.NewRecorder(k)
	var wg sync.WaitGroup
	for slot := range k {
		wg.Go(func() {
			q := rec.Seed(slot)
			var buf [16]byte
			for {
				q.Put(buf[:])
				m, err := p.a.Request("b7", buf[:], netbench.Timeout)
				if err == nil && !bytes.Equal(m.Data, buf[:]) {
					err = fmt.Errorf("answer %x to request %x", m.Data, buf[:])
				}
				if err != nil {
					rec.Fail(err)
					return
				}
				var ok bool
				if q, ok = rec.Answer(netbench.GetReq(m.Data)); !ok {
					return
				}
				q.Sent = rec.Now()
			}
		})
	}
	return rec.Run(func() error {
		wg.Wait() // every loop has ended: Drain ran first
		return p.stop()
	}), nil
}
