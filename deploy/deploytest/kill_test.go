// SPDX-License-Identifier: Apache-2.0

package deploytest

import (
	"testing"

	"github.com/hydro-go/hydro/internal/launch"
)

func TestEnvRole(t *testing.T) {
	if envRole != launch.EnvRole {
		t.Errorf("envRole = %q; want launch.EnvRole, %q", envRole, launch.EnvRole)
	}
}
