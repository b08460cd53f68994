// SPDX-License-Identifier: Apache-2.0

package transport

// Inbound is a frame as a link delivers it: with the name of the peer it
// came from, as that peer introduced itself (for example "Worker/3").
// Links hand over Inbound values whose Payload the receiver owns.
type Inbound struct {
	From  string
	Frame Frame
}

// Sender is the sending side of a link to one peer: *tcp.Conn over TCP,
// mem.Link in memory. Send queues all frames of one call together and does
// not block on the network; frames of successive calls are never
// reordered. The caller may reuse the frames' payloads once Send returns.
type Sender interface {
	Send(frames ...Frame) error
}
