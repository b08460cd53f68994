// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/internal/fleettest"
)

type extServer struct{}
type extClient struct{}
type extFeed struct{}

// sum is a request of the calculator below.
type sum struct {
	A, B int
}

// calculator answers each sum request with A+B, counting each
// connection's requests; it also passes lines from a hydro.SourceExternal port
// to a hydro.SinkExternal one, upper-cased.
type calculator struct {
	f      *hydro.Flow
	server *hydro.Process[extServer]
	calc   *hydro.BidiPort[sum, int, extServer]
	feed   *hydro.InPort[string]
	news   *hydro.OutPort[string]
	seen   *hydro.Output[hydro.KV[hydro.ConnID, hydro.ConnEvent]]
}

func newCalculator() *calculator {
	f := hydro.NewFlow()
	c := &calculator{f: f, server: hydro.NewProcess[extServer](f)}
	clients := hydro.NewExternal[extClient](f)
	c.calc = hydro.BidiExternal(c.server, clients, hydro.CBOR[sum](), hydro.CBOR[int]())
	c.calc.Respond(hydro.MapValues(c.calc.Requests(), func(s sum) int { return s.A + s.B }))
	c.seen = hydro.NewOutput(c.calc.Events().Entries())
	feeds := hydro.NewExternal[extFeed](f)
	var lines hydro.Stream[string, *hydro.Process[extServer]]
	c.feed, lines = hydro.SourceExternal(c.server, feeds, hydro.Lines)
	c.news = hydro.SinkExternal(hydro.Map(lines, strings.ToUpper), feeds, hydro.Lines)
	return c
}

// startNode runs the server of c as a deployed node in this process, with
// its ports at free addresses, until the test ends.
func startNode(t *testing.T, c *calculator) (ports map[string]string, logs *fleettest.Output) {
	t.Helper()
	addrs, err := freeAddrs(4)
	if err != nil {
		t.Fatal(err)
	}
	ports = map[string]string{"extClient": addrs[1], "extFeed": addrs[2], "extFeed.2": addrs[3]}
	logs = &fleettest.Output{}
	peers := map[string]string{"extServer": addrs[0]}
	cfg := deploy.NodeConfig{Role: "extServer", Peers: peers, Ports: ports,
		Logger: slog.New(slog.NewTextHandler(logs, nil)), TLS: issue(t, peers)["extServer"]}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- deploy.RunNode(ctx, c.f, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("deploy.RunNode = %v", err)
		}
	})
	return ports, logs
}

func TestExternalDeployed(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the node stops
	c := newCalculator()
	ports, logs := startNode(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	calc, err := deploy.Dial(ctx, ports["extClient"], hydro.CBOR[sum](), hydro.CBOR[int]())
	if err != nil {
		t.Fatal(err)
	}
	defer calc.Close()
	if err := calc.Send(sum{1, 2}, sum{40, 2}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{3, 42} {
		if got, err := calc.Receive(ctx); err != nil || got != want {
			t.Fatalf("Receive = %d, %v; want %d", got, err, want)
		}
	}

	// Undecodable CBOR closes that client only.
	bad, err := net.Dial("tcp", ports["extClient"])
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	bad.Write([]byte{0, 0, 0, 2, 0x63, 'a'}) // a length-prefixed message: a text string cut short
	bad.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := bad.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d bytes from a client sending bad CBOR; want the connection closed", n)
	}
	if !strings.Contains(logs.String(), `msg="closing client: bad input" port=extClient conn=2`) {
		t.Errorf("no log line for the bad client:\n%s", logs)
	}
	if err := calc.Send(sum{5, 5}); err != nil {
		t.Fatal(err)
	}
	if got, err := calc.Receive(ctx); err != nil || got != 10 {
		t.Fatalf("Receive = %d, %v; want 10", got, err)
	}

	// One-way ports.
	news, err := deploy.Dial(ctx, ports["extFeed.2"], hydro.Lines, hydro.Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer news.Close()
	feed, err := deploy.Dial(ctx, ports["extFeed"], hydro.Lines, hydro.Lines)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	// The listener must be connected before the line is fed: poll.
	for {
		if err := feed.Send("hi"); err != nil {
			t.Fatal(err)
		}
		rctx, rcancel := context.WithTimeout(ctx, 50*time.Millisecond)
		got, err := news.Receive(rctx)
		rcancel()
		if err == nil {
			if got != "HI" {
				t.Fatalf("news received %q; want HI", got)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the news port never sent the fed line")
		}
	}
	if err := feed.Send("a\nb"); err == nil {
		t.Error("Send of a line with a newline: no error")
	}
	if err := calc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := calc.Receive(ctx); err != io.EOF {
		t.Errorf("Receive after CloseWrite = %v; want io.EOF once the port closes", err)
	}
}

func TestDialGivesUp(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the node stops
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := deploy.Dial(ctx, addr, hydro.Lines, hydro.Lines); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial = %v; want an error matching context.DeadlineExceeded", err)
	}
	if _, err := deploy.Dial(context.Background(), addr, hydro.Lines, hydro.Codec[string]{}); err == nil {
		t.Error("Dial with the zero Codec: no error")
	}
}

// freeAddrs returns n loopback addresses whose ports were free a moment ago.
func freeAddrs(n int) ([]string, error) {
	var addrs []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, ln.Addr().String())
		defer ln.Close()
	}
	return addrs, nil
}
