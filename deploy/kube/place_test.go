// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"context"
	"fmt"
	"maps"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hydro-go/hydro/deploy/kube"
)

// podEnv is the environment the manifests give the pod named pod of loc,
// read from the ConfigMap they write.
func podEnv(t *testing.T, f kube.Fleet, pod, loc string) func(string) string {
	t.Helper()
	out, err := kube.Manifests(f)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{kube.EnvPod: pod, kube.EnvNamespace: "demo", kube.EnvLocation: loc}
	maps.Copy(env, decode(t, out).configMaps[0].Data)
	return func(k string) string { return env[k] }
}

func TestPlaceMember(t *testing.T) {
	p, err := kube.Place(podEnv(t, wordcount, "wc-worker-2", "Worker"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != "Worker/2" || p.Location != "Worker" || p.Member != 2 || !p.Cluster || p.LogFormat != "json" {
		t.Errorf("Place = role %q, location %q, member %d, cluster %v, log %q; want Worker/2, Worker, 2, true, json", p.Role, p.Location, p.Member, p.Cluster, p.LogFormat)
	}
	want := map[string]string{
		"Leader":   "wc-leader-0.wc-leader.demo.svc.cluster.local:7000",
		"Worker/0": "wc-worker-0.wc-worker.demo.svc.cluster.local:7000",
		"Worker/1": "wc-worker-1.wc-worker.demo.svc.cluster.local:7000",
		"Worker/2": ":7000",
	}
	if diff := cmp.Diff(want, p.Peers); diff != "" {
		t.Errorf("Peers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"Worker": 3}, p.Sizes); diff != "" {
		t.Errorf("Sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"Client": ":7001"}, p.Ports); diff != "" {
		t.Errorf("Ports (-want +got):\n%s", diff)
	}
	for role, want := range map[string]string{
		"Worker/7": "wc-worker-7.wc-worker.demo.svc.cluster.local:7000",
		"Leader":   "wc-leader-0.wc-leader.demo.svc.cluster.local:7000",
		"Worker":   "", "Leader/0": "", "Worker/-1": "", "Worker/01": "", "Nobody": "",
	} {
		got, ok := p.Addr(role)
		if got != want || ok != (want != "") {
			t.Errorf("Addr(%q) = %q, %v; want %q", role, got, ok, want)
		}
	}
}

func TestPlaceProcess(t *testing.T) {
	p, err := kube.Place(podEnv(t, wordcount, "wc-leader-0", "Leader"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != "Leader" || p.Cluster || p.Peers["Leader"] != ":7000" {
		t.Errorf("Place = role %q, cluster %v, own address %q; want Leader, false, :7000", p.Role, p.Cluster, p.Peers["Leader"])
	}
}

func TestPlaceRefused(t *testing.T) {
	for _, tc := range []struct {
		pod, loc string
		unset    string
		want     string
	}{
		{"wc-leader-1", "Leader", "", "the process Leader has one pod, wc-leader-0"},
		{"other-0", "Worker", "", "pod other-0 is not a pod of the StatefulSet wc-worker"},
		{"wc-worker-01", "Worker", "", "is not a pod of the StatefulSet"},
		{"wc-worker-x", "Worker", "", "is not a pod"},
		{"wc-worker-0", "Shard", "", "HYDRO_KUBE_LOCATION=Shard: the fleet has no such location"},
		{"wc-worker-0", "Worker", kube.EnvPod, "HYDRO_KUBE_POD is not set"},
		{"wc-worker-0", "Worker", kube.EnvServices, "HYDRO_KUBE_SERVICES is not set"},
	} {
		env := podEnv(t, wordcount, tc.pod, tc.loc)
		_, err := kube.Place(func(k string) string {
			if k == tc.unset {
				return ""
			}
			return env(k)
		})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "kube: ") {
			t.Errorf("Place(pod %s, location %s, %s unset) = %v; want an error with %q", tc.pod, tc.loc, tc.unset, err, tc.want)
		}
	}
}

// fakeDNS answers SRV lookups from a table of pods per Service, as the
// cluster's DNS does for a headless Service's named port.
type fakeDNS struct {
	mu      sync.Mutex
	pods    map[string][]string // Service DNS name -> pod names
	lookups int
}

func (d *fakeDNS) set(svc string, pods ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pods[svc] = pods
}

func (d *fakeDNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	full := "_" + service + "._" + proto + "." + name
	pods, ok := d.pods[name]
	if service != kube.PortName || proto != "tcp" || !ok || len(pods) == 0 {
		return "", nil, &net.DNSError{Err: "no such host", Name: full, IsNotFound: true}
	}
	var srvs []*net.SRV
	for _, p := range pods {
		srvs = append(srvs, &net.SRV{Target: p + "." + name + ".", Port: 7000, Weight: 100})
	}
	return full + ".", srvs, nil
}

func TestFollowScale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := kube.Place(podEnv(t, wordcount, "wc-worker-0", "Worker"))
		if err != nil {
			t.Fatal(err)
		}
		const svc = "wc-worker.demo.svc.cluster.local"
		dns := &fakeDNS{pods: map[string][]string{}}
		dns.set(svc, "wc-worker-0", "wc-worker-1", "wc-worker-2")
		var mu sync.Mutex
		var got []map[string]int
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.Follow(ctx, dns, time.Second, nil, func(s map[string]int) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, s)
			})
		}()
		step := func(what string, want ...map[string]int) {
			t.Helper()
			time.Sleep(time.Second)
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: resized calls (-want +got):\n%s", what, diff)
			}
		}
		step("as written")
		dns.set(svc, "wc-worker-0", "wc-worker-1", "wc-worker-2", "wc-worker-3")
		step("scaled to 4, seen once")
		step("scaled to 4, seen twice", map[string]int{"Worker": 4})
		// Pod 3 is replaced: its record is gone for one look.
		dns.set(svc, "wc-worker-0", "wc-worker-1", "wc-worker-2")
		step("pod 3 replaced", map[string]int{"Worker": 4})
		dns.set(svc, "wc-worker-0", "wc-worker-1", "wc-worker-2", "wc-worker-3")
		step("pod 3 back", map[string]int{"Worker": 4})
		step("pod 3 back", map[string]int{"Worker": 4})
		// A member in the middle missing does not shrink the cluster.
		dns.set(svc, "wc-worker-0", "wc-worker-2", "wc-worker-3")
		step("pod 1 missing", map[string]int{"Worker": 4})
		step("pod 1 missing", map[string]int{"Worker": 4})
		dns.set(svc, "wc-worker-0", "wc-worker-1")
		step("scaled to 2, seen once", map[string]int{"Worker": 4})
		step("scaled to 2", map[string]int{"Worker": 4}, map[string]int{"Worker": 2})
		dns.set(svc)
		step("scaled to 0, seen once", map[string]int{"Worker": 4}, map[string]int{"Worker": 2})
		step("scaled to 0", map[string]int{"Worker": 4}, map[string]int{"Worker": 2}, map[string]int{"Worker": 0})
		cancel()
		<-done
		if dns.lookups != 12 {
			t.Errorf("%d lookups in 12 periods; want 12, one per cluster per period", dns.lookups)
		}
	})
}

func ExamplePlace() {
	env := map[string]string{
		kube.EnvPod: "wc-worker-1", kube.EnvNamespace: "demo", kube.EnvLocation: "Worker",
		kube.EnvServices: "Leader=wc-leader,Worker=wc-worker", kube.EnvSizes: "Worker=2",
		kube.EnvPort: "7000", kube.EnvDomain: "cluster.local",
	}
	p, err := kube.Place(func(k string) string { return env[k] })
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Role)
	fmt.Println(p.Peers["Leader"])
	fmt.Println(p.Peers["Worker/1"])
	addr, _ := p.Addr("Worker/5")
	fmt.Println(addr)
	// Output:
	// Worker/1
	// wc-leader-0.wc-leader.demo.svc.cluster.local:7000
	// :7000
	// wc-worker-5.wc-worker.demo.svc.cluster.local:7000
}
