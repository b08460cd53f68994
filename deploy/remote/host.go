// SPDX-License-Identifier: Apache-2.0

package remote

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Auth is how to log in to hosts and how to trust them.
type Auth struct {
	// KeyFiles are private keys (OpenSSH or PEM, not passphrase-protected)
	// to log in with. With none, and no agent, Dial looks for
	// ~/.ssh/id_ed25519, id_ecdsa and id_rsa.
	KeyFiles []string
	// NoAgent leaves a running ssh-agent (SSH_AUTH_SOCK) unused.
	NoAgent bool
	// KnownHosts are the known_hosts files that list the hosts' keys;
	// ~/.ssh/known_hosts if empty.
	KnownHosts []string
	// Timeout bounds logging in; 15 s if zero.
	Timeout time.Duration
}

// Host is a logged-in connection to a target.
type Host struct {
	Target Target
	client *ssh.Client
}

// Dial logs in to t. The host's key must be in auth's known_hosts files.
func Dial(ctx context.Context, t Target, auth Auth) (*Host, error) {
	cfg, err := clientConfig(t, auth)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	nc, err := d.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, fmt.Errorf("remote: %s: %w", t, err)
	}
	// NB: the handshake has no context of its own: a deadline bounds it.
	_ = nc.SetDeadline(time.Now().Add(cfg.Timeout))
	conn, chans, reqs, err := ssh.NewClientConn(nc, t.Addr(), cfg)
	if err != nil {
		nc.Close()
		switch {
		case knownhosts.IsHostUnknown(err):
			return nil, fmt.Errorf("remote: %s: the host's key is in no known_hosts file (%s); check the key and add it, e.g. with ssh-keyscan -p %d %s >> ~/.ssh/known_hosts",
				t, strings.Join(knownFiles(auth), ", "), t.Port, t.Host)
		case knownhosts.IsHostKeyChanged(err):
			return nil, fmt.Errorf("remote: %s: THE HOST'S KEY HAS CHANGED from the one known_hosts lists: someone may be posing as the host; refusing it: %w", t, err)
		}
		return nil, fmt.Errorf("remote: %s: logging in: %w", t, err)
	}
	_ = nc.SetDeadline(time.Time{})
	return &Host{Target: t, client: ssh.NewClient(conn, chans, reqs)}, nil
}

func knownFiles(auth Auth) []string {
	if len(auth.KnownHosts) > 0 {
		return auth.KnownHosts
	}
	home, _ := os.UserHomeDir()
	return []string{filepath.Join(home, ".ssh", "known_hosts")}
}

func clientConfig(t Target, auth Auth) (*ssh.ClientConfig, error) {
	db, err := knownhosts.NewDB(knownFiles(auth)...)
	if err != nil {
		return nil, fmt.Errorf("remote: reading known hosts: %w", err)
	}
	var methods []ssh.AuthMethod
	var signers []ssh.Signer
	files := auth.KeyFiles
	if len(files) == 0 {
		home, _ := os.UserHomeDir()
		for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			if p := filepath.Join(home, ".ssh", n); fileExists(p) {
				files = append(files, p)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("remote: reading key: %w", err)
		}
		s, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("remote: key %s: %w (a key with a passphrase goes through ssh-agent)", f, err)
		}
		signers = append(signers, s)
	}
	if len(signers) > 0 {
		methods = append(methods, ssh.PublicKeys(signers...))
	}
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" && !auth.NoAgent {
		methods = append(methods, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			c, err := net.Dial("unix", sock)
			if err != nil {
				return nil, fmt.Errorf("remote: ssh-agent at %s: %w", sock, err)
			}
			// NB: the signers use the connection while logging in, which
			// ends before Dial returns; the connection stays open until
			// then and is left to the garbage collector.
			return agent.NewClient(c).Signers()
		}))
	}
	if len(methods) == 0 {
		return nil, errors.New("remote: no key to log in with: give a key file, or run ssh-agent")
	}
	timeout := auth.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	return &ssh.ClientConfig{
		User:              t.User,
		Auth:              methods,
		HostKeyCallback:   db.HostKeyCallback(),
		HostKeyAlgorithms: db.HostKeyAlgorithms(t.Addr()),
		Timeout:           timeout,
	}, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Close logs out, ending every command still attached to a session (their
// standard input reaches its end).
func (h *Host) Close() error { return h.client.Close() }

// Run runs cmd in the host's shell with stdin (nil for none) and returns
// what it printed on its standard output. An exit other than 0 is an error
// holding what it printed on its standard error.
func (h *Host) Run(ctx context.Context, cmd string, stdin io.Reader) ([]byte, error) {
	s, err := h.client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("remote: %s: %w", h.Target, err)
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	s.Stdin, s.Stdout, s.Stderr = stdin, &out, limit(&errOut, 64<<10)
	done := make(chan error, 1)
	go func() { done <- s.Run(cmd) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		s.Close()
		<-done
		return nil, fmt.Errorf("remote: %s: %s: %w", h.Target, cmd, ctx.Err())
	}
	if err != nil {
		return out.Bytes(), fmt.Errorf("remote: %s: %s: %w: %s", h.Target, cmd, err, strings.TrimSpace(errOut.String()))
	}
	return out.Bytes(), nil
}

// Upload writes what r holds to path on the host with mode perm, through a
// file beside it renamed into place, so that path is never half written.
// The directories on the way are made, readable by the user only.
func (h *Host) Upload(ctx context.Context, path string, r io.Reader, perm os.FileMode) error {
	tmp := path + ".part"
	cmd := fmt.Sprintf("umask 077 && mkdir -p %s && cat > %s && chmod %o %s && mv -f %s %s",
		Quote(dirOf(path)), Quote(tmp), perm, Quote(tmp), Quote(tmp), Quote(path))
	_, err := h.Run(ctx, cmd, r)
	return err
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return "."
}

// Proc is a command Start started.
type Proc struct {
	host *Host
	s    *ssh.Session
	in   io.WriteCloser
	// PID is the command's process ID on its host.
	PID  int
	done chan struct{}
	err  error
}

// Start runs cmd with sh -c on the host, and copies its standard output
// to stdout and its standard error to stderr. Its standard input holds
// input, then stays open as its lifeline (see Close): cmd reads input with
// head -c len(input), say. Start returns once the command runs, with the
// process ID of its shell: cmd ends with exec PROGRAM for that to be
// PROGRAM's too.
func (h *Host) Start(cmd string, input []byte, stdout, stderr io.Writer) (*Proc, error) {
	s, err := h.client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("remote: %s: %w", h.Target, err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("remote: %s: %w", h.Target, err)
	}
	pout, err := s.StdoutPipe()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("remote: %s: %w", h.Target, err)
	}
	s.Stderr = stderr
	// The login shell prints its PID, which exec keeps for sh and sh's
	// own exec for the program.
	if err := s.Start("echo $$ && exec sh -c " + Quote(cmd)); err != nil {
		s.Close()
		return nil, fmt.Errorf("remote: %s: starting %s: %w", h.Target, cmd, err)
	}
	if _, err := in.Write(input); err != nil {
		s.Close()
		return nil, fmt.Errorf("remote: %s: starting %s: %w", h.Target, cmd, err)
	}
	br := bufio.NewReader(pout)
	line, err := br.ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil || pid <= 0 {
		s.Close()
		return nil, fmt.Errorf("remote: %s: starting %s: no process ID (%q)", h.Target, cmd, line)
	}
	p := &Proc{host: h, s: s, in: in, PID: pid, done: make(chan struct{})}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(stdout, br)
	}()
	go func() {
		err := s.Wait()
		<-copied
		var ee *ssh.ExitError
		var missing *ssh.ExitMissingError
		switch {
		case errors.As(err, &ee):
			p.err = fmt.Errorf("remote: %s: process %d: %w", h.Target, pid, ee)
		case errors.As(err, &missing), errors.Is(err, io.EOF):
			p.err = fmt.Errorf("remote: %s: process %d: the connection to the host was lost", h.Target, pid)
		case err != nil:
			p.err = fmt.Errorf("remote: %s: process %d: %w", h.Target, pid, err)
		}
		close(p.done)
	}()
	return p, nil
}

// Done is closed when the command has ended and its output is copied.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Wait waits for the command to end. It returns nil for an exit status of
// 0, and otherwise an error naming the host, the process and how it ended.
func (p *Proc) Wait() error {
	<-p.done
	return p.err
}

// Signal sends the command's process group the signal named sig ("TERM",
// "INT") through its session, as OpenSSH's sshd (7.9 and later) delivers
// them. A server that does not deliver signals ignores the request: Kill
// works on any.
func (p *Proc) Signal(sig string) error {
	if err := signalName(sig); err != nil {
		return err
	}
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := p.s.Signal(ssh.Signal(sig)); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("remote: %s: signalling process %d: %w", p.host.Target, p.PID, err)
	}
	return nil
}

// Kill sends the command the signal named sig ("TERM", "KILL") with
// kill(1) in a session of its own. A command that has ended is not
// signalled.
func (p *Proc) Kill(ctx context.Context, sig string) error {
	if err := signalName(sig); err != nil {
		return err
	}
	select {
	case <-p.done:
		return nil
	default:
	}
	// NB: the process may end between the check above and kill; kill
	// then fails, which is not an error here.
	_, err := p.host.Run(ctx, fmt.Sprintf("kill -%s %d 2>/dev/null || true", sig, p.PID), nil)
	return err
}

func signalName(sig string) error {
	if sig == "" || strings.IndexFunc(sig, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return fmt.Errorf("remote: bad signal name %q", sig)
	}
	return nil
}

// Close ends the command's standard input: its lifeline.
func (p *Proc) Close() error { return p.in.Close() }

// limit is a writer that keeps at most n bytes and drops the rest.
func limit(w *bytes.Buffer, n int) io.Writer { return &limited{w: w, n: n} }

type limited struct {
	mu sync.Mutex
	w  *bytes.Buffer
	n  int
}

func (l *limited) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
