// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/deploy/kube"
)

type kubeSolo struct{}

// A binary started in a pod of the manifests (its pod's name in its
// environment) runs the node the pod's name and the ConfigMap place, with
// the TLS files of the Secret that deploy -k8s wrote, and stops when its
// context ends.
func TestCommandInPod(t *testing.T) {
	runPod(t, func(config map[string]string, files map[string][]byte) {
		if _, on := config[deploy.EnvTLS]; on || len(files) != 3 {
			t.Fatalf("deploy -k8s wrote %s=%q and %d TLS files; want it unset and 3", deploy.EnvTLS, config[deploy.EnvTLS], len(files))
		}
	})
}

// A pod of a fleet written with -tls=false runs its node in plaintext,
// with nothing mounted.
func TestCommandInPodPlaintext(t *testing.T) {
	runPod(t, func(config map[string]string, files map[string][]byte) {
		if config[deploy.EnvTLS] != "off" || len(files) != 0 {
			t.Fatalf("deploy -k8s -tls=false wrote %s=%q and %d TLS files; want off and none", deploy.EnvTLS, config[deploy.EnvTLS], len(files))
		}
	}, "-tls=false")
}

// A pod whose environment gives its TLS takes it from there, and needs
// nothing mounted.
func TestCommandInPodTLSFromEnv(t *testing.T) {
	certs, err := deploy.IssueTLS("t", "kubeSolo")
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range certs["kubeSolo"].Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	runPod(t, func(_ map[string]string, files map[string][]byte) { clear(files) })
}

// runPod writes a fleet of one process with deploy -k8s and args, checks
// its ConfigMap and Secret with check, and runs its pod's node with the
// ConfigMap's environment and the Secret's files in a directory standing
// in for the mount.
func runPod(t *testing.T, check func(map[string]string, map[string][]byte), args ...string) {
	defer goleak.VerifyNone(t)
	addrs, err := freeAddrs(1)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(addrs[0])
	got := make(chan int, 3)
	build := func(f *hydro.Flow) {
		hydro.ForEach(hydro.SourceIter(hydro.NewProcess[kubeSolo](f), []int{1, 2, 3}), func(v int) { got <- v })
	}
	config, files := writeFleet(t, build, append([]string{"-name", "t", "-port", port}, args...)...)
	check(config, files)
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	deploy.SetKubeTLSDir(t, dir)
	config[kube.EnvPod], config[kube.EnvNamespace], config[kube.EnvLocation] = "t-kubesolo-0", "default", "kubeSolo"
	config[kube.EnvLogFormat] = "text"
	for k, v := range config {
		t.Setenv(k, v)
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
		case err := <-done:
			t.Fatalf("the pod's node stopped: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("the pod's node ran nothing within 10 s")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Command in a pod = %v after cancel; want nil", err)
	}
}

// writeFleet runs deploy -k8s for the flow build makes, with args, and
// returns its ConfigMap's data and its Secret's, each decoded strictly.
func writeFleet(t *testing.T, build func(*hydro.Flow), args ...string) (map[string]string, map[string][]byte) {
	t.Helper()
	var out bytes.Buffer
	if err := deploy.Command(context.Background(), build, append([]string{"deploy", "-k8s", "-image", "hydro.local/t:v1"}, args...), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var config map[string]string
	var files map[string][]byte
	for doc := range strings.SplitSeq(out.String(), "---\n") {
		switch {
		case strings.Contains(doc, "\nkind: ConfigMap\n"):
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict([]byte(doc), &cm); err != nil {
				t.Fatal(err)
			}
			config = cm.Data
		case strings.Contains(doc, "\nkind: Secret\n"):
			var s corev1.Secret
			if err := yaml.UnmarshalStrict([]byte(doc), &s); err != nil {
				t.Fatal(err)
			}
			files = s.Data
		}
	}
	if config == nil {
		t.Fatalf("deploy -k8s wrote no ConfigMap:\n%s", out.String())
	}
	return config, files
}

// A pod whose certificate is not in the mounted Secret (a member added by
// scaling beyond the size the manifests were written with) does not start,
// in plaintext or otherwise, and is told which file is missing and why.
func TestCommandInPodWithoutCertificate(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	certs, err := deploy.IssueTLS("t", "kubeSolo")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, kube.TLSCAFile), certs["kubeSolo"].CA, 0o600); err != nil {
		t.Fatal(err)
	}
	deploy.SetKubeTLSDir(t, dir)
	for k, v := range map[string]string{
		kube.EnvPod: "t-kubesolo-0", kube.EnvNamespace: "default", kube.EnvLocation: "kubeSolo",
		kube.EnvServices: "kubeSolo=t-kubesolo", kube.EnvPort: "7000", kube.EnvDomain: "cluster.local", kube.EnvLogFormat: "text",
	} {
		t.Setenv(k, v)
	}
	ran := make(chan int, 1)
	build := func(f *hydro.Flow) {
		hydro.ForEach(hydro.SourceIter(hydro.NewProcess[kubeSolo](f), []int{1}), func(v int) { ran <- v })
	}
	err = deploy.Command(context.Background(), build, nil, io.Discard, io.Discard)
	for _, want := range []string{filepath.Join(dir, "t-kubesolo-0.crt"), filepath.Join(dir, "t-kubesolo-0.key"), "scaling", "write the manifests again"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Command in a pod without its certificate = %v; want an error with %q", err, want)
		}
	}
	if err != nil && (strings.Contains(err.Error(), filepath.Join(dir, kube.TLSCAFile)+"\n") || !strings.HasPrefix(err.Error(), "deploy: ")) {
		t.Errorf("error = %v; want it prefixed deploy: and not to name the CA file, which is there", err)
	}
	select {
	case <-ran:
		t.Error("the node ran its flow without a certificate")
	default:
	}
}

// The ConfigMap of a plaintext fleet turns TLS off in the pods with
// package deploy's variable.
func TestKubeEnvTLS(t *testing.T) {
	if kube.EnvTLS != deploy.EnvTLS {
		t.Errorf("kube.EnvTLS = %q; want deploy.EnvTLS, %q", kube.EnvTLS, deploy.EnvTLS)
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
