// SPDX-License-Identifier: Apache-2.0

package deploy_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type exServer struct{}
type exClient struct{}

// A node whose port asks for TLS, a client certificate and a token, and
// a client that has all three.
func ExampleWithToken() {
	f := hydro.NewFlow()
	server := hydro.NewProcess[exServer](f)
	port := hydro.BidiExternal(server, hydro.NewExternal[exClient](f), hydro.Lines, hydro.Lines)
	port.Respond(hydro.MapValues(port.Requests(), strings.ToUpper))

	certs, err := deploy.IssuePortTLS([]string{"127.0.0.1"}, "alice")
	if err != nil {
		panic(err)
	}
	security := certs.Server // the ports' certificate and key, and the clients' CA
	security.Token = "s3cret"
	addrs, err := freeAddrs(2)
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- deploy.RunNode(ctx, f, deploy.NodeConfig{Role: "exServer", Peers: map[string]string{"exServer": addrs[0]},
			Ports: map[string]string{"exClient": addrs[1]}, TLS: deploy.TLS{Off: true}, PortTLS: security})
	}()

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certs.CA)
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	c, err := deploy.Dial(dctx, addrs[1], hydro.Lines, hydro.Lines,
		deploy.WithTLS(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{certs.Clients["alice"]}}),
		deploy.WithToken("s3cret"))
	if err != nil {
		panic(err)
	}
	c.Send("hello")
	answer, err := c.Receive(dctx)
	fmt.Println(answer, err)

	_, err = deploy.Dial(dctx, addrs[1], hydro.Lines, hydro.Lines,
		deploy.WithTLS(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{certs.Clients["alice"]}}),
		deploy.WithToken("guess"))
	fmt.Println(errors.Is(err, deploy.ErrRefused), strings.Contains(err.Error(), "refused by the port: bad token"))

	c.Close()
	stop()
	fmt.Println(<-done)
	// Output:
	// HELLO <nil>
	// true true
	// <nil>
}
