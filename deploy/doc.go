// SPDX-License-Identifier: Apache-2.0

// Package deploy runs a flow as real processes: it makes one binary the
// deployer and every node of a fleet, runs one node of a fleet that the
// caller starts in its own way, and connects clients to a fleet's external
// ports.
//
// # Usage
//
// A program hands its flow to Main:
//
//	func main() { deploy.Main(Build) }   // go run . -cluster Worker=3
//
// With no role in its environment the binary is the deployer: Localhost
// starts one copy of it per process and per cluster member on this
// machine, each with its role, its peers' addresses and the sizes of the
// clusters in its environment, prints every line they write prefixed with
// "[Leader]" or "[Worker/2]", prints the address of each external port,
// and stops them all on Ctrl-C. With a role, the binary runs that one
// location (RunNode) until it is told to stop.
//
// The deploy subcommand writes the same fleet for engines that run it on
// other machines: Kubernetes manifests (-k8s; package kube), applied and
// followed with -apply, or a Docker Compose file (-compose; package
// compose), and with -image-tar the image of this binary, built with
// CGO_ENABLED=0, as an OCI image layout tar that ctr images import and
// docker load read. A binary that finds itself in a pod of the manifests
// (kube.EnvPod in its environment) runs the node its pod's name names,
// and follows its clusters' scale. deploy -k8s issues a CA for the fleet
// and a certificate per member at the sizes it writes, into the fleet's
// Secret; a pod's node reads its own from where the Secret is mounted
// (kube.TLSMount), unless its environment gives TLS. deploy -compose
// puts the CA and each member's certificate and key in its service's
// environment (HYDRO_TLS_CA, HYDRO_TLS_CERT, HYDRO_TLS_KEY): the file
// holds private keys, so keep it as a secret. -tls=false writes none and
// turns TLS off in the nodes, for a trusted network only.
//
// deploy -ssh runs the fleet on hosts you already have (SSH): it logs in
// to each (package remote; a host's key must be in known_hosts), copies
// this one binary there, starts each member with its role, the address
// table and its own certificate and key, streams every member's lines
// back prefixed like the localhost fleet's, reports a member that exits,
// and on Ctrl-C stops every member by its process ID and removes what it
// copied. Members go to the hosts in turn, or where -place puts them; a
// member whose deployer is gone (its connection dropped) stops by itself
// (launch.EnvLifeline).
//
// A finite flow (hydro.Flow.Finite) finishes on localhost: each member
// reports on its standard output when it is idle, with the frames it has
// sent to and received from each peer (NodeConfig.Finish); the deployer
// keeps these lines out of the fleet's output, and once every member is
// idle and every pair's counts match, it prints that the fleet finished,
// stops every member and returns nil (exit status 0). run -keep-running
// (Config.KeepRunning) keeps the fleet up instead. The SSH, Kubernetes and
// Compose targets do not finish.
//
// RunNode also runs a node configured by the caller (NodeConfig): several
// nodes in one test process, or nodes whose addresses an orchestrator hands
// out. Dial connects a client to an external port, with the port's codecs.
// RunNodes runs several nodes in one OS process, each with its own graph
// and goroutines, linked in memory: what Localhost does for the members of
// a cluster that Config.Cores (-cores Name=N) puts in one process, so that
// the process uses one core per member. Only Localhost places members so;
// the SSH, Kubernetes and Compose targets run one member per process.
//
// # Security
//
// The nodes of a fleet speak mutual TLS 1.3. Localhost makes a CA for each
// run and a certificate per process and cluster member, whose identity is
// a URI SAN, hydro:FLOW/ROLE (hydro:wordcount/Worker/1), and hands each
// member the CA's certificate and its own certificate and key in its
// environment; nothing is written to disk. A node accepts a peer only if
// the run's CA signed its certificate, the certificate names a node of the
// fleet, and its hello claims that node: plaintext peers, peers of another
// CA and impostors are refused and logged with the reason.
//
// A node started some other way (RunNode on another machine) reads its
// TLS from NodeConfig.TLS or, if that is zero, from its environment, as
// PEM text or as files:
//
//	HYDRO_TLS_CA    or HYDRO_TLS_CA_FILE     the deployment's CA certificate
//	HYDRO_TLS_CERT  or HYDRO_TLS_CERT_FILE   the node's certificate
//	HYDRO_TLS_KEY   or HYDRO_TLS_KEY_FILE    its private key
//
// IssueTLS makes them for a set of roles. Without them a node does not
// start. TLS is turned off by -tls=false (Config.NoTLS), TLS.Off or
// HYDRO_TLS=off: the nodes then speak plaintext and believe any hello, so
// any process that reaches their ports can pose as a member. Turn it off
// on a trusted network only. External ports speak plaintext unless asked
// otherwise (see External ports).
//
// # External ports
//
// Each external port listens on an address the deployer prints, and
// serves any number of clients, up to its limits. What a port asks of its
// clients is PortTLS (NodeConfig.PortTLS, Config.PortTLS, or the node's
// environment):
//
//	-port-tls CERT.pem,KEY.pem   HYDRO_PORT_TLS_CERT, HYDRO_PORT_TLS_KEY (or _FILE)
//	-port-client-ca CA.pem       HYDRO_PORT_TLS_CLIENT_CA (or _FILE)
//	-port-token-file FILE        HYDRO_PORT_TOKEN (or HYDRO_PORT_TOKEN_FILE)
//
// With a certificate every port speaks TLS; with client CAs, a client
// must hold a certificate one of them signed; with a token, a client's
// first line must be "AUTH <token>": the port answers "OK" once the client
// is in, and from then on the client gets every message the flow sends,
// or "ERR <reason>" and closes. Dial speaks this with WithTLS and
// WithToken, and returns ErrRefused for a client the port refused.
// IssuePortTLS makes a CA for the ports, their certificate and client
// certificates. A client refused never reaches the flow.
//
// Each port is bounded (PortLimits; the -port-... flags, or
// HYDRO_PORT_MAX_CLIENTS and the like): the clients it serves at once,
// handshakes included; the bytes queued for one client and for all of a
// port's; the connections taken in per second; the time to finish a
// started message, to send the next one, and to finish the handshake. A
// bound reached stops the node reading whoever fills it, leaves new
// connections waiting in the kernel's queue, or closes the client at
// fault: a client that never reads, sends a line past the codec's limit,
// stalls inside a message or its handshake, or opens connection after
// connection, never grows the node's memory past the bounds or holds up
// the flow. With NodeConfig.Admin, /metrics reports each port's counters
// (hydro_port_clients, hydro_port_accepted_total,
// hydro_port_refused_total, hydro_port_auth_failures_total, bytes each
// way, drops and the times a bound was reached).
//
// # Concurrency
//
// Command, Localhost and RunNode block until their context ends (Main until
// the process is interrupted or terminated) and stop everything they
// started before returning. A Client's Send may be
// called from several goroutines, its Receive from another.
package deploy
