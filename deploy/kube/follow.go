// SPDX-License-Identifier: Apache-2.0

package kube

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resolver looks up DNS SRV records; *net.Resolver is one.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
}

// DefaultEvery is how often Follow looks at the clusters' sizes unless
// told otherwise.
const DefaultEvery = 2 * time.Second

// Follow keeps up with the size of every cluster of the fleet, as its
// StatefulSet is scaled, until ctx ends. Every period (DefaultEvery if
// zero) it looks up the SRV records of each cluster's headless Service
// (_hydro._tcp.NAME-LOC.NAMESPACE.svc.DOMAIN), which name one pod each,
// the members not ready included; a cluster's size is then its highest
// ordinal plus one, and 0 when the name does not exist. A size that
// differs from the one last reported is reported, to resized with every
// other change of the same look, once two looks in a row have seen it: a
// pod being replaced, whose record is gone for a moment, does not make its
// cluster shrink and grow again. Follow starts from the sizes the fleet
// was written with (Placement.Sizes). A lookup that fails otherwise is
// logged, at DEBUG, and changes nothing.
//
// Follow calls resized on its own goroutine, one call at a time; it
// returns when ctx ends, not waiting for anything else.
func (p *Placement) Follow(ctx context.Context, r Resolver, every time.Duration, log *slog.Logger, resized func(sizes map[string]int)) {
	if every <= 0 {
		every = DefaultEvery
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cur := maps.Clone(p.Sizes)
	last := maps.Clone(p.Sizes)
	clusters := slices.Sorted(maps.Keys(p.Sizes))
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
		changed := map[string]int{}
		for _, c := range clusters {
			n, err := p.members(ctx, r, c)
			if err != nil {
				if ctx.Err() == nil {
					log.Debug("cannot look up a cluster's members", "cluster", c, "err", err)
				}
				continue
			}
			if n == last[c] && n != cur[c] {
				changed[c] = n
				cur[c] = n
			}
			last[c] = n
		}
		if len(changed) > 0 {
			log.Info("clusters resized", "sizes", changed)
			resized(changed)
		}
	}
}

// members looks up the size of cluster loc from its Service's SRV records.
func (p *Placement) members(ctx context.Context, r Resolver, loc string) (int, error) {
	_, srvs, err := r.LookupSRV(ctx, PortName, "tcp", p.serviceDomain(loc))
	if dnsErr := (*net.DNSError)(nil); errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	prefix := p.services[loc] + "-"
	n := 0
	for _, s := range srvs {
		host, _, _ := strings.Cut(s.Target, ".")
		ord, ok := strings.CutPrefix(host, prefix)
		m, err := strconv.Atoi(ord)
		if !ok || err != nil || m < 0 {
			continue // not a pod of the StatefulSet
		}
		n = max(n, m+1)
	}
	return n, nil
}
