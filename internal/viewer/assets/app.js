// SPDX-License-Identifier: Apache-2.0
//
// The flow viewer: reads the model the page embeds, draws the flow or one
// location's dfir graph with the embedded Graphviz, and keeps live counts
// fresh when a node's admin port serves the page. See package viewer.
(function () {
  "use strict";

  const model = JSON.parse(document.getElementById("hydro-model").textContent);
  const flow = model.flow || { locations: [], nodes: [] };
  const locs = new Map(flow.locations.map((l) => [l.id, l]));
  const drills = new Map((model.locations || []).map((l) => [l.id, l]));
  let viz = null;

  // el builds an element: el("td", {class: "n"}, "text", child, ...).
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  }

  function table(head, rows) {
    return el("table", {},
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => c instanceof Node ? el("td", {}, c) : el("td", {}, c))))));
  }

  // root is the process or cluster a location belongs to (itself, or the
  // location a tick is nested in).
  function root(id) {
    let l = locs.get(id);
    while (l && l.parent !== null && l.parent !== undefined) l = locs.get(l.parent);
    return l ? l.id : id;
  }

  function locName(id) {
    const l = locs.get(id);
    return l ? l.kind + "[" + l.name + "]" : "location " + id;
  }

  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1 << 20) return (n / 1024).toFixed(1) + " KiB";
    return (n / (1 << 20)).toFixed(1) + " MiB";
  }

  // traffic sums the live frames and bytes of a channel in one direction.
  function traffic(ch, sent) {
    if (!model.live) return "";
    let frames = 0, total = 0;
    for (const t of model.live.traffic || []) {
      if (t.channel === ch && t.sent === sent) { frames += t.frames; total += t.bytes; }
    }
    return frames + " frames, " + bytes(total);
  }

  const header = document.createElement("header");
  const side = document.createElement("aside");
  const main = document.createElement("main");
  document.body.append(header, el("div", { class: "body" }, side, main));

  function liveLine() {
    const lv = model.live;
    if (!lv) return "";
    return "live: " + lv.node + ", " + lv.ticks + " ticks" + (lv.poll ? " (refreshed every 2 s)" : "");
  }

  function drawHeader(view) {
    header.replaceChildren(
      el("h1", {}, model.title ? model.title : "Hydro flow"),
      el("nav", {},
        el("a", { href: "#", class: view === "flow" ? "here" : "" }, "flow"),
        ...[...drills.values()].map((d) => el("a", { href: "#loc=" + d.id, class: view === "loc=" + d.id ? "here" : "" }, d.kind + "[" + d.name + "]"))),
      el("span", { class: "live", id: "live" }, liveLine()));
  }

  function drawFlowSide() {
    const counts = new Map();
    for (const n of flow.nodes) counts.set(root(n.location), (counts.get(root(n.location)) || 0) + 1);
    const locRows = flow.locations.filter((l) => l.parent === null).map((l) => [
      drills.has(l.id) ? el("a", { href: "#loc=" + l.id }, locName(l.id)) : locName(l.id),
      counts.get(l.id) || 0,
    ]);
    const chRows = (model.channels || []).map((c) => {
      const row = [c.id, c.op, locName(c.from_loc) + " → " + locName(c.to_loc), c.route + (c.lossy ? ", lossy" : "")];
      if (model.live) row.push(traffic(c.id, true), traffic(c.id, false));
      return row;
    });
    const chHead = ["ch", "operator", "from → to", "route"];
    if (model.live) chHead.push("sent", "received");
    side.replaceChildren(
      el("h2", {}, "Locations"),
      el("p", { class: "hint" }, "Click a location's box, or its name here, for its dfir subgraphs and strata."),
      table(["location", "operators"], locRows),
      el("h2", {}, "Channels"),
      chRows.length ? table(chHead, chRows) : el("p", {}, "none"),
      el("h2", {}, "Legend"),
      el("ul", { class: "legend" },
        el("li", {}, "box: an operator, with the collection it makes (kind, bounded, ordered, exactly-once), its NonDet reason and source line"),
        el("li", {}, "group: a process, cluster or external location; a tick is nested in its location"),
        el("li", {}, el("span", { class: "net" }, "blue bold edge"), ": a channel between locations"),
        el("li", {}, "dashed edge: into or out of a tick (batch, snapshot, all_ticks, latest)")));
  }

  function drawLocationSide(d) {
    const lv = model.live && model.live.location === d.id ? model.live : null;
    const sgHead = ["subgraph", "stratum", "operators"];
    const hoHead = ["handoff", "from", "to", "kind"];
    if (lv) { sgHead.push("runs", "items"); hoHead.push("items", "waiting"); }
    const sgRows = d.subgraphs.map((s, i) => {
      const r = [s.id, s.stratum, s.operators.join(" → ")];
      if (lv && lv.subgraphs[i]) r.push(lv.subgraphs[i].runs, lv.subgraphs[i].items);
      return r;
    });
    const opHead = ["operator", "subgraph"];
    if (lv) opHead.push("items", "seconds");
    const opRows = (d.operators || []).map((o, i) => {
      const r = [o.label, o.subgraph];
      const c = lv && lv.operators ? lv.operators[i] : null;
      if (c) r.push(c.items, c.seconds.toFixed(3));
      return r;
    });
    const hoRows = d.handoffs.map((h, i) => {
      const r = [i, h.from, h.to, h.kind];
      if (lv && lv.handoffs[i]) r.push(lv.handoffs[i].items, lv.handoffs[i].buffered);
      return r;
    });
    side.replaceChildren(
      el("h2", {}, d.kind + "[" + d.name + "]"),
      el("p", {}, d.subgraphs.length + " subgraphs in " + d.strata + " strata, " + d.handoffs.length + " handoffs" +
        (d.kind === "Cluster" ? " (every member runs this graph)" : "")),
      lv ? el("p", { class: "live" }, "counts of " + lv.node) : el("p", { class: "hint" }, "A node's admin port (-admin) serves this page with its live counts."),
      el("h2", {}, "Subgraphs"),
      table(sgHead, sgRows),
      el("h2", {}, "Handoffs"),
      hoRows.length ? table(hoHead, hoRows) : el("p", {}, "none"),
      el("h2", {}, "Operators"),
      opRows.length ? table(opHead, opRows) : el("p", {}, "none"),
      el("p", {}, el("a", { href: "#" }, "← back to the flow")));
  }

  let view = "";

  function drawSide() {
    const m = /^loc=(\d+)$/.exec(view);
    if (m) drawLocationSide(drills.get(Number(m[1])));
    else drawFlowSide();
    const live = document.getElementById("live");
    if (live) live.textContent = liveLine();
  }

  // show puts a drawing in the main pane at its natural size; the style
  // shrinks one wider than the pane.
  function show(svg) {
    main.replaceChildren(svg);
  }

  function drawFlow() {
    const svg = viz.renderSVGElement(model.dot);
    for (const g of svg.querySelectorAll("g.cluster")) {
      const m = /^loc(\d+)$/.exec(g.id);
      if (!m) continue;
      const target = root(Number(m[1]));
      if (!drills.has(target)) continue;
      g.classList.add("drill");
      g.addEventListener("click", (ev) => { ev.stopPropagation(); location.hash = "loc=" + target; });
    }
    show(svg);
  }

  function drawLocation(d) {
    show(viz.renderSVGElement(d.dot));
  }

  function route() {
    const m = /^#loc=(\d+)$/.exec(location.hash);
    view = m && drills.has(Number(m[1])) ? "loc=" + m[1] : "flow";
    drawHeader(view);
    if (model.problem) {
      main.replaceChildren(el("pre", { class: "problem" }, "The flow does not compile, so its dfir graphs are not drawn:\n\n" + model.problem));
      main.append(viz.renderSVGElement(model.dot));
    } else if (view === "flow") {
      drawFlow();
    } else {
      drawLocation(drills.get(Number(m[1])));
    }
    drawSide();
    document.body.dataset.rendered = view;
  }

  function fail(err) {
    document.body.dataset.error = String(err && err.message ? err.message : err);
    main.replaceChildren(el("pre", { class: "problem" }, "The viewer could not draw the flow: " + document.body.dataset.error));
  }

  async function poll() {
    try {
      const r = await fetch(model.live.poll, { cache: "no-store" });
      if (!r.ok) return;
      const lv = await r.json();
      lv.poll = model.live.poll;
      model.live = lv;
      drawSide();
    } catch (e) {
      // The node stopped or is busy: the counts shown stay as they were.
    }
  }

  drawHeader("flow");
  Viz.instance().then((v) => {
    viz = v;
    window.addEventListener("hashchange", () => { try { route(); } catch (e) { fail(e); } });
    route();
    if (model.live && model.live.poll) setInterval(poll, 2000);
  }).catch(fail);
})();
