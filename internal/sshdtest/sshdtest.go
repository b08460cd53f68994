// SPDX-License-Identifier: Apache-2.0

// Package sshdtest runs OpenSSH's sshd for tests of the SSH deployer: a
// server of its own per test, on an address the test picks (inside a
// network namespace, if it names one), with a fresh host key written into a
// known_hosts file and a fresh client key it accepts, for the user the test
// runs as. It installs Debian's openssh-server when sshd is missing and the
// test runs as root.
//
// Without sshd, or without root where root is needed, a test is skipped,
// unless CI is set in its environment: then it fails, so that CI never
// passes without having run it.
package sshdtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Sshd is where sshd is.
const Sshd = "/usr/sbin/sshd"

// Need makes sure sshd is installed and the test runs as root (sshd logs
// users in only when it runs as root), or skips (fails under CI) the test.
func Need(t testing.TB) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") != "" {
		fail = t.Fatalf
	}
	if os.Geteuid() != 0 {
		fail("sshd needs root to log users in")
		return
	}
	if _, err := os.Stat(Sshd); err == nil {
		return
	}
	if err := Install(); err != nil {
		fail("%v", err)
	}
}

// Install installs Debian's openssh-server (and with it sshd), waiting for
// another apt-get to finish.
func Install() error {
	install := func() ([]byte, error) {
		c := exec.Command("apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "openssh-server")
		c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return c.CombinedOutput()
	}
	if _, err := install(); err != nil {
		if out, err := exec.Command("apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=300").CombinedOutput(); err != nil {
			return fmt.Errorf("sshdtest: apt-get update: %v\n%s", err, out)
		}
		if out, err := install(); err != nil {
			return fmt.Errorf("sshdtest: apt-get install openssh-server: %v\n%s", err, out)
		}
	}
	return nil
}

// User makes sure a user named name exists, with a home and /bin/sh as
// its shell, adding it with useradd if it does not, and returns its home.
// Tests log in as such a user to deploy as an unprivileged user would (and
// sshd delivers a session's signals only to an unprivileged login).
func User(t testing.TB, name string) string {
	t.Helper()
	if u, err := user.Lookup(name); err == nil {
		return u.HomeDir
	}
	// No password, and not locked: sshd without PAM refuses a locked
	// account (useradd's default, "!") even a key.
	if out, err := exec.Command("useradd", "--create-home", "--shell", "/bin/sh", "--password", "*", name).CombinedOutput(); err != nil {
		// Another test's useradd may have added it meanwhile.
		if u, lerr := user.Lookup(name); lerr == nil {
			return u.HomeDir
		}
		t.Fatalf("sshdtest: useradd %s: %v\n%s", name, err, out)
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("sshdtest: user %s: %v", name, err)
	}
	return u.HomeDir
}

// TestUser is the unprivileged user tests log in as (see User).
const TestUser = "hydro-e2e"

// Server is a running sshd.
type Server struct {
	// Addr is HOST:PORT, where it listens.
	Addr string
	// KnownHosts is a known_hosts file that lists its host key for Addr.
	KnownHosts string
	// ClientKey is a private key file it accepts for the test's user.
	ClientKey string
	// User is the user to log in as: the test's.
	User string
	cmd  *exec.Cmd
}

// Options say where a server listens.
type Options struct {
	// Addr is HOST:PORT; 127.0.0.1 on a free port if empty.
	Addr string
	// Netns, if set, is the network namespace sshd runs in (ip netns).
	Netns string
	// ClientKey, if set, is a client key file to accept instead of a
	// fresh one (several servers share one key this way).
	ClientKey string
	// Dir holds the server's files; t.TempDir() if empty.
	Dir string
	// User is the user to log in as; the test's if empty (see User).
	User string
}

// Start starts an sshd and stops it at the end of the test. Call Need
// first.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	dir := o.Dir
	if dir == "" {
		dir = t.TempDir()
	}
	if o.Addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		o.Addr = ln.Addr().String()
		ln.Close()
	}
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		t.Fatal(err)
	}
	// sshd refuses to start without its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	hostKey := filepath.Join(dir, "host_ed25519")
	hostPub := writeKey(t, hostKey)
	clientKey := o.ClientKey
	if clientKey == "" {
		clientKey = filepath.Join(dir, "client_ed25519")
		writeKey(t, clientKey)
	}
	clientPub := publicOf(t, clientKey)
	// sshd reads the authorized keys as the user logging in: they go to
	// a directory of their own that every user can read (a test's
	// directory is its owner's alone).
	authDir, err := os.MkdirTemp("", "sshdtest-keys-")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(authDir) })
	must(t, os.Chmod(authDir, 0o755))
	auth := filepath.Join(authDir, "authorized_keys")
	must(t, os.WriteFile(auth, ssh.MarshalAuthorizedKey(clientPub), 0o644))
	known := filepath.Join(dir, "known_hosts")
	entry := host
	if port != "22" {
		entry = "[" + host + "]:" + port
	}
	must(t, os.WriteFile(known, []byte(entry+" "+string(ssh.MarshalAuthorizedKey(hostPub))), 0o600))
	cfg := filepath.Join(dir, "sshd_config")
	must(t, os.WriteFile(cfg, fmt.Appendf(nil, `Port %s
ListenAddress %s
HostKey %s
AuthorizedKeysFile %s
PidFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel ERROR
`, port, host, hostKey, auth, filepath.Join(dir, "sshd.pid")), 0o600))
	args := []string{Sshd, "-D", "-e", "-f", cfg}
	if o.Netns != "" {
		args = append([]string{"ip", "netns", "exec", o.Netns}, args...)
	}
	var logs bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("sshdtest: starting sshd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	s := &Server{Addr: o.Addr, KnownHosts: known, ClientKey: clientKey, User: o.User, cmd: cmd}
	if s.User == "" {
		s.User = currentUser(t)
	}
	// Ready once it accepts a connection and says hello.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("sshdtest: sshd exited: %v\n%s", err, logs.String())
		case <-ctx.Done():
			t.Fatalf("sshdtest: sshd not answering on %s within 10s\n%s", o.Addr, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if ready(o) {
			return s
		}
	}
}

// ready reports whether a server answers with its SSH banner; from inside
// its namespace if it has one.
func ready(o Options) bool {
	if o.Netns != "" {
		host, port, _ := net.SplitHostPort(o.Addr)
		// bash's /dev/tcp reads the banner without another tool.
		out, err := exec.Command("ip", "netns", "exec", o.Netns, "timeout", "1", "bash", "-c",
			"exec 3<>/dev/tcp/"+host+"/"+port+" && head -c 4 <&3").Output()
		return err == nil && string(out) == "SSH-"
	}
	c, err := net.DialTimeout("tcp", o.Addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	b := make([]byte, 4)
	_, err = c.Read(b)
	return err == nil && string(b) == "SSH-"
}

// Port is the server's port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

func currentUser(t testing.TB) string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if os.Geteuid() == 0 {
		return "root"
	}
	t.Fatal("sshdtest: who runs this test? USER is not set")
	return ""
}

// writeKey writes a fresh ed25519 private key in OpenSSH's format to path
// and returns its public key.
func writeKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	block, err := ssh.MarshalPrivateKey(priv, "")
	must(t, err)
	must(t, os.WriteFile(path, pem.EncodeToMemory(block), 0o600))
	return publicOf(t, path)
}

func publicOf(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	s, err := ssh.ParsePrivateKey(b)
	must(t, err)
	return s.PublicKey()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
