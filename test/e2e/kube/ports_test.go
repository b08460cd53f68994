// SPDX-License-Identifier: Apache-2.0

package kube_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The chat example on the cluster, its port asking for a token
// (-port-token-file) and bounded (-port-max-clients): the token reaches
// the server's pod through the Secret chat-ports, the bound through the
// ConfigMap; a client on this machine with a wrong token is refused at
// the pod's address, two with the right one talk.
func TestChatPortOnKubernetes(t *testing.T) {
	c := up(t)
	bin := filepath.Join(c.dir, "chat")
	c.run("go", "build", "-o", bin, "./examples/chat")
	const img = "hydro.local/chat:e2e"
	tarball := filepath.Join(c.dir, "chat.tar")
	c.run(bin, "deploy", "-k8s", "-image", img, "-image-tar", tarball, "-name", "chat", "-o", filepath.Join(c.dir, "chat.yaml"))
	c.run(filepath.Join(c.dir, "bin", "ctr-import"), tarball)
	tokenFile := filepath.Join(c.dir, "token")
	const token = "chat-k8s-token"
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.run(bin, "deploy", "-k8s", "-apply", "-image", img, "-name", "chat", "-port-token-file", tokenFile, "-port-max-clients", "8", "-timeout", "5m")

	if got := c.kubectl("get", "configmap", "chat-flow", "-o", "jsonpath={.data.HYDRO_PORT_MAX_CLIENTS}"); got != "8" {
		t.Errorf("the ConfigMap's HYDRO_PORT_MAX_CLIENTS = %q; want 8", got)
	}
	if got := c.kubectl("get", "secret", "chat-ports", "-o", "jsonpath={.data}"); !strings.Contains(got, "HYDRO_PORT_TOKEN") {
		t.Errorf("the Secret chat-ports holds %s; want HYDRO_PORT_TOKEN", got)
	}
	ip := c.kubectl("get", "pod", "chat-server-0", "-o", "jsonpath={.status.podIP}")
	if net.ParseIP(ip) == nil {
		t.Fatalf("chat-server-0's address is %q", ip)
	}
	addr := net.JoinHostPort(ip, "7001")
	auth := func(token string) (net.Conn, *bufio.Reader, string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
			if err == nil {
				t.Cleanup(func() { conn.Close() })
				_ = conn.SetDeadline(time.Now().Add(time.Minute))
				r := bufio.NewReader(conn)
				fmt.Fprintln(conn, "AUTH "+token)
				l, err := r.ReadString('\n')
				if err == nil {
					return conn, r, strings.TrimSpace(l)
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the chat at %s never answered: %v\n%s", addr, err, tail(c.logs("chat-server-0"), 30))
			}
			time.Sleep(time.Second)
		}
	}
	readUntil := func(r *bufio.Reader, suffix string) {
		t.Helper()
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("waiting for %q: %v\n%s", suffix, err, tail(c.logs("chat-server-0"), 30))
			}
			if strings.HasSuffix(strings.TrimSpace(l), suffix) {
				return
			}
		}
	}
	if _, _, got := auth("wrong"); !strings.HasPrefix(got, "ERR ") {
		t.Fatalf("a client with a wrong token got %q; want ERR ...", got)
	}
	a, ra, got := auth(token)
	if got != "OK" {
		t.Fatalf("a client with the token got %q; want OK", got)
	}
	readUntil(ra, "you are client 1")
	_, rb, got := auth(token)
	if got != "OK" {
		t.Fatalf("a second client with the token got %q; want OK", got)
	}
	readUntil(rb, "you are client 2")
	readUntil(ra, "client 2 joined")
	fmt.Fprintln(a, "hello over kubernetes")
	readUntil(rb, "1: hello over kubernetes")
}
