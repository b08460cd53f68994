// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro/deploy"
)

// TestDeployK8s: deploy -k8s writes the flow's locations as StatefulSets
// sized by -cluster, with the external port on the process serving it.
func TestDeployK8s(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := deploy.Command(context.Background(), cliFlow, []string{"deploy", "-k8s", "-image", "hydro.local/cli:v1", "-name", "cli", "-namespace", "demo", "-cluster", "cliWorker=3"}, &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	replicas := map[string]int32{}
	ports := map[string]int{}
	for _, doc := range strings.Split(stdout.String(), "---\n") {
		switch {
		case strings.Contains(doc, "\nkind: StatefulSet\n"):
			var ss appsv1.StatefulSet
			if err := yaml.UnmarshalStrict([]byte(doc), &ss); err != nil {
				t.Fatal(err)
			}
			replicas[ss.Name] = *ss.Spec.Replicas
			ports[ss.Name] = len(ss.Spec.Template.Spec.Containers[0].Ports)
		case strings.Contains(doc, "\nkind: ConfigMap\n"):
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict([]byte(doc), &cm); err != nil {
				t.Fatal(err)
			}
			// The client's source and sink are two ports of the leader.
			if got := cm.Data["HYDRO_KUBE_PORTS"]; got != "cliClient=7001,cliClient.2=7002" {
				t.Errorf("the ConfigMap's ports = %q; want cliClient=7001,cliClient.2=7002", got)
			}
		}
	}
	if replicas["cli-clileader"] != 1 || replicas["cli-cliworker"] != 3 {
		t.Errorf("StatefulSets' replicas = %v; want cli-clileader 1, cli-cliworker 3", replicas)
	}
	if ports["cli-clileader"] != 3 || ports["cli-cliworker"] != 1 {
		t.Errorf("containers' ports = %v; want the peer port and the two external ports on the leader, the peer port on the workers", ports)
	}
}

// TestDeployCompose: deploy -compose writes a service per process and
// member, each with its role and the whole address table.
func TestDeployCompose(t *testing.T) {
	out := filepath.Join(t.TempDir(), "compose.yaml")
	err := deploy.Command(context.Background(), cliFlow, []string{"deploy", "-compose", "-image", "hydro.local/cli:v1", "-name", "cli", "-cluster", "cliWorker=2", "-o", out}, os.Stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Name     string `json:"name"`
		Services map[string]struct {
			Environment map[string]string `json:"environment"`
			Ports       []struct {
				Target int `json:"target"`
			} `json:"ports"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Services) != 3 {
		t.Fatalf("services %v; want clileader, cliworker-0, cliworker-1", p.Services)
	}
	w1 := p.Services["cliworker-1"].Environment
	if w1["HYDRO_ROLE"] != "cliWorker/1" || w1["HYDRO_SIZES"] != "cliWorker=2" ||
		w1["HYDRO_PEERS"] != "cliLeader=clileader:7000,cliWorker/0=cliworker-0:7000,cliWorker/1=cliworker-1:7000" {
		t.Errorf("cliworker-1's environment = %v", w1)
	}
	if ps := p.Services["clileader"].Ports; len(ps) != 2 || ps[0].Target != 7001 || ps[1].Target != 7002 {
		t.Errorf("clileader publishes %v; want 7001 and 7002, its external ports", ps)
	}
	// Each service carries the fleet's CA and a certificate of its own.
	ca := ""
	for svc, role := range map[string]string{"clileader": "cliLeader", "cliworker-0": "cliWorker/0", "cliworker-1": "cliWorker/1"} {
		env := p.Services[svc].Environment
		if ca == "" {
			ca = env[deploy.EnvTLSCA]
		}
		if env[deploy.EnvTLSCA] == "" || env[deploy.EnvTLSCA] != ca || env[deploy.EnvTLSKey] == "" {
			t.Errorf("%s's environment has no TLS of the fleet's one CA", svc)
			continue
		}
		block, _ := pem.Decode([]byte(env[deploy.EnvTLSCert]))
		if block == nil {
			t.Fatalf("%s's %s is not PEM", svc, deploy.EnvTLSCert)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if len(cert.URIs) != 1 || cert.URIs[0].String() != "hydro:cli/"+role {
			t.Errorf("%s's certificate names %v; want hydro:cli/%s", svc, cert.URIs, role)
		}
	}
}

// TestDeployComposePlaintext: deploy -compose -tls=false gives every
// service HYDRO_TLS=off and no certificate.
func TestDeployComposePlaintext(t *testing.T) {
	var out bytes.Buffer
	err := deploy.Command(context.Background(), cliFlow, []string{"deploy", "-compose", "-image", "hydro.local/cli:v1", "-name", "cli", "-tls=false"}, &out, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Services map[string]struct {
			Environment map[string]string `json:"environment"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	for svc, s := range p.Services {
		if s.Environment[deploy.EnvTLS] != "off" || s.Environment[deploy.EnvTLSCert] != "" {
			t.Errorf("%s's environment = %v; want %s=off and no certificate", svc, s.Environment, deploy.EnvTLS)
		}
	}
}

// TestDeployImageTar: -image-tar writes this binary's image when it is
// linked statically, and otherwise says how to build it.
func TestDeployImageTar(t *testing.T) {
	out := filepath.Join(t.TempDir(), "image.tar")
	err := deploy.Command(context.Background(), cliFlow, []string{"deploy", "-k8s", "-image", "hydro.local/cli:v1", "-image-tar", out, "-o", os.DevNull}, os.Stdout, os.Stderr)
	if err != nil {
		if !strings.Contains(err.Error(), "CGO_ENABLED=0") {
			t.Fatalf("deploy -image-tar = %v; want an image, or CGO_ENABLED=0 asked for", err)
		}
		return
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("deploy -image-tar wrote %v, %v; want an archive", st, err)
	}
}

func TestDeployMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy", "-image", "a:b"}, "deploy: want one of -k8s, -compose and -ssh"},
		{[]string{"deploy", "-k8s", "-compose", "-image", "a:b"}, "want one of -k8s, -compose and -ssh"},
		{[]string{"deploy", "-ssh", "h1", "-k8s"}, "want one of -k8s, -compose and -ssh"},
		{[]string{"deploy", "-ssh", "h1", "-image", "a:b"}, "-ssh runs the fleet"},
		{[]string{"deploy", "-ssh", "h1", "-log-level", "loud"}, `-log-level "loud"`},
		{[]string{"deploy", "-ssh", "h1", "-place", "Worker"}, "want NAME=HOST"},
		{[]string{"deploy", "-ssh", "h1", "-log-format", "xml"}, `-log-format "xml"`},
		{[]string{"deploy", "-k8s"}, "-image is required"},
		{[]string{"deploy", "-compose", "-image", "a:b", "-apply"}, "-apply goes with -k8s"},
		{[]string{"deploy", "-k8s", "-image", "a:b", "-cluster", "nope=2"}, "the flow has no cluster nope"},
		{[]string{"deploy", "-k8s", "-image", "a:b", "-name", "Bad_Name"}, `fleet name "Bad_Name"`},
		{[]string{"deploy", "-k8s", "-image", "a:b", "-port", "0"}, "-port 0"},
	} {
		var stdout, stderr bytes.Buffer
		err := deploy.Command(context.Background(), cliFlow, tc.args, &stdout, &stderr)
		if !errors.Is(err, deploy.ErrUsage) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "deploy: deploy:") {
			t.Errorf("Command(%q) = %v; want an ErrUsage containing %q", tc.args, err, tc.want)
		}
		if stdout.Len() > 0 {
			t.Errorf("Command(%q) printed %q; want nothing", tc.args, stdout.String())
		}
	}
}

// TestDeployK8sTLS: deploy -k8s fills the fleet's Secret with a CA
// certificate, without its key, and a certificate and a key per member at
// the sizes written, named after its pod: each certificate names its
// member's role and is signed by the CA.
func TestDeployK8sTLS(t *testing.T) {
	config, files := writeFleet(t, cliFlow, "-name", "cli", "-cluster", "cliWorker=3")
	if v, ok := config[deploy.EnvTLS]; ok {
		t.Errorf("the ConfigMap sets %s=%s; want TLS on", deploy.EnvTLS, v)
	}
	got := slices.Sorted(maps.Keys(files))
	want := []string{"ca.crt", "cli-clileader-0.crt", "cli-clileader-0.key", "cli-cliworker-0.crt", "cli-cliworker-0.key",
		"cli-cliworker-1.crt", "cli-cliworker-1.key", "cli-cliworker-2.crt", "cli-cliworker-2.key"}
	if !slices.Equal(got, want) {
		t.Fatalf("the Secret's files = %v; want %v", got, want)
	}
	caBlock, rest := pem.Decode(files["ca.crt"])
	if caBlock == nil || caBlock.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("ca.crt = %q; want one certificate and nothing else (no CA key)", files["ca.crt"])
	}
	ca, err := x509.ParseCertificate(caBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for pod, role := range map[string]string{"cli-clileader-0": "cliLeader", "cli-cliworker-0": "cliWorker/0", "cli-cliworker-2": "cliWorker/2"} {
		b, _ := pem.Decode(files[pod+".crt"])
		if b == nil {
			t.Fatalf("%s.crt holds no PEM", pod)
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			t.Errorf("%s.crt is not signed by ca.crt: %v", pod, err)
		}
		if len(cert.URIs) != 1 || cert.URIs[0].String() != "hydro:cli/"+role {
			t.Errorf("%s.crt names %v; want hydro:cli/%s", pod, cert.URIs, role)
		}
		if k, _ := pem.Decode(files[pod+".key"]); k == nil || !strings.Contains(k.Type, "PRIVATE KEY") {
			t.Errorf("%s.key holds no private key", pod)
		}
	}
}

// TestDeployK8sPlaintext: deploy -k8s -tls=false writes an empty Secret
// and turns TLS off in every pod through the ConfigMap.
func TestDeployK8sPlaintext(t *testing.T) {
	config, files := writeFleet(t, cliFlow, "-name", "cli", "-tls=false")
	if len(files) != 0 {
		t.Errorf("the Secret of a plaintext fleet holds %d files; want none", len(files))
	}
	if got := config[deploy.EnvTLS]; got != "off" {
		t.Errorf("the ConfigMap's %s = %q; want off", deploy.EnvTLS, got)
	}
}
