// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hydro-go/hydro/internal/node"
)

// finishMark starts the line a node of a finite flow writes each time it
// becomes idle (NodeConfig.Finish), for its deployer, which keeps such
// lines out of the fleet's output. The control character keeps a line a
// program prints from passing for one.
const finishMark = "\x1fhydro idle: "

// namedMark starts the report line of a node that shares its OS process
// with others (RunNodes): the node's name follows it, then ": " and the
// report, since the line's prefix names the process.
const namedMark = "\x1fhydro idle "

// idleWriter returns Node.Idle for a node that reports to w.
func idleWriter(w io.Writer) func(node.Idle) {
	return func(r node.Idle) {
		// One write per line: the deployer reads whole lines.
		_, _ = io.WriteString(w, finishMark+r.String()+"\n")
	}
}

// namedIdleWriter returns Node.Idle for a node named name that reports
// to w, shared with the other nodes of its process.
func namedIdleWriter(w io.Writer, name string) func(node.Idle) {
	return func(r node.Idle) {
		_, _ = io.WriteString(w, namedMark+name+": "+r.String()+"\n")
	}
}

// finishWatch is the writer a deployer hands the members' prefixed lines
// ("[Worker/1] ..."): it takes the nodes' idle reports out of them, passes
// every other line on to out, and closes done once the reports show the
// fleet finished (node.Finished). It takes whole lines, one per write, as
// launch.CopyLines writes them.
type finishWatch struct {
	out   io.Writer
	names []string
	done  chan struct{}

	mu     sync.Mutex
	latest map[string]node.Idle
	closed bool
}

func newFinishWatch(out io.Writer, names []string) *finishWatch {
	return &finishWatch{out: out, names: names, done: make(chan struct{}), latest: map[string]node.Idle{}}
}

func (w *finishWatch) Write(p []byte) (int, error) {
	if name, rest, ok := w.split(p); ok {
		if r, ok := node.ParseIdle(string(bytes.TrimRight(rest, "\n"))); ok {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.latest[name] = r
			if !w.closed && node.Finished(w.names, w.latest) {
				w.closed = true
				close(w.done)
			}
			return len(p), nil
		}
	}
	return w.out.Write(p)
}

// split cuts "[NAME] " and the mark off a report line, or "[PROCESS] ",
// the named mark and "NAME: " off that of a node sharing its process.
func (w *finishWatch) split(p []byte) (name string, rest []byte, ok bool) {
	if len(p) == 0 || p[0] != '[' {
		return "", nil, false
	}
	if end := bytes.Index(p, []byte("] "+finishMark)); end >= 0 {
		return string(p[1:end]), p[end+2+len(finishMark):], true
	}
	end := bytes.Index(p, []byte("] "+namedMark))
	if end < 0 {
		return "", nil, false
	}
	rest = p[end+2+len(namedMark):]
	i := bytes.Index(rest, []byte(": "))
	if i <= 0 {
		return "", nil, false
	}
	return string(rest[:i]), rest[i+2:], true
}

// finished prints that the fleet finished.
func finished(out io.Writer, members int) {
	noun := "members"
	if members == 1 {
		noun = "member"
	}
	fmt.Fprintf(out, "[deployer] finished: %d %s idle, every message delivered\n", members, noun)
}
