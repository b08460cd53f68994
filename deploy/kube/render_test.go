// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro/deploy/kube"
)

var wordcount = kube.Fleet{
	Name:      "wc",
	Namespace: "demo",
	Image:     "hydro.local/wordcount:v1",
	Processes: []string{"Leader"},
	Clusters:  []kube.Cluster{{Name: "Worker", Size: 3}},
	Ports:     []kube.Port{{Name: "Client", Location: "Leader"}},
}

// decoded is a fleet's manifests, each decoded strictly into the API's type.
type decoded struct {
	configMaps   []corev1.ConfigMap
	secrets      []corev1.Secret
	services     []corev1.Service
	statefulSets []appsv1.StatefulSet
	kinds        []string
}

// decode splits a YAML stream and decodes every document strictly into
// k8s.io/api's type for its kind: a field the API does not have fails.
func decode(t *testing.T, stream []byte) decoded {
	t.Helper()
	var d decoded
	for i, doc := range bytes.Split(stream, []byte("---\n")) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		d.kinds = append(d.kinds, tm.Kind)
		var err error
		switch tm.Kind {
		case "ConfigMap":
			var o corev1.ConfigMap
			err = yaml.UnmarshalStrict(doc, &o)
			d.configMaps = append(d.configMaps, o)
		case "Secret":
			var o corev1.Secret
			err = yaml.UnmarshalStrict(doc, &o)
			d.secrets = append(d.secrets, o)
		case "Service":
			var o corev1.Service
			err = yaml.UnmarshalStrict(doc, &o)
			d.services = append(d.services, o)
		case "StatefulSet":
			var o appsv1.StatefulSet
			err = yaml.UnmarshalStrict(doc, &o)
			d.statefulSets = append(d.statefulSets, o)
		default:
			t.Fatalf("document %d: unexpected kind %q (apiVersion %q)", i, tm.Kind, tm.APIVersion)
		}
		if err != nil {
			t.Fatalf("document %d (%s) does not decode strictly: %v\n%s", i, tm.Kind, err, doc)
		}
	}
	return d
}

func TestManifestsDecodeStrictly(t *testing.T) {
	out, err := kube.Manifests(wordcount)
	if err != nil {
		t.Fatal(err)
	}
	d := decode(t, out)
	if want := []string{"ConfigMap", "Secret", "Service", "StatefulSet", "Service", "StatefulSet"}; !cmp.Equal(d.kinds, want) {
		t.Fatalf("kinds = %v; want %v", d.kinds, want)
	}
	cm := d.configMaps[0]
	if cm.Name != "wc-flow" || cm.Namespace != "demo" || cm.APIVersion != "v1" {
		t.Errorf("ConfigMap = %s/%s %s; want demo/wc-flow v1", cm.Namespace, cm.Name, cm.APIVersion)
	}
	wantData := map[string]string{
		kube.EnvServices:  "Leader=wc-leader,Worker=wc-worker",
		kube.EnvSizes:     "Worker=3",
		kube.EnvPort:      "7000",
		kube.EnvPorts:     "Client=7001",
		kube.EnvDomain:    "cluster.local",
		kube.EnvLogFormat: "json",
	}
	if diff := cmp.Diff(wantData, cm.Data); diff != "" {
		t.Errorf("ConfigMap data (-want +got):\n%s", diff)
	}
	if s := d.secrets[0]; s.Name != "wc-tls" || s.Type != corev1.SecretTypeOpaque || len(s.Data) != 0 {
		t.Errorf("Secret = %s type %s with %d keys; want wc-tls, Opaque, empty", s.Name, s.Type, len(s.Data))
	}
	for i, want := range []struct {
		name, loc string
		replicas  int32
		ports     []int32
	}{{"wc-leader", "Leader", 1, []int32{7000, 7001}}, {"wc-worker", "Worker", 3, []int32{7000}}} {
		svc, ss := d.services[i], d.statefulSets[i]
		checkService(t, svc, want.name, want.ports)
		checkStatefulSet(t, ss, svc, want.name, want.loc, want.replicas, want.ports)
	}
}

func checkService(t *testing.T, svc corev1.Service, name string, ports []int32) {
	t.Helper()
	if svc.Name != name || svc.Namespace != "demo" {
		t.Errorf("Service = %s/%s; want demo/%s", svc.Namespace, svc.Name, name)
	}
	if svc.Spec.ClusterIP != corev1.ClusterIPNone || !svc.Spec.PublishNotReadyAddresses {
		t.Errorf("Service %s: clusterIP %q, publishNotReadyAddresses %v; want headless, publishing members not ready", name, svc.Spec.ClusterIP, svc.Spec.PublishNotReadyAddresses)
	}
	var got []int32
	for _, p := range svc.Spec.Ports {
		got = append(got, p.Port)
		if p.TargetPort.IntVal != p.Port || p.Protocol != corev1.ProtocolTCP {
			t.Errorf("Service %s port %d: target %v, protocol %s", name, p.Port, p.TargetPort, p.Protocol)
		}
	}
	if !cmp.Equal(got, ports) {
		t.Errorf("Service %s ports = %v; want %v", name, got, ports)
	}
	if svc.Spec.Ports[0].Name != kube.PortName {
		t.Errorf("Service %s: first port named %q; want %q, the SRV records' name", name, svc.Spec.Ports[0].Name, kube.PortName)
	}
}

func checkStatefulSet(t *testing.T, ss appsv1.StatefulSet, svc corev1.Service, name, loc string, replicas int32, ports []int32) {
	t.Helper()
	if ss.Name != name || ss.APIVersion != "apps/v1" || ss.Spec.ServiceName != svc.Name {
		t.Errorf("StatefulSet %s (%s): serviceName %q; want %s, its Service's name", ss.Name, ss.APIVersion, ss.Spec.ServiceName, name)
	}
	if ss.Spec.Replicas == nil || *ss.Spec.Replicas != replicas {
		t.Errorf("StatefulSet %s: replicas %v; want %d", name, ss.Spec.Replicas, replicas)
	}
	if ss.Spec.PodManagementPolicy != appsv1.ParallelPodManagement {
		t.Errorf("StatefulSet %s: podManagementPolicy %q; want Parallel", name, ss.Spec.PodManagementPolicy)
	}
	sel := ss.Spec.Selector.MatchLabels
	tl := ss.Spec.Template.Labels
	for k, v := range sel {
		if tl[k] != v {
			t.Errorf("StatefulSet %s: selector %s=%s does not match the template's labels %v", name, k, v, tl)
		}
	}
	if !maps.Equal(sel, svc.Spec.Selector) {
		t.Errorf("StatefulSet %s selects %v, its Service %v", name, sel, svc.Spec.Selector)
	}
	pod := ss.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("StatefulSet %s: %d containers; want 1", name, len(pod.Containers))
	}
	c := pod.Containers[0]
	if c.Image != wordcount.Image || c.ImagePullPolicy != corev1.PullIfNotPresent {
		t.Errorf("container image %q pull %q; want %q IfNotPresent", c.Image, c.ImagePullPolicy, wordcount.Image)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.FieldRef != nil:
			env[e.Name] = "field:" + e.ValueFrom.FieldRef.FieldPath
		default:
			env[e.Name] = e.Value
		}
	}
	wantEnv := map[string]string{kube.EnvPod: "field:metadata.name", kube.EnvNamespace: "field:metadata.namespace", kube.EnvLocation: loc}
	if diff := cmp.Diff(wantEnv, env); diff != "" {
		t.Errorf("StatefulSet %s env (-want +got):\n%s", name, diff)
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != "wc-flow" {
		t.Errorf("StatefulSet %s envFrom = %+v; want the ConfigMap wc-flow", name, c.EnvFrom)
	}
	var got []int32
	for _, p := range c.Ports {
		got = append(got, p.ContainerPort)
	}
	if !cmp.Equal(got, ports) {
		t.Errorf("StatefulSet %s container ports = %v; want %v", name, got, ports)
	}
	if len(pod.Volumes) != 1 || pod.Volumes[0].Secret == nil || pod.Volumes[0].Secret.SecretName != "wc-tls" ||
		pod.Volumes[0].Secret.Optional == nil || !*pod.Volumes[0].Secret.Optional {
		t.Errorf("StatefulSet %s volumes = %+v; want the Secret wc-tls, optional", name, pod.Volumes)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != kube.TLSMount || c.VolumeMounts[0].Name != pod.Volumes[0].Name {
		t.Errorf("StatefulSet %s mounts = %+v; want the tls volume at %s", name, c.VolumeMounts, kube.TLSMount)
	}
}

func TestManifestsWithoutNamespace(t *testing.T) {
	f := wordcount
	f.Namespace = ""
	out, err := kube.Manifests(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "namespace:") {
		t.Errorf("manifests name a namespace although the fleet has none:\n%s", out)
	}
	decode(t, out)
}

func TestFleetRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f *kube.Fleet)
		want string
	}{
		{"bad name", func(f *kube.Fleet) { f.Name = "Word_Count" }, `fleet name "Word_Count"`},
		{"no image", func(f *kube.Fleet) { f.Image = "" }, "no image"},
		{"same label", func(f *kube.Fleet) { f.Processes = append(f.Processes, "LEADER") }, "locations Leader and LEADER would both be named wc-leader"},
		{"empty cluster", func(f *kube.Fleet) { f.Clusters = []kube.Cluster{{Name: "Worker", Size: 0}} }, "cluster Worker has 0 members"},
		{"port of a cluster", func(f *kube.Fleet) { f.Ports = []kube.Port{{Name: "Client", Location: "Worker"}} }, `"Worker" is not a process`},
		{"long name", func(f *kube.Fleet) { f.Name = strings.Repeat("w", 50) }, "at most 52"},
		{"pull", func(f *kube.Fleet) { f.Pull = "Sometimes" }, `pull policy "Sometimes"`},
		{"log format", func(f *kube.Fleet) { f.LogFormat = "xml" }, `log format "xml"`},
		{"TLS file name", func(f *kube.Fleet) { f.TLS = map[string][]byte{"wc/leader-0.crt": []byte("x")} }, `TLS file name "wc/leader-0.crt"`},
		{"plaintext with TLS", func(f *kube.Fleet) { f.Plaintext, f.TLS = true, map[string][]byte{kube.TLSCAFile: []byte("x")} }, "a Plaintext fleet has no TLS files"},
		{"TLS too large", func(f *kube.Fleet) { f.TLS = map[string][]byte{kube.TLSCAFile: make([]byte, 1<<20)} }, "a Secret holds at most 1048576"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := wordcount
			f.Processes = append([]string(nil), f.Processes...)
			tc.edit(&f)
			_, err := kube.Manifests(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "kube: ") {
				t.Errorf("Manifests = %v; want an error with %q", err, tc.want)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	for in, want := range map[string]string{"Worker": "worker", "KVStore": "kvstore", "Shard[int]": "shard-int", "a_b": "a-b", "__": "loc", "P2": "p2"} {
		if got := kube.Label(in); got != want {
			t.Errorf("Label(%q) = %q; want %q", in, got, want)
		}
	}
}

func ExampleManifests() {
	out, err := kube.Manifests(kube.Fleet{Name: "counter", Image: "hydro.local/counter:v1", Processes: []string{"Counter"}})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out[:bytes.Index(out, []byte("---"))]))
	// Output:
	// apiVersion: v1
	// data:
	//   HYDRO_KUBE_DOMAIN: cluster.local
	//   HYDRO_KUBE_LOG_FORMAT: json
	//   HYDRO_KUBE_PORT: "7000"
	//   HYDRO_KUBE_PORTS: ""
	//   HYDRO_KUBE_SERVICES: Counter=counter-counter
	//   HYDRO_KUBE_SIZES: ""
	// kind: ConfigMap
	// metadata:
	//   labels:
	//     app.kubernetes.io/managed-by: hydro
	//     app.kubernetes.io/name: counter
	//   name: counter-flow
}
