// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hydro-go/hydro/internal/launch"
)

// readyMark is the line a node launched by Localhost writes once it
// listens for its peers and on its external ports (NodeConfig.Ready). The
// control character keeps a line a program prints from passing for one.
const readyMark = "\x1fhydro listening"

// readyWriter returns node.Node.Listening for a node that reports to w.
func readyWriter(w io.Writer) func() {
	return func() { _, _ = io.WriteString(w, readyMark+"\n") }
}

// readyWatch is the writer a localhost deployer hands the members'
// prefixed lines ("[Worker/1] ..."): it takes the nodes' ready lines out
// of them and passes every other line on to next. It announces each
// external port on out once the member serving it is ready, and not
// before the fleet's start is announced (started), so that the deployer's
// first line says what it started. It takes whole lines, one per write,
// as launch.CopyLines writes them.
type readyWatch struct {
	next, out io.Writer
	ports     []launch.Member
	servers   []string // the member serving each port

	mu      sync.Mutex
	began   bool
	ready   map[string]bool
	pending []string // members ready before began
}

func newReadyWatch(next, out io.Writer, ports []launch.Member, servers []string) *readyWatch {
	return &readyWatch{next: next, out: out, ports: ports, servers: servers, ready: map[string]bool{}}
}

func (w *readyWatch) Write(p []byte) (int, error) {
	name, ok := readyLine(p)
	if !ok {
		return w.next.Write(p)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ready[name] {
		return len(p), nil
	}
	w.ready[name] = true
	if w.began {
		w.announceLocked(name)
	} else {
		w.pending = append(w.pending, name)
	}
	return len(p), nil
}

// started announces the fleet's members and admin addresses, then the
// ports of the members ready already.
func (w *readyWatch) started(members, admins []launch.Member) {
	w.mu.Lock()
	defer w.mu.Unlock()
	announce(w.out, members, nil, admins)
	w.began = true
	for _, name := range w.pending {
		w.announceLocked(name)
	}
	w.pending = nil
}

func (w *readyWatch) announceLocked(member string) {
	for i, p := range w.ports {
		if w.servers[i] == member {
			fmt.Fprintf(w.out, "[deployer] port %s listening on %s\n", p.Name, p.Addr)
		}
	}
}

// readyLine reports whether p is "[NAME] " and the ready mark, and NAME.
func readyLine(p []byte) (string, bool) {
	rest, ok := bytes.CutSuffix(bytes.TrimRight(p, "\r\n"), []byte("] "+readyMark))
	if !ok || len(rest) == 0 || rest[0] != '[' {
		return "", false
	}
	return string(rest[1:]), true
}
