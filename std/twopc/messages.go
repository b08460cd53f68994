// SPDX-License-Identifier: Apache-2.0

package twopc

// The four messages of the protocol travel on two channels, one each way,
// so that what the coordinator sends a participant arrives in the order it
// was sent: a transaction's prepares always before its decision.

// kind says what a message is.
type kind uint8

const (
	prepare kind = iota + 1 // coordinator → participant, with the payload
	commit                  // coordinator → participant: the decision
	abort                   // coordinator → participant: the decision
	yes                     // participant → coordinator: the vote
	no                      // participant → coordinator: the vote
	ack                     // participant → coordinator: the decision is recorded
)

// request is what the coordinator sends a participant.
type request[T any] struct {
	_       struct{} `cbor:",toarray"`
	ID      uint64
	Kind    kind
	Payload T // set in a prepare only
}

// reply is what a participant sends the coordinator.
type reply struct {
	_    struct{} `cbor:",toarray"`
	ID   uint64
	Kind kind
}
