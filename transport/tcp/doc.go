// SPDX-License-Identifier: Apache-2.0

// Package tcp is the link between the processes of a deployed flow: a
// Listener that receives frames from any number of peers, and a Conn per
// peer that sends them, reconnecting as peers start late or restart.
//
// # Usage
//
// Every node listens once and dials each peer it sends to:
//
//	ln, err := tcp.Listen(ctx, ":7000", transport.DefaultLimits, logger)
//	defer ln.Close(ctx)
//	toLeader := tcp.Dial(ctx, "leader:7000", "Worker/3", transport.DefaultLimits, logger)
//	defer toLeader.Close(ctx)
//
// The shell's loop sends the frames a tick produced for each peer with one
// Send (one write), and feeds what arrives into the dfir graph's inputs:
//
//	err := toLeader.Send(frames...) // transport.ErrFrameTooLarge, ErrBackpressure or ErrClosed
//	for in := range ln.Inbound() { // in.From == "Worker/3", in.Frame.Payload is owned
//		...
//	}
//
// A shell that acts on frames as they arrive gives ListenFunc a Handler
// instead: the connection's own goroutine hands it each frame, with no copy
// and no hand-over to another goroutine, so a node can answer a request on
// the goroutine that read it.
//
// Between nodes the link speaks mutual TLS 1.3: give WithTLS to the
// Listener (and so to the Conns it dials), or to Dial. See Security.
//
//	ln, err := tcp.Listen(ctx, ":7000", transport.DefaultLimits, logger, tcp.WithTLS(tcp.TLS{
//		Certificate: cert, Roots: caPool, Identify: identify}))
//
// A node shell dials its peers through its Listener, so that two nodes
// that talk both ways share one connection and its acknowledgements ride
// on the answers:
//
//	toLeader := ln.Dial(ctx, "Leader", "leader:7000", "Worker/3", logger)
//
// Such a Conn reads what the peer writes back on the connection it dialed
// and hands it to the Listener's Handler (or Inbound), and writes on a
// connection the peer opened, when there is one, instead of dialing.
//
// A connection opens with a hello naming the dialer ("HYD", a version,
// a 1-byte length and the name), then carries frames (see package
// transport): one way, dialer to listener, for version 1; both ways for
// version 2, which a Conn made by Listener.Dial says.
//
// # Delivery
//
// From one Conn to one Listener, frames arrive in the order they were
// sent, never reordered and never duplicated, whichever connection carries
// them: a peer's frames are delivered from one connection at a time, and
// when they start coming from another, the first is closed and its reader
// has stopped before the second delivers. A connection that fails loses
// the frames that were being written and those the peer had not read (a
// fail-stop prefix); the Conn reconnects and goes on with the frames
// queued after them, counting what it lost in Stats.Lost. The Listener
// closes a connection that sends anything it refuses, and logs why at
// level Error; other connections are unaffected.
//
// Send never blocks on the network. When the Conn's writer is idle, Send
// writes at once what the socket takes without waiting; the rest, and
// everything sent while a write is under way, it queues up to a bound
// (WithQueueBytes) and past it returns ErrBackpressure, so a slow or absent
// peer cannot stall the node's single-threaded loop. Redials back off
// exponentially (WithBackoff) with jitter from a per-Conn seeded source,
// so a peer that is down costs a few dials a second at most. A Send that
// is refused encodes nothing, so retrying it costs no copy.
//
// What is normal at a fleet's start and stop is logged at level Debug: the
// first dials a peer refuses (it is starting; only six failures in a row,
// 1.6 to 3 s with the default backoff, are logged at Info), a peer closing
// its connection (it is stopping), and the frames Close drops, which it
// returns as an error for its caller to judge. A connection that breaks
// otherwise is logged at Warn.
//
// # Security
//
// Without WithTLS a link is plaintext, and a Listener believes the name any
// hello gives: whoever can reach its port can pose as any peer. With
// WithTLS (given to Listen or ListenFunc, and so to every Conn its Dial
// makes, or to Dial) every connection speaks TLS 1.3 and nothing older,
// mutually authenticated:
//
//   - the Listener runs the handshake before reading anything, within the
//     hello's 10 s, and requires a client certificate that TLS.Roots
//     signed; then TLS.Identify names the peer the certificate stands for,
//     or refuses it, and the hello that follows, inside TLS, must give
//     that same name;
//   - a Conn checks the listener's certificate against TLS.Roots and, for
//     a Conn made by Listener.Dial, that TLS.Identify names the peer it
//     was asked to reach, before it writes anything.
//
// A refused connection is closed and logged at level Error, "tcp: refusing
// connection" on the Listener's side, with the reason: "not TLS (a
// plaintext peer?)", "certificate not signed by this deployment's CA",
// "the peer refused this side's certificate", "certificate refused" with
// Identify's error, or "impostor: a certificate of Worker/1 claims to be
// Worker/0". A Conn that refuses its peer logs "tcp: refusing the peer"
// and retries with its backoff, writing nothing meanwhile. Identities are
// names only: TLS.Identify decides what a certificate stands for (package
// deploy uses a URI SAN, hydro:FLOW/ROLE).
//
// Sessions are never resumed: every connection verifies its certificates
// anew. A handshake costs a few hundred microseconds, once per connection.
// NB: in TLS 1.3 a client finishes its handshake before the server has
// checked the client's certificate, so a Conn whose certificate the
// Listener refuses counts a connection as up and its first frames as
// sent; they are lost, and the Conn reconnects.
//
// Over TLS, a Send of up to 64 KiB made while the Conn's writer is idle is
// written from the caller's goroutine too: TLS seals it into records, and
// what the socket does not take at once waits, sealed, under TLS for the
// writer, ahead of anything sealed later, so records reach the peer in the
// order they were numbered. Larger Sends, and those made while the writer
// is busy, are queued, and the writer gathers them into records of up to
// 64 KiB. Closing a connection closes the TCP connection under it without
// a close_notify alert (which could wait on a full socket); the peer reads
// the end of the stream at a record boundary as a clean end.
//
// # Limits
//
// What a peer can make a Listener hold, and for how long, is bounded:
//
//   - a connection must finish its TLS handshake and say hello within
//     10 s;
//   - after the hello, a connection that sends nothing for the idle
//     timeout (WithIdleTimeout, DefaultIdleTimeout: 30 s) is closed; a Conn
//     writes a keepalive frame (channel math.MaxUint32, no payload; readers
//     drop it) whenever it has written nothing for a third of it, so a
//     peer that is live but quiet is not cut. The deadline moves lazily: a
//     silent connection goes between 1 and 1.25 idle timeouts;
//   - once a frame's first byte has arrived, the rest must arrive within
//     the frame timeout (WithFrameTimeout, DefaultFrameTimeout: 10 s), so
//     a peer that sends half a frame and stops is dropped well before the
//     idle timeout;
//   - a frame is at most Limits.MaxFrameBytes, refused before anything is
//     allocated for it, and a connection's read buffer is 64 KiB, besides
//     the frame buffer of transport.Reader;
//   - a Conn queues at most WithQueueBytes (DefaultQueueBytes: 8 MiB) of
//     encoded frames, and over TLS at most 64 KiB of sealed records a
//     direct write could not hand to the socket.
//
// A connection closed for any of these is logged at level Warn (idle, a
// stalled frame) or Error (refused, a bad frame) with the peer's name, and
// counted in Listener.Stats, with the frames and bytes taken in: a node
// shell puts them on its metrics.
//
// # Concurrency
//
// Each Listener runs one goroutine to accept and one per connection; each
// Conn runs one goroutine, plus one that reads the connection it dialed
// (to deliver what comes back, or to notice the peer closing it). Close
// waits for all of them: after Close returns nil, none is left, and after
// the Listener's, no Handler call is under way or starts. Close the Conns a Listener dialed
// before the Listener, so that what their peers write back until then is
// delivered; a Conn whose Listener is closed goes on writing and discards
// what it reads. A Handler that blocks delays the Close of the Conn to the
// peer whose frames it handles, and must not call it. Send, Stats and
// Close are safe for concurrent use. A Conn calls the function given by
// WithStateFunc on its own goroutine, which waits for it.
package tcp
