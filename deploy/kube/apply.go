// SPDX-License-Identifier: Apache-2.0

package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Kubectl runs kubectl with args and stdin as its standard input, and
// returns its standard output; its error carries kubectl's standard error.
type Kubectl func(ctx context.Context, stdin []byte, args ...string) ([]byte, error)

// ExecKubectl returns a Kubectl that runs the binary at path.
func ExecKubectl(path string) Kubectl {
	return func(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, path, args...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return out, fmt.Errorf("kube: kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
}

// Apply creates or updates a fleet's objects and follows its rollout.
type Apply struct {
	// Kubectl runs kubectl (ExecKubectl).
	Kubectl Kubectl
	// Out receives what kubectl apply says and the rollout's progress.
	Out io.Writer
	// Bars draws the progress as a bar per StatefulSet, for a terminal;
	// otherwise Out gets a line each time a StatefulSet's count of ready
	// pods changes.
	Bars bool
	// Every is how often the rollout is looked at; 1 s if zero.
	Every time.Duration
}

// Run applies the fleet's manifests (kubectl apply -f -) and waits until
// every StatefulSet of the fleet has rolled out: its controller has seen
// its latest spec and all its pods are up to date and ready. It returns an
// error that names the StatefulSets not done when ctx ends first, and
// kubectl's error when it fails.
func (a Apply) Run(ctx context.Context, f Fleet) error {
	manifests, err := Manifests(f)
	if err != nil {
		return err
	}
	objs, _ := Objects(f)
	out := a.Out
	if out == nil {
		out = io.Discard
	}
	said, err := a.Kubectl(ctx, manifests, "apply", "-f", "-")
	if err != nil {
		return err
	}
	for line := range strings.Lines(string(said)) {
		fmt.Fprintf(out, "[deployer] %s", line)
	}
	var sets []Object
	for _, o := range objs {
		if o.Kind == "StatefulSet" {
			sets = append(sets, o)
		}
	}
	show := a.lines(out)
	if a.Bars {
		var stop func()
		show, stop = a.bars(ctx, out, sets)
		defer stop()
	}
	return a.follow(ctx, f, sets, show)
}

// setStatus is what the rollout needs of a StatefulSet.
type setStatus struct {
	Metadata struct {
		Name       string `json:"name"`
		Generation int64  `json:"generation"`
	} `json:"metadata"`
	Spec struct {
		Replicas *int `json:"replicas"`
	} `json:"spec"`
	Status struct {
		ObservedGeneration int64 `json:"observedGeneration"`
		ReadyReplicas      int   `json:"readyReplicas"`
		UpdatedReplicas    int   `json:"updatedReplicas"`
	} `json:"status"`
}

// done reports whether the StatefulSet has rolled out.
func (s setStatus) done() bool {
	want := 1
	if s.Spec.Replicas != nil {
		want = *s.Spec.Replicas
	}
	return s.Status.ObservedGeneration >= s.Metadata.Generation && s.Status.ReadyReplicas == want && s.Status.UpdatedReplicas == want
}

// follow looks at the fleet's StatefulSets every a.Every until all have
// rolled out, telling show each one's ready pods.
func (a Apply) follow(ctx context.Context, f Fleet, sets []Object, show func(name string, ready, want int, done bool)) error {
	every := a.Every
	if every <= 0 {
		every = time.Second
	}
	args := []string{"get", "statefulsets", "-l", LabelName + "=" + f.Name, "-o", "json"}
	if f.Namespace != "" {
		args = append(args, "-n", f.Namespace)
	}
	pending := map[string]string{}
	for _, s := range sets {
		pending[s.Name] = "not seen yet"
	}
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		got, err := a.Kubectl(ctx, nil, args...)
		if err != nil && ctx.Err() == nil {
			return err
		}
		var list struct {
			Items []setStatus `json:"items"`
		}
		if err == nil {
			if err := json.Unmarshal(got, &list); err != nil {
				return fmt.Errorf("kube: reading kubectl get statefulsets: %w", err)
			}
		}
		for _, s := range list.Items {
			if _, ok := pending[s.Metadata.Name]; !ok {
				continue
			}
			want := 1
			if s.Spec.Replicas != nil {
				want = *s.Spec.Replicas
			}
			show(s.Metadata.Name, s.Status.ReadyReplicas, want, s.done())
			if s.done() {
				delete(pending, s.Metadata.Name)
			} else {
				pending[s.Metadata.Name] = fmt.Sprintf("%d of %d pods ready, %d up to date", s.Status.ReadyReplicas, want, s.Status.UpdatedReplicas)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			var errs []error
			for _, s := range sets {
				if why, ok := pending[s.Name]; ok {
					errs = append(errs, fmt.Errorf("kube: StatefulSet %s has not rolled out: %s", s.Name, why))
				}
			}
			return errors.Join(append(errs, context.Cause(ctx))...)
		case <-tk.C:
		}
	}
}

// lines shows progress as a line per change.
func (a Apply) lines(out io.Writer) func(name string, ready, want int, done bool) {
	last := map[string]int{}
	return func(name string, ready, want int, done bool) {
		key := ready
		if done {
			key = -1
		}
		if v, ok := last[name]; ok && v == key {
			return
		}
		last[name] = key
		state := "rolling out"
		if done {
			state = "rolled out"
		}
		fmt.Fprintf(out, "[deployer] %s: %d/%d ready, %s\n", name, ready, want, state)
	}
}

// bars shows progress as a bar per StatefulSet. stop ends the bars,
// aborting those not complete, and waits for them to be drawn.
func (a Apply) bars(ctx context.Context, out io.Writer, sets []Object) (show func(name string, ready, want int, done bool), stop func()) {
	// The caller asked for bars: it knows Out is a terminal.
	p := mpb.NewWithContext(ctx, mpb.WithOutput(out), mpb.WithWidth(40), mpb.ForceTTY(), mpb.WithAutoRefresh())
	bars := map[string]*mpb.Bar{}
	for _, s := range sets {
		bars[s.Name] = p.AddBar(int64(s.Replicas),
			mpb.PrependDecorators(decor.Name(s.Name, decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d ready", decor.WCSyncSpace)),
			mpb.AppendDecorators(decor.OnComplete(decor.Name(""), "rolled out")))
	}
	show = func(name string, ready, want int, done bool) {
		b := bars[name]
		b.SetTotal(int64(want), false)
		b.SetCurrent(int64(ready))
		if done {
			b.SetTotal(int64(want), true)
		}
	}
	stop = func() {
		for _, b := range bars {
			if !b.Completed() {
				b.Abort(false)
			}
		}
		p.Wait()
	}
	return show, stop
}
