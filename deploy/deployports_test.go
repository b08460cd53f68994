// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

// portArgs are deploy's flags for the external ports' TLS, token and a
// limit, with their files written in a temporary directory, and the
// certificate and key they give.
func portArgs(t *testing.T) (args []string, cert, key string) {
	t.Helper()
	pc, err := deploy.IssuePortTLS([]string{"clileader"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, k, tok := write("port.crt", pc.Server.Cert), write("port.key", pc.Server.Key), write("token", []byte("s3cret$x\n"))
	return []string{"-port-tls", c + "," + k, "-port-token-file", tok, "-port-max-clients", "10", "-port-idle-timeout", "1m"},
		string(pc.Server.Cert), string(pc.Server.Key)
}

// deploy -compose with the ports' flags: the service of the process that
// serves the ports carries their certificate, key and token; every
// service the limits.
func TestDeployComposePortSettings(t *testing.T) {
	args, cert, key := portArgs(t)
	var stdout bytes.Buffer
	err := deploy.Command(context.Background(), cliFlow, append([]string{"deploy", "-compose", "-image", "hydro.local/cli:v1", "-name", "cli", "-cluster", "cliWorker=2"}, args...), &stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Services map[string]struct {
			Environment map[string]string `json:"environment"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(stdout.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	for _, svc := range []string{"clileader", "cliworker-0", "cliworker-1"} {
		env := p.Services[svc].Environment
		if env["HYDRO_PORT_MAX_CLIENTS"] != "10" || env["HYDRO_PORT_IDLE_TIMEOUT"] != "1m0s" {
			t.Errorf("%s's limits: HYDRO_PORT_MAX_CLIENTS=%q HYDRO_PORT_IDLE_TIMEOUT=%q; want 10 and 1m0s", svc, env["HYDRO_PORT_MAX_CLIENTS"], env["HYDRO_PORT_IDLE_TIMEOUT"])
		}
		serves := svc == "clileader"
		for v, want := range map[string]string{deploy.EnvPortTLSCert: cert, deploy.EnvPortTLSKey: key, deploy.EnvPortToken: "s3cret$$x"} {
			got, ok := env[v]
			switch {
			case serves && got != want:
				t.Errorf("%s's %s = %q; want %q", svc, v, got, want)
			case !serves && ok:
				t.Errorf("%s, which serves no port, is given %s", svc, v)
			}
		}
	}
}

// deploy -k8s with the ports' flags: the limits in the ConfigMap, the
// certificate, key and token in the Secret cli-ports, which only the
// leader, serving the ports, reads.
func TestDeployK8sPortSettings(t *testing.T) {
	args, cert, key := portArgs(t)
	var stdout bytes.Buffer
	err := deploy.Command(context.Background(), cliFlow, append([]string{"deploy", "-k8s", "-image", "hydro.local/cli:v1", "-name", "cli", "-cluster", "cliWorker=2"}, args...), &stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	fromSecret := map[string]bool{}
	var secret map[string][]byte
	var config map[string]string
	for _, doc := range strings.Split(stdout.String(), "---\n") {
		switch {
		case strings.Contains(doc, "\nkind: StatefulSet\n"):
			var ss appsv1.StatefulSet
			if err := yaml.UnmarshalStrict([]byte(doc), &ss); err != nil {
				t.Fatal(err)
			}
			for _, e := range ss.Spec.Template.Spec.Containers[0].EnvFrom {
				if e.SecretRef != nil && e.SecretRef.Name == "cli-ports" {
					fromSecret[ss.Name] = true
				}
			}
		case strings.Contains(doc, "\nkind: ConfigMap\n"):
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict([]byte(doc), &cm); err != nil {
				t.Fatal(err)
			}
			config = cm.Data
		case strings.Contains(doc, "\nkind: Secret\n"):
			var s corev1.Secret
			if err := yaml.UnmarshalStrict([]byte(doc), &s); err != nil {
				t.Fatal(err)
			}
			if s.Name == "cli-ports" {
				secret = s.Data
			}
		}
	}
	if config["HYDRO_PORT_MAX_CLIENTS"] != "10" || config["HYDRO_PORT_IDLE_TIMEOUT"] != "1m0s" {
		t.Errorf("the ConfigMap = %v; want the ports' limits", config)
	}
	want := map[string]string{deploy.EnvPortTLSCert: cert, deploy.EnvPortTLSKey: key, deploy.EnvPortToken: "s3cret$x"}
	if len(secret) != len(want) {
		t.Errorf("the Secret cli-ports holds %d keys; want %d", len(secret), len(want))
	}
	for k, v := range want {
		if string(secret[k]) != v {
			t.Errorf("the Secret cli-ports' %s = %q; want %q", k, secret[k], v)
		}
	}
	if !fromSecret["cli-clileader"] || fromSecret["cli-cliworker"] || len(fromSecret) != 1 {
		t.Errorf("StatefulSets reading cli-ports: %v; want cli-clileader alone", fromSecret)
	}
}

type noPortsProc struct{}

// The ports' security on a flow without ports is a mistake, said before
// anything is written or started.
func TestDeployPortTLSWithoutPorts(t *testing.T) {
	args, _, _ := portArgs(t)
	flow := func(f *hydro.Flow) {
		hydro.ForEach(hydro.SourceIter(hydro.NewProcess[noPortsProc](f), []int{1}), func(int) {})
	}
	for _, how := range [][]string{{"-compose", "-image", "x:v1"}, {"-k8s", "-image", "x:v1"}, {"-ssh", "u@h1"}} {
		var stdout bytes.Buffer
		err := deploy.Command(context.Background(), flow, append(append([]string{"deploy"}, how...), args...), &stdout, os.Stderr)
		if err == nil || !strings.Contains(err.Error(), "go with a flow that has external ports") {
			t.Errorf("deploy %v with -port-tls = %v; want an error saying the flow has no external port", how, err)
		}
		if stdout.Len() > 0 {
			t.Errorf("deploy %v wrote %q", how, stdout.String())
		}
	}
}
