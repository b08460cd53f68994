// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/hydro-go/hydro/deploy/kube"
)

// The external ports' settings: Env goes into the ConfigMap every node
// reads, PortEnv into a Secret of its own that only the containers of the
// process serving the ports read their environment from.
func TestManifestsCarryPortEnv(t *testing.T) {
	f := wordcount
	f.Env = map[string]string{"HYDRO_PORT_MAX_CLIENTS": "10", "HYDRO_PORT_IDLE_TIMEOUT": "30s"}
	f.PortEnv = map[string]string{"HYDRO_PORT_TOKEN": "s3cret", "HYDRO_PORT_TLS_CERT": "CERT PEM\n"}
	out, err := kube.Manifests(f)
	if err != nil {
		t.Fatal(err)
	}
	d := decode(t, out)
	if want := []string{"ConfigMap", "Secret", "Secret", "Service", "StatefulSet", "Service", "StatefulSet"}; !cmp.Equal(d.kinds, want) {
		t.Fatalf("kinds = %v; want %v", d.kinds, want)
	}
	cm := d.configMaps[0].Data
	if cm["HYDRO_PORT_MAX_CLIENTS"] != "10" || cm["HYDRO_PORT_IDLE_TIMEOUT"] != "30s" || cm[kube.EnvPorts] != "Client=7001" {
		t.Errorf("ConfigMap data = %v; want the limits beside the flow's settings", cm)
	}
	if _, leak := cm["HYDRO_PORT_TOKEN"]; leak {
		t.Errorf("the ConfigMap holds the ports' token: %v", cm)
	}
	s := d.secrets[1]
	want := map[string][]byte{"HYDRO_PORT_TOKEN": []byte("s3cret"), "HYDRO_PORT_TLS_CERT": []byte("CERT PEM\n")}
	if s.Name != "wc-ports" || s.Namespace != "demo" || s.Type != corev1.SecretTypeOpaque {
		t.Errorf("Secret = %s/%s type %s; want demo/wc-ports Opaque", s.Namespace, s.Name, s.Type)
	}
	if diff := cmp.Diff(want, s.Data); diff != "" {
		t.Errorf("wc-ports data (-want +got):\n%s", diff)
	}
	for _, ss := range d.statefulSets {
		var refs []string
		for _, e := range ss.Spec.Template.Spec.Containers[0].EnvFrom {
			switch {
			case e.ConfigMapRef != nil && e.SecretRef == nil:
				refs = append(refs, "ConfigMap "+e.ConfigMapRef.Name)
			case e.SecretRef != nil && e.ConfigMapRef == nil:
				refs = append(refs, "Secret "+e.SecretRef.Name)
			default:
				t.Errorf("StatefulSet %s: envFrom entry %+v names not exactly one source", ss.Name, e)
			}
		}
		want := []string{"ConfigMap wc-flow"}
		if ss.Name == "wc-leader" {
			want = append(want, "Secret wc-ports")
		}
		if !cmp.Equal(refs, want) {
			t.Errorf("StatefulSet %s takes its environment from %v; want %v", ss.Name, refs, want)
		}
	}
}

func TestPortEnvRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f *kube.Fleet)
		want string
	}{
		{"bad name", func(f *kube.Fleet) { f.Env = map[string]string{"PORT-MAX": "1"} }, `Env: variable name "PORT-MAX"`},
		{"digit first", func(f *kube.Fleet) { f.PortEnv = map[string]string{"1TOKEN": "x"} }, `PortEnv: variable name "1TOKEN"`},
		{"fleet's own", func(f *kube.Fleet) { f.Env = map[string]string{kube.EnvSizes: "Worker=9"} }, "HYDRO_KUBE_SIZES is the fleet's own setting"},
		{"TLS switch", func(f *kube.Fleet) { f.Env = map[string]string{kube.EnvTLS: "off"} }, "HYDRO_TLS is the fleet's own setting"},
		{"both", func(f *kube.Fleet) {
			f.Env, f.PortEnv = map[string]string{"HYDRO_PORT_TOKEN": "a"}, map[string]string{"HYDRO_PORT_TOKEN": "b"}
		}, "HYDRO_PORT_TOKEN is in both Env and PortEnv"},
		{"no port", func(f *kube.Fleet) { f.Ports, f.PortEnv = nil, map[string]string{"HYDRO_PORT_TOKEN": "a"} }, "the fleet has no external port"},
		{"too large", func(f *kube.Fleet) { f.PortEnv = map[string]string{"HYDRO_PORT_TLS_CERT": string(make([]byte, 1<<20))} }, "PortEnv holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := wordcount
			tc.edit(&f)
			_, err := kube.Manifests(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "kube: ") {
				t.Errorf("Manifests = %v; want an error with %q", err, tc.want)
			}
		})
	}
}
