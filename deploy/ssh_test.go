// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

// Mistakes in an SSH fleet's description are errors that name them,
// before any host is dialed.
func TestSSHMistakes(t *testing.T) {
	for _, tc := range []struct {
		d    deploy.SSHConfig
		want string
	}{
		{deploy.SSHConfig{}, "no hosts to deploy to over SSH"},
		{deploy.SSHConfig{Hosts: []string{"u@h1", "u@h1"}}, "host u@h1 is given twice"},
		{deploy.SSHConfig{Hosts: []string{"u@h1:x"}}, `bad port "x"`},
		{deploy.SSHConfig{Hosts: []string{"u@h1"}, Place: map[string]string{"Nobody": "u@h1"}}, "the fleet has no member or location Nobody"},
		{deploy.SSHConfig{Hosts: []string{"u@h1"}, Place: map[string]string{"cliLeader": "u@h2"}}, "u@h2 is not one of the hosts (u@h1)"},
		{deploy.SSHConfig{Hosts: []string{"u@h1"}, Sizes: map[string]int{"cliWorker": 0}}, "a cluster has at least one member"},
		{deploy.SSHConfig{Hosts: []string{"u@h1"}, Port: 65534}, "more nodes and ports than ports from 65534 on"},
	} {
		f := hydro.NewFlow()
		cliFlow(f)
		err := deploy.SSH(context.Background(), f, tc.d)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "deploy: ") {
			t.Errorf("SSH(%+v) = %v; want an error containing %q", tc.d, err, tc.want)
		}
	}
}
