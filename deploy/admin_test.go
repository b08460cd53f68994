// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"strings"
	"testing"

	"github.com/hydro-go/hydro/internal/launch"
)

// Each member gets an admin address of its own: consecutive ports from the
// one given, or free ports for port 0.
func TestAdminAddrs(t *testing.T) {
	members := []launch.Member{{Name: "Leader"}, {Name: "Worker/0"}, {Name: "Worker/1"}}
	got, err := adminAddrs("127.0.0.1:9100", members)
	if err != nil {
		t.Fatal(err)
	}
	want := []launch.Member{{Name: "Leader", Addr: "127.0.0.1:9100"}, {Name: "Worker/0", Addr: "127.0.0.1:9101"}, {Name: "Worker/1", Addr: "127.0.0.1:9102"}}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Addr != want[i].Addr {
			t.Errorf("adminAddrs(127.0.0.1:9100)[%d] = %v; want %v", i, got[i], want[i])
		}
	}

	got, err = adminAddrs("127.0.0.1:0", members)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, m := range got {
		if m.Name != members[i].Name || !strings.HasPrefix(m.Addr, "127.0.0.1:") || strings.HasSuffix(m.Addr, ":0") || seen[m.Addr] {
			t.Errorf("adminAddrs(127.0.0.1:0)[%d] = %v; want %s on a free port of its own", i, m, members[i].Name)
		}
		seen[m.Addr] = true
	}

	for _, spec := range []string{"127.0.0.1:65534", "127.0.0.1", ":x"} {
		if _, err := adminAddrs(spec, members); err == nil {
			t.Errorf("adminAddrs(%q) for 3 members = nil error; want one", spec)
		}
	}
}
