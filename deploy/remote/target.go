// SPDX-License-Identifier: Apache-2.0

package remote

import (
	"fmt"
	"net"
	"os/user"
	"strconv"
	"strings"
)

// Target is a host to log in to: [USER@]HOST[:PORT].
type Target struct {
	User string
	Host string // a name or an address, as the other hosts reach it too
	Port int
}

// ParseTarget parses [USER@]HOST[:PORT] (an IPv6 address in brackets).
// The user defaults to the local user's name and the port to 22.
func ParseTarget(s string) (Target, error) {
	t := Target{Port: 22}
	rest := s
	if u, h, ok := strings.Cut(s, "@"); ok {
		if u == "" {
			return Target{}, fmt.Errorf("remote: host %q: empty user name before @", s)
		}
		t.User, rest = u, h
	}
	if host, port, err := net.SplitHostPort(rest); err == nil {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return Target{}, fmt.Errorf("remote: host %q: bad port %q", s, port)
		}
		t.Host, t.Port = host, p
	} else {
		t.Host = strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
	}
	if t.Host == "" || strings.ContainsAny(t.Host, " /,=") {
		return Target{}, fmt.Errorf("remote: host %q: want [USER@]HOST[:PORT]", s)
	}
	if t.User == "" {
		u, err := user.Current()
		if err != nil {
			return Target{}, fmt.Errorf("remote: host %q names no user, and the local one is unknown: %w", s, err)
		}
		t.User = u.Username
	}
	return t, nil
}

// MustTarget is ParseTarget for a target known to be right; it panics
// otherwise.
func MustTarget(s string) Target {
	t, err := ParseTarget(s)
	if err != nil {
		panic(err)
	}
	return t
}

// Addr is HOST:PORT, for dialing.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// String is USER@HOST:PORT.
func (t Target) String() string { return t.User + "@" + t.Addr() }

// Quote quotes s for a POSIX shell: the shell reads it back as the one
// word s, whatever it holds.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '=' || r == ':' || r == ',' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
