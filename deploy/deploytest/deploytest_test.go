// SPDX-License-Identifier: Apache-2.0

package deploytest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
	"github.com/hydro-go/hydro/deploy/deploytest"
)

// Server answers the clients of the flow under test.
type Server struct{}

// Client is whoever connects.
type Client struct{}

// build is an echo server that also prints, on the server, every line it
// hears.
func build(f *hydro.Flow) {
	server := hydro.NewProcess[Server](f)
	port := hydro.BidiExternal(server, hydro.NewExternal[Client](f), hydro.Lines, hydro.Lines)
	lines := port.Requests()
	hydro.ForEach(hydro.AssumeOrdered(lines.Values().Named("heard"), "printed as it comes"), func(l string) { fmt.Println("heard", l) })
	port.Respond(lines)
}

func TestMain(m *testing.M) { deploytest.Main(m, build) }

// The test as a user writes it: the fleet from this test binary, a client
// on its port, a line of the server's output, a clean stop.
func TestStartTest(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := deploytest.StartTest(t)
	c := deploytest.Dial(f, "Client", hydro.Lines, hydro.Lines)
	if err := c.Send("hello"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if got, err := c.Receive(ctx); err != nil || got != "hello" {
		t.Fatalf("Receive() = %q, %v; want hello", got, err)
	}
	if got := f.WaitLine("Server", "heard", 30*time.Second); got != "heard hello" {
		t.Errorf("WaitLine(Server, heard) = %q; want heard hello", got)
	}
	c.Close()
	f.Stop()
	if got := f.Lines(deploytest.Deployer); len(got) == 0 || !strings.HasPrefix(got[0], "started 1 member: Server=") {
		t.Errorf("the deployer's lines = %q; want started 1 member first", got)
	}
}

// With -admin, every node serves its metrics, profiles and graph, at the
// address the deployer prints.
func TestAdmin(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := deploytest.StartTest(t, "-admin", "127.0.0.1:0")
	base := "http://" + f.AdminAddr("Server", 30*time.Second)
	ticks := func() float64 {
		t.Helper()
		body := getRetry(t, base+"/metrics")
		if !strings.Contains(body, "# TYPE hydro_ticks_total counter\n") || !strings.Contains(body, "# TYPE hydro_channel_sent_bytes_total counter\n") ||
			!strings.Contains(body, "# TYPE hydro_link_frames_total counter\n") {
			t.Fatalf("GET /metrics lacks the TYPE lines:\n%s", body)
		}
		for l := range strings.Lines(body) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), `hydro_ticks_total{node="Server",location="Server"} `); ok {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("hydro_ticks_total %q: %v", v, err)
				}
				return n
			}
		}
		t.Fatalf("GET /metrics has no hydro_ticks_total of the Server:\n%s", body)
		return 0
	}
	before := ticks()
	c := deploytest.Dial(f, "Client", hydro.Lines, hydro.Lines)
	if err := c.Send("hello"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if after := ticks(); after <= before {
		t.Errorf("hydro_ticks_total = %v, then %v after a request; want it to grow", before, after)
	}
	// The operators of the collection named heard took in the requests'
	// lines: each dfir operator built for it is labelled with its name.
	// NB: the scrape above asked the next tick for a fresh snapshot of the
	// counts, and a second request makes that tick.
	if err := c.Send("again"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	heard := 0.0
	for l := range strings.Lines(getRetry(t, base+"/metrics")) {
		if strings.HasPrefix(l, "hydro_operator_items_total{") && strings.Contains(l, `,name="heard",`) {
			n, err := strconv.ParseFloat(strings.TrimSpace(l[strings.LastIndexByte(l, ' ')+1:]), 64)
			if err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			heard += n
		}
	}
	if heard < 1 {
		t.Errorf("hydro_operator_items_total{name=\"heard\"} sums to %v after a request; want at least 1", heard)
	}
	if body := getRetry(t, base+"/debug/pprof/"); !strings.Contains(body, "goroutine") {
		t.Errorf("GET /debug/pprof/ = %q; want the profiles' index", body)
	}
	if body := getRetry(t, base+"/graph"); !strings.Contains(body, `id="hydro-model"`) || !strings.Contains(body, `"live":{"node":"Server"`) {
		t.Errorf("GET /graph = %.300q...; want the viewer's page with the Server's live counts", body)
	}
	c.Close()
	f.Stop()
	http.DefaultClient.CloseIdleConnections()
}

// getRetry GETs url, retrying while the node does not listen yet, and
// fails the test unless it answers 200.
func getRetry(t *testing.T, url string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err != nil {
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d, %v; want 200", url, resp.StatusCode, err)
		}
		return string(body)
	}
}

// A flow's error names the user's file from the module's root, so that it
// can be opened from there: from a program (package main)...
func TestPositionsProgram(t *testing.T) {
	f := deploytest.Start(t, "testdata/badflow")
	f.WaitFor("the flow's error", 30*time.Second, func(l string) bool {
		return strings.Contains(l, "deploy/deploytest/testdata/badflow/main.go:19: hydro: ForEach needs a totally ordered stream")
	})
}

// ... and from a test.
func TestPositionsTest(t *testing.T) {
	bad := func(f *hydro.Flow) {
		server := hydro.NewProcess[Server](f)
		port := hydro.BidiExternal(server, hydro.NewExternal[Client](f), hydro.Lines, hydro.Lines)
		hydro.ForEach(port.Requests().Values(), func(string) {})
	}
	err := deploy.Command(context.Background(), bad, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "\tdeploy/deploytest/deploytest_test.go:") {
		t.Errorf("Command(a flow that does not compile) = %v; want its problem at deploy/deploytest/deploytest_test.go", err)
	}
}

// The deployer announces a port once its node listens: one dial, right
// after the announcement and without a retry, connects.
func TestPortAnnouncedListening(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := deploytest.StartTest(t)
	addr := f.PortAddr("Client", deploytest.DialTimeout)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dialing port Client right after its announcement: %v", err)
	}
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(nc, "hi\n")
	if got, err := bufio.NewReader(nc).ReadString('\n'); err != nil || got != "hi\n" {
		t.Errorf("read %q, %v; want hi", got, err)
	}
	nc.Close()
	f.Stop()
	for _, l := range f.Lines(deploytest.Deployer) {
		if strings.Contains(l, "hydro listening") {
			t.Errorf("the ready line reached the output: %q", l)
		}
	}
}
