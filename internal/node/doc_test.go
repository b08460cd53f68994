// SPDX-License-Identifier: Apache-2.0

package node

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/transport/tcp"
)

// The figures doc.go gives for the bounds are the code's: each phrase is
// built from the constant it names.
func TestDocFigures(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(strings.ReplaceAll(string(b), "//", "")), " ")
	mib := func(n int) string { return fmt.Sprintf("%d MiB", n>>20) }
	for _, want := range []string{
		"PortLimits.ClientQueueBytes (" + mib(DefaultClientQueueBytes) + ")",
		"PortLimits.PortQueueBytes (" + mib(DefaultPortQueueBytes) + ")",
		"ClientQueueBytes (" + mib(DefaultClientQueueBytes) + ") queued for one client",
		"PortQueueBytes (" + mib(DefaultPortQueueBytes) + ") queued for all",
		"most " + mib(tcp.DefaultQueueBytes) + " (tcp.DefaultQueueBytes",
		"(Node.QueueBytes, " + mib(tcp.DefaultQueueBytes) + ")",
		"(DefaultMaxHeldBytes, " + mib(DefaultMaxHeldBytes) + ";",
		"(Node.MaxHeldBytes, " + mib(DefaultMaxHeldBytes) + ")",
		fmt.Sprintf("%s of payloads (maxQueued, maxQueuedBytes", mib(maxQueuedBytes)),
		fmt.Sprintf("The port events channel holds %d", portEvents),
		fmt.Sprintf("%d events and %s", portEvents, mib(maxEventBytes)),
		fmt.Sprintf("at most %d KiB between messages", keepBuf>>10),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("doc.go does not say %q", want)
		}
	}
	for _, stale := range []string{"clientQueue)"} {
		if strings.Contains(doc, stale) {
			t.Errorf("doc.go still says %q", stale)
		}
	}
}
