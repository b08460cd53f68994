// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type cliLeader struct{}
type cliWorker struct{}
type cliClient struct{}

// cliFlow has a process, a cluster and an external port.
func cliFlow(f *hydro.Flow) {
	leader := hydro.NewProcess[cliLeader](f)
	workers := hydro.NewCluster[cliWorker](f)
	clients := hydro.NewExternal[cliClient](f)
	_, lines := hydro.SourceExternal(leader, clients, hydro.Lines)
	hydro.SinkExternal(lines, clients, hydro.Lines)
	hydro.ForEach(hydro.SourceIter(workers, []int{1}), func(int) {})
}

// TestCommandMistakes: every mistake on the command line is an error that
// says what was wrong, and nothing runs.
func TestCommandMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-cluster", "cliWrkr=3"}, "the flow has no cluster cliWrkr (its clusters: cliWorker)"},
		{[]string{"-cluster", "cliWorker=0"}, "cliWorker=0: a cluster has at least one member"},
		{[]string{"-cluster", "cliWorker=x"}, `cliWorker: the size "x" is not a number`},
		{[]string{"-cluster", "cliWorker"}, `want Name=N, got "cliWorker"`},
		{[]string{"-cluster", "cliWorker=2", "-cluster", "cliWorker=3"}, "cliWorker is sized twice (cliWorker=2, then cliWorker=3)"},
		{[]string{"-cluster", "cliLeader=2"}, "cliLeader is a process, which has one member; only clusters are sized"},
		{[]string{"-log-format", "xml"}, `-log-format "xml": want text or json`},
		{[]string{"-log-level", "verbose"}, `-log-level "verbose": want debug, info, warn or error`},
		{[]string{"-log-level", "INFO"}, `-log-level "INFO": want debug, info, warn or error`},
		{[]string{"-base-port", "70000"}, "-base-port 70000: want a port number"},
		{[]string{"-admin", "127.0.0.1"}, `-admin "127.0.0.1": want HOST:PORT, with port 0 for free ports`},
		{[]string{"-admin", "localhost:http"}, `-admin "localhost:http": want HOST:PORT`},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"run", "extra"}, `run: unexpected arguments ["extra"]`},
		{[]string{"bogus"}, `unknown command "bogus"; the commands are run (the default), graph, sim, deploy, suggest and version`},
		{[]string{"graph", "-format", "svg"}, `graph -format "svg": want mermaid, dot, json or html`},
		{[]string{"version", "x"}, `version: unexpected arguments ["x"]`},
	} {
		var stdout, stderr bytes.Buffer
		err := deploy.Command(context.Background(), cliFlow, tc.args, &stdout, &stderr)
		if !errors.Is(err, deploy.ErrUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Command(%q) = %v; want an ErrUsage containing %q", tc.args, err, tc.want)
		}
		if stdout.Len() > 0 || stderr.Len() > 0 {
			t.Errorf("Command(%q) printed %q, %q; want nothing (the error says it)", tc.args, stdout.String(), stderr.String())
		}
	}
}

// TestCommandHelp: -h lists the flow's processes, clusters and ports, the
// flags, and an example.
func TestCommandHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := deploy.Command(context.Background(), cliFlow, []string{"-h"}, &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Command(-h) = %v; want flag.ErrHelp", err)
	}
	if flag.Lookup("cluster") != nil {
		t.Error("Command touched the program's global flag set")
	}
	for _, want := range []string{"graph [-format mermaid|dot|json|html]", "sim [-run TestName]", "Processes:\n  cliLeader\n", "cliWorker    1 member unless sized", "External ports", "  cliClient\n", "-cluster Name=N", "-log-format", "Example:\n", " -cluster cliWorker=3\n"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestCommandGraph: graph draws the flow in each format, to stdout or a
// file.
func TestCommandGraph(t *testing.T) {
	for format, want := range map[string]string{"mermaid": "flowchart", "dot": "digraph flow", "json": `"locations"`, "html": `<script type="application/json" id="hydro-model">{"title":"deploy.test"`} {
		var stdout, stderr bytes.Buffer
		if err := deploy.Command(context.Background(), cliFlow, []string{"graph", "-format", format}, &stdout, &stderr); err != nil {
			t.Fatalf("graph -format %s: %v", format, err)
		}
		if !strings.Contains(stdout.String(), want) || !strings.Contains(stdout.String(), "cliWorker") {
			t.Errorf("graph -format %s printed %q; want it to contain %q and cliWorker", format, stdout.String(), want)
		}
	}
	out := filepath.Join(t.TempDir(), "flow.dot")
	if err := deploy.Command(context.Background(), cliFlow, []string{"graph", "-format", "dot", "-o", out}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("digraph flow")) {
		t.Errorf("graph -o wrote %q, %v", b, err)
	}
}

// TestCommandVersion prints the Go version that built the binary.
func TestCommandVersion(t *testing.T) {
	var stdout bytes.Buffer
	if err := deploy.Command(context.Background(), cliFlow, []string{"version"}, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "go1.") {
		t.Errorf("version printed %q; want the Go version", stdout.String())
	}
}

// TestLocalhostSizeMistakes: the programmatic API refuses the sizes the
// command line refuses.
func TestLocalhostSizeMistakes(t *testing.T) {
	f := hydro.NewFlow()
	cliFlow(f)
	err := deploy.Localhost(context.Background(), f, deploy.Config{Sizes: map[string]int{"cliLeader": 2, "cliWorker": 0}})
	for _, want := range []string{"deploy: size of cliLeader: the flow has no cluster cliLeader", "deploy: size of cliWorker: 0; a cluster has at least one member"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Localhost = %v; want %q", err, want)
		}
	}
}
