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
// ConfigMap holds the flow's settings and a Secret is the slot for its TLS
// material. Programs built with package deploy do this with
//
//	PROGRAM deploy -k8s -image IMAGE [-cluster Worker=3] > fleet.yaml
//
// # Discovery
//
// Members find each other the Kubernetes way, with no help from the
// command that wrote the manifests, so the fleet outlives it. A pod's name
// is its StatefulSet's name and its ordinal (wc-worker-2 is the member 2 of
// the cluster Worker), and the headless Service gives it a DNS name,
// wc-worker-2.wc-worker.NAMESPACE.svc.cluster.local, published before the
// pod is ready. See the package's Placement type for how a node reads its
// role and its peers' addresses from its environment.
package kube
