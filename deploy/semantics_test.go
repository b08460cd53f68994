// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/launch"
	"github.com/hydro-go/hydro/internal/semantics"
)

// semanticsArg, as the first argument of this test binary with a role in
// its environment, makes it the node of the semantics fleet instead of
// running tests.
const semanticsArg = "semantics-fleet"

func TestMain(m *testing.M) {
	if os.Getenv(launch.EnvRole) != "" && len(os.Args) == 2 && os.Args[1] == semanticsArg {
		os.Exit(semanticsNode())
	}
	os.Exit(m.Run())
}

// fleetOut is one output of a case in the semantics fleet, printed by the
// node as "= key item".
type fleetOut struct {
	key  string
	c    semantics.Case
	env  *semantics.Env
	out  semantics.Out
	name string
}

// buildFleet puts every case the fleet runs side by side on the one
// process of f, each with its own inputs and outputs, and returns them;
// emit prints an output's item. Cases refused or not run under the fleet
// are left out.
func buildFleet(f *hydro.Flow, emit func(key, item string)) (envs []*semantics.Env, outs []fleetOut) {
	p := hydro.NewProcess[semantics.Server](f)
	for i, c := range semantics.Cases() {
		if c.Skip(semantics.Fleet) != "" || c.Refused != "" {
			continue
		}
		e := semantics.NewFleetEnv(p)
		envs = append(envs, e)
		for j, o := range c.Build(e) {
			key := fmt.Sprintf("c%d.%d", i, j)
			hydro.ForEach(hydro.AssumeOrdered(o.S, "printed as it comes; checks of unordered outputs ignore the order"),
				func(item string) { emit(key, item) })
			name := c.Name
			if o.Name != "" {
				name += " " + o.Name
			}
			outs = append(outs, fleetOut{key: key, c: c, env: e, out: o, name: name})
		}
	}
	return envs, outs
}

// semanticsNode runs the fleet's node: it prints every output item, and
// feeds the inputs case tick by case tick, each send waiting for the node
// to take it.
func semanticsNode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var mu sync.Mutex
	emit := func(key, item string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf("= %s %s\n", key, item)
	}
	built := make(chan []*semantics.Env, 1)
	build := func(f *hydro.Flow) {
		envs, _ := buildFleet(f, emit)
		built <- envs
	}
	go func() {
		envs := <-built
		ticks := 0
		for _, e := range envs {
			ticks = max(ticks, e.Ticks())
		}
		for i := range ticks {
			for _, e := range envs {
				e.Feed(i)
			}
		}
	}()
	if err := deploy.Command(ctx, build, nil, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestSemanticsFleet runs the semantics corpus in a localhost deployment:
// one node process holds every case the fleet can run, fed through
// channels, and prints what each output emits. Each output must satisfy
// its check for every execution.
func TestSemanticsFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a fleet of processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f := hydro.NewFlow()
	_, outs := buildFleet(f, func(string, string) {})
	lines := &fleetLines{items: map[string][]string{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- deploy.Localhost(ctx, f, deploy.Config{Executable: exe, Args: []string{semanticsArg}, Output: lines, StopOnFailure: true})
	}()

	// Wait until every output that can tell is complete, then a little
	// longer, for items that must not come.
	deadline := time.Now().Add(20 * time.Second)
	for !lines.complete(outs) && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the fleet stopped early: %v\n%s", err, lines.text())
		case <-time.After(20 * time.Millisecond):
		}
	}
	for _, o := range lines.incomplete(outs) {
		t.Logf("%s: incomplete after 20 s: %v", o.name, lines.get(o.key))
	}
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Localhost = %v; want nil\n%s", err, lines.text())
	}

	byCase := map[string][]fleetOut{}
	for _, o := range outs {
		byCase[o.c.Name] = append(byCase[o.c.Name], o)
	}
	for _, c := range semantics.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			if why := c.Skip(semantics.Fleet); why != "" {
				t.Skip(why)
			}
			if c.Refused != "" {
				f := hydro.NewFlow()
				c.Build(semantics.NewFleetEnv(hydro.NewProcess[semantics.Server](f)))
				if err := f.Compile(); err == nil {
					t.Fatalf("%s compiled with the fleet's inputs; want an error: %s", c.Name, c.Refused)
				}
				return
			}
			for _, o := range byCase[c.Name] {
				check := o.out.Check()
				if err := check.OK(lines.get(o.key)); err != nil {
					t.Errorf("%s(%s): %s: %v", o.name, o.env.Inputs(), check.What, err)
				}
			}
		})
	}
}

// fleetLines collects the items the fleet's node prints, by output.
type fleetLines struct {
	mu      sync.Mutex
	partial []byte
	all     bytes.Buffer
	items   map[string][]string
}

func (l *fleetLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		rest, ok := strings.CutPrefix(line, "[Server] = ")
		if !ok {
			continue
		}
		key, item, _ := strings.Cut(rest, " ")
		l.items[key] = append(l.items[key], item)
	}
	return len(p), nil
}

func (l *fleetLines) get(key string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.items[key]...)
}

func (l *fleetLines) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// complete reports whether every output whose check can tell is complete.
func (l *fleetLines) complete(outs []fleetOut) bool { return len(l.incomplete(outs)) == 0 }

// incomplete returns the outputs whose checks say they are not complete.
func (l *fleetLines) incomplete(outs []fleetOut) []fleetOut {
	var out []fleetOut
	for _, o := range outs {
		if done := o.out.Check().Done; done != nil && !done(l.get(o.key)) {
			out = append(out, o)
		}
	}
	return out
}
