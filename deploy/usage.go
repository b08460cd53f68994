// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/ir"
	"github.com/hydro-go/hydro/internal/lang"
	"github.com/hydro-go/hydro/internal/viewer"
)

// flowInfo is what the command line needs to know of a flow: its locations
// and its external ports, by name.
type flowInfo struct {
	processes, clusters, ports []string
}

func describe(f *hydro.Flow) (*flowInfo, error) {
	fl, err := lang.Flow(f)
	if err != nil {
		return nil, err
	}
	info := &flowInfo{}
	for _, l := range fl.Locations {
		switch l.Kind {
		case ir.Process:
			info.processes = append(info.processes, l.Name)
		case ir.Cluster:
			info.clusters = append(info.clusters, l.Name)
		}
	}
	ports, err := fleetPorts(fl, nil)
	if err != nil {
		return nil, err
	}
	for _, p := range ports {
		info.ports = append(info.ports, p.Name)
	}
	return info, nil
}

// usage prints run's help: the program's locations and ports, its flags,
// and an example.
func (info *flowInfo) usage(w io.Writer, fs *flag.FlagSet) {
	prog := filepath.Base(os.Args[0])
	fmt.Fprintf(w, "Usage: %s [run] [flags]    run the fleet on this machine, one process per member\n", prog)
	fmt.Fprintf(w, "       %s graph [-format mermaid|dot|json|html] [-o FILE]\n", prog)
	fmt.Fprintf(w, "       %s sim [-run TestName] [-seed N | -choices C,...] [-n]    replay a simulator test's saved failures\n", prog)
	fmt.Fprintf(w, "       %s deploy -k8s|-compose -image NAME:TAG [flags]    write the fleet for Kubernetes or Compose\n", prog)
	fmt.Fprintf(w, "       %s suggest -metrics URL|FILE...    read the nodes' operator counters (run -admin) and print a plan for run -plan\n", prog)
	fmt.Fprintf(w, "       %s version\n\n", prog)
	list := func(what string, names []string, suffix string) {
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", what)
		for _, n := range names {
			fmt.Fprintf(w, "  %s%s\n", n, suffix)
		}
	}
	list("Processes", info.processes, "")
	list("Clusters (size with -cluster Name=N)", info.clusters, "    1 member unless sized")
	list("External ports (the deployer prints each address)", info.ports, "")
	fmt.Fprintln(w, "\nFlags of run:")
	fs.PrintDefaults()
	example := prog
	for _, c := range info.clusters {
		example += " -cluster " + c + "=3"
	}
	fmt.Fprintf(w, "\nExample:\n  %s\n", example)
}

// clusterFlag is a repeatable Name=N flag over the flow's clusters
// (-cluster, -cores), checked against the flow: a cluster it has, given
// once, with N at least one. text words its errors for the flag.
type clusterFlag struct {
	info *flowInfo
	vals map[string]int
	text clusterFlagText
}

// clusterFlagText is what a clusterFlag's errors call its number and why
// they refuse a value.
type clusterFlagText struct {
	number  string // "the size", in "Worker: the size "x" is not a number"
	process string // why a process is refused
	least   string // why N below 1 is refused
	twice   string // "sized", in "Worker is sized twice"
}

// sizeFlag is -cluster Name=N: the members of a cluster.
func sizeFlag(info *flowInfo) *clusterFlag {
	return &clusterFlag{info: info, vals: map[string]int{}, text: clusterFlagText{
		number: "the size", process: "only clusters are sized",
		least: "a cluster has at least one member", twice: "sized"}}
}

// coresFlag is -cores Name=N: members of a cluster per OS process.
func coresFlag(info *flowInfo) *clusterFlag {
	return &clusterFlag{info: info, vals: map[string]int{}, text: clusterFlagText{
		number: "the members per process", process: "only a cluster's members share a process",
		least: "a process runs at least one member", twice: "given"}}
}

func (c *clusterFlag) String() string {
	if c == nil || len(c.vals) == 0 {
		return ""
	}
	parts := make([]string, 0, len(c.vals))
	for n, k := range c.vals {
		parts = append(parts, n+"="+strconv.Itoa(k))
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func (c *clusterFlag) Set(v string) error {
	name, num, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want Name=N, got %q", v)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return fmt.Errorf("%s: %s %q is not a number", name, c.text.number, num)
	}
	switch {
	case slices.Contains(c.info.processes, name):
		return fmt.Errorf("%s is a process, which has one member; %s (%s)", name, c.text.process, c.info.known())
	case !slices.Contains(c.info.clusters, name):
		return fmt.Errorf("the flow has no cluster %s (%s)", name, c.info.known())
	case n < 1:
		return fmt.Errorf("%s=%d: %s", name, n, c.text.least)
	}
	if _, dup := c.vals[name]; dup {
		return fmt.Errorf("%s is %s twice (%s=%d, then %s=%d)", name, c.text.twice, name, c.vals[name], name, n)
	}
	c.vals[name] = n
	return nil
}

// known names the flow's clusters, for errors.
func (info *flowInfo) known() string {
	if len(info.clusters) == 0 {
		return "it has none"
	}
	return "its clusters: " + strings.Join(info.clusters, ", ")
}

// graphCommand draws the flow.
func graphCommand(f *hydro.Flow, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	format := fs.String("format", "mermaid", "mermaid, dot, json, or html (a page that draws the flow in a browser, offline)")
	out := fs.String("o", "", "write to this file instead of standard output")
	if err := parse(fs, args, stderr, func() {
		fmt.Fprintf(stderr, "Usage: %s graph [-format mermaid|dot|json|html] [-o FILE]\n", filepath.Base(os.Args[0]))
		fs.PrintDefaults()
	}); err != nil {
		return err
	}
	var text []byte
	switch *format {
	case "mermaid":
		text = []byte(f.Mermaid())
	case "dot":
		text = []byte(f.DOT())
	case "json":
		var err error
		if text, err = f.JSON(); err != nil {
			return err
		}
		text = append(text, '\n')
	case "html":
		m, err := lang.View(f)
		if err != nil {
			return err
		}
		m.Title = filepath.Base(os.Args[0])
		var b bytes.Buffer
		if err := viewer.Write(&b, m); err != nil {
			return err
		}
		text = b.Bytes()
	default:
		return usagef("graph -format %q: want mermaid, dot, json or html", *format)
	}
	if *out == "" {
		_, err := stdout.Write(text)
		return err
	}
	if err := os.WriteFile(*out, text, 0o644); err != nil {
		return fmt.Errorf("deploy: writing the graph: %w", err)
	}
	return nil
}

// versionCommand prints the program's module and version, the library's,
// and the Go version that built it.
func versionCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parse(fs, args, stderr, func() {
		fmt.Fprintf(stderr, "Usage: %s version\n", filepath.Base(os.Args[0]))
	}); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("deploy: version: the binary carries no build information")
	}
	fmt.Fprintf(stdout, "%s %s\n", bi.Main.Path, orDevel(bi.Main.Version))
	for _, d := range bi.Deps {
		if d.Path == "github.com/hydro-go/hydro" {
			fmt.Fprintf(stdout, "github.com/hydro-go/hydro %s\n", orDevel(d.Version))
		}
	}
	fmt.Fprintf(stdout, "%s\n", bi.GoVersion)
	return nil
}

func orDevel(v string) string {
	if v == "" {
		return "(devel)"
	}
	return v
}
