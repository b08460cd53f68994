// SPDX-License-Identifier: Apache-2.0

package compose

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Fleet is what File writes.
type Fleet struct {
	// Name is the Compose project's name: lower-case letters, digits,
	// '-' and '_', starting with a letter or digit.
	Name string
	// Image is the image every service runs; its entrypoint is the
	// program.
	Image string
	// Nodes are the fleet's processes and cluster members, in order.
	Nodes []Node
}

// Node is one service of the file: one process or cluster member.
type Node struct {
	// Role names it as package deploy does ("Leader", "Worker/2").
	Role string
	// Env is its environment.
	Env map[string]string
	// Publish lists the container ports published on the host, each on
	// the same port number there.
	Publish []int
}

// Service returns the service name of a role: lower case, with every run
// of characters other than letters and digits made one '-' ("Worker/2" is
// worker-2).
func Service(role string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(role) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "node"
	}
	return b.String()
}

// project and service are the fields of the Compose specification the file
// sets, with its names.
type project struct {
	Name     string             `json:"name"`
	Services map[string]service `json:"services"`
}

type service struct {
	Image       string            `json:"image"`
	Hostname    string            `json:"hostname"`
	Environment map[string]string `json:"environment"`
	Ports       []port            `json:"ports,omitempty"`
	Restart     string            `json:"restart"`
	StopSignal  string            `json:"stop_signal"`
	Labels      map[string]string `json:"labels"`
}

type port struct {
	Target    int    `json:"target"`
	Published string `json:"published"`
	Protocol  string `json:"protocol"`
}

// LabelRole is the label holding each service's role.
const LabelRole = "run.hydro.role"

// File returns the Compose file of the fleet, in YAML: a service per node,
// named Service(role), whose hostname is its name; restarted unless
// stopped, and stopped with SIGTERM, as the nodes expect. Every '$' of an
// environment value is written "$$", so that Compose, which interpolates
// variables in the file, gives the node the value as it is. It refuses a
// project name Compose would refuse, two roles with one service name, a
// node without a role, and a port outside 1 to 65535.
func File(f Fleet) ([]byte, error) {
	var errs []error
	if !validName(f.Name) {
		errs = append(errs, fmt.Errorf("compose: project name %q: want lower-case letters, digits, '-' and '_', starting with a letter or digit", f.Name))
	}
	if f.Image == "" {
		errs = append(errs, errors.New("compose: no image"))
	}
	if len(f.Nodes) == 0 {
		errs = append(errs, errors.New("compose: the fleet has no node"))
	}
	p := project{Name: f.Name, Services: map[string]service{}}
	roles := map[string]string{}
	for _, n := range f.Nodes {
		name := Service(n.Role)
		if n.Role == "" {
			errs = append(errs, errors.New("compose: a node has no role"))
			continue
		}
		if other, dup := roles[name]; dup {
			errs = append(errs, fmt.Errorf("compose: roles %s and %s would both be the service %s", other, n.Role, name))
			continue
		}
		roles[name] = n.Role
		s := service{Image: f.Image, Hostname: name, Environment: map[string]string{}, Restart: "unless-stopped", StopSignal: "SIGTERM",
			Labels: map[string]string{LabelRole: n.Role}}
		for k, v := range n.Env {
			// NB: Compose interpolates ${VAR} in the file's values; "$$"
			// is its literal '$'.
			s.Environment[k] = strings.ReplaceAll(v, "$", "$$")
		}
		for _, pt := range n.Publish {
			if pt < 1 || pt > 65535 {
				errs = append(errs, fmt.Errorf("compose: %s: port %d: want 1 to 65535", n.Role, pt))
				continue
			}
			s.Ports = append(s.Ports, port{Target: pt, Published: strconv.Itoa(pt), Protocol: "tcp"})
		}
		p.Services[name] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	y, err := yaml.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	return y, nil
}

// validName is Compose's rule for project names.
func validName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
