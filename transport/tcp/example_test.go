// SPDX-License-Identifier: Apache-2.0

package tcp_test

import (
	"context"
	"fmt"

	"github.com/hydro-go/hydro/transport"
	"github.com/hydro-go/hydro/transport/tcp"
)

func Example() {
	ctx := context.Background()
	codec, _ := transport.NewCodec(transport.DefaultLimits)

	// The leader listens; a worker dials it and introduces itself.
	ln, err := tcp.Listen(ctx, "127.0.0.1:0", transport.DefaultLimits, nil)
	if err != nil {
		panic(err)
	}
	toLeader := tcp.Dial(ctx, ln.Addr().String(), "Worker/3", transport.DefaultLimits, nil)

	// One tick's output for the leader: two channels, one write.
	words, _ := transport.AppendBatch(codec, nil, []string{"hello", "world"})
	counts, _ := transport.AppendBatch(codec, nil, []int{2})
	if err := toLeader.Send(
		transport.Frame{Channel: 1, Sender: 3, Payload: words},
		transport.Frame{Channel: 2, Sender: 3, Payload: counts},
	); err != nil {
		panic(err)
	}

	for range 2 {
		in := <-ln.Inbound()
		values, _ := transport.DecodeBatch[any](codec, in.Frame.Payload, nil)
		fmt.Println(in.From, in.Frame.Channel, in.Frame.Sender, values)
	}
	fmt.Println(toLeader.Close(ctx), ln.Close(ctx))
	// Output:
	// Worker/3 1 3 [hello world]
	// Worker/3 2 3 [2]
	// <nil> <nil>
}
