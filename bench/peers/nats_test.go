// SPDX-License-Identifier: Apache-2.0

package peers

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// natsPair is an embedded NATS server on a loopback port and two client
// connections to it over TCP: the two nodes of a workload.
type natsPair struct {
	srv  *server.Server
	a, b *nats.Conn
}

func startNATS() (*natsPair, error) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		return nil, err
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, errors.New("nats: the server is not ready after 10 s")
	}
	p := &natsPair{srv: srv}
	if p.a, err = nats.Connect(srv.ClientURL()); err == nil {
		p.b, err = nats.Connect(srv.ClientURL())
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("nats: connecting: %w", err), p.stop())
	}
	return p, nil
}

// stop closes both connections and shuts the server down.
func (p *natsPair) stop() error {
	for _, c := range []*nats.Conn{p.a, p.b} {
		if c != nil {
			c.Close()
		}
	}
	p.srv.Shutdown()
	p.srv.WaitForShutdown()
	return nil
}
