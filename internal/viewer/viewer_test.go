// SPDX-License-Identifier: Apache-2.0

package viewer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestVizAsset checks the embedded Graphviz against the SHA-256 that
// fetch-viz.sh pins, and that the script pins the same.
func TestVizAsset(t *testing.T) {
	sum := sha256.Sum256([]byte(vizJS))
	if got := hex.EncodeToString(sum[:]); got != vizSHA256 {
		t.Errorf("assets/viz-global.js has SHA-256 %s; want %s (run fetch-viz.sh)", got, vizSHA256)
	}
	script, err := os.ReadFile("fetch-viz.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"js_sha256=" + vizSHA256, "version=" + VizVersion} {
		if !strings.Contains(string(script), want) {
			t.Errorf("fetch-viz.sh lacks %q: the script and the package pin different files", want)
		}
	}
	if !strings.HasPrefix(vizJS, "/*!\nViz.js "+VizVersion) {
		t.Errorf("assets/viz-global.js does not start with Viz.js %s's header", VizVersion)
	}
}

// TestWrite checks the page's parts: its title escaped, the model as JSON
// that cannot end its script element, and nothing loaded from elsewhere.
func TestWrite(t *testing.T) {
	m := &Model{
		Title: `<b>"x" & y</b>`,
		Flow:  json.RawMessage(`{"locations":[],"nodes":[]}`),
		DOT:   "digraph flow {\n    n0 [label=\"</script><script>alert(1)</script>\"];\n}\n",
		Live:  &Live{Node: "Worker/1", Ticks: 7, Poll: "/graph/live.json"},
	}
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if want := "<title>&lt;b&gt;&#34;x&#34; &amp; y&lt;/b&gt; · Hydro flow</title>"; !strings.Contains(page, want) {
		t.Errorf("page lacks the escaped title %q", want)
	}
	if n := strings.Count(page, "</script>"); n != 3 {
		t.Errorf("page has %d </script>; want 3 (the model's DOT must not end its element)", n)
	}
	start := strings.Index(page, `<script type="application/json" id="hydro-model">`)
	if start < 0 {
		t.Fatal("page has no model")
	}
	body := page[start+len(`<script type="application/json" id="hydro-model">`):]
	body = body[:strings.Index(body, "</script>")]
	var got Model
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("the page's model is not JSON: %v", err)
	}
	if got.DOT != m.DOT || got.Live == nil || got.Live.Ticks != 7 || got.Title != m.Title {
		t.Errorf("the page's model = %+v; want %+v", got, m)
	}
	// No attribute of the page's own markup points elsewhere.
	markup := page[:start] + page[strings.LastIndex(page, "</script>"):]
	if m := regexp.MustCompile(`(src|href)="[a-z]+:`).FindString(markup); m != "" {
		t.Errorf("the page loads %s...", m)
	}
	if !strings.Contains(page, "default-src 'none'") {
		t.Error("the page sets no content security policy")
	}
}
