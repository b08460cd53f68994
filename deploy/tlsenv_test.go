// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"errors"
	"strings"
	"testing"
)

func TestTLSFromEnv(t *testing.T) {
	files := map[string]string{"/ca": "CA", "/cert": "CERT", "/key": "KEY"}
	readFile := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	for _, tc := range []struct {
		env  map[string]string
		want TLS
		err  string
	}{
		{map[string]string{EnvTLSCA: "a", EnvTLSCert: "b", EnvTLSKey: "c"}, TLS{CA: []byte("a"), Cert: []byte("b"), Key: []byte("c")}, ""},
		{map[string]string{EnvTLSCAFile: "/ca", EnvTLSCertFile: "/cert", EnvTLSKeyFile: "/key"}, TLS{CA: []byte("CA"), Cert: []byte("CERT"), Key: []byte("KEY")}, ""},
		{map[string]string{EnvTLS: "off"}, TLS{Off: true}, ""},
		{map[string]string{EnvTLS: "no"}, TLS{}, `HYDRO_TLS="no": want off`},
		{map[string]string{}, TLS{}, "neither HYDRO_TLS_CA nor HYDRO_TLS_CA_FILE is set"},
		{map[string]string{EnvTLSCA: "a", EnvTLSCAFile: "/ca", EnvTLSCert: "b", EnvTLSKey: "c"}, TLS{}, "both HYDRO_TLS_CA and HYDRO_TLS_CA_FILE are set"},
		{map[string]string{EnvTLSCA: "a", EnvTLSCert: "b", EnvTLSKeyFile: "/nope"}, TLS{}, "HYDRO_TLS_KEY_FILE: no such file"},
	} {
		got, err := tlsFromEnv(func(k string) string { return tc.env[k] }, readFile)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("tlsFromEnv(%v) = %v; want an error with %q", tc.env, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("tlsFromEnv(%v) = %v", tc.env, err)
		case string(got.CA) != string(tc.want.CA) || string(got.Cert) != string(tc.want.Cert) || string(got.Key) != string(tc.want.Key) || got.Off != tc.want.Off:
			t.Errorf("tlsFromEnv(%v) = %+v; want %+v", tc.env, got, tc.want)
		}
	}
}

func TestFlowName(t *testing.T) {
	for in, want := range map[string]string{"/tmp/go-build1/b001/wordcount.test": "wordcount", `C:\x\echo.exe`: "echo", "chat": "chat", "/x/": "flow"} {
		if got := flowName(in); got != want {
			t.Errorf("flowName(%q) = %q; want %q", in, got, want)
		}
	}
}
