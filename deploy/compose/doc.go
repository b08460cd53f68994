// SPDX-License-Identifier: Apache-2.0

// Package compose writes a Docker Compose file that runs a flow's fleet:
// one service per process and per cluster member, all from the same image,
// each told its role and its peers in its environment, as the localhost
// deployer tells the processes it starts.
//
// # Usage
//
// The caller lists the fleet's nodes (Fleet: each node's role and
// environment, the external ports to publish) and writes the file with
// File; programs built with package deploy do this with
//
//	PROGRAM deploy -compose -image IMAGE [-cluster Worker=3] > compose.yaml
//	docker compose -f compose.yaml up
//
// Every node listens on its service's name, which Compose's network
// resolves for the others, so the file holds the whole address table and
// needs nothing else at run time. A Compose service has no stable ordinal
// the way a Kubernetes StatefulSet's pod does, so a cluster's size is fixed
// when the file is written: write it again to resize.
package compose
