// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hydro-go/hydro/internal/launch"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/bench/internal/netbench"
	"github.com/hydro-go/hydro/deploy"
)

// B6 stream: a one-way stream of 16-byte records from one node to another
// over loopback TCP. Every implementation makes the records at the sender
// from a counter and checks every one at the receiver, order and content
// (package netbench); an iteration is n records and ends when the receiver
// has checked the last. The nodes and their connection are set up once,
// outside the timing.
//
//	baseline  the benchmark's goroutine writes each record as a 4-byte
//	          length and its 16 bytes through a 64 KiB bufio.Writer; a
//	          reader goroutine reads them through a 64 KiB bufio.Reader
//	hydro     two processes of one flow, each run by deploy.RunNode
//	          (deploy.Run over transport/tcp) in this process: the sender's
//	          SourceChan takes spans of records to make, FlatMap makes
//	          them, Send carries them, ForEach checks them
//	nats      bench/peers: an embedded NATS server, one 16-byte message
//	          per record from a publishing connection to a subscribing one
//
// Each runs in plaintext (op=stream) and over mutual TLS 1.3 (op=stream,
// tls=1): the baseline's bufio streams then wrap a crypto/tls connection,
// with certificates of a CA made for the run, and the hydro nodes are
// given certificates by deploy.IssueTLS. NATS runs in plaintext only.
//
// The hydro and NATS senders stay within a window of credits that the
// receiver hands back through a Go channel (see netbench.Window). The hydro
// sender wakes when a span arrives on its SourceChan (deploy.Run waits on
// the channel too).

func BenchmarkB6Stream(b *testing.B) {
	n, warm := netbench.StreamSizes()
	for _, secure := range []bool{false, true} {
		b.Run(fmt.Sprintf("op=stream,%sn=%d", tlsName(secure), n), func(b *testing.B) {
			for _, im := range streamImpls(secure) {
				b.Run("impl="+im.Name, func(b *testing.B) { netbench.Bench(b, im, n, warm, "ns/rec") })
			}
		})
	}
}

// tlsName is the part of a benchmark's name that says it runs over TLS:
// none for plaintext, whose names are those the peers' runs pair with.
func tlsName(secure bool) string {
	if secure {
		return "tls=1,"
	}
	return ""
}

func streamImpls(secure bool) []netbench.Impl {
	return []netbench.Impl{
		{Name: "baseline", Start: func() (*netbench.Run, error) { return baselineStream(secure) }},
		{Name: "hydro", Start: func() (*netbench.Run, error) { return hydroStream(secure) }},
	}
}

// TestStream runs every implementation of B6 for a few spans, in
// plaintext and over TLS, and checks that stopping it leaves no goroutine
// behind.
func TestStream(t *testing.T) {
	for _, secure := range []bool{false, true} {
		for _, im := range streamImpls(secure) {
			t.Run(tlsName(secure)+"impl="+im.Name, func(t *testing.T) { netbench.Test(t, im, 3*netbench.SpanLen+7) })
		}
	}
}

// baselineStream: length-prefixed records through bufio on both sides,
// over TCP or over crypto/tls.
func baselineStream(secure bool) (*netbench.Run, error) {
	wc, rc, err := loopback(secure)
	if err != nil {
		return nil, err
	}
	chk := netbench.NewStreamCheck(false)
	var wg sync.WaitGroup
	wg.Go(func() {
		br := bufio.NewReaderSize(rc, 64<<10)
		var buf [16]byte
		for {
			if _, err := io.ReadFull(br, buf[:4]); err != nil {
				return // closed by Stop
			}
			if n := binary.BigEndian.Uint32(buf[:4]); n != 16 {
				chk.Add(netbench.Rec{Seq: ^uint64(0)}) // fails the check
				return
			}
			if _, err := io.ReadFull(br, buf[:16]); err != nil {
				return
			}
			chk.Add(netbench.GetRec(buf[:]))
		}
	})
	bw := bufio.NewWriterSize(wc, 64<<10)
	var seq uint64
	iter := func(n int) error {
		deadline := time.After(netbench.Timeout)
		chk.Expect(seq, n)
		var buf [20]byte
		binary.BigEndian.PutUint32(buf[:4], 16)
		for range n {
			netbench.MkRec(seq).Put(buf[4:])
			if _, err := bw.Write(buf[:]); err != nil {
				return err
			}
			seq++
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return chk.Wait(deadline)
	}
	stop := func() error {
		err := errors.Join(wc.Close(), rc.Close())
		wg.Wait()
		return err
	}
	return &netbench.Run{Iter: iter, Stop: stop}, nil
}

type b6Sender struct{}

type b6Receiver struct{}

// hydroStream: the records are the items of a stream Sent from one
// process to another.
func hydroStream(secure bool) (*netbench.Run, error) {
	chk := netbench.NewStreamCheck(true)
	todo := make(chan netbench.Span, netbench.Window) // never full: a span takes a credit
	f := hydro.NewFlow()
	s := hydro.NewProcess[b6Sender](f)
	r := hydro.NewProcess[b6Receiver](f)
	buf := make([]netbench.Rec, netbench.SpanLen) // FlatMap copies a result out before the next call
	recs := hydro.FlatMap(hydro.SourceChan(s, todo), func(sp netbench.Span) []netbench.Rec {
		out := buf[:sp.N]
		for i := range out {
			out[i] = netbench.MkRec(sp.First + uint64(i))
		}
		return out
	})
	hydro.ForEach(hydro.Send(recs, r), chk.Add)
	stop, err := startNodes(f, secure, "b6Sender", "b6Receiver")
	if err != nil {
		return nil, err
	}
	iter := chk.Windowed(func(sp netbench.Span) error {
		todo <- sp
		return nil
	})
	return &netbench.Run{Iter: iter, Stop: stop}, nil
}

// startNodes runs every role of f as a node in this process, on free
// loopback ports, with mutual TLS if secure, logging warnings and errors to
// stderr, and returns the function that stops them all and waits for them.
func startNodes(f *hydro.Flow, secure bool, roles ...string) (stop func() error, err error) {
	if err := f.Compile(); err != nil {
		return nil, err
	}
	addrs, err := launch.FreeAddrs(len(roles), 0)
	if err != nil {
		return nil, err
	}
	peers := map[string]string{}
	for i, role := range roles {
		peers[role] = addrs[i]
	}
	certs := map[string]deploy.TLS{}
	if secure {
		if certs, err = deploy.IssueTLS("bench", roles...); err != nil {
			return nil, err
		}
	} else {
		for _, role := range roles {
			certs[role] = deploy.TLS{Off: true}
		}
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, len(roles))
	for _, role := range roles {
		go func() {
			err := deploy.RunNode(ctx, f, deploy.NodeConfig{Role: role, Peers: peers, Logger: logger.With("node", role), TLS: certs[role]})
			if err != nil {
				err = fmt.Errorf("node %s: %w", role, err)
			}
			errs <- err
		}()
	}
	return func() error {
		cancel()
		var all error
		for range roles {
			all = errors.Join(all, <-errs)
		}
		return all
	}, nil
}

// loopback returns both ends of a fresh loopback TCP connection, over
// mutual TLS 1.3 if secure (with certificates of a CA made for it, as
// deployed nodes have), its handshake done.
func loopback(secure bool) (client, server net.Conn, err error) {
	client, server, err = loopbackTCP()
	if err != nil || !secure {
		return client, server, err
	}
	certs, err := deploy.IssueTLS("bench", "client", "server")
	if err != nil {
		return nil, nil, err
	}
	cfg := func(t deploy.TLS) (*tls.Config, error) {
		cert, err := tls.X509KeyPair(t.Cert, t.Key)
		if err != nil {
			return nil, err
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(t.CA)
		return &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{cert}, RootCAs: roots, ClientCAs: roots,
			ClientAuth: tls.RequireAndVerifyClientCert, InsecureSkipVerify: true, SessionTicketsDisabled: true}, nil
	}
	cc, err1 := cfg(certs["client"])
	sc, err2 := cfg(certs["server"])
	if err := errors.Join(err1, err2); err != nil {
		return nil, nil, err
	}
	tc, ts := tls.Client(client, cc), tls.Server(server, sc)
	done := make(chan error, 1)
	go func() { done <- ts.Handshake() }()
	err = errors.Join(tc.Handshake(), <-done)
	if err != nil {
		client.Close()
		server.Close()
		return nil, nil, err
	}
	return tc, ts, nil
}

// loopbackTCP returns both ends of a fresh loopback TCP connection.
func loopbackTCP() (client, server net.Conn, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept() // nil on error
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		ln.Close() // unblocks Accept
		<-accepted
		return nil, nil, err
	}
	if server = <-accepted; server == nil {
		client.Close()
		return nil, nil, errors.New("loopback: accept failed")
	}
	return client, server, nil
}
