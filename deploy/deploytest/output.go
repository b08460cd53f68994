// SPDX-License-Identifier: Apache-2.0

package deploytest

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

// Deployer is the prefix name of the deployer's own lines ("[deployer] ").
const Deployer = "deployer"

// Output returns every line printed so far, the deployer's and its
// members', each with its prefix, joined by newlines.
func (f *Fleet) Output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.lines, "\n")
}

// Lines returns the lines printed so far by member ("Leader", "Worker/2",
// or Deployer), without their prefix.
func (f *Fleet) Lines(member string) []string {
	prefix := "[" + member + "] "
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, l := range f.lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

// WaitFor waits until a line of output, with its prefix, satisfies match,
// and returns it; a line printed before the call counts. It fails the test
// with the output so far if none does within timeout, or if the output
// ends first; what says what was awaited.
func (f *Fleet) WaitFor(what string, timeout time.Duration, match func(line string) bool) string {
	f.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	find := func() (string, bool) {
		f.mu.Lock()
		lines := f.lines[seen:]
		seen = len(f.lines)
		f.mu.Unlock()
		for _, l := range lines {
			if match(l) {
				return l, true
			}
		}
		return "", false
	}
	for {
		if l, ok := find(); ok {
			return l
		}
		select {
		case <-f.more:
		case <-f.done:
			// The last lines may have come with the end: look once more.
			if l, ok := find(); ok {
				return l
			}
			f.t.Fatalf("deploytest: the fleet's output ended before %s; output:\n%s", what, f.Output())
		case <-deadline.C:
			f.t.Fatalf("deploytest: no %s within %v; output:\n%s", what, timeout, f.Output())
		}
	}
}

// WaitLine waits until member ("Leader", "Worker/2", or Deployer) prints a
// line containing text, and returns the line without its prefix. It fails
// the test as WaitFor does.
func (f *Fleet) WaitLine(member, text string, timeout time.Duration) string {
	f.t.Helper()
	prefix := "[" + member + "] "
	l := f.WaitFor("line of "+member+" with "+strconv.Quote(text), timeout, func(l string) bool {
		rest, ok := strings.CutPrefix(l, prefix)
		return ok && strings.Contains(rest, text)
	})
	return strings.TrimPrefix(l, prefix)
}

// PortAddr waits for the deployer to announce the address of the external
// port name ("[deployer] port Client listening on 127.0.0.1:40123") and
// returns it. The deployer announces a port once the node serving it
// listens, so a dial right after connects.
func (f *Fleet) PortAddr(name string, timeout time.Duration) string {
	f.t.Helper()
	return f.announced("port "+name+" listening on ", "the address of port "+name, timeout)
}

// AdminAddr waits for the deployer to announce the admin address of member
// ("[deployer] admin Worker/1 on 127.0.0.1:40125"), which it does when
// the fleet runs with -admin, and returns it. The node may not serve it
// yet: retry a first request.
func (f *Fleet) AdminAddr(member string, timeout time.Duration) string {
	f.t.Helper()
	return f.announced("admin "+member+" on ", "the admin address of "+member, timeout)
}

// announced waits for the deployer's line that starts with prefix and
// returns the rest of it.
func (f *Fleet) announced(prefix, what string, timeout time.Duration) string {
	f.t.Helper()
	prefix = "[" + Deployer + "] " + prefix
	line := f.WaitFor(what, timeout, func(l string) bool { return strings.HasPrefix(l, prefix) })
	return strings.TrimPrefix(line, prefix)
}

// DialTimeout bounds how long Dial waits for the port's address and
// retries connecting to it.
const DialTimeout = 30 * time.Second

// Dial connects a client to the fleet's external port name, with the
// port's codecs, waiting up to DialTimeout for the port to be announced and
// to listen; opts are Dial's (deploy.WithTLS, deploy.WithToken, for a
// fleet started with -port-tls or -port-token-file). It fails the test if
// it cannot, and closes the client at the end of the test.
func Dial[Req, Resp any](f *Fleet, name string, req hydro.Codec[Req], resp hydro.Codec[Resp], opts ...deploy.DialOption) *deploy.Client[Req, Resp] {
	f.t.Helper()
	addr := f.PortAddr(name, DialTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), DialTimeout)
	defer cancel()
	c, err := deploy.Dial(ctx, addr, req, resp, opts...)
	if err != nil {
		f.t.Fatalf("deploytest: %v", err)
	}
	f.t.Cleanup(func() { c.Close() })
	return c
}
