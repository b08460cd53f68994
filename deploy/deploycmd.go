// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/compose"
	"github.com/hydro-go/hydro/deploy/kube"
	"github.com/hydro-go/hydro/internal/compile"
	"github.com/hydro-go/hydro/internal/image"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/launch"
)

// deployCommand writes the fleet for Kubernetes (-k8s) or Docker Compose
// (-compose), applies it to Kubernetes with kubectl (-apply), and writes
// this binary's image (-image-tar).
func deployCommand(ctx context.Context, f *hydro.Flow, info *flowInfo, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	k8s := fs.Bool("k8s", false, "write Kubernetes manifests: a StatefulSet and a headless Service per location, a ConfigMap, a Secret with the fleet's TLS certificates")
	comp := fs.Bool("compose", false, "write a Docker Compose file: a service per process and cluster member")
	img := fs.String("image", "", "the container image holding this program, as `NAME:TAG` (required)")
	name := fs.String("name", kube.Label(filepath.Base(os.Args[0])), "the fleet's `name`, which every object's name starts with")
	namespace := fs.String("namespace", "", "with -k8s: the `namespace` written into every object (default: kubectl's)")
	sizes := sizeFlag(info)
	fs.Var(sizes, "cluster", "members of a cluster, as `Name=N` (repeatable, once per cluster; default 1)")
	port := fs.Int("port", 7000, "the `port` every node listens on for its peers; the external ports take the next ones")
	logFormat := fs.String("log-format", "json", "log format of the nodes: text or json")
	out := fs.String("o", "", "write the manifests or the Compose file to `FILE` instead of standard output")
	imageTar := fs.String("image-tar", "", "also write this binary's image, an OCI image layout tar for ctr images import or docker load, to `FILE`")
	apply := fs.Bool("apply", false, "with -k8s: apply the manifests with kubectl and follow the rollout, instead of writing them")
	withTLS := fs.Bool("tls", true, "issue a CA and a certificate per member (with -k8s into the Secret, with -compose into each service's environment); -tls=false writes none and runs the nodes in plaintext, for a network where every process that can reach the nodes is trusted, and nowhere else")
	timeout := fs.Duration("timeout", 5*time.Minute, "with -apply: how long to wait for the rollout")
	viaSSH := newSSHFlags(fs)
	portOpts := portFlags(fs)
	if err := parse(fs, args, stderr, func() {
		fmt.Fprintf(stderr, "Usage: %s deploy -k8s|-compose -image NAME:TAG [flags]\n       %s deploy -ssh [USER@]HOST,... [flags]\n", filepath.Base(os.Args[0]), filepath.Base(os.Args[0]))
		fs.PrintDefaults()
	}); err != nil {
		return err
	}
	portTLS, portLimits, err := portOpts()
	if err != nil {
		return err
	}
	if !portTLS.zero() && len(info.ports) == 0 {
		return usagef("deploy: -port-tls, -port-client-ca and -port-token-file go with a flow that has external ports; this one has none")
	}
	if *viaSSH.hosts != "" {
		switch {
		case *k8s || *comp:
			return usagef("deploy: want one of -k8s, -compose and -ssh")
		case *img != "" || *apply || *out != "" || *imageTar != "":
			return usagef("deploy: -ssh runs the fleet: -image, -apply, -o and -image-tar go with -k8s or -compose")
		case *logFormat != "text" && *logFormat != "json":
			return usagef("deploy: -log-format %q: want text or json", *logFormat)
		}
		return viaSSH.run(ctx, f, sizes.vals, *name, *port, *logFormat, *withTLS, portTLS, portLimits, stdout)
	}
	switch {
	case *k8s == *comp:
		return usagef("deploy: want one of -k8s, -compose and -ssh")
	case *img == "":
		return usagef("deploy: -image is required: the image that holds this program, as NAME:TAG")
	case *apply && !*k8s:
		return usagef("deploy: -apply goes with -k8s")
	case *apply && *out != "":
		return usagef("deploy: -apply applies the manifests; -o writes them: not both")
	case *logFormat != "text" && *logFormat != "json":
		return usagef("deploy: -log-format %q: want text or json", *logFormat)
	case *port < 1 || *port+len(info.ports) > 65535:
		return usagef("deploy: -port %d: want 1 to %d", *port, 65535-len(info.ports))
	}
	fl, err := lang.Flow(f)
	if err != nil {
		return err
	}
	ports, err := portLocations(fl, sizes.vals)
	if err != nil {
		return err
	}
	if *imageTar != "" {
		if err := writeImage(*imageTar, *img); err != nil {
			return err
		}
	}
	var text []byte
	if *k8s {
		fleet := kube.Fleet{Name: *name, Namespace: *namespace, Image: *img, Ports: ports, NodePort: *port, LogFormat: *logFormat,
			Env: envMap(portLimits.Env()), PortEnv: envMap(portTLS.Env())}
		for _, l := range fl.Locations {
			switch l.Kind {
			case ir.Process:
				fleet.Processes = append(fleet.Processes, l.Name)
			case ir.Cluster:
				fleet.Clusters = append(fleet.Clusters, kube.Cluster{Name: l.Name, Size: sizeOf(sizes.vals, l)})
			}
		}
		if _, err := kube.Objects(fleet); err != nil {
			return usageError{err}
		}
		if fleet.Plaintext = !*withTLS; !fleet.Plaintext {
			if fleet.TLS, err = kubeTLSFiles(fleet); err != nil {
				return err
			}
		}
		if *apply {
			kubectl, err := exec.LookPath("kubectl")
			if err != nil {
				return fmt.Errorf("deploy: -apply runs kubectl: %w", err)
			}
			actx, cancel := context.WithTimeout(ctx, *timeout)
			defer cancel()
			return kube.Apply{Kubectl: kube.ExecKubectl(kubectl), Out: stdout, Bars: isTerminal(stdout)}.Run(actx, fleet)
		}
		if text, err = kube.Manifests(fleet); err != nil {
			return usageError{err}
		}
	} else {
		cf, err := composeFleet(fl, sizes.vals, *name, *img, ports, *port, *logFormat, *withTLS, portTLS, portLimits)
		if err != nil {
			return err
		}
		if text, err = compose.File(cf); err != nil {
			return usageError{err}
		}
	}
	if *out == "" {
		_, err := stdout.Write(text)
		return err
	}
	if err := os.WriteFile(*out, text, 0o644); err != nil {
		return fmt.Errorf("deploy: writing %s: %w", *out, err)
	}
	return nil
}

// kubeTLSFiles issues a CA for the fleet and a certificate for each of its
// members at the sizes it is written with, and returns them as the files
// of its Secret: the CA's certificate (not its key, which is dropped) and
// each member's certificate and key, named after its pod.
func kubeTLSFiles(f kube.Fleet) (map[string][]byte, error) {
	pods := map[string]string{} // role -> pod
	for _, p := range f.Processes {
		pods[p] = f.Pod(p, 0)
	}
	for _, c := range f.Clusters {
		for i := range c.Size {
			pods[c.Name+"/"+strconv.Itoa(i)] = f.Pod(c.Name, i)
		}
	}
	certs, err := IssueTLS(f.Name, slices.Sorted(maps.Keys(pods))...)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for role, pod := range pods {
		t := certs[role]
		files[kube.TLSCAFile] = t.CA
		files[kube.CertFile(pod)] = t.Cert
		files[kube.KeyFile(pod)] = t.Key
	}
	return files, nil
}

// portLocations lists the flow's external ports, each with the process
// that serves it.
func portLocations(fl *ir.Flow, sizes map[string]int) ([]kube.Port, error) {
	p, err := compile.Lower(fl, compile.Env{Size: func(l *ir.Location) int { return sizeOf(sizes, l) }})
	if err != nil {
		return nil, err
	}
	var ports []kube.Port
	for _, g := range p.Graphs {
		for _, b := range g.Ports {
			ports = append(ports, kube.Port{Name: b.Name, Location: g.Dest.Loc.Name})
		}
	}
	return ports, nil
}

// composeFleet is the Compose file's fleet: a service per process and
// cluster member, each given its role and the address table as Localhost
// gives them, every node listening on its service's name. With withTLS
// each service's environment carries the fleet's CA and the member's own
// certificate and key (HYDRO_TLS_*), issued for the fleet named name;
// without, HYDRO_TLS=off. The services of the processes that serve
// external ports also carry portTLS, and every service portLimits.
func composeFleet(fl *ir.Flow, sizes map[string]int, name, img string, ports []kube.Port, port int, logFormat string, withTLS bool, portTLS PortTLS, portLimits PortLimits) (compose.Fleet, error) {
	members := fleetMembers(fl, sizes)
	if err := issueMembers(members, name, !withTLS); err != nil {
		return compose.Fleet{}, err
	}
	if err := givePortTLS(fl, sizes, members, portTLS); err != nil {
		return compose.Fleet{}, err
	}
	for i := range members {
		members[i].Env = append(members[i].Env, portLimits.Env()...)
	}
	for i := range members {
		members[i].Addr = net.JoinHostPort(compose.Service(members[i].Name), strconv.Itoa(port))
	}
	var portAddrs []launch.Member
	publish := map[string][]int{}
	for i, p := range ports {
		n := port + 1 + i
		portAddrs = append(portAddrs, launch.Member{Name: p.Name, Addr: net.JoinHostPort("0.0.0.0", strconv.Itoa(n))})
		publish[p.Location] = append(publish[p.Location], n)
	}
	cf := compose.Fleet{Name: name, Image: img}
	for _, m := range members {
		cf.Nodes = append(cf.Nodes, compose.Node{
			Role:    m.Name,
			Env:     composeEnv(m, members, sizes, portAddrs, logFormat),
			Publish: slices.Clone(publish[m.Name]),
		})
	}
	return cf, nil
}

// composeEnv is a member's environment in the Compose file: its role, the
// fleet's tables and its own variables (its TLS).
func composeEnv(m launch.Member, members []launch.Member, sizes map[string]int, portAddrs []launch.Member, logFormat string) map[string]string {
	env := map[string]string{
		launch.EnvRole: m.Name, launch.EnvPeers: launch.EncodePeers(members), launch.EnvSizes: launch.EncodeSizes(sizes),
		launch.EnvPorts: launch.EncodePeers(portAddrs), launch.EnvLogFormat: logFormat,
	}
	for _, kv := range m.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// envMap turns KEY=value entries into a map.
func envMap(env []string) map[string]string {
	if len(env) == 0 {
		return nil
	}
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// writeImage writes this binary's image named ref to path.
func writeImage(path, ref string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("deploy: finding this binary for its image: %w", err)
	}
	bin, err := image.Binary(exe)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	var b bytes.Buffer
	if err := image.Write(&b, bin, ref); err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("deploy: writing the image: %w", err)
	}
	return nil
}

// isTerminal reports whether w is a terminal, for progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
