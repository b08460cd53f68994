// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hydro-go/hydro"
)

// metricsFlag collects -metrics values: URLs or files.
type metricsFlag []string

func (m *metricsFlag) String() string { return strings.Join(*m, ",") }
func (m *metricsFlag) Set(v string) error {
	if v == "" {
		return fmt.Errorf("empty source")
	}
	*m = append(*m, v)
	return nil
}

// maxMetrics bounds what suggest reads from one source.
const maxMetrics = 64 << 20

// opTime is what suggest knows of one collection's operators at one
// location: their time and items, summed over the members and the dfir
// operators the collection lowered to.
type opTime struct {
	location, name, line, op string
	seconds                  float64
	items                    float64
}

// suggestCommand reads per-operator counters and prints, per location,
// where its operators' time goes and a plan that moves its busiest named
// stages to processes of their own.
func suggestCommand(ctx context.Context, build func(*hydro.Flow), info *flowInfo, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("suggest", flag.ContinueOnError)
	var sources metricsFlag
	fs.Var(&sources, "metrics", "a node's metrics: the `URL` of its admin port's /metrics (run -admin) or a file saved from it (repeatable, one per node)")
	share := fs.Float64("share", 0.3, "suggest moving a location's named stages once they take this `fraction` of its operators' time")
	out := fs.String("o", "", "write the plan to this `FILE` (run -plan FILE takes it) instead of standard output")
	if err := parse(fs, args, stderr, func() {
		fmt.Fprintf(stderr, "Usage: %s suggest -metrics URL|FILE... [-share F] [-o FILE]\n", filepath.Base(os.Args[0]))
		fs.PrintDefaults()
	}); err != nil {
		return err
	}
	if len(sources) == 0 {
		return usagef("suggest: -metrics: want at least one URL or file")
	}
	if *share <= 0 || *share > 1 {
		return usagef("suggest: -share %v: want a fraction in (0, 1]", *share)
	}
	var all []opTime
	for _, src := range sources {
		text, err := readMetrics(ctx, src)
		if err != nil {
			return err
		}
		ops, err := parseOperatorMetrics(text)
		if err != nil {
			return fmt.Errorf("deploy: suggest: %s: %w", src, err)
		}
		all = append(all, ops...)
	}
	plan, report := suggest(build, info, merge(all), *share)
	fmt.Fprint(stdout, report)
	js, err := plan.JSON()
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if *out != "" {
		if err := os.WriteFile(*out, js, 0o644); err != nil {
			return fmt.Errorf("deploy: suggest: %w", err)
		}
		fmt.Fprintf(stdout, "plan written to %s\n", *out)
		return nil
	}
	fmt.Fprintf(stdout, "plan:\n%s", js)
	return nil
}

// readMetrics reads a source: an http(s) URL or a file.
func readMetrics(ctx context.Context, src string) (string, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		b, err := os.ReadFile(src)
		if err != nil {
			return "", usagef("suggest: -metrics: %v", err)
		}
		return string(b), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", usagef("suggest: -metrics %s: %v", src, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("deploy: suggest: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("deploy: suggest: GET %s: %s", src, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxMetrics+1))
	if err != nil {
		return "", fmt.Errorf("deploy: suggest: GET %s: %w", src, err)
	}
	if len(b) > maxMetrics {
		return "", fmt.Errorf("deploy: suggest: GET %s: more than %d bytes", src, maxMetrics)
	}
	return string(b), nil
}

var (
	promSample = regexp.MustCompile(`^(hydro_operator_(?:items|seconds)_total)\{(.*)\} (\S+)$`)
	promLabel  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
	unescape   = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n")
)

// parseOperatorMetrics reads the per-operator samples of the admin's
// /metrics (hydro_operator_items_total, hydro_operator_seconds_total) and
// ignores every other line. A text without them is an error: it is not a
// node's metrics, or the node is older than these counters.
func parseOperatorMetrics(text string) ([]opTime, error) {
	type key struct{ node, operator string }
	byOp := map[key]*opTime{}
	var order []key
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := promSample.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: value %q: %w", m[1], m[3], err)
		}
		ls := map[string]string{}
		for _, p := range promLabel.FindAllStringSubmatch(m[2], -1) {
			ls[p[1]] = unescape.Replace(p[2])
		}
		k := key{ls["node"], ls["operator"]}
		o := byOp[k]
		if o == nil {
			o = &opTime{location: ls["location"], name: ls["name"], line: ls["line"], op: ls["op"]}
			byOp[k] = o
			order = append(order, k)
		}
		if m[1] == "hydro_operator_seconds_total" {
			o.seconds += v
		} else {
			o.items += v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no hydro_operator_* samples: not a node's /metrics")
	}
	ops := make([]opTime, len(order))
	for i, k := range order {
		ops[i] = *byOp[k]
	}
	return ops, nil
}

// merge sums the operators of one collection at one location: a named
// collection by its name, another by its line and kind.
func merge(ops []opTime) []opTime {
	type key struct{ location, name, line, op string }
	idx := map[key]int{}
	var out []opTime
	for _, o := range ops {
		k := key{o.location, o.name, "", ""}
		if o.name == "" {
			k.line, k.op = o.line, o.op
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, opTime{location: o.location, name: o.name, line: o.line, op: o.op})
		}
		out[i].seconds += o.seconds
		out[i].items += o.items
	}
	return out
}

// suggest reports, per location, its busiest operators, and plans the
// move of the busiest named stages of each process whose named stages take
// at least share of its operators' time: as many, busiest first, as make
// up half of that time or the first alone, each step checked on a fresh
// flow (a stage Decouple refuses is reported with the reason and left out).
func suggest(build func(*hydro.Flow), info *flowInfo, ops []opTime, share float64) (*hydro.Plan, string) {
	var b strings.Builder
	plan := &hydro.Plan{}
	var locs []string
	for _, o := range ops {
		if !slices.Contains(locs, o.location) {
			locs = append(locs, o.location)
		}
	}
	slices.Sort(locs)
	for _, loc := range locs {
		var mine []opTime
		total := 0.0
		for _, o := range ops {
			if o.location == loc {
				mine = append(mine, o)
				total += o.seconds
			}
		}
		slices.SortStableFunc(mine, func(a, c opTime) int {
			switch {
			case a.seconds > c.seconds:
				return -1
			case a.seconds < c.seconds:
				return 1
			}
			return 0
		})
		fmt.Fprintf(&b, "%s: %v in its operators\n", loc, time.Duration(total*1e9))
		if total <= 0 {
			continue
		}
		for i, o := range mine {
			if i == 5 || o.seconds/total < 0.01 {
				break
			}
			name := "(unnamed)"
			if o.name != "" {
				name = o.name
			}
			perItem := ""
			if o.items > 0 {
				perItem = fmt.Sprintf(", %s per item", time.Duration(o.seconds/o.items*1e9))
			}
			fmt.Fprintf(&b, "  %5.1f%%  %-12s %s at %s: %.0f items%s\n", 100*o.seconds/total, name, o.op, o.line, o.items, perItem)
		}
		if !slices.Contains(info.processes, loc) {
			fmt.Fprintf(&b, "  %s is not a process: only a process's operators can be decoupled\n", loc)
			continue
		}
		var names []string
		moved := 0.0
		for _, o := range mine {
			if o.name == "" || moved >= total/2 {
				continue
			}
			step := hydro.DecouplePlan{Names: append(slices.Clone(names), o.name), To: stageName(loc, append(names, o.name)[0])}
			if err := tryPlan(build, plan, step); err != nil {
				fmt.Fprintf(&b, "  %s stays: %v\n", o.name, err)
				continue
			}
			names = step.Names
			moved += o.seconds
		}
		if len(names) == 0 || moved/total < share {
			fmt.Fprintf(&b, "  no bottleneck to move: its named stages take %.0f%% of its time (name a busy stage with Named to move it)\n", 100*moved/total)
			continue
		}
		step := hydro.DecouplePlan{Names: names, To: stageName(loc, names[0])}
		plan.Decouple = append(plan.Decouple, step)
		fmt.Fprintf(&b, "  bottleneck: %s, %.0f%% of its time: move to a process %s\n", strings.Join(names, ", "), 100*moved/total, step.To)
	}
	return plan, b.String()
}

// tryPlan applies plan and then step to a fresh flow, to see whether the
// deployer would take them.
func tryPlan(build func(*hydro.Flow), plan *hydro.Plan, step hydro.DecouplePlan) error {
	f := hydro.NewFlow()
	build(f)
	p := &hydro.Plan{Decouple: append(slices.Clone(plan.Decouple), step)}
	if err := p.Apply(f); err != nil {
		return err
	}
	return f.Compile()
}

// stageName names the process a stage moves to: its location's name and
// the stage's, "LeaderClean".
func stageName(loc, name string) string {
	var b strings.Builder
	upper := true
	for _, r := range loc + "_" + name {
		switch {
		case r == '_' || r == '-' || r == ' ' || r == '.':
			upper = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if r > unicode.MaxASCII {
				continue
			}
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		}
	}
	return b.String()
}
