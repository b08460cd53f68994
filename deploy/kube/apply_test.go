// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/deploy/kube"
)

// fakeKubectl answers apply with what kubectl says, and each get of the
// StatefulSets with the next of a script of statuses (the last repeated).
type fakeKubectl struct {
	mu      sync.Mutex
	applied []byte
	script  [][3]int // per look: ready leader, ready workers, updated workers
	looks   int
	calls   [][]string
}

func (k *fakeKubectl) run(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls = append(k.calls, args)
	switch args[0] {
	case "apply":
		k.applied = stdin
		return []byte("configmap/wc-flow created\nstatefulset.apps/wc-worker created\n"), nil
	case "get":
		s := k.script[min(k.looks, len(k.script)-1)]
		k.looks++
		item := func(name string, replicas, ready, updated int) map[string]any {
			return map[string]any{
				"metadata": map[string]any{"name": name, "generation": 1},
				"spec":     map[string]any{"replicas": replicas},
				"status":   map[string]any{"observedGeneration": 1, "readyReplicas": ready, "updatedReplicas": updated},
			}
		}
		return json.Marshal(map[string]any{"items": []any{item("wc-leader", 1, s[0], 1), item("wc-worker", 3, s[1], s[2]), item("other", 1, 0, 0)}})
	}
	return nil, fmt.Errorf("kube: kubectl %v: unexpected", args)
}

func TestApplyFollowsRollout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := &fakeKubectl{script: [][3]int{{0, 0, 0}, {1, 1, 3}, {1, 1, 3}, {1, 3, 3}}}
		var out bytes.Buffer
		err := kube.Apply{Kubectl: k.run, Out: &out}.Run(t.Context(), wordcount)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := kube.Manifests(wordcount)
		if !bytes.Equal(k.applied, want) {
			t.Errorf("kubectl apply got %d bytes; want the manifests (%d bytes)", len(k.applied), len(want))
		}
		if got := k.calls[1]; !slices.Equal(got, []string{"get", "statefulsets", "-l", kube.LabelName + "=wc", "-o", "json", "-n", "demo"}) {
			t.Errorf("kubectl %v; want the fleet's StatefulSets in its namespace", got)
		}
		wantOut := `[deployer] configmap/wc-flow created
[deployer] statefulset.apps/wc-worker created
[deployer] wc-leader: 0/1 ready, rolling out
[deployer] wc-worker: 0/3 ready, rolling out
[deployer] wc-leader: 1/1 ready, rolled out
[deployer] wc-worker: 1/3 ready, rolling out
[deployer] wc-worker: 3/3 ready, rolled out
`
		if out.String() != wantOut {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), wantOut)
		}
		if k.looks != 4 {
			t.Errorf("%d looks at the rollout; want 4", k.looks)
		}
	})
}

func TestApplyTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := &fakeKubectl{script: [][3]int{{1, 2, 3}}}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		err := kube.Apply{Kubectl: k.run}.Run(ctx, wordcount)
		if err == nil || !strings.Contains(err.Error(), "StatefulSet wc-worker has not rolled out: 2 of 3 pods ready, 3 up to date") ||
			strings.Contains(err.Error(), "wc-leader") || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Run = %v; want wc-worker named as not rolled out, and the deadline", err)
		}
	})
}

func TestApplyBars(t *testing.T) {
	defer goleak.VerifyNone(t)
	k := &fakeKubectl{script: [][3]int{{0, 0, 0}, {1, 3, 3}}}
	var out bytes.Buffer
	if err := (kube.Apply{Kubectl: k.run, Out: &out, Bars: true, Every: time.Millisecond}).Run(context.Background(), wordcount); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"wc-leader", "wc-worker", "3/3 ready", "rolled out"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the bars drew %q; want %q in it", out.String(), want)
		}
	}
}
