// SPDX-License-Identifier: Apache-2.0

package admin

import (
	"math"
	"slices"
)

// tickBuckets are the upper bounds, in seconds, of the tick duration
// histogram's buckets: from 10 µs, where an idle tick lies, to 1 s.
var tickBuckets = []float64{1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1}

// histogram counts observations in cumulative buckets, as Prometheus
// histograms do.
type histogram struct {
	bounds []float64
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func newHistogram(bounds []float64) histogram {
	return histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v) // the first bound ≥ v
	h.counts[i]++
	h.sum += v
	h.n++
}

func (h *histogram) clone() histogram {
	c := *h
	c.counts = slices.Clone(h.counts)
	return c
}

// write writes the histogram as the family name.
func (h *histogram) write(p *promWriter, name, help string) {
	p.family(name, "histogram", help)
	var cum uint64
	for i, c := range h.counts {
		cum += c
		le := math.Inf(1)
		if i < len(h.bounds) {
			le = h.bounds[i]
		}
		p.sample(name+"_bucket", float64(cum), label{"le", formatValue(le)})
	}
	p.sample(name+"_sum", h.sum)
	p.sample(name+"_count", float64(h.n))
}
