// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy/remote"
)

// sshFlags are deploy's flags for -ssh, the fleet on hosts over SSH.
type sshFlags struct {
	hosts, keys, known *string
	place              placeFlag
	logLevel           *string
	stopOnFailure      *bool
}

func newSSHFlags(fs *flag.FlagSet) *sshFlags {
	s := &sshFlags{place: placeFlag{}}
	s.hosts = fs.String("ssh", "", "run the fleet on these hosts over SSH, as `[USER@]HOST[:PORT],...`, until interrupted; the members go to the hosts in turn (see -place), each node listening on HOST")
	s.keys = fs.String("ssh-key", "", "with -ssh: private key `FILES` to log in with, comma-separated (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
	s.known = fs.String("known-hosts", "", "with -ssh: known_hosts `FILES` listing the hosts' keys, comma-separated (default ~/.ssh/known_hosts); an unknown host is refused")
	fs.Var(s.place, "place", "with -ssh: put a member or every member of a location on a host, as `NAME=HOST` with HOST as given to -ssh (repeatable)")
	s.logLevel = fs.String("log-level", "info", "with -ssh: log level of the nodes: debug, info, warn or error")
	s.stopOnFailure = fs.Bool("stop-on-failure", true, "with -ssh: stop the fleet when a member exits with an error")
	return s
}

// run deploys the fleet over SSH, with the flags deploy shares.
func (s *sshFlags) run(ctx context.Context, f *hydro.Flow, sizes map[string]int, name string, port int, logFormat string, withTLS bool, portTLS PortTLS, portLimits PortLimits, stdout io.Writer) error {
	if _, ok := parseLevel(*s.logLevel); !ok {
		return usagef("deploy: -log-level %q: want debug, info, warn or error", *s.logLevel)
	}
	d := SSHConfig{Hosts: strings.Split(*s.hosts, ","), Place: s.place, Sizes: sizes, Port: port, Name: name,
		LogFormat: logFormat, LogLevel: *s.logLevel, StopOnFailure: *s.stopOnFailure, Output: stdout, NoTLS: !withTLS,
		PortTLS: portTLS, PortLimits: portLimits,
		Auth: remote.Auth{KeyFiles: split(*s.keys), KnownHosts: split(*s.known)}}
	err := SSH(ctx, f, d)
	if ctx.Err() != nil && err == nil {
		fmt.Fprintln(stdout, "[deployer] stopped")
	}
	return err
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// placeFlag is -place NAME=HOST, repeatable.
type placeFlag map[string]string

func (p placeFlag) String() string {
	parts := make([]string, 0, len(p))
	for k, v := range p {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (p placeFlag) Set(v string) error {
	name, host, ok := strings.Cut(v, "=")
	if !ok || name == "" || host == "" {
		return fmt.Errorf("want NAME=HOST, got %q", v)
	}
	if _, dup := p[name]; dup {
		return fmt.Errorf("%s is placed twice", name)
	}
	p[name] = host
	return nil
}
