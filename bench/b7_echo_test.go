// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/bench/internal/netbench"
)

// B7 echo: a client keeps k requests outstanding (k = 1 and 100) against
// an echo server over loopback TCP, each answer followed at once by the
// next request of its slot. A request is 16 bytes: an id and the time it
// was sent. The client checks every answer and records its round trip in
// an HDR histogram (netbench.Recorder). The loop runs from start to stop;
// an iteration waits for the next n answers. Reported: ns/rt, the time per
// answer (the inverse of the throughput), and the p50 and p99 round trips
// of the timed iterations.
//
// Each runs in plaintext (op=echo) and over mutual TLS 1.3 (op=echo,tls=1),
// the baseline then a ping-pong over crypto/tls; NATS in plaintext only.
//
//	baseline  raw TCP, 16 bytes each way: each side reads through a bufio
//	          reader and writes through a bufio writer, flushed once it has
//	          handled every message already received
//	hydro     two processes of one flow run by deploy.RunNode: the client's
//	          requests (k seeds, then one per answer through a ForwardRef)
//	          are Sent to the server, which Sends each back
//	nats      bench/peers: an embedded NATS server; k goroutines each call
//	          Request in a loop on one connection, and a second connection
//	          answers with Respond

func BenchmarkB7Echo(b *testing.B) {
	for _, secure := range []bool{false, true} {
		for _, k := range netbench.Outstanding {
			n, warm := netbench.EchoSizes(k)
			b.Run(fmt.Sprintf("op=echo,%soutstanding=%d,n=%d", tlsName(secure), k, n), func(b *testing.B) {
				for _, im := range echoImpls(k, secure) {
					b.Run("impl="+im.Name, func(b *testing.B) { netbench.Bench(b, im, n, warm, "ns/rt") })
				}
			})
		}
	}
}

func echoImpls(k int, secure bool) []netbench.Impl {
	return []netbench.Impl{
		{Name: "baseline", Start: func() (*netbench.Run, error) { return baselineEcho(k, secure) }},
		{Name: "hydro", Start: func() (*netbench.Run, error) { return hydroEcho(k, secure) }},
	}
}

// TestEcho runs every implementation of B7 for a few hundred round trips,
// in plaintext and over TLS, and checks that stopping it leaves no
// goroutine behind.
func TestEcho(t *testing.T) {
	for _, secure := range []bool{false, true} {
		for _, k := range netbench.Outstanding {
			for _, im := range echoImpls(k, secure) {
				t.Run(fmt.Sprintf("%soutstanding=%d/impl=%s", tlsName(secure), k, im.Name), func(t *testing.T) { netbench.Test(t, im, 3*k+50) })
			}
		}
	}
}

// baselineEcho: raw TCP (or TLS: a ping-pong over crypto/tls), 16 bytes
// each way.
func baselineEcho(k int, secure bool) (*netbench.Run, error) {
	cc, sc, err := loopback(secure)
	if err != nil {
		return nil, err
	}
	rec := netbench.NewRecorder(k)
	var wg sync.WaitGroup
	wg.Go(func() { // the server
		br := bufio.NewReaderSize(sc, 64<<10)
		bw := bufio.NewWriterSize(sc, 64<<10)
		var buf [16]byte
		for {
			if _, err := io.ReadFull(br, buf[:]); err != nil {
				return // closed by Stop
			}
			bw.Write(buf[:])
			if br.Buffered() == 0 && bw.Flush() != nil {
				return
			}
		}
	})
	wg.Go(func() { // the client
		br := bufio.NewReaderSize(cc, 64<<10)
		bw := bufio.NewWriterSize(cc, 64<<10)
		var buf [16]byte
		for q := range rec.Seeds() {
			q.Put(buf[:])
			bw.Write(buf[:])
		}
		if bw.Flush() != nil {
			return
		}
		for {
			if _, err := io.ReadFull(br, buf[:]); err != nil {
				return
			}
			if q, ok := rec.Answer(netbench.GetReq(buf[:])); ok {
				q.Sent = rec.Now()
				q.Put(buf[:])
				bw.Write(buf[:])
			}
			if br.Buffered() == 0 && bw.Flush() != nil {
				return
			}
		}
	})
	return rec.Run(func() error {
		err := errors.Join(cc.Close(), sc.Close())
		wg.Wait()
		return err
	}), nil
}

type b7Client struct{}

type b7Server struct{}

// hydroEcho: the client's closed loop is a cycle of the flow.
func hydroEcho(k int, secure bool) (*netbench.Run, error) {
	rec := netbench.NewRecorder(k)
	f := hydro.NewFlow()
	c := hydro.NewProcess[b7Client](f)
	s := hydro.NewProcess[b7Server](f)
	next, answered := hydro.ForwardRef[netbench.Req](c)
	stamp := func(q netbench.Req) netbench.Req { q.Sent = rec.Now(); return q }
	reqs := hydro.Chain(hydro.SourceSeq(c, rec.Seeds()), hydro.Map(answered, stamp))
	back := hydro.Send(hydro.Send(reqs, s), c)
	next.Complete(hydro.FilterMap(back, rec.Answer))
	stop, err := startNodes(f, secure, "b7Client", "b7Server")
	if err != nil {
		return nil, err
	}
	return rec.Run(stop), nil
}
