// SPDX-License-Identifier: Apache-2.0

package remote_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro/deploy/remote"
	"github.com/hydro-go/hydro/internal/sshdtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseTarget(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"deploy@10.0.0.2", "deploy@10.0.0.2:22"},
		{"deploy@h1:2222", "deploy@h1:2222"},
		{"ops@[::1]:22", "ops@[::1]:22"},
	} {
		got, err := remote.ParseTarget(c.in)
		if err != nil || got.String() != c.want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"@h1", "u@h1:0", "u@h1:x", "u@", "u@a/b"} {
		if _, err := remote.ParseTarget(bad); err == nil || !strings.HasPrefix(err.Error(), "remote: ") {
			t.Errorf("ParseTarget(%q) = %v; want an error", bad, err)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain/path-1.x": "plain/path-1.x",
		"":               "''",
		"a b":            "'a b'",
		"it's":           `'it'\''s'`,
		"$(rm -rf /)":    "'$(rm -rf /)'",
	} {
		if got := remote.Quote(in); got != want {
			t.Errorf("Quote(%q) = %s; want %s", in, got, want)
		}
	}
}

// server starts an sshd on loopback and returns its target and auth, for
// an unprivileged user, and a directory of that user's.
func server(t *testing.T) (remote.Target, remote.Auth, string) {
	sshdtest.Need(t)
	home := sshdtest.User(t, sshdtest.TestUser)
	s := sshdtest.Start(t, sshdtest.Options{User: sshdtest.TestUser})
	dir := filepath.Join(home, "remote-test", strconv.Itoa(s.Port()))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return remote.MustTarget(s.User + "@" + s.Addr), remote.Auth{KeyFiles: []string{s.ClientKey}, KnownHosts: []string{s.KnownHosts}, NoAgent: true}, dir
}

func dial(t *testing.T, tg remote.Target, auth remote.Auth) *remote.Host {
	t.Helper()
	h, err := remote.Dial(context.Background(), tg, auth)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func TestDialRefusesUnknownAndChangedHosts(t *testing.T) {
	tg, auth, _ := server(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := remote.Dial(context.Background(), tg, remote.Auth{KeyFiles: auth.KeyFiles, KnownHosts: []string{empty}, NoAgent: true})
	if err == nil || !strings.Contains(err.Error(), "in no known_hosts file") || !strings.Contains(err.Error(), "ssh-keyscan") {
		t.Errorf("Dial of an unknown host: %v; want a refusal that says how to add its key", err)
	}
	// Another server's key listed for this one's address.
	other := sshdtest.Start(t, sshdtest.Options{})
	b, err := os.ReadFile(other.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := strings.Cut(string(b), " ")
	changed := filepath.Join(dir, "changed")
	if err := os.WriteFile(changed, []byte("["+tg.Host+"]:"+strconv.Itoa(tg.Port)+" "+key), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = remote.Dial(context.Background(), tg, remote.Auth{KeyFiles: auth.KeyFiles, KnownHosts: []string{changed}, NoAgent: true})
	if err == nil || !strings.Contains(err.Error(), "HAS CHANGED") {
		t.Errorf("Dial of a host whose key changed: %v; want a refusal", err)
	}
}

func TestUploadRun(t *testing.T) {
	tg, auth, dir := server(t)
	h := dial(t, tg, auth)
	ctx := context.Background()
	path := filepath.Join(dir, "a b", "file")
	if err := h.Upload(ctx, path, strings.NewReader("hello\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := h.Run(ctx, "cat "+remote.Quote(path)+" && stat -c %a "+remote.Quote(path), nil)
	if err != nil || string(out) != "hello\n700\n" {
		t.Errorf("after Upload: %q, %v; want the file with mode 700", out, err)
	}
	_, err = h.Run(ctx, "echo oops >&2; exit 3", nil)
	if err == nil || !strings.Contains(err.Error(), "oops") || !strings.Contains(err.Error(), "3") {
		t.Errorf("Run of a failing command: %v; want its status and standard error", err)
	}
}

// lines is a writer tests read from while commands write to it.
type lines struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestStartWaitSignal(t *testing.T) {
	tg, auth, _ := server(t)
	h := dial(t, tg, auth)
	var out, errs lines
	p, err := h.Start("head -c 3; echo out; echo err >&2; exit 3", []byte("in "), &out, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(); err == nil || !strings.Contains(err.Error(), "3") {
		t.Errorf("Wait: %v; want exit status 3", err)
	}
	if out.String() != "in out\n" || errs.String() != "err\n" {
		t.Errorf("output %q and %q; want the input, out and err", out.String(), errs.String())
	}

	p, err = h.Start("exec sleep 60", nil, &out, &errs)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := h.Run(context.Background(), "ps -o comm= -p "+strconv.Itoa(p.PID), nil)
	if err != nil || strings.TrimSpace(string(ps)) != "sleep" {
		t.Errorf("process %d is %q, %v; want sleep", p.PID, ps, err)
	}
	// sshd delivers a session's signals to an unprivileged login only.
	if tg.User != "root" {
		if err := p.Signal("TERM"); err != nil {
			t.Fatal(err)
		}
	} else if err := p.Kill(context.Background(), "TERM"); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(); err == nil || !strings.Contains(err.Error(), "TERM") {
		t.Errorf("Wait after TERM: %v; want the signal", err)
	}
	if err := p.Kill(context.Background(), "KILL"); err != nil {
		t.Errorf("Kill of an ended command: %v", err)
	}
	if err := p.Signal("9; rm"); err == nil {
		t.Error("Signal took a bad name")
	}

	p, err = h.Start("exec sleep 60", nil, &out, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Kill(context.Background(), "KILL"); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(); err == nil || !strings.Contains(err.Error(), "KILL") {
		t.Errorf("Wait after kill -KILL: %v; want the signal", err)
	}
}

// A command's standard input ends when its Proc is closed, and when the
// host's connection goes.
func TestLifeline(t *testing.T) {
	tg, auth, dir := server(t)
	h := dial(t, tg, auth)
	var out lines
	p, err := h.Start("exec cat", nil, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	if err := p.Wait(); err != nil {
		t.Errorf("cat after Close: %v; want a clean end", err)
	}

	marker := filepath.Join(dir, "gone")
	h2, err := remote.Dial(context.Background(), tg, auth)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := h2.Start("mkdir -p "+remote.Quote(dir)+"; cat; touch "+remote.Quote(marker), nil, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	h2.Close()
	<-p2.Done()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a command went on after its host's connection closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
