// SPDX-License-Identifier: Apache-2.0

package mem_test

import (
	"fmt"

	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/mem"
)

func Example() {
	codec, _ := transport.NewCodec(transport.DefaultLimits)
	net := mem.NewNetwork(transport.DefaultLimits, mem.Hooks{
		// Lose every frame on channel 9: a lossy channel under test.
		Drop: func(m mem.Message) bool { return m.Frame.Channel == 9 },
	})
	leader := net.Endpoint("Leader")
	worker := net.Endpoint("Worker/1")

	payload, _ := transport.AppendBatch(codec, nil, []string{"a", "b"})
	worker.Send("Leader",
		transport.Frame{Channel: 1, Sender: 1, Payload: payload},
		transport.Frame{Channel: 9, Sender: 1, Payload: payload})

	for len(net.InFlight()) > 0 {
		fmt.Println("deliver", net.Deliver(0))
	}
	for {
		in, ok := leader.Receive()
		if !ok {
			break
		}
		words, _ := transport.DecodeBatch[string](codec, in.Frame.Payload, nil)
		fmt.Println(in.From, in.Frame.Channel, words)
	}
	fmt.Printf("%+v\n", net.Stats())
	// Output:
	// deliver #1 Worker/1->Leader ch=1 sender=1 5B
	// Worker/1 1 [a b]
	// {Sent:2 Delivered:1 Dropped:1 Duplicated:0 Delayed:0}
}
