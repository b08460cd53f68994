// SPDX-License-Identifier: Apache-2.0

// Package pki makes and reads the certificates of a deployment: a
// certificate authority made for one deployment, and a certificate per
// node that names it. Package deploy makes them and hands each node its
// own; package node checks its peers' with them (over transport/tcp).
//
// # Usage
//
// The deployer makes a CA for the deployment, issues one certificate per
// process and cluster member, and gives each node the CA's certificate and
// its own certificate and key, as PEM (in files or in the environment):
//
//	ca, err := pki.NewCA("wordcount")
//	m, err := ca.Issue("Worker/1")             // m.CertPEM, m.KeyPEM
//	creds, err := pki.Load(ca.CertPEM(), m.CertPEM, m.KeyPEM)
//	creds.Self                                 // {Flow: "wordcount", Role: "Worker/1"}
//
// A node reads the identity of a peer's certificate, once TLS has verified
// that the CA signed it, with creds.Identify.
//
// The external ports use certificates that name no node: a CA made for
// them issues a server certificate for the hosts clients reach the ports
// at, and client certificates that a port asking for them accepts:
//
//	srv, err := ca.IssueServer("127.0.0.1", "localhost") // srv.CertPEM, srv.KeyPEM
//	cl, err := ca.IssueClient("alice")
//
// # Identity
//
// A certificate's identity is one URI SAN, hydro:FLOW/ROLE: the flow's
// name (path-escaped) and the node's role, a location's name followed, for a
// cluster member, by its member id: hydro:wordcount/Leader,
// hydro:wordcount/Worker/1. The certificate has no DNS name or IP address:
// a node is who its certificate names, wherever it runs. Certificates are
// ECDSA P-256, valid from an hour before they are made (clocks differ) for
// a year by default; the CA can sign nothing but the deployment's nodes
// (MaxPathLen 0). The CA's key never leaves the deployer.
//
// # Security
//
// A peer proves its role by holding the key of a certificate that the
// deployment's CA signed and that names the role. Whoever holds a member's
// key can be that member, and whoever holds the CA's key can be anyone:
// keep keys readable by the node's user alone (Load does not check file
// modes). A CA made for one deployment is not trusted by another, so two
// fleets of the same flow on one network cannot talk to each other.
//
// # Concurrency
//
// A CA may issue from several goroutines at once. Credentials are read-only
// once loaded.
package pki
