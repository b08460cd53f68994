// SPDX-License-Identifier: Apache-2.0

package sim

import "strings"

// Menu is a list of named actions a test lets the execution choose from:
// what the clients of a flow may do next (connect, send, receive, leave),
// beside running a step of the flow. Build one per round with Add, and let
// Pick run one of them.
type Menu struct {
	names []string
	acts  []func()
}

// Add puts an action on the menu, under a name that failures print.
func (m *Menu) Add(name string, act func()) {
	m.names = append(m.names, name)
	m.acts = append(m.acts, act)
}

// Len returns how many actions the menu has.
func (m *Menu) Len() int { return len(m.acts) }

// Pick lets the execution choose one of the menu's actions, and runs it.
// what says what the choice is about ("echo client action"); failures
// print the choice as "what: name | name | ...".
func (s *Sim) Pick(m *Menu, what string) {
	m.acts[s.Choose(len(m.acts), what+": "+strings.Join(m.names, " | "))]()
}
