// SPDX-License-Identifier: Apache-2.0

package tcp_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

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

// Two nodes that talk both ways dial through their Listeners. The leader
// makes its Conn to the worker when it first answers, and writes the
// answer on the connection the worker opened.
func ExampleListener_Dial() {
	ctx := context.Background()
	answers := make(chan string, 1)
	var leader *tcp.Listener
	var toWorker *tcp.Conn // the leader's; made by its Handler, used there only
	made := make(chan *tcp.Conn, 1)
	leader, err := tcp.ListenFunc(ctx, "127.0.0.1:0", transport.DefaultLimits, nil, func(in tcp.Inbound, more bool) {
		// On the connection's goroutine; the payload is only lent.
		if toWorker == nil {
			toWorker = leader.Dial(ctx, in.From, "unused:0", "Leader", nil)
			made <- toWorker
		}
		toWorker.Send(transport.Frame{Channel: 2, Payload: append([]byte("re: "), in.Frame.Payload...)})
	})
	if err != nil {
		panic(err)
	}
	worker, err := tcp.ListenFunc(ctx, "127.0.0.1:0", transport.DefaultLimits, nil, func(in tcp.Inbound, more bool) {
		answers <- fmt.Sprintf("%s on channel %d: %s", in.From, in.Frame.Channel, in.Frame.Payload)
	})
	if err != nil {
		panic(err)
	}
	toLeader := worker.Dial(ctx, "Leader", leader.Addr().String(), "Worker/0", nil)

	toLeader.Send(transport.Frame{Channel: 1, Payload: []byte("ping")})
	fmt.Println(<-answers)
	fmt.Println(toLeader.Close(ctx), (<-made).Close(ctx), leader.Close(ctx), worker.Close(ctx))
	// Output:
	// Leader on channel 2: re: ping
	// <nil> <nil> <nil> <nil>
}

// A Listener drops a connection that says hello and then nothing for its
// idle timeout, while a Conn with the same timeout keeps its own open with
// keepalives; Stats counts both.
func ExampleListener_Stats() {
	ctx := context.Background()
	idle := tcp.WithIdleTimeout(300 * time.Millisecond)
	ln, err := tcp.Listen(ctx, "127.0.0.1:0", transport.DefaultLimits, nil, idle)
	if err != nil {
		panic(err)
	}
	quiet, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	quiet.Write([]byte("HYD\x01\x05Quiet")) // a hello, then silence
	worker := tcp.Dial(ctx, ln.Addr().String(), "Worker/0", transport.DefaultLimits, nil, idle)
	worker.Send(transport.Frame{Channel: 1, Payload: []byte("hi")})
	<-ln.Inbound()

	_, err = io.ReadAll(quiet) // until the Listener closes it
	fmt.Println("quiet connection closed:", err == nil)
	s := ln.Stats()
	fmt.Println("accepted", s.Accepted, "frames", s.Frames, "idle", s.Idle, "open", s.Open)
	fmt.Println(worker.Close(ctx), ln.Close(ctx))
	// Output:
	// quiet connection closed: true
	// accepted 2 frames 1 idle 1 open 1
	// <nil> <nil>
}
