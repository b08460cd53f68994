// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hydro-go/hydro/deploy/kube"
)

// The fleet's TLS files are the data of its Secret, decoded strictly
// into the API's Secret, under the names a pod's node looks for.
func TestManifestsCarryTLS(t *testing.T) {
	f := wordcount
	f.TLS = map[string][]byte{kube.TLSCAFile: []byte("CA PEM\n")}
	for _, pod := range []string{f.Pod("Leader", 0), f.Pod("Worker", 0), f.Pod("Worker", 1), f.Pod("Worker", 2)} {
		f.TLS[kube.CertFile(pod)] = []byte("cert of " + pod)
		f.TLS[kube.KeyFile(pod)] = []byte("key of " + pod + "\x00\xff")
	}
	out, err := kube.Manifests(f)
	if err != nil {
		t.Fatal(err)
	}
	d := decode(t, out)
	want := map[string][]byte{
		"ca.crt":          []byte("CA PEM\n"),
		"wc-leader-0.crt": []byte("cert of wc-leader-0"), "wc-leader-0.key": []byte("key of wc-leader-0\x00\xff"),
		"wc-worker-0.crt": []byte("cert of wc-worker-0"), "wc-worker-0.key": []byte("key of wc-worker-0\x00\xff"),
		"wc-worker-1.crt": []byte("cert of wc-worker-1"), "wc-worker-1.key": []byte("key of wc-worker-1\x00\xff"),
		"wc-worker-2.crt": []byte("cert of wc-worker-2"), "wc-worker-2.key": []byte("key of wc-worker-2\x00\xff"),
	}
	if diff := cmp.Diff(want, d.secrets[0].Data); diff != "" {
		t.Errorf("Secret data (-want +got):\n%s", diff)
	}
	if v, ok := d.configMaps[0].Data[kube.EnvTLS]; ok {
		t.Errorf("ConfigMap sets %s=%q in a fleet with TLS; want it unset", kube.EnvTLS, v)
	}
	for _, ss := range d.statefulSets {
		if m := ss.Spec.Template.Spec.Containers[0].VolumeMounts; len(m) != 1 || m[0].MountPath != kube.TLSMount || !m[0].ReadOnly {
			t.Errorf("StatefulSet %s mounts %+v; want the Secret read-only at %s", ss.Name, m, kube.TLSMount)
		}
	}
}

// A Plaintext fleet turns TLS off in every node's environment, through the
// ConfigMap, and its Secret is empty.
func TestManifestsPlaintext(t *testing.T) {
	f := wordcount
	f.Plaintext = true
	out, err := kube.Manifests(f)
	if err != nil {
		t.Fatal(err)
	}
	d := decode(t, out)
	if got := d.configMaps[0].Data[kube.EnvTLS]; got != "off" {
		t.Errorf("ConfigMap %s = %q; want off", kube.EnvTLS, got)
	}
	if n := len(d.secrets[0].Data); n != 0 {
		t.Errorf("Secret of a plaintext fleet has %d keys; want none", n)
	}
}

// A pod's name is the one Place reads back as the member's.
func TestFleetPod(t *testing.T) {
	pod := wordcount.Pod("Worker", 2)
	if pod != "wc-worker-2" {
		t.Fatalf("Pod(Worker, 2) = %q; want wc-worker-2", pod)
	}
	p, err := kube.Place(podEnv(t, wordcount, pod, "Worker"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Pod != pod || p.Role != "Worker/2" {
		t.Errorf("Place(%s) = pod %q, role %q; want %s, Worker/2", pod, p.Pod, p.Role, pod)
	}
	if got := kube.CertFile(pod) + " " + kube.KeyFile(pod); got != "wc-worker-2.crt wc-worker-2.key" {
		t.Errorf("CertFile, KeyFile = %s; want wc-worker-2.crt wc-worker-2.key", got)
	}
}
