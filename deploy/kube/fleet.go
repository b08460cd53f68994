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

// Fleet describes what to run on Kubernetes: a flow's locations, the image
// holding the program, and where.
type Fleet struct {
	// Name names the fleet: every object's name starts with it, and its
	// pods carry it as the app.kubernetes.io/name label. A DNS label:
	// lower-case letters, digits and '-', starting with a letter.
	Name string
	// Namespace, if set, is written into every object; otherwise the
	// objects go where kubectl's context says.
	Namespace string
	// Image is the container image holding the program (its entrypoint);
	// see Fleet.Pull for how it is found.
	Image string
	// Pull is the containers' imagePullPolicy; IfNotPresent if empty, so
	// that an image imported on the nodes (ctr images import) is used as
	// it is.
	Pull string
	// Processes names the flow's processes, Clusters its clusters with
	// their sizes, in the flow's order.
	Processes []string
	Clusters  []Cluster
	// Ports lists the flow's external ports, each with the process that
	// serves it.
	Ports []Port
	// NodePort is the port every node listens on for its peers; 7000 if
	// zero. Each external port listens on the next ports, in order.
	NodePort int
	// Domain is the cluster's DNS domain; cluster.local if empty.
	Domain string
	// LogFormat is the nodes' log format, text or json (the default).
	LogFormat string
	// TLS holds the files of the fleet's Secret (Name + "-tls"), mounted
	// at TLSMount in every node, by file name: the deployment's CA
	// certificate (TLSCAFile, never its key) and each member's
	// certificate and key (CertFile and KeyFile of its pod's name,
	// Fleet.Pod). A name is made of letters, digits, '-', '.' and '_'.
	TLS map[string][]byte
	// Plaintext turns TLS off in every node (EnvTLS=off in the
	// ConfigMap), with TLS empty: for a network where every process that
	// can reach the pods is trusted, and nowhere else.
	Plaintext bool
	// Env holds more environment variables for every node, written into
	// the ConfigMap beside the flow's settings: package deploy puts the
	// external ports' limits here (deploy.PortLimits.Env).
	Env map[string]string
	// PortEnv holds environment variables for the nodes of the processes
	// that serve external ports (Ports) alone, written into the Secret
	// NAME-ports, which only their containers take their environment
	// from: package deploy puts the ports' certificate, key, client CAs
	// and token here (deploy.PortTLS.Env). Without it there is no such
	// Secret.
	PortEnv map[string]string
}

// Cluster is a cluster of the flow and its number of members.
type Cluster struct {
	Name string
	Size int
}

// Port is an external port and the process that serves it.
type Port struct {
	Name     string
	Location string
}

// The labels on every object, and on the pods of each location.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelComponent = "app.kubernetes.io/component"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelLocation holds the location's name as the flow spells it.
	LabelLocation = "hydro.run/location"
)

// The environment of every node's container. The pod's name and namespace
// come from the downward API, the rest from the fleet's ConfigMap (and
// EnvLocation from the StatefulSet's pod template).
const (
	EnvPod       = "HYDRO_KUBE_POD"
	EnvNamespace = "HYDRO_KUBE_NAMESPACE"
	EnvLocation  = "HYDRO_KUBE_LOCATION"
	// EnvServices maps every location to its headless Service, as
	// Leader=app-leader,Worker=app-worker.
	EnvServices = "HYDRO_KUBE_SERVICES"
	// EnvSizes gives the clusters' sizes when the fleet was written, as
	// Worker=3; every cluster is listed.
	EnvSizes = "HYDRO_KUBE_SIZES"
	// EnvPort is the port every node listens on for its peers.
	EnvPort = "HYDRO_KUBE_PORT"
	// EnvPorts maps each external port to the port it listens on, as
	// Client=7001.
	EnvPorts     = "HYDRO_KUBE_PORTS"
	EnvDomain    = "HYDRO_KUBE_DOMAIN"
	EnvLogFormat = "HYDRO_KUBE_LOG_FORMAT"
)

// EnvTLS is package deploy's variable that turns a node's TLS off when it
// is "off" (deploy.EnvTLS); the ConfigMap sets it for a Plaintext fleet.
const EnvTLS = "HYDRO_TLS"

// TLSMount is where each node's container finds the files of the fleet's
// Secret (Fleet.Name + "-tls", Fleet.TLS): TLSMount/TLSCAFile and the
// pod's TLSMount/CertFile(pod) and TLSMount/KeyFile(pod).
const TLSMount = "/etc/hydro/tls"

// TLSCAFile is the file of the deployment's CA certificate in the Secret.
const TLSCAFile = "ca.crt"

// CertFile names the file of the certificate of the member that runs in
// the pod named pod, in the Secret.
func CertFile(pod string) string { return pod + ".crt" }

// KeyFile names the file of the private key of the member that runs in the
// pod named pod, in the Secret.
func KeyFile(pod string) string { return pod + ".key" }

// maxSecret is the most a Secret's data may hold, in bytes.
const maxSecret = 1 << 20

// Pod returns the name of the pod that runs the member of loc (0 for a
// process): its StatefulSet's name and the member's index.
func (f Fleet) Pod(loc string, member int) string {
	return f.Name + "-" + Label(loc) + "-" + itoa(member)
}

// PortName is the name of every node's peer port, in its container, its
// Service and so in the DNS SRV records of its members.
const PortName = "hydro"

// fill gives the unset fields of f their defaults and checks the rest.
func (f Fleet) fill() (Fleet, error) {
	if f.NodePort == 0 {
		f.NodePort = 7000
	}
	if f.Pull == "" {
		f.Pull = "IfNotPresent"
	}
	if f.Domain == "" {
		f.Domain = "cluster.local"
	}
	if f.LogFormat == "" {
		f.LogFormat = "json"
	}
	var errs []error
	if !isLabel(f.Name) {
		errs = append(errs, fmt.Errorf("kube: fleet name %q: want a DNS label (a-z, 0-9 and '-', starting with a letter, at most 63)", f.Name))
	}
	if f.Namespace != "" && !isLabel(f.Namespace) {
		errs = append(errs, fmt.Errorf("kube: namespace %q: want a DNS label", f.Namespace))
	}
	if f.Image == "" {
		errs = append(errs, errors.New("kube: no image"))
	}
	switch f.Pull {
	case "Always", "IfNotPresent", "Never":
	default:
		errs = append(errs, fmt.Errorf("kube: pull policy %q: want Always, IfNotPresent or Never", f.Pull))
	}
	if f.LogFormat != "text" && f.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("kube: log format %q: want text or json", f.LogFormat))
	}
	if f.NodePort < 1 || f.NodePort+len(f.Ports) > 65535 {
		errs = append(errs, fmt.Errorf("kube: node port %d: want 1 to %d for %d external ports", f.NodePort, 65535-len(f.Ports), len(f.Ports)))
	}
	if len(f.Processes)+len(f.Clusters) == 0 {
		errs = append(errs, errors.New("kube: the fleet has no location"))
	}
	seen := map[string]string{} // object suffix -> location
	check := func(loc string) {
		suffix := Label(loc)
		if other, dup := seen[suffix]; dup {
			errs = append(errs, fmt.Errorf("kube: locations %s and %s would both be named %s-%s", other, loc, f.Name, suffix))
		}
		seen[suffix] = loc
		// A StatefulSet's name leaves room for the pod's ordinal and for
		// the controller-revision-hash label built from it.
		if n := len(f.Name) + 1 + len(suffix); n > 52 {
			errs = append(errs, fmt.Errorf("kube: %s: the name %s-%s has %d characters; a StatefulSet's has at most 52 (shorten the fleet's name)", loc, f.Name, suffix, n))
		}
	}
	for _, p := range f.Processes {
		check(p)
	}
	for _, c := range f.Clusters {
		check(c.Name)
		if c.Size < 1 {
			errs = append(errs, fmt.Errorf("kube: cluster %s has %d members; want at least 1", c.Name, c.Size))
		}
	}
	if f.Plaintext && len(f.TLS) > 0 {
		errs = append(errs, errors.New("kube: a Plaintext fleet has no TLS files"))
	}
	size := 0
	for _, name := range slices.Sorted(maps.Keys(f.TLS)) {
		size += len(name) + len(f.TLS[name])
		if !isSecretKey(name) {
			errs = append(errs, fmt.Errorf("kube: TLS file name %q: want letters, digits, '-', '.' and '_' only", name))
		}
	}
	if size > maxSecret {
		errs = append(errs, fmt.Errorf("kube: the TLS files hold %d bytes; a Secret holds at most %d (fewer members, or TLS from elsewhere)", size, maxSecret))
	}
	errs = append(errs, checkEnv("Env", f.Env)...)
	errs = append(errs, checkEnv("PortEnv", f.PortEnv)...)
	size = 0
	for k, v := range f.PortEnv {
		size += len(k) + len(v)
		if _, dup := f.Env[k]; dup {
			errs = append(errs, fmt.Errorf("kube: %s is in both Env and PortEnv", k))
		}
	}
	if size > maxSecret {
		errs = append(errs, fmt.Errorf("kube: PortEnv holds %d bytes; a Secret holds at most %d", size, maxSecret))
	}
	if len(f.PortEnv) > 0 && len(f.Ports) == 0 {
		errs = append(errs, errors.New("kube: PortEnv is given, but the fleet has no external port"))
	}
	for _, p := range f.Ports {
		if !slices.Contains(f.Processes, p.Location) {
			errs = append(errs, fmt.Errorf("kube: external port %s: %q is not a process of the fleet", p.Name, p.Location))
		}
	}
	return f, errors.Join(errs...)
}

// Label turns a location's name into the DNS label its objects' names end
// with: lower case, with every run of other characters than letters and
// digits made one '-' ("KVStore" is kvstore, "Shard[int]" is shard-int).
func Label(loc string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(loc) {
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
		return "loc"
	}
	return b.String()
}

// isLabel reports whether s is an RFC 1123 DNS label that starts with a
// letter.
func isLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// checkEnv refuses a variable of env (the field named field) whose name is
// not a C identifier, or is one of the ConfigMap's own.
func checkEnv(field string, env map[string]string) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(env)) {
		switch {
		case !isEnvName(k):
			errs = append(errs, fmt.Errorf("kube: %s: variable name %q: want letters, digits and '_', not starting with a digit", field, k))
		case strings.HasPrefix(k, "HYDRO_KUBE_") || k == EnvTLS:
			errs = append(errs, fmt.Errorf("kube: %s: %s is the fleet's own setting", field, k))
		}
	}
	return errs
}

// isEnvName reports whether s is a C identifier, the names of environment
// variables a shell and envFrom both take.
func isEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// isSecretKey reports whether s may name a key of a Secret's data.
func isSecretKey(s string) bool {
	if s == "" || len(s) > 253 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// encodePairs writes name=value pairs in the order given.
func encodePairs(pairs [][2]string) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, ",")
}

// decodePairs parses what encodePairs wrote, refusing an entry without a
// name or a value, and a name given twice.
func decodePairs(env, s string) ([][2]string, error) {
	var pairs [][2]string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("kube: %s: bad entry %q: want name=value", env, part)
		}
		if seen[k] {
			return nil, fmt.Errorf("kube: %s: %s is given twice", env, k)
		}
		seen[k] = true
		pairs = append(pairs, [2]string{k, v})
	}
	return pairs, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
