// SPDX-License-Identifier: Apache-2.0

// Package node is the shell that drives one compiled location of a flow over
// TCP: the process, or the one cluster member, that a deployed binary plays.
// Package deploy starts it (deploy.RunNode, and each node deploy.Main
// launches).
//
// # Usage
//
// Run drives the graph of one process, or of one member of a cluster, until
// its context ends. Its peers are named "Leader" or "Worker/3" (NameOf), and
// Node gives the address of each. The node
//
//   - listens for its peers (transport/tcp) and runs a tick as soon as
//     frames arrive, together with the frames that arrived with them;
//   - after every tick, sends each peer what the tick addressed to it, in
//     one write, over one connection per pair of nodes, which carries both
//     directions; frames a peer's connection refuses (its queue is full)
//     are kept and sent first after the next tick;
//   - runs a tick when a timer of the graph fires (hydro.SourceInterval), a
//     value arrives on a channel it reads (hydro.SourceChan), or a client of
//     an external port connects, sends or leaves;
//   - serves the graph's external ports, each on a listener of its own,
//     with one reader and one writer goroutine per client so that a slow
//     client never stalls the graph;
//   - tells the graph which members of the clusters it watches are up,
//     as its connections to them come up and go down.
//
// What a peer sends is checked before it reaches the graph: a frame for a
// channel the graph does not have, from a peer other than the sender it
// claims, or that does not decode, is logged and dropped, and the node
// serves on.
//
// # Security
//
// With Node.TLS set (package deploy sets it unless TLS is turned off), the
// node speaks mutual TLS 1.3 with every peer, over transport/tcp (see its
// Security section). Node.TLS holds the node's certificate, whose identity
// is a URI SAN naming the flow and the node's role (package pki:
// hydro:FLOW/ROLE, hydro:wordcount/Worker/1), and the deployment's CA. Run
// refuses to start if the certificate names another role than Node.Name.
// A connection is accepted only if
//
//   - its certificate was signed by the deployment's CA (a peer of another
//     deployment, or with none, is refused in the handshake; a plaintext
//     peer too);
//   - the certificate names a node of the same flow that is among
//     Node.Peers (the fleet);
//   - the hello that follows claims that same node: a member holding a
//     valid certificate of Worker/1 that says it is Worker/0 is an
//     impostor, and refused.
//
// Each refusal is logged at level Error with its reason, and the
// connection closed before any frame of it is read. Once a peer is known,
// each frame's sender must match it too: a frame whose channel comes from
// another location, or whose sender id is another member's, is dropped
// (see Usage). The node dials only listeners whose certificates name the
// peer it means to reach.
//
// The external ports ask of their clients what Node.PortSecurity says
// (PortSecurity; nothing by default: plaintext to any client):
//
//   - TLS: every port serves TLS (1.2 at least) with PortSecurity.TLS,
//     and with ClientAuth set to tls.RequireAndVerifyClientCert, takes in
//     only a client whose certificate one of its ClientCAs signed; its
//     certificate's common name is logged with the client's lines.
//   - A token: a client's first line must be "AUTH <token>" (compared in
//     constant time); the port answers "OK" once the client is taken in,
//     before any message of the flow, or "ERR <reason>" ("bad token",
//     "expected AUTH <token>") and closes the connection. A client may send
//     its messages behind the AUTH line without waiting for the OK.
//
// The handshake and the AUTH line run on a goroutine per connection, never
// on the loop, and within PortLimits.AuthTimeout (10 s); a connection
// counts against MaxClients from its accept, so that stalled handshakes
// hold at most MaxClients connections for AuthTimeout. A client refused is
// logged at WARN and counted (PortCounts.Refused for its TLS handshake or
// a timeout, AuthFailed for its token), the flow never hears of it, and it
// takes no connection id. Once in, a client is registered before the OK is
// written: a client that read its OK gets every message the flow sends
// after. With TLS and no token, a client's handshake ends on its side
// before the port's: what a PortOut (hydro.SinkExternal) sends meanwhile
// is held for the connection from its accept (up to ClientQueueBytes,
// and PortQueueBytes for all of a port's handshakes; past them the
// connection is closed as too slow) and queued first once it is taken
// in, so a client whose handshake returned misses nothing.
//
// What TLS does not cover: the keys are as safe as the files or
// environment that carry them; a token is as safe as the channel it
// crosses (plaintext without TLS); and a node with Node.TLS nil believes
// every hello, so that any process that reaches its port can pose as any
// peer.
//
// # Concurrency
//
// A node runs its ticks on whichever goroutine holds the node's lock
// (node.mu), one tick at a time: a tick for a frame runs on the goroutine
// that read the frame, and its answers are written from there, so a
// request and its answer never wait for a hand-over between goroutines.
// The rules, and the functions that keep them:
//
//  1. Ticks. Only the goroutine holding the lock touches the graph, the
//     connections to peers, the messages held for them, the ports'
//     bindings and the watched members; it runs the tick (tick, runTicks)
//     and sends what the tick produced. It is a connection's reader with
//     a frame (receive), the pump of a Go channel with a value (pump), or
//     Run's goroutine with anything else (Run). Run holds the lock from
//     before it listens until the first tick has run.
//  2. Sockets. transport/tcp reads each connection on a goroutine of its
//     own and hands every frame to receive, on that goroutine; a peer's
//     frames come from one connection at a time, in the order the peer
//     sent them. Each client of an external port has a reader and a
//     writer goroutine, which never touch the graph (external.go).
//  3. Entering. A goroutine with a frame or a channel value takes the lock
//     if no other holds it (acquire); it then delivers what the inbox
//     holds (drain), then its own input, and runs the tick. For a frame
//     with more set (the next frame has already arrived) it runs no tick:
//     the next frame joins it, or, if the connection stops first, the
//     reader waits for the lock and runs the tick without a frame (see
//     tcp.Handler). If another goroutine holds the lock, it
//     queues its input in the inbox (a copy of the frame) and goes back to
//     reading: the holder delivers it before its next tick. So a peer's
//     frames, and a channel's values, reach the graph in the order they
//     were read: each is either queued behind the earlier ones or
//     delivered after everything queued.
//  4. Settling. After letting go of the lock (unlock), and after queuing,
//     a goroutine runs ticks for what the inbox holds for as long as it
//     can take the lock without waiting (settle). The last goroutine to
//     queue or to let go sees what is queued, so no input waits for a
//     later one.
//  5. Writing. After every tick its runner hands each peer what the tick
//     addressed to it in one tcp.Conn.Send (flush): the Conn writes at
//     once, on the runner's goroutine, what the socket takes when its own
//     writer goroutine is idle (over TLS too, for up to 64 KiB), and that
//     goroutine writes the rest. What a
//     Conn refuses (its queue is full) is held and sent first by the next
//     flush; flush then wakes Run's goroutine, which flushes again 10 ms
//     later (retryWait), so that held messages go out even if no tick
//     comes; past the bound on held messages flush itself waits (see
//     Bounds). What a tick sends to a port's client is queued for the
//     client's writer (ports.flush).
//  6. Timers, channels, ports. Each timer of the graph has a goroutine
//     (every) that reports its fires to Run's goroutine, which takes the
//     lock (lock: it waits for it), pushes the time and runs a tick. Each
//     Go channel the graph reads (compile.Wake: hydro.SourceChan) has one
//     goroutine, its only receiver (pump, which sets Wake.Owned), that
//     enters as a reader does with each value and the values already
//     behind it (up to 1,024). The clients' readers send their connects,
//     messages and ends to Run's goroutine over a channel (ports.events),
//     which takes the lock, handles the event and those ready behind it
//     (takeReady, up to 1,024), and runs a tick.
//  7. Membership. The Conns to the members the graph watches report each
//     connection coming up or going down (tcp.WithStateFunc, connMoved),
//     which wakes Run's goroutine; it takes the lock and reports each
//     member whose connection went down as left, and one whose connection
//     is up again as joined (checkMembers); it looks once more at
//     Node.FailAfter, for members never reached (see Failure detection). A member that stops is
//     reported when its connection breaks; one that starts again, when a
//     connection to it is up: it dials this node, or this node redials it
//     (tcp backs off from 50 ms to 5 s). There is no poll. The View is
//     written under the lock and has a lock of its own, since lowering's
//     Members reads it during ticks and callers may read it anywhere.
//  8. Bounds. The inbox holds at most 1,024 frames and values and 4 MiB of
//     payloads (maxQueued, maxQueuedBytes; a larger frame is let in only
//     alone). A reader or pump that finds it full waits for the lock
//     (acquire) and reads nothing meanwhile: TCP flow control slows the
//     peer down, and a Go channel's sender waits. What a reader delivers
//     with more set, before its tick, is what its read buffer holds
//     (64 KiB of frames, or one larger frame); what a pump takes behind a
//     value, at most 1,024 values. The port events channel holds 256
//     (portEvents); the clients' readers wait beyond. Each Conn queues at
//     most 8 MiB (tcp.DefaultQueueBytes, or Node.QueueBytes); what it
//     refuses beyond is held, not dropped, up to Node.MaxHeldBytes of
//     payloads per peer (DefaultMaxHeldBytes, 4 MiB; passed by at most
//     what one tick sends the peer, since a tick's messages are held
//     whole). Past the bound the goroutine holding the lock keeps it,
//     runs no tick and sends what is held again every retryWait until
//     the peer is under its bound (waitRoom): no input is taken
//     meanwhile, so readers fill the inbox and wait, and channel senders
//     wait. Nothing is dropped, except for a member seen left (Failure
//     detection), which waitRoom looks for at each try. A held frame is
//     copied once, off the tick's arena, never again on a retry, and a
//     Conn that refuses a Send encodes nothing. Each port client's
//     queue holds PortLimits.ClientQueueBytes (4 MiB), and a port's
//     clients together PortLimits.PortQueueBytes (64 MiB); a client that
//     falls further behind is closed (see Limits).
//  9. Shutdown. When ctx ends, Run's goroutine stops taking events, then
//     waits for the pumps (they stop with ctx), stops the timers and waits
//     for them, closes the ports (closing every client and waiting for
//     their goroutines), and takes the lock, once the tick under way has
//     ended, and sets stopped: from then on what readers deliver or queue
//     is dropped and no tick runs. Then it closes every Conn at once,
//     giving them up to 2 s to write what the last ticks sent, except a
//     Conn whose connection went down (its peer stopped, or is stopping),
//     which drops what it still queues at once, so that a node whose peers
//     are gone stops in milliseconds; and it closes the Listener, which waits for its readers (none waits long: no tick
//     runs any more). After Run returns, none of the node's goroutines is
//     left, unless closing the ports or the Listener outlasted its 2 s,
//     which Run returns as an error. A normal start and stop log nothing
//     above INFO: a peer that refuses the first dials (it is starting)
//     or closes its connection (it is stopping) is logged at DEBUG, and
//     only a peer unreachable for a few seconds at INFO (transport/tcp).
//
// # Limits
//
// Every buffer of a node is bounded. Between nodes: the inbox (1,024
// items, 4 MiB), each Conn's queue (Node.QueueBytes, 8 MiB), what is held
// per peer (Node.MaxHeldBytes, 4 MiB), and transport.Limits on frames (see
// Bounds above). A peer's connection that says nothing for 30 s after its
// hello (its Conn writes a keepalive every 10 s of silence), or that takes
// more than 10 s to finish a frame it began, is closed (Node.IdleTimeout,
// Node.FrameTimeout); Node.LinkStats counts
// these with the connections, frames and bytes taken in, and deploy puts
// them on /metrics. On each external port, by Node.PortLimits (PortLimits):
//
//   - MaxClients (1,024) clients at once; beyond, new connections wait in
//     the kernel's accept queue until one leaves (PortCounts.Full).
//   - ClientQueueBytes (4 MiB) queued for one client: past half, the node
//     stops reading that client; a message past the bound closes it as
//     too slow (PortCounts.Slow).
//   - PortQueueBytes (64 MiB) queued for all of a port's clients: past
//     half, its readers stop; past the bound the node takes no input for
//     up to 1 s while the writers drain, then closes the clients with the
//     longest queues.
//   - FrameTimeout (10 s) to finish a message once its first byte came,
//     and IdleTimeout (off) between messages: then the client is closed
//     (PortCounts.TimedOut).
//   - Linger (1 s): a client of a PortBidi that half-closed is kept open
//     until no answer was queued for it that long.
//   - AuthTimeout (10 s) for a client's TLS handshake and AUTH line
//     (PortCounts.Refused).
//   - AcceptRate (off) connections per second, in bursts of AcceptBurst:
//     beyond, new connections wait in the kernel's accept queue
//     (PortCounts.RateLimited).
//   - Messages on their way from clients' readers to the loop: 256 events
//     and 4 MiB; readers wait beyond.
//   - Readers and writers keep buffers of at most 64 KiB between messages:
//     a larger one goes back to the GC once its message is done.
//
// A bound reached stops the node reading whoever fills it; nothing is
// dropped but messages for a client already gone (PortCounts.Dropped) and
// messages for a member seen left (View.Dropped). A write that fails closes
// the client at once: it leaves its port's bounds and broadcasts before
// the loop hears of it, and the loop logs the error with its end.
//
// # Failure detection
//
// The node watches the members of the clusters whose membership the graph
// reads, and, with a View (Node.View), every cluster member among its
// peers, through its connection to each (there are no heartbeats). A
// member starts as joined and is seen as left
//
//   - when its connection breaks, as soon as Run's goroutine hears of it
//     (rule 7: within milliseconds on loopback), or
//   - when no connection to it has come up within Node.FailAfter of Run's
//     start (DefaultFailAfter, 3 s): a member that was never reached. Run's
//     goroutine looks once at that moment, and at every later change.
//
// It is seen as joined again once a connection to it is up. When a member
// is seen as left, the graph's membership inputs are told, the View stops
// listing it (so RoundRobin and Broadcast, lowered with View.Members, skip
// it), and what the node holds for it (messages its Conn refused) is
// dropped and counted (View.Dropped), as is what a tick sends it until it
// joins again: it would wait for the member forever. NB: a connection that
// breaks and comes back between two looks is not reported, and a member
// that is only slow (its connection up) is never seen as left.
//
// # Resizing
//
// A cluster's size can change while the node runs (View.Resize: an
// orchestrator scaled it). Run's goroutine then takes the lock and watches
// the members added, as left until a connection to one is up, when it is
// reported joined, and reports the members removed as left, dropping what
// is held or later sent for them. It dials a member added at the address
// Node.AddrOf gives when Node.Peers has none.
//
// # Co-located nodes
//
// Several nodes can run in one OS process, each with its own graph, lock
// and goroutines: the members of a cluster placed together so that one
// process uses several cores (package deploy's -cores). They share a Host
// (Node.Host), made beforehand with all their names. A node sends to a
// peer its Host names through a link in memory instead of a tcp.Conn: the
// tick's frames for that peer are copied into one batch, in one Send, and
// put on the peer's local queue, a Go channel of at most 1,024 batches
// and 8 MiB of payloads (a larger batch is let in alone). A full queue, or
// a peer not running, refuses the Send with tcp.ErrBackpressure, and the
// frames are held and sent again as for a TCP peer (Bounds). Each node
// has one local reader goroutine, owned by Run, that hands the batches to
// receive as a connection's reader hands frames, with more set while more
// is queued (up to 1,024 frames or 64 KiB), so the rules above hold
// unchanged: no lock is shared between co-located nodes, and a frame
// crosses one channel. The link to a co-located peer reports it connected
// while its Run runs (from before its first tick until it returns), so
// membership, FailAfter and Idle behave as over TCP; LinkStats counts the
// frames taken from co-located peers with the Listener's. Each node still
// listens on TCP, with its own certificate, for the peers its Host does
// not name. What is queued for a node when it stops is dropped: the
// fail-stop prefix every channel allows.
//
// # Finishing
//
// With Node.Idle set (a finite flow whose deployer watches it), the node
// counts the frames it hands each peer's connection and those it takes
// from each peer, and calls Idle with the counts whenever it lets go of
// the lock idle after moving any: no work in its graph, nothing in its
// inbox or held for a peer, and no timer, Go channel or external port to
// bring input by itself. Finished decides from every node's latest report
// that the fleet is done; its comment gives the argument.
//
// An owner loop (one goroutine running every tick, the readers handing it
// frames through a bounded queue) was measured against this discipline on
// B7, two nodes echoing over loopback: its hand-over between goroutines
// made the median round trip 1.3 to 1.5 times raw TCP's, against 1.1 to
// 1.2 times here.
package node
