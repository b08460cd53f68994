// SPDX-License-Identifier: Apache-2.0

package peers

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/hydro-go/hydro/bench/internal/netbench"
)

// B6 stream over NATS: one 16-byte message per record, published on one
// connection and delivered to a subscription on the other, within the same
// window of credits as hydro's sender (netbench.Window): a NATS server
// drops the messages of a subscriber that falls too far behind.

func BenchmarkB6Stream(b *testing.B) {
	n, warm := netbench.StreamSizes()
	b.Run(fmt.Sprintf("op=stream,n=%d", n), func(b *testing.B) {
		b.Run("impl=nats", func(b *testing.B) { netbench.Bench(b, natsStreamImpl, n, warm, "ns/rec") })
	})
}

var natsStreamImpl = netbench.Impl{Name: "nats", Start: natsStream}

func TestStream(t *testing.T) { netbench.Test(t, natsStreamImpl, 3*netbench.SpanLen+7) }

func natsStream() (*netbench.Run, error) {
	p, err := startNATS()
	if err != nil {
		return nil, err
	}
	chk := netbench.NewStreamCheck(true)
	_, err = p.b.Subscribe("b6", func(m *nats.Msg) {
		if len(m.Data) != 16 {
			chk.Add(netbench.Rec{Seq: ^uint64(0)}) // fails the check
			return
		}
		chk.Add(netbench.GetRec(m.Data))
	})
	if err == nil {
		err = p.b.Flush() // the server has the subscription before the first publish
	}
	if err != nil {
		return nil, errors.Join(err, p.stop())
	}
	var buf [16]byte
	iter := chk.Windowed(func(sp netbench.Span) error {
		for i := range sp.N {
			netbench.MkRec(sp.First + uint64(i)).Put(buf[:])
			if err := p.a.Publish("b6", buf[:]); err != nil {
				return err
			}
		}
		return nil
	})
	return &netbench.Run{Iter: iter, Stop: p.stop}, nil
}
