// SPDX-License-Identifier: Apache-2.0

package kube

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Placement is what a node running in a pod of a fleet knows of the fleet,
// read from its environment by Place: its role, where it listens, and where
// every other node of the fleet is.
type Placement struct {
	// Role names the node as package deploy does: the location's name for
	// a process ("Leader"), with the member's index for a cluster
	// ("Worker/2"), which is the pod's ordinal in its StatefulSet.
	Role string
	// Pod is the name of the node's pod (EnvPod).
	Pod string
	// Location is the location the node runs, Member its index in its
	// cluster (0 for a process), and Cluster whether it is a cluster.
	Location string
	Member   int
	Cluster  bool
	// Peers maps every role of the fleet, at the sizes it was written
	// with, to its address: a DNS name of the headless Service, or, for
	// this node, the port it listens on, on every address (":7000").
	Peers map[string]string
	// Sizes gives every cluster's size when the fleet was written; see
	// Follow for the sizes it has now.
	Sizes map[string]int
	// Ports maps the external ports to the addresses they listen on
	// (":7001").
	Ports map[string]string
	// LogFormat is text or json.
	LogFormat string

	namespace, domain string
	port              int
	services          map[string]string // location -> headless Service
}

// Place reads a node's placement from its environment, through getenv
// (os.Getenv): the pod's name and namespace, its location, and the fleet's
// ConfigMap (see the Env constants). It refuses a pod name that is not its
// StatefulSet's name and an ordinal, an ordinal past a process's 0, and a
// missing or malformed variable, naming it.
func Place(getenv func(string) string) (*Placement, error) {
	need := func(name string) (string, error) {
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("kube: %s is not set; a node on Kubernetes reads it from its pod (see kube.Manifests)", name)
		}
		return v, nil
	}
	var errs []error
	must := func(name string) string {
		v, err := need(name)
		errs = append(errs, err)
		return v
	}
	pod, ns, loc := must(EnvPod), must(EnvNamespace), must(EnvLocation)
	services, port, domain := must(EnvServices), must(EnvPort), must(EnvDomain)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p := &Placement{Pod: pod, Location: loc, namespace: ns, domain: domain, services: map[string]string{}, Sizes: map[string]int{}, Ports: map[string]string{},
		LogFormat: getenv(EnvLogFormat)}
	if p.LogFormat == "" {
		p.LogFormat = "json"
	}
	var err error
	if p.port, err = strconv.Atoi(port); err != nil || p.port < 1 || p.port > 65535 {
		return nil, fmt.Errorf("kube: %s=%q: want a port number", EnvPort, port)
	}
	pairs, err := decodePairs(EnvServices, services)
	if err != nil {
		return nil, err
	}
	for _, kv := range pairs {
		p.services[kv[0]] = kv[1]
	}
	if pairs, err = decodePairs(EnvSizes, getenv(EnvSizes)); err != nil {
		return nil, err
	}
	for _, kv := range pairs {
		n, err := strconv.Atoi(kv[1])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("kube: %s: %s=%s: want a size of at least 1", EnvSizes, kv[0], kv[1])
		}
		if _, ok := p.services[kv[0]]; !ok {
			return nil, fmt.Errorf("kube: %s: cluster %s has no Service in %s", EnvSizes, kv[0], EnvServices)
		}
		p.Sizes[kv[0]] = n
	}
	if pairs, err = decodePairs(EnvPorts, getenv(EnvPorts)); err != nil {
		return nil, err
	}
	for _, kv := range pairs {
		if n, err := strconv.Atoi(kv[1]); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("kube: %s: %s=%s: want a port number", EnvPorts, kv[0], kv[1])
		}
		p.Ports[kv[0]] = ":" + kv[1]
	}
	svc, ok := p.services[loc]
	if !ok {
		return nil, fmt.Errorf("kube: %s=%s: the fleet has no such location (%s=%s)", EnvLocation, loc, EnvServices, services)
	}
	_, p.Cluster = p.Sizes[loc]
	ord, ok := strings.CutPrefix(pod, svc+"-")
	if p.Member, err = strconv.Atoi(ord); !ok || err != nil || p.Member < 0 || strconv.Itoa(p.Member) != ord {
		return nil, fmt.Errorf("kube: pod %s is not a pod of the StatefulSet %s (want %s-N)", pod, svc, svc)
	}
	p.Role = loc
	switch {
	case p.Cluster:
		p.Role = loc + "/" + ord
	case p.Member != 0:
		return nil, fmt.Errorf("kube: pod %s: the process %s has one pod, %s-0", pod, loc, svc)
	}
	p.Peers = map[string]string{}
	for _, l := range slices.Sorted(maps.Keys(p.services)) {
		n, cluster := p.Sizes[l]
		if !cluster {
			p.Peers[l], _ = p.Addr(l)
			continue
		}
		for m := range n {
			role := l + "/" + strconv.Itoa(m)
			p.Peers[role], _ = p.Addr(role)
		}
	}
	p.Peers[p.Role] = ":" + port
	return p, nil
}

// Addr returns the address of any role of the fleet, members past the
// clusters' sizes included: the DNS name the headless Service gives the
// pod, and the peer port. It reports false for a role naming no location
// of the fleet, or a cluster without a member index, or a process with one.
func (p *Placement) Addr(role string) (string, bool) {
	loc, member, cluster := strings.Cut(role, "/")
	svc, ok := p.services[loc]
	if !ok {
		return "", false
	}
	if _, isCluster := p.Sizes[loc]; isCluster != cluster {
		return "", false
	}
	ord := "0"
	if cluster {
		if n, err := strconv.Atoi(member); err != nil || n < 0 || strconv.Itoa(n) != member {
			return "", false
		}
		ord = member
	}
	return fmt.Sprintf("%s-%s.%s:%d", svc, ord, p.serviceDomain(loc), p.port), true
}

// serviceDomain is the DNS name of a location's headless Service.
func (p *Placement) serviceDomain(loc string) string {
	return p.services[loc] + "." + p.namespace + ".svc." + p.domain
}
