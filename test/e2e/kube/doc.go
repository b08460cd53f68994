// SPDX-License-Identifier: Apache-2.0

// Package kube holds the end-to-end test of the Kubernetes deployer
// (deploy -k8s -apply): a single-node cluster started on this machine by
// cluster.sh (Kubernetes built from the Go module proxy; Debian's etcd,
// containerd, runc and CNI plugins; CoreDNS), the round-trip example's
// image imported into it, the fleet applied with mutual TLS, and its
// members deleted and scaled while the leader watches them leave and join;
// and the chat example, its external port asking for a token that reaches
// the server's pod through the fleet's Secret NAME-ports.
//
// CI runs it: .ci/run builds the cluster's parts first, and go test ./...
// runs the test with the others. It needs root; it is
// skipped without root or when Kubernetes is not built yet, unless CI is
// set: then it fails. Under -race it is skipped, since its own code only
// runs commands. By hand, as root:
//
//	test/e2e/kube/cluster.sh build   # once: builds Kubernetes, minutes
//	go test ./test/e2e/kube/
//
// Warm, the cluster is up in 10 to 30 s, and each test, which brings up a
// cluster of its own, takes about a minute.
package kube
