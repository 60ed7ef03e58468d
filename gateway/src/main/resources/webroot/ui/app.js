// The svcgate web page (docs/dashboard.md). Plain JavaScript, no framework, no build.
//
// One stream feeds everything: GET /api/events/stream?full=true gives the document,
// then every event after it; the page applies patch events to its replica and
// redraws only what they touched, once per animation frame. After a drop it resumes
// with after=<last id applied>, so nothing is missed and nothing is applied twice.
// EventSource cannot send an Authorization header, so the stream is read with
// fetch() and a ReadableStream reader, and parsed as Server-Sent Events here.
"use strict";
(function () {
  const $ = id => document.getElementById(id);
  const TOKEN_KEY = "svcgate.token";
  const FEED_KEEP = 2000;     // events kept for the feed (filters and resume re-render from these)
  const FEED_SHOWN = 300;     // entries in the DOM at most
  const MATCHES_SHOWN = 500;

  // ---- state
  const S = {
    doc: null,            // the replica of the cluster-state document
    applied: 0,           // the last event id applied to the replica (and shown in the feed)
    serverLast: 0,        // the last id the gateway said it has (bookmarks)
    received: 0, duplicates: 0, gaps: 0, reconnects: 0,
    frames: 0, readMs: 0, drawMs: 0, gridMs: 0, feedMs: 0,   // how much of the page's time the stream and the drawing take
    nodes: new Map(),     // nodename -> row of /api/nodes
    catalogue: [],
    feed: [],             // the last FEED_KEEP events, oldest first
    feedNew: [],          // events not drawn yet (newest last)
    paused: false, heldWhilePaused: 0,
    filter: null,         // {text, cond, prefix}
  };
  window.svcgate = S;     // for people poking around and for the browser tests

  // ---- token and requests
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const t = token();
    if (t) h["Authorization"] = "Bearer " + t;
    return h;
  }
  async function errorText(res) {
    try {
      const j = await res.json();
      return j.error || JSON.stringify(j);
    } catch (e) {
      return res.statusText || ("HTTP " + res.status);
    }
  }
  async function api(path, signal) {
    const res = await fetch(path, { headers: headers({ Accept: "application/json" }), signal, cache: "no-store" });
    if (!res.ok) {
      const err = new Error(await errorText(res));
      err.status = res.status;
      throw err;
    }
    return res.json();
  }

  // ---- connection state
  function setConn(state, text) {
    const el = $("conn");
    el.dataset.state = state;
    el.textContent = text;
  }

  // ---- the stream
  let streamAbort = null;
  let retryTimer = null;
  let backoff = 1000;

  function connect() {
    clearTimeout(retryTimer);
    if (streamAbort) streamAbort.abort();
    const ctl = new AbortController();
    streamAbort = ctl;
    run(ctl).catch(e => {
      if (ctl.signal.aborted) return;
      retry("the stream broke: " + e.message);
    });
  }

  function retry(why) {
    S.reconnects++;
    const wait = backoff;
    backoff = Math.min(backoff * 2, 15000);
    setConn("retrying", "reconnecting in " + Math.round(wait / 1000) + " s — " + why);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, wait);
  }

  async function run(ctl) {
    const resume = S.doc !== null && S.applied > 0;
    const url = resume ? "/api/events/stream?after=" + S.applied : "/api/events/stream?full=true";
    setConn("connecting", resume ? "reconnecting after event " + S.applied + "…" : "connecting…");
    let res;
    try {
      res = await fetch(url, { headers: headers({ Accept: "text/event-stream" }), signal: ctl.signal, cache: "no-store" });
    } catch (e) {
      if (ctl.signal.aborted) return;
      retry("the gateway is unreachable (" + e.message + ")");
      return;
    }
    if (res.status === 401) {
      setConn("refused", (token() ? "the token was refused" : "this gateway needs a token: paste one above")
        + " (401: " + await errorText(res) + ")");
      $("token").focus();
      return; // no retry until a token is given
    }
    if (res.status === 403) {
      setConn("refused", "the token may not read events (403: " + await errorText(res) + ")");
      return;
    }
    if (res.status === 410 && resume) {
      // The events after our last id are no longer kept: say so, and start again from a full document.
      addGap("events after " + S.applied + " are gone from the gateway's history (" + await errorText(res)
        + "): the grid is reloaded from the current state, the feed has a gap here");
      S.doc = null;
      S.applied = 0;
      connect();
      return;
    }
    if (!res.ok) {
      retry("HTTP " + res.status + ": " + await errorText(res));
      return;
    }
    backoff = 1000;
    setConn("live", "live");
    refreshNodes();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    let scanned = 0; // where to look for the next frame's end (a large message comes in many chunks)
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const t0 = performance.now();
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = frameEnd(buf, scanned)) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut).replace(/^(\r?\n){2}/, "");
        scanned = 0;
        onFrame(frame);
      }
      scanned = Math.max(0, buf.length - 3);
      S.readMs += performance.now() - t0;
    }
    if (!ctl.signal.aborted) retry("the gateway closed the stream");
  }

  function frameEnd(buf, from) {
    const a = buf.indexOf("\n\n", from);
    const b = buf.indexOf("\r\n\r\n", from);
    if (a < 0) return b;
    if (b < 0) return a;
    return Math.min(a, b);
  }

  function onFrame(frame) {
    let data = "";
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
    }
    if (!data) return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      console.warn("svcgate: unreadable stream message", e);
      return;
    }
    onMessage(msg);
  }

  function onMessage(m) {
    switch (m.kind) {
      case "full":
        S.doc = m.data;
        S.applied = m.id;
        if (S.feed.length === 0) backfill(m.id);
        S.serverLast = Math.max(S.serverLast, m.id);
        view.structure = true;
        filterDirty = true;
        scheduleDraw();
        return;
      case "bookmark":
        S.serverLast = Math.max(S.serverLast, m.id);
        scheduleDraw();
        return;
      case "gone":
        if (streamAbort) streamAbort.abort();
        if (m.reason === "history") {
          addGap("the gateway dropped this stream: its history no longer holds the next events; reloading");
          S.doc = null;
          S.applied = 0;
        }
        retry("the gateway ended the stream (" + m.reason + ")");
        return;
      case "patch":
      case "event":
        if (m.id <= S.applied) { S.duplicates++; return; }
        if (m.id !== S.applied + 1 && S.applied > 0) S.gaps++;
        S.received++;
        S.applied = m.id;
        S.serverLast = Math.max(S.serverLast, m.id);
        if (m.kind === "patch") applyPatch(m); else onNodeEvent(m);
        S.feed.push(m);
        if (S.feed.length > FEED_KEEP) S.feed.splice(0, S.feed.length - FEED_KEEP);
        if (S.paused) S.heldWhilePaused++;
        else {
          S.feedNew.push(m);
          if (S.feedNew.length > FEED_SHOWN) { S.feedNew = []; feedRedraw = true; }
        }
        scheduleDraw();
        return;
      default:
        return;
    }
  }

  // ---- the replica
  function applyPatch(m) {
    for (const st of m.data) {
      const path = st[0];
      if (path.length === 0) {
        if (st.length > 1) S.doc = st[1];
        view.structure = true;
        filterDirty = true;
        continue;
      }
      let parent = S.doc;
      for (let i = 0; i < path.length - 1 && parent != null; i++) parent = parent[path[i]];
      if (parent == null || typeof parent !== "object") {
        console.warn("svcgate: stanza does not apply to the replica, reloading", path);
        reload();
        return;
      }
      const last = path[path.length - 1];
      if (st.length > 1) {
        if (Array.isArray(parent) && typeof last === "number" && last === parent.length) parent.push(st[1]);
        else parent[last] = st[1];
      } else if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
      else delete parent[last];
      touched(path, st.length > 1);
    }
  }

  function reload() {
    S.doc = null;
    S.applied = 0;
    connect();
  }

  function touched(p, isSet) {
    if (S.filter && !filterDirty) {
      const f = S.filter.prefix;
      const n = Math.min(f.length, p.length);
      let related = true;
      for (let i = 0; i < n; i++) if (f[i] !== p[i]) { related = false; break; }
      if (related) filterDirty = true;
    }
    if (p[0] === "cluster") {
      if (p[1] === "nodes" || p.length === 1) { view.structure = true; noteNodeChange(); }
      return;
    }
    if (p[0] !== "monitor") { if (p.length === 1) view.structure = true; return; }
    if (p.length < 3) {
      // monitor.frozen only shows in the summary line, drawn with every frame
      if (p.length === 1 || p[1] === "nodes" || p[1] === "services") view.structure = true;
      return;
    }
    if (p[1] === "services") {
      const svc = p[2];
      if (p.length === 3 && !view.rowIndex.has(svc)) view.structure = true;
      view.rows.add(svc);
      return;
    }
    if (p[1] !== "nodes") return;
    const node = p[2];
    if (!view.colIndex.has(node)) { view.structure = true; noteNodeChange(); return; }
    if (p.length === 3) { view.cols.add(node); view.heads.add(node); noteNodeChange(); return; }
    if (p[3] === "frozen" || p[3] === "monitor") { view.heads.add(node); return; }
    if (p[3] === "gen") { noteNodeChange(); return; }
    if (p[3] !== "services") return;
    if (p.length <= 5) { view.cols.add(node); return; }
    if (p[4] !== "status") return;
    const svc = p[5];
    if (!view.rowIndex.has(svc)) { if (isSet) view.structure = true; return; }
    view.cells.add(svc + "\u0000" + node);
  }

  // ---- node liveness (the gateway's own view: GET /api/nodes)
  let nodesTimer = null, nodesInFlight = false, nodesAgain = false;
  function noteNodeChange() {
    if (nodesTimer === null) nodesTimer = setTimeout(() => { nodesTimer = null; refreshNodes(); }, 1000);
  }
  async function refreshNodes() {
    if (nodesInFlight) { nodesAgain = true; return; }
    nodesInFlight = true;
    try {
      const rows = await api("/api/nodes");
      S.nodes = new Map(rows.map(r => [r.nodename, r]));
      view.colIndex.forEach((_, n) => view.heads.add(n));
      const dl = $("node-names");
      dl.replaceChildren(...rows.map(r => new Option(r.nodename)));
      scheduleDraw();
    } catch (e) {
      console.warn("svcgate: /api/nodes failed", e);
    } finally {
      nodesInFlight = false;
      if (nodesAgain) { nodesAgain = false; noteNodeChange(); }
    }
  }

  function onNodeEvent(m) {
    const d = m.data || {};
    if ((d.id === "hb_stale" || d.id === "hb_beating") && d.nodename) {
      const row = S.nodes.get(d.nodename) || { nodename: d.nodename };
      row.status = d.id === "hb_stale" ? "stale" : "beating";
      S.nodes.set(d.nodename, row);
      view.heads.add(d.nodename);
      noteNodeChange();
    } else if (d.id === "forget_peer") {
      noteNodeChange();
    }
  }

  // ---- the grid: keyed cells, redrawn only when touched
  const view = {
    structure: true,
    nodes: [], services: [],
    colIndex: new Map(),   // node -> its header <th>
    rowIndex: new Map(),   // service -> {th, agg}
    cellIndex: new Map(),  // service \0 node -> <td>
    cells: new Set(), heads: new Set(), rows: new Set(), cols: new Set(),
  };

  const SYM = { up: "↑", down: "↓", warn: "!", "n/a": "·", "stdby up": "◌↑", "stdby down": "◌↓", undef: "?" };
  function sym(s) { return s == null ? "–" : (SYM[s] || s); }
  function statusClass(s) {
    if (s === "up") return "s-up";
    if (s === "down") return "s-down";
    if (s === "warn") return "s-warn";
    if (typeof s === "string" && s.startsWith("stdby")) return "s-stdby";
    return "s-na";
  }
  function isFrozen(v) { return v !== undefined && v !== null && v !== 0 && v !== "0" && v !== "thawed" && v !== false && v !== ""; }

  function computeLayout() {
    const doc = S.doc || {};
    const mon = doc.monitor || {};
    const nodes = [];
    const seen = new Set();
    for (const n of ((doc.cluster || {}).nodes || [])) if (!seen.has(n)) { seen.add(n); nodes.push(n); }
    for (const n of Object.keys(mon.nodes || {})) if (!seen.has(n)) { seen.add(n); nodes.push(n); }
    const svcs = new Set(Object.keys(mon.services || {}));
    for (const n of Object.keys(mon.nodes || {})) {
      const st = (((mon.nodes[n] || {}).services || {}).status) || {};
      for (const s of Object.keys(st)) svcs.add(s);
    }
    return { nodes, services: [...svcs].sort((a, b) => a.localeCompare(b, "en", { numeric: true })) };
  }

  function sameList(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

  function rebuildGrid() {
    const { nodes, services } = computeLayout();
    $("cluster-name").textContent = S.doc && S.doc.cluster && S.doc.cluster.name ? "— " + S.doc.cluster.name : "";
    if (sameList(nodes, view.nodes) && sameList(services, view.services)) {
      // Same shape: redraw everything in place (a full or a whole-document change).
      services.forEach(s => view.rows.add(s));
      nodes.forEach(n => { view.heads.add(n); view.cols.add(n); });
      return;
    }
    view.nodes = nodes;
    view.services = services;
    view.colIndex.clear(); view.rowIndex.clear(); view.cellIndex.clear();
    const thead = document.createElement("tr");
    const corner = document.createElement("th");
    corner.className = "corner";
    corner.scope = "col";
    corner.textContent = "service · aggregate";
    thead.appendChild(corner);
    for (const n of nodes) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.node = n;
      const box = document.createElement("div");
      box.className = "h";
      box.textContent = n;
      const st = document.createElement("span");
      st.className = "node-status";
      st.textContent = " ";
      box.appendChild(st);
      th.appendChild(box);
      thead.appendChild(th);
      view.colIndex.set(n, th);
      view.heads.add(n);
    }
    const body = document.createDocumentFragment();
    for (const s of services) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.dataset.service = s;
      const name = document.createElement("span");
      name.textContent = s;
      const agg = document.createElement("span");
      agg.className = "agg";
      th.append(name, agg);
      tr.appendChild(th);
      view.rowIndex.set(s, { th, agg });
      view.rows.add(s);
      for (const n of nodes) {
        const td = document.createElement("td");
        td.dataset.node = n;
        td.dataset.service = s;
        td.appendChild(document.createElement("div")).className = "c";
        tr.appendChild(td);
        view.cellIndex.set(s + "\u0000" + n, td);
      }
      body.appendChild(tr);
    }
    const cols = document.createElement("colgroup");
    const c0 = document.createElement("col");
    c0.className = "svc";
    cols.appendChild(c0);
    for (let i = 0; i < nodes.length; i++) {
      const c = document.createElement("col");
      c.className = "node";
      cols.appendChild(c);
    }
    const old = $("grid").querySelector("colgroup");
    if (old) old.replaceWith(cols); else $("grid").insertBefore(cols, $("grid").firstChild);
    $("grid").tHead.replaceChildren(thead);
    $("grid").tBodies[0].replaceChildren(body);
    view.cells.clear();
    nodes.forEach(n => view.cols.add(n));
  }

  function drawCell(td, svc, node) {
    const n = ((S.doc.monitor || {}).nodes || {})[node];
    const inst = n && n.services && n.services.status ? n.services.status[svc] : undefined;
    const box = td.firstChild; // the text lives in a fixed-size box: changing it lays out that box alone
    if (!inst) {
      td.className = "none";
      box.textContent = "";
      td.title = svc + " has no instance on " + node;
      td.dataset.avail = "";
      return;
    }
    const avail = inst.avail, overall = inst.overall;
    const frozen = isFrozen(inst.frozen);
    let text = sym(avail);
    if (overall !== avail) text += "/" + sym(overall);
    if (frozen) text = "❄" + text;
    if (box.textContent !== text) box.textContent = text;
    td.className = statusClass(overall === "warn" || overall === "down" ? overall : avail);
    td.title = svc + " on " + node + ": avail " + avail + ", overall " + overall + (frozen ? ", frozen" : "");
    td.dataset.avail = avail == null ? "" : String(avail);
    td.dataset.overall = overall == null ? "" : String(overall);
    td.dataset.frozen = frozen ? "1" : "0";
  }

  function drawHead(node) {
    const th = view.colIndex.get(node);
    if (!th) return;
    const data = ((S.doc.monitor || {}).nodes || {})[node];
    const row = S.nodes.get(node);
    const status = row ? row.status : (data ? "beating" : "silent");
    const needsFull = row ? !!row.needs_full : false;
    const frozen = data ? isFrozen(data.frozen) : false;
    const mon = data && data.monitor ? data.monitor.status : undefined;
    const marks = [];
    marks.push(status === "stale" ? "✕ stale" : status === "beating" ? "♥" : "– " + status);
    if (needsFull) marks.push("⟳");
    if (frozen) marks.push("❄");
    const text = marks.join(" ");
    // Only a real change touches the head: a table head's new text lays the whole table out again.
    const sig = text + "\u0000" + (mon || "");
    if (th.dataset.sig === sig) return;
    th.dataset.sig = sig;
    th.firstChild.lastChild.textContent = text;
    th.classList.toggle("stale", status === "stale");
    th.dataset.status = status;
    th.dataset.needsFull = needsFull ? "1" : "0";
    th.dataset.frozen = frozen ? "1" : "0";
    th.title = node + ": heartbeat " + status + (needsFull ? ", needs a full" : "") + (frozen ? ", frozen" : "")
      + (mon ? ", monitor " + mon : "");
  }

  function drawRow(svc) {
    const r = view.rowIndex.get(svc);
    if (!r) return;
    const a = ((S.doc.monitor || {}).services || {})[svc] || {};
    const frozen = a.frozen === "frozen";
    let text = sym(a.avail);
    if (a.overall !== a.avail) text += "/" + sym(a.overall);
    if (frozen) text = "❄" + text;
    if (a.placement && a.placement !== "optimal") text += " ⚐";
    r.agg.textContent = text;
    r.agg.className = "agg " + statusClass(a.overall === "warn" || a.overall === "down" ? a.overall : a.avail);
    r.th.title = svc + ": avail " + a.avail + ", overall " + a.overall + ", " + (a.frozen || "frozen n/a")
      + ", placement " + (a.placement || "n/a");
    r.th.dataset.avail = a.avail == null ? "" : String(a.avail);
  }

  function drawGrid() {
    if (!S.doc) return;
    if (view.structure) {
      view.structure = false;
      rebuildGrid();
    }
    for (const n of view.cols) {
      for (const s of view.services) view.cells.add(s + "\u0000" + n);
    }
    view.cols.clear();
    for (const key of view.cells) {
      const td = view.cellIndex.get(key);
      if (td) drawCell(td, td.dataset.service, td.dataset.node);
    }
    view.cells.clear();
    for (const n of view.heads) drawHead(n);
    view.heads.clear();
    for (const s of view.rows) drawRow(s);
    view.rows.clear();
    const mon = S.doc.monitor || {};
    const stale = [...S.nodes.values()].filter(r => r.status === "stale").length;
    $("summary").textContent = view.nodes.length + " nodes, " + view.services.length + " services"
      + (stale ? ", " + stale + " stale" : "") + (mon.frozen ? ", cluster " + mon.frozen : "");
  }

  // ---- the feed
  function catalogueEntry(id, reason) {
    let best = null;
    for (const e of S.catalogue) {
      if (e.id !== id) continue;
      if ((e.reason || null) === (reason || null)) return e;
      if (best === null || (e.reason == null && best.reason != null)) best = e;
    }
    return best;
  }

  function fill(template, m) {
    const d = m.data || {};
    return template.replace(/\{([A-Za-z0-9_]+)\}/g, (all, key) => {
      let v = d[key];
      if (v === undefined && d.instance && typeof d.instance === "object") v = d.instance[key];
      if (v === undefined && key === "nodename") v = m.nodename;
      if (v === undefined || v === null) return all;
      return typeof v === "object" ? JSON.stringify(v) : String(v);
    });
  }

  // What happened (the catalogue's sentence), to what (the object, the node), why (the reason).
  function sentence(m) {
    const d = m.data || {};
    const e = catalogueEntry(d.id, d.reason);
    let text = e ? fill(e.message, m) : "event " + d.id;
    const what = d.path || d.svcname;
    if (what) text += " — " + what;
    if (d.peer && !/\{peer\}/.test(e ? e.message : "")) text += " — peer " + d.peer;
    if (d.reason) text += " (reason: " + d.reason + ")";
    return text;
  }

  const TIME = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  function time(ts) {
    return typeof ts === "number" ? TIME.format(new Date(ts * 1000)) : "";
  }

  function pathText(p) {
    return p.map((k, i) => typeof k === "number" ? "[" + k + "]"
      : (/^[A-Za-z_@][A-Za-z0-9_@-]*$/.test(k) ? (i ? "." : "") + k : (i ? "." : "") + "'" + k.replace(/'/g, "''") + "'")).join("");
  }

  function feedItem(m) {
    const li = document.createElement("li");
    li.dataset.id = m.id;
    li.dataset.kind = m.kind;
    li.dataset.node = m.nodename;
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = "#" + m.id + " ";
    const tm = document.createElement("span");
    tm.className = "time";
    tm.textContent = time(m.ts) + " ";
    if (m.kind === "event") {
      const d = m.data || {};
      li.dataset.eventid = d.id;
      const ev = document.createElement("span");
      ev.className = "ev";
      ev.textContent = m.nodename + ": " + sentence(m) + " ";
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = d.id;
      li.append(id, tm, ev, tag);
      return li;
    }
    const det = document.createElement("details");
    const sum = document.createElement("summary");
    const n = m.data.length;
    const first = n ? pathText(m.data[0][0]) : "";
    sum.append(id, tm, document.createTextNode("patch from " + m.nodename + ": " + n + " change" + (n === 1 ? "" : "s")
      + (first ? " (" + first + (n > 1 ? ", …" : "") + ")" : "")));
    det.appendChild(sum);
    det.addEventListener("toggle", () => {
      if (!det.open || det.querySelector("ul")) return;
      const ul = document.createElement("ul");
      for (const st of m.data) {
        const s = document.createElement("li");
        s.className = "stanza";
        s.textContent = st.length > 1 ? "set " + pathText(st[0]) + " = " + JSON.stringify(st[1]) : "delete " + pathText(st[0]);
        ul.appendChild(s);
      }
      det.appendChild(ul);
    }, { once: false });
    li.appendChild(det);
    return li;
  }

  function feedFilter() {
    const kinds = new Set();
    if ($("kind-event").checked) kinds.add("event");
    if ($("kind-patch").checked) kinds.add("patch");
    const node = $("feed-node").value.trim();
    const eid = $("feed-eventid").value.trim();
    return m => kinds.has(m.kind) && (!node || m.nodename === node)
      && (!eid || (m.kind === "event" && m.data && m.data.id === eid));
  }

  let feedRedraw = false;
  function drawFeed() {
    const list = $("feed");
    const keep = feedFilter();
    if (feedRedraw && !S.paused) {
      feedRedraw = false;
      S.feedNew = [];
      const out = [];
      for (let i = S.feed.length - 1; i >= 0 && out.length < FEED_SHOWN; i--) {
        if (keep(S.feed[i])) out.push(feedItem(S.feed[i]));
      }
      list.replaceChildren(...out);
    } else if (S.feedNew.length) {
      const frag = document.createDocumentFragment();
      for (let i = S.feedNew.length - 1; i >= 0; i--) {
        if (keep(S.feedNew[i])) frag.appendChild(feedItem(S.feedNew[i]));
      }
      S.feedNew = [];
      list.insertBefore(frag, list.firstChild);
      while (list.children.length > FEED_SHOWN) list.lastChild.remove();
    }
    $("feed-state").textContent = S.paused
      ? "paused — " + S.heldWhilePaused + " new event" + (S.heldWhilePaused === 1 ? "" : "s") + " held" : "";
  }

  // The feed starts with the last events before the document the stream began with
  // (a history page: they are not applied, the document already holds them).
  async function backfill(upTo) {
    const after = Math.max(0, upTo - 200);
    try {
      const page = await api("/api/events?limit=200&after=" + after);
      const older = page.events.filter(e => e.id <= upTo && (e.kind === "patch" || e.kind === "event"));
      const have = new Set(S.feed.map(e => e.id));
      S.feed = older.filter(e => !have.has(e.id)).concat(S.feed);
      if (S.feed.length > FEED_KEEP) S.feed.splice(0, S.feed.length - FEED_KEEP);
      feedRedraw = true;
      scheduleDraw();
    } catch (e) {
      console.warn("svcgate: no history for the feed", e);
    }
  }

  function addGap(text) {
    const li = document.createElement("li");
    li.className = "gap";
    li.textContent = text;
    $("feed").insertBefore(li, $("feed").firstChild);
  }

  // ---- the filter box
  let filterDirty = false;
  let waitAbort = null, waitTick = null;

  async function showFilter(text) {
    $("filter-error").textContent = "";
    $("filter-holds").textContent = "";
    $("matches").replaceChildren();
    S.filter = null;
    if (!text.trim()) return;
    try {
      // The gateway is the judge of syntax: a check-once wait answers 400 with the reason.
      await api("/api/wait?duration=0&filter=" + encodeURIComponent(text));
    } catch (e) {
      $("filter-error").textContent = e.status === 400 ? e.message : "cannot check the filter: " + e.message;
      return;
    }
    let cond;
    try {
      cond = SvcFilter.parseCondition(text);
    } catch (e) {
      $("filter-error").textContent = "the page cannot follow this filter live: " + e.message;
      return;
    }
    S.filter = { text, cond, prefix: SvcFilter.fixedPrefix(cond.path) };
    filterDirty = true;
    lastFilterAt = -1e9;
    scheduleDraw();
  }

  function drawFilter() {
    if (!S.filter || !S.doc) return;
    const { cond } = S.filter;
    const r = SvcFilter.evaluate(cond, S.doc);
    const holds = $("filter-holds");
    holds.dataset.holds = String(r.holds);
    holds.textContent = (cond.op === null && !cond.negated ? "" : (r.holds ? "holds now" : "does not hold now") + " · ")
      + r.matches.length + " match" + (r.matches.length === 1 ? "" : "es") + " at event " + S.applied;
    const out = [];
    for (const m of r.matches.slice(0, MATCHES_SHOWN)) {
      const li = document.createElement("li");
      li.className = cond.op === null ? "" : (m.ok ? "ok" : "no");
      const v = typeof m.value === "object" && m.value !== null ? JSON.stringify(m.value) : String(m.value);
      li.textContent = pathText(m.path) + " = " + (v.length > 300 ? v.slice(0, 300) + "…" : v);
      li.dataset.path = JSON.stringify(m.path);
      out.push(li);
    }
    $("matches").replaceChildren(...out);
  }

  function setWait(state, text) {
    const el = $("wait-state");
    el.dataset.state = state;
    el.textContent = text;
  }

  function startWait() {
    const text = $("filter").value;
    if (!text.trim()) { setWait("error", "type a condition first"); return; }
    cancelWait();
    const ctl = new AbortController();
    waitAbort = ctl;
    const started = performance.now();
    const elapsed = () => ((performance.now() - started) / 1000).toFixed(1) + " s";
    setWait("waiting", "waiting for " + text);
    $("wait-elapsed").textContent = elapsed();
    waitTick = setInterval(() => { $("wait-elapsed").textContent = elapsed(); }, 100);
    $("wait-cancel").disabled = false;
    const once = async () => {
      // The gateway holds one request at most wait.max; ask again until it holds or the user cancels.
      const r = await api("/api/wait?duration=10m&filter=" + encodeURIComponent(text), ctl.signal);
      if (ctl.signal.aborted) return;
      if (r.satisfied) {
        endWait();
        $("wait-elapsed").textContent = "";
        setWait("satisfied", "✓ satisfied after " + elapsed() + " (event " + r.id + "): " + text);
      } else {
        await once();
      }
    };
    once().catch(e => {
      if (ctl.signal.aborted) return;
      endWait();
      $("wait-elapsed").textContent = "";
      setWait("error", "the wait failed: " + e.message);
    });
  }

  function endWait() {
    clearInterval(waitTick);
    waitTick = null;
    waitAbort = null;
    $("wait-cancel").disabled = true;
  }

  function cancelWait() {
    if (waitAbort) {
      waitAbort.abort();
      endWait();
      $("wait-elapsed").textContent = "";
      setWait("idle", "wait cancelled");
    }
  }

  // ---- drawing, once per frame
  let drawScheduled = false;
  let lastFilterAt = -1e9, lastFilterCost = 0, filterTimer = null;
  function scheduleDraw() {
    if (drawScheduled) return;
    drawScheduled = true;
    requestAnimationFrame(draw);
  }
  function draw() {
    drawScheduled = false;
    const t0 = performance.now();
    drawGrid();
    const t1 = performance.now();
    S.gridMs += t1 - t0;
    drawFeed();
    S.feedMs += performance.now() - t1;
    if (filterDirty) {
      // A filter over much of a large document is costly: evaluate it at most every
      // 10 × its last cost (and 100 ms), so it never holds the frame rate down.
      const now = performance.now();
      const due = lastFilterAt + Math.max(100, 10 * lastFilterCost);
      if (now >= due) {
        filterDirty = false;
        lastFilterAt = now;
        drawFilter();
        lastFilterCost = performance.now() - now;
      } else if (!filterTimer) {
        filterTimer = setTimeout(() => { filterTimer = null; scheduleDraw(); }, due - now);
      }
    }
    S.frames++;
    S.drawMs += performance.now() - t0;
    // The event counter sits outside the status region, which speaks only when the state changes.
    const idText = S.applied ? "event " + S.applied : "";
    if ($("conn-id").textContent !== idText) $("conn-id").textContent = idText;
    document.body.dataset.applied = String(S.applied);
  }

  // ---- wiring
  function init() {
    $("token-form").addEventListener("submit", ev => {
      ev.preventDefault();
      const t = $("token").value.trim();
      if (t) sessionStorage.setItem(TOKEN_KEY, t);
      $("token").value = "";
      loadCatalogue();
      connect();
    });
    $("token-forget").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      connect();
    });
    $("filter-form").addEventListener("submit", ev => { ev.preventDefault(); showFilter($("filter").value); });
    $("wait").addEventListener("click", () => { showFilter($("filter").value); startWait(); });
    $("wait-cancel").addEventListener("click", cancelWait);
    for (const id of ["kind-event", "kind-patch", "feed-node", "feed-eventid"]) {
      $(id).addEventListener("input", () => { feedRedraw = true; scheduleDraw(); });
    }
    $("pause").addEventListener("click", () => {
      S.paused = !S.paused;
      $("pause").setAttribute("aria-pressed", String(S.paused));
      $("pause").textContent = S.paused ? "Resume" : "Pause";
      if (!S.paused) { S.heldWhilePaused = 0; feedRedraw = true; }
      scheduleDraw();
    });
    loadCatalogue();
    connect();
  }

  async function loadCatalogue() {
    try {
      const c = await api("/api/events/catalogue");
      S.catalogue = c.events || [];
      const ids = [...new Set(S.catalogue.map(e => e.id))].sort();
      $("event-ids").replaceChildren(...ids.map(i => new Option(i)));
      feedRedraw = true;
      scheduleDraw();
    } catch (e) {
      console.warn("svcgate: no event catalogue", e);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
