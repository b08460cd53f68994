// SPDX-License-Identifier: Apache-2.0

package deploytest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hydro-go/hydro"
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
	hydro.ForEach(hydro.AssumeOrdered(lines.Values(), "printed as it comes"), func(l string) { fmt.Println("heard", l) })
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
