// SPDX-License-Identifier: Apache-2.0

// Package kube runs a flow's fleet on Kubernetes: it writes the fleet's
// manifests, and tells a node started in a pod of them who it is and where
// its peers are.
//
// # Usage
//
// A deployer describes the fleet (Fleet: its name, the image holding the
// program, the flow's processes, clusters and external ports) and writes
// it with Manifests, for kubectl apply -f. Every process becomes a
// StatefulSet of one pod and every cluster a StatefulSet of as many pods
// as it has members, each with a headless Service of the same name; a
// ConfigMap holds the flow's settings and a Secret its TLS files
// (Fleet.TLS). Programs built with package deploy do this with
//
//	PROGRAM deploy -k8s -image IMAGE [-cluster Worker=3] > fleet.yaml
//
// # Security
//
// Nodes speak mutual TLS with each other (package deploy). deploy -k8s
// makes a CA for the fleet and a certificate and a key for each member at
// the sizes it writes, and puts them in the Secret NAME-tls: the CA's
// certificate as TLSCAFile (its key is not kept anywhere) and each
// member's as CertFile and KeyFile of its pod's name (wc-worker-2.crt,
// wc-worker-2.key). Every pod mounts the Secret read-only at TLSMount and
// its node reads the CA certificate and its own pair from there. The
// manifests hold private keys: keep them, and the Secret, as secret as
// the fleet's data.
//
// A member added by scaling a cluster beyond the size written has no
// certificate, and its node does not start; it says so, naming the file
// it misses. To grow past that size, write the manifests again with the
// new size, apply them, and restart the fleet's pods (kubectl rollout
// restart) so that all of them take the new CA. Scaling down, and back up
// to the size written, needs nothing.
//
// The external ports' own TLS and token (deploy -k8s -port-tls,
// -port-client-ca, -port-token-file) go into a Secret of their own,
// NAME-ports (Fleet.PortEnv), which only the containers of the processes
// serving the ports take their environment from; their limits
// (-port-max-clients and the others) go into the ConfigMap (Fleet.Env).
//
// deploy -k8s -tls=false (Fleet.Plaintext) writes an empty Secret and sets
// HYDRO_TLS=off in the ConfigMap: the nodes speak plaintext and believe
// any peer's hello, so any process that reaches their ports can pose as a
// member. For a network where every such process is trusted, and nowhere
// else.
//
// # Discovery
//
// Members find each other the Kubernetes way, with no help from the
// command that wrote the manifests, so the fleet outlives it. A pod's name
// is its StatefulSet's name and its ordinal (wc-worker-2 is the member 2 of
// the cluster Worker), and the headless Service gives it a DNS name,
// wc-worker-2.wc-worker.NAMESPACE.svc.cluster.local, published before the
// pod is ready. A node started in such a pod reads its role and its
// peers' addresses from its environment with Place (package deploy does
// this when the pod's name is in its environment, EnvPod).
//
// A cluster's membership follows its StatefulSet's scale: Follow looks up
// the SRV records of the cluster's headless Service every few seconds and
// reports a new size once two looks agree; package deploy hands it to the
// node (deploy.NodeConfig.Resize), which reports the members added as
// joined once it reaches them and those removed as left (a member past the
// size written needs a certificate first: see Security). A pod that is
// deleted comes back under the same name and address, and rejoins as any
// member that restarted does.
//
// # Concurrency
//
// Manifests, Objects and Place are pure functions of their arguments.
// Follow runs on the caller's goroutine until its context ends and calls
// its callback there.
package kube
