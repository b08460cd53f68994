// SPDX-License-Identifier: Apache-2.0

package compose_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro/deploy/compose"
)

// specProject holds the fields of the Compose specification
// (compose-spec.io, its schema's "service" and long "ports" syntax) that
// a file may use here, with the types the schema gives them. Decoding
// strictly into it fails on any other field, or on a misspelt one.
type specProject struct {
	Name     string                 `json:"name"`
	Services map[string]specService `json:"services"`
}

type specService struct {
	Image       string            `json:"image"`
	Hostname    string            `json:"hostname"`
	Environment map[string]string `json:"environment"`
	Ports       []specPort        `json:"ports"`
	Restart     string            `json:"restart"`
	StopSignal  string            `json:"stop_signal"`
	Labels      map[string]string `json:"labels"`
}

type specPort struct {
	Name      string `json:"name"`
	Mode      string `json:"mode"`
	HostIP    string `json:"host_ip"`
	Target    int    `json:"target"`
	Published string `json:"published"`
	Protocol  string `json:"protocol"`
	AppProto  string `json:"app_protocol"`
}

var fleet = compose.Fleet{
	Name:  "wc",
	Image: "hydro.local/wordcount:v1",
	Nodes: []compose.Node{
		{Role: "Leader", Env: map[string]string{"HYDRO_ROLE": "Leader"}, Publish: []int{7001}},
		{Role: "Worker/0", Env: map[string]string{"HYDRO_ROLE": "Worker/0"}},
		{Role: "Worker/1", Env: map[string]string{"HYDRO_ROLE": "Worker/1"}},
	},
}

func TestFileDecodesStrictly(t *testing.T) {
	out, err := compose.File(fleet)
	if err != nil {
		t.Fatal(err)
	}
	var p specProject
	if err := yaml.UnmarshalStrict(out, &p); err != nil {
		t.Fatalf("the file does not decode strictly into the Compose specification's fields: %v\n%s", err, out)
	}
	if p.Name != "wc" {
		t.Errorf("name = %q; want wc", p.Name)
	}
	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"leader", "worker-0", "worker-1"}; !cmp.Equal(names, want) {
		t.Fatalf("services = %v; want %v", names, want)
	}
	for _, n := range fleet.Nodes {
		name := compose.Service(n.Role)
		s := p.Services[name]
		if s.Image != fleet.Image || s.Hostname != name || s.Labels[compose.LabelRole] != n.Role {
			t.Errorf("service %s: image %q, hostname %q, role label %q; want %q, %q, %q", name, s.Image, s.Hostname, s.Labels[compose.LabelRole], fleet.Image, name, n.Role)
		}
		if !slices.Contains([]string{"no", "always", "on-failure", "unless-stopped"}, s.Restart) || s.StopSignal != "SIGTERM" {
			t.Errorf("service %s: restart %q, stop_signal %q", name, s.Restart, s.StopSignal)
		}
		if diff := cmp.Diff(n.Env, s.Environment); diff != "" {
			t.Errorf("service %s environment (-want +got):\n%s", name, diff)
		}
	}
	if got := p.Services["leader"].Ports; len(got) != 1 || got[0].Target != 7001 || got[0].Published != "7001" || got[0].Protocol != "tcp" {
		t.Errorf("leader's ports = %+v; want 7001 published as 7001/tcp", got)
	}
	if got := p.Services["worker-0"].Ports; len(got) != 0 {
		t.Errorf("worker-0's ports = %+v; want none", got)
	}
}

// Compose reads "$X" in a value as a variable, and "$$" as '$': a value
// with '$' in it is written so that the node gets it as it is.
func TestFileEscapesDollars(t *testing.T) {
	f := fleet
	f.Nodes = []compose.Node{{Role: "Leader", Env: map[string]string{"HYDRO_PORT_TOKEN": "a$b$$c${HOME}"}}}
	out, err := compose.File(f)
	if err != nil {
		t.Fatal(err)
	}
	var p specProject
	if err := yaml.UnmarshalStrict(out, &p); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Services["leader"].Environment["HYDRO_PORT_TOKEN"], "a$$b$$$$c$${HOME}"; got != want {
		t.Errorf("the token is written %q; want %q", got, want)
	}
	if f.Nodes[0].Env["HYDRO_PORT_TOKEN"] != "a$b$$c${HOME}" {
		t.Errorf("File changed the fleet's environment: %v", f.Nodes[0].Env)
	}
}

func TestFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f *compose.Fleet)
		want string
	}{
		{"project name", func(f *compose.Fleet) { f.Name = "Word Count" }, `project name "Word Count"`},
		{"no image", func(f *compose.Fleet) { f.Image = "" }, "no image"},
		{"same service", func(f *compose.Fleet) { f.Nodes = append(f.Nodes, compose.Node{Role: "worker-0"}) }, "roles Worker/0 and worker-0 would both be the service worker-0"},
		{"port", func(f *compose.Fleet) { f.Nodes[0].Publish = []int{70000} }, "port 70000"},
		{"no nodes", func(f *compose.Fleet) { f.Nodes = nil }, "no node"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fleet
			f.Nodes = slices.Clone(f.Nodes)
			f.Nodes[0].Publish = slices.Clone(f.Nodes[0].Publish)
			tc.edit(&f)
			_, err := compose.File(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "compose: ") {
				t.Errorf("File = %v; want an error with %q", err, tc.want)
			}
		})
	}
}

func ExampleFile() {
	out, err := compose.File(compose.Fleet{Name: "counter", Image: "hydro.local/counter:v1", Nodes: []compose.Node{
		{Role: "Counter", Env: map[string]string{"HYDRO_ROLE": "Counter", "HYDRO_PEERS": "Counter=counter:7000"}},
	}})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	// Output:
	// name: counter
	// services:
	//   counter:
	//     environment:
	//       HYDRO_PEERS: Counter=counter:7000
	//       HYDRO_ROLE: Counter
	//     hostname: counter
	//     image: hydro.local/counter:v1
	//     labels:
	//       run.hydro.role: Counter
	//     restart: unless-stopped
	//     stop_signal: SIGTERM
}
