// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/deploy/kube"
)

type kubeSolo struct{}

// A binary started in a pod of the manifests (its pod's name in its
// environment) runs the node the pod's name and the ConfigMap place, and
// stops when its context ends.
func TestCommandInPod(t *testing.T) {
	defer goleak.VerifyNone(t)
	addrs, err := freeAddrs(1)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(addrs[0])
	for k, v := range map[string]string{
		kube.EnvPod: "t-kubesolo-0", kube.EnvNamespace: "default", kube.EnvLocation: "kubeSolo",
		kube.EnvServices: "kubeSolo=t-kubesolo", kube.EnvPort: port, kube.EnvDomain: "cluster.local", kube.EnvLogFormat: "text",
		deploy.EnvTLS: "off", // one node alone: it dials no peer
	} {
		t.Setenv(k, v)
	}
	got := make(chan int, 3)
	build := func(f *hydro.Flow) {
		hydro.ForEach(hydro.SourceIter(hydro.NewProcess[kubeSolo](f), []int{1, 2, 3}), func(v int) { got <- v })
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- deploy.Command(ctx, build, []string{"graph"}, io.Discard, io.Discard) }()
	for want := 1; want <= 3; want++ {
		select {
		case v := <-got:
			if v != want {
				t.Fatalf("the pod's node printed %d; want %d", v, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the pod's node ran nothing within 10 s")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Command in a pod = %v after cancel; want nil", err)
	}
}

// A pod whose environment lacks what the manifests give it is refused
// with the variable's name.
func TestCommandInPodMisconfigured(t *testing.T) {
	t.Setenv(kube.EnvPod, "t-kubesolo-0")
	build := func(f *hydro.Flow) {
		hydro.ForEach(hydro.SourceIter(hydro.NewProcess[kubeSolo](f), []int{1}), func(int) {})
	}
	err := deploy.Command(context.Background(), build, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), kube.EnvNamespace+" is not set") || errors.Is(err, deploy.ErrUsage) {
		t.Errorf("Command in a bare pod = %v; want the missing %s named", err, kube.EnvNamespace)
	}
}
