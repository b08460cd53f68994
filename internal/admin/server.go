// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/hydro-go/hydro/internal/viewer"
)

// Handler returns the admin endpoints of a node: its metrics from s,
// labelled with ls; net/http/pprof; and at /graph the viewer's page of
// the flow, graph (hydro.Flow.HTML's), with the node's live counts. The
// pprof handlers are registered on this mux only, never on
// http.DefaultServeMux. Handler reads the structure of the node's graph,
// so it must be called before the graph runs; it fails only if that
// graph does not compile.
func Handler(s *Stats, ls Labels, graph *viewer.Model) (http.Handler, error) {
	page, err := s.page(graph)
	if err != nil {
		return nil, fmt.Errorf("admin: %s: %w", ls.Node, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s\n\n/metrics           counters, Prometheus text format\n/debug/pprof/      profiles\n/graph            the flow in a page, with this node's live counts\n/graph/live.json  the counts the page shows\n", ls.Node)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = s.WriteMetrics(w, ls)
	})
	graphHandlers(mux, s, ls.Node, page)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux, nil
}

// shutdownGrace is how long Serve lets requests in progress finish once
// its context ends (a CPU profile runs for as long as it was asked to),
// before it closes their connections.
const shutdownGrace = 2 * time.Second

// Serve serves h on ln until ctx ends, then shuts the server down and
// returns nil; it returns an error if serving fails before. It closes ln.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("admin: serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin: serving on %s: %w", ln.Addr(), err)
	}
	return nil
}
