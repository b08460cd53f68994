// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hydro-go/hydro"
)

func TestPortTLSFromEnv(t *testing.T) {
	certs, err := IssuePortTLS([]string{"127.0.0.1"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"/cert": string(certs.Server.Cert), "/key": string(certs.Server.Key), "/ca": string(certs.CA), "/token": "tok\nignored\n"}
	readFile := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	for _, tc := range []struct {
		env  map[string]string
		want PortTLS
		err  string
	}{
		{map[string]string{}, PortTLS{}, ""},
		{map[string]string{EnvPortToken: "t0k"}, PortTLS{Token: "t0k"}, ""},
		{map[string]string{EnvPortTokenFile: "/token"}, PortTLS{Token: "tok"}, ""},
		{map[string]string{EnvPortTLSCertFile: "/cert", EnvPortTLSKeyFile: "/key", EnvPortTLSClientCAFile: "/ca"}, certs.Server, ""},
		{certsEnv(certs.Server), certs.Server, ""},
		{map[string]string{EnvPortToken: "a", EnvPortTokenFile: "/token"}, PortTLS{}, "both HYDRO_PORT_TOKEN and HYDRO_PORT_TOKEN_FILE are set"},
		{map[string]string{EnvPortToken: "a b"}, PortTLS{}, "printable ASCII without spaces"},
		{map[string]string{EnvPortTLSCertFile: "/cert"}, PortTLS{}, "want both the ports' certificate and its key"},
		{map[string]string{EnvPortTLSClientCAFile: "/ca"}, PortTLS{}, "client CAs given without the ports' certificate"},
		{map[string]string{EnvPortTLSCertFile: "/cert", EnvPortTLSKeyFile: "/nope"}, PortTLS{}, "HYDRO_PORT_TLS_KEY_FILE: no such file"},
		{map[string]string{EnvPortTLSCert: "x", EnvPortTLSKey: "y"}, PortTLS{}, "the ports' certificate and key"},
	} {
		got, err := portTLSFromEnv(func(k string) string { return tc.env[k] }, readFile)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("portTLSFromEnv(%v) = %v; want an error with %q", keys(tc.env), err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("portTLSFromEnv(%v) = %v", keys(tc.env), err)
		case string(got.Cert) != string(tc.want.Cert) || string(got.Key) != string(tc.want.Key) || string(got.ClientCA) != string(tc.want.ClientCA) || got.Token != tc.want.Token:
			t.Errorf("portTLSFromEnv(%v) = %+v; want %+v", keys(tc.env), got, tc.want)
		}
	}
}

// certsEnv is t.Env() as a map.
func certsEnv(t PortTLS) map[string]string {
	m := map[string]string{}
	for _, kv := range t.Env() {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// Limits go through the environment unchanged; a bad value names its
// variable.
func TestPortLimitsEnv(t *testing.T) {
	l := PortLimits{MaxClients: 7, ClientQueueBytes: 1 << 20, PortQueueBytes: 8 << 20, AcceptRate: 2.5, AcceptBurst: 4,
		FrameTimeout: 3 * time.Second, IdleTimeout: time.Minute, Linger: 200 * time.Millisecond, AuthTimeout: 4 * time.Second}
	env := map[string]string{}
	for _, kv := range l.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	if len(env) != 9 {
		t.Errorf("Env() = %v; want a variable per field", l.Env())
	}
	got, err := portLimitsFromEnv(func(k string) string { return env[k] })
	if err != nil || got != l {
		t.Errorf("portLimitsFromEnv(Env()) = %+v, %v; want %+v", got, err, l)
	}
	if e := (PortLimits{}).Env(); len(e) != 0 {
		t.Errorf("PortLimits{}.Env() = %v; want none", e)
	}
	_, err = portLimitsFromEnv(func(k string) string {
		if k == "HYDRO_PORT_LINGER" {
			return "soon"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), `HYDRO_PORT_LINGER="soon": want a duration`) {
		t.Errorf("portLimitsFromEnv(HYDRO_PORT_LINGER=soon) = %v; want an error naming it", err)
	}
}

type giveLeader struct{}
type giveWorker struct{}
type giveClient struct{}

// Only the members that serve ports are given the ports' key and token.
func TestGivePortTLS(t *testing.T) {
	f := hydro.NewFlow()
	leader := hydro.NewProcess[giveLeader](f)
	workers := hydro.NewCluster[giveWorker](f)
	_, lines := hydro.SourceExternal(leader, hydro.NewExternal[giveClient](f), hydro.Lines)
	hydro.ForEach(hydro.AssumeOrdered(lines, "dropped"), func(string) {})
	hydro.ForEach(hydro.SourceIter(workers, []int{1}), func(int) {})
	fl, err := sized(f, map[string]int{"giveWorker": 2})
	if err != nil {
		t.Fatal(err)
	}
	members := fleetMembers(fl, map[string]int{"giveWorker": 2})
	if err := givePortTLS(fl, map[string]int{"giveWorker": 2}, members, PortTLS{Token: "t"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		got := strings.Join(m.Env, " ")
		want := ""
		if m.Name == "giveLeader" {
			want = EnvPortToken + "=t"
		}
		if got != want {
			t.Errorf("%s's environment = %q; want %q", m.Name, got, want)
		}
	}
}
