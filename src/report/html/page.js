// page.js — draws racesim's run page from the trace's events (docs/trace-format.md): a lane per
// buyer, a column per step, the watched row below, lock waits as arrows, step-by-step playback,
// and the latency histogram. No request leaves the page.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const events = D.events || [];
  const lanes = D.lanes || 0;
  const MAX_COLUMNS = 80;

  function esc(s) {
    return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"})[c]);
  }
  function num(v) { return v < 0 ? "\u2212" + (-v) : String(v); }
  function isStatement(e) { return (e.event === "sql" || e.event === "error") && e.type !== "invoke"; }

  // Columns: the lockstep step, or (free-running) one per statement in the order they returned.
  const columnOf = [];
  let columns = 0;
  if (D.lockstep) {
    events.forEach((e, i) => { columnOf[i] = Math.max(1, e.round || 1); });
    columns = Math.max(0, ...columnOf.filter(c => c !== undefined));
  } else {
    const current = {};
    events.forEach((e, i) => {
      if (e.type === "invoke") return;
      if (isStatement(e) || !current[e.buyer]) current[e.buyer] = ++columns;
      columnOf[i] = current[e.buyer];
    });
  }
  const shown = Math.min(columns, MAX_COLUMNS);

  // What each buyer did at each column; the watched value after each column.
  const cells = {};
  const stateAt = [];
  const waits = [];
  const windows = [];
  const finalOutcome = {};
  events.forEach((e, i) => {
    const c = columnOf[i];
    if (!c || c > shown) return;
    if (e.state) stateAt[c] = {value: Object.values(e.state)[0], holds: e.state_holds !== false};
    if (e.type === "invoke") return;
    if (e.event === "wait") { waits.push({i, e, c}); return; }
    if (e.event === "window") windows.push({e, c});
    if (e.event === "end") finalOutcome[e.buyer] = e;
    const key = e.buyer + ":" + c;
    (cells[key] = cells[key] || []).push(e);
  });
  // The column where buyer b's next statement after event index i returned.
  function nextStatementColumn(b, i) {
    for (let j = i + 1; j < events.length; j++)
      if (events[j].buyer === b && isStatement(events[j])) return columnOf[j];
    return shown + 1;
  }

  function statementBox(e) {
    let res, kind = "info";
    if (e.event === "error") {
      res = "✗ ERROR " + esc(e.code || "") + " " + esc(e.error || "");
      kind = "fail";
    } else if (e.read) {
      const parts = Object.entries(e.read).map(([k, v]) => esc(k) + " = " + (v === null ? "NULL" : num(v)));
      res = e.found === false ? "→ no row" : "→ " + parts.join(", ");
      kind = "ok read";
    } else if (e.rows !== undefined) {
      res = "→ " + e.rows + (e.rows === 1 ? " row" : " rows");
      kind = "ok write";
    } else {
      res = "✓";
      kind = "ok";
    }
    if (e.type === "info") kind = "info";
    let wait = "";
    if (e.waited_for !== undefined)
      wait = "<div class=\"note\">" + (e.waited_for > 0 ? "lock granted (held by buyer " + e.waited_for + ")"
             : "no longer blocked") + (D.lockstep ? "" : " after " + e.waited_ms.toFixed(1) + " ms") + "</div>";
    return "<div class=\"box " + kind + "\" title=\"line " + e.line + ": " + esc(e.statement) + "\">" +
           "<div class=\"sql\">" + esc(e.sql) + "</div><div class=\"res\">" + res + "</div>" + wait + "</div>";
  }
  function item(e) {
    if (isStatement(e)) return statementBox(e);
    if (e.event === "require")
      return "<span class=\"check " + (e.holds ? "pass" : "fail") + "\">" + esc(e.text.replace(/^check /, "")
             .replace(/>=/g, "≥").replace(/<=/g, "≤").replace(/!=/g, "≠")) + "</span>";
    if (e.event === "window") return "";
    if (e.event === "end") {
      if (e.retry) return "<div class=\"end retry\">↻ " + esc(e.outcome) + " → retry " + e.retry + "</div>";
      return "<div class=\"end " + (e.outcome === "ok" ? "ok\">✓ ok" : "failed\">✗ " + esc(e.outcome)) + "</div>";
    }
    return "<div class=\"note\">" + esc(e.text || e.event) + "</div>";
  }

  // A cell's items; consecutive checks share one line.
  function group(list) {
    let out = "", checks = "";
    list.forEach(e => {
      if (e.event === "require") { checks += item(e); return; }
      if (checks) { out += "<div class=\"checks\">" + checks + "</div>"; checks = ""; }
      out += item(e);
    });
    return out + (checks ? "<div class=\"checks\">" + checks + "</div>" : "");
  }

  // The grid: header row, a lane per buyer, the watched row.
  const grid = document.createElement("div");
  grid.className = "grid";
  grid.style.gridTemplateColumns = "max-content repeat(" + shown + ", minmax(7.2rem, 1fr))";
  let html = "<div class=\"head\" style=\"grid-row:1;grid-column:1\"></div>";
  for (let c = 1; c <= shown; c++)
    html += "<div class=\"head\" data-col=\"" + c + "\" style=\"grid-row:1;grid-column:" + (c + 1) + "\">" +
            (D.lockstep ? "step " : "#") + c + "</div>";
  for (let b = 1; b <= lanes; b++) {
    const end = finalOutcome[b];
    const outcome = end ? (end.outcome === "ok" ? "✓ ok" : "✗ " + esc(end.outcome)) : "";
    html += "<div class=\"lane\" data-buyer=\"" + b + "\" style=\"grid-row:" + (b + 1) + ";grid-column:1\">buyer " + b +
            "<small>" + outcome + "</small></div>";
    for (let c = 1; c <= shown; c++) {
      const list = cells[b + ":" + c];
      if (list)
        html += "<div class=\"cell\" data-col=\"" + c + "\" style=\"grid-row:" + (b + 1) + ";grid-column:" + (c + 1) + "\">" +
                group(list) + "</div>";
    }
  }
  const HOURGLASS = "<svg class=\"icon\" viewBox=\"0 0 10 14\" aria-hidden=\"true\"><path d=\"M1 1h8L5 7l4 6H1l4-6z\"" +
                    " fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.6\"/><path d=\"M3 12h4L5 9z\" fill=\"currentColor\"/></svg>";
  waits.forEach(w => {
    const until = nextStatementColumn(w.e.buyer, w.i);
    const end = Math.max(w.c + 1, Math.min(until, shown + 1));
    w.until = until;
    const done = events.slice(w.i + 1).find(x => x.buyer === w.e.buyer && isStatement(x));
    const how = D.lockstep ? (until - w.c) + (until - w.c === 1 ? " step" : " steps")
                : done && done.waited_ms !== undefined ? done.waited_ms.toFixed(1) + " ms" : "";
    html += "<div class=\"box waiting\" data-col=\"" + w.c + "\" data-wait=\"" + w.e.buyer + "\" style=\"grid-row:" +
            (w.e.buyer + 1) + ";grid-column:" + (w.c + 1) + "/" + (end + 1) + "\">" + HOURGLASS + "<span>waits for " +
            (w.e.waited_for > 0 ? "buyer " + w.e.waited_for + "'s lock" : "a lock") + (how ? " · " + how : "") + "</span></div>";
  });
  windows.forEach(w => {
    const i = events.indexOf(w.e);
    const until = Math.min(nextStatementColumn(w.e.buyer, i), shown + 1);
    if (until > w.c + 1)
      html += "<div class=\"window\" data-col=\"" + (w.c + 1) + "\" style=\"grid-row:" + (w.e.buyer + 1) +
              ";grid-column:" + (w.c + 2) + "/" + (until + 1) + "\">race window</div>";
  });
  const st = D.state;
  if (st && stateAt.length) {
    const rule = st.op ? st.name + " " + st.op.replace(">=", "≥").replace("<=", "≤").replace("!=", "≠") + " " + num(st.bound) : "";
    html += "<div class=\"statelabel\" style=\"grid-row:" + (lanes + 2) + ";grid-column:1\">" + esc(st.name) +
            "<small>in the database" + (st.initial !== undefined ? "; " + num(st.initial) + " at the start" : "") +
            "</small>" + (rule ? "<small>must stay " + esc(rule.slice(st.name.length + 1)) + "</small>" : "") + "</div>";
    let prev = st.initial, brokenShown = false;
    for (let c = 1; c <= shown; c++) {
      const s = stateAt[c];
      const value = s ? s.value : prev;
      if (value === undefined) continue;
      const holds = s ? s.holds : true;
      const changed = prev !== undefined && value !== prev;
      let tag = "";
      if (!holds && !brokenShown) { tag = "<span class=\"tag\">✗ breaks " + esc(rule) + "</span>"; brokenShown = true; }
      html += "<div class=\"state" + (changed ? " changed" : "") + (holds ? "" : " broken") + "\" data-col=\"" + c +
              "\" data-value=\"" + value + "\" style=\"grid-row:" + (lanes + 2) + ";grid-column:" + (c + 1) + "\">" +
              num(value) + tag + "</div>";
      prev = value;
    }
  }
  grid.innerHTML = html;
  const timeline = document.getElementById("timeline");
  timeline.innerHTML = "";
  timeline.appendChild(grid);
  if (D.buyers > lanes || columns > shown)
    timeline.insertAdjacentHTML("beforeend", "<p class=\"note\">drawn: buyers 1–" + lanes + " of " + D.buyers +
                                ", " + shown + " of " + columns + (D.lockstep ? " steps" : " statements") + "</p>");

  // Lock waits: an arrow from the waiting buyer to the lane of the buyer holding the lock.
  function drawArrows() {
    const old = document.getElementById("arrows");
    if (old) old.remove();
    const g = grid.getBoundingClientRect();
    let svg = "";
    grid.querySelectorAll(".box.waiting").forEach(box => {
      const w = waits.find(x => String(x.e.buyer) === box.dataset.wait && String(x.c) === box.dataset.col);
      const holder = w && w.e.waited_for;
      const lane = holder && grid.querySelector(".lane[data-buyer=\"" + holder + "\"]");
      if (!lane) return;
      const b = box.getBoundingClientRect(), l = lane.getBoundingClientRect();
      const x = b.left - g.left + Math.min(24, b.width / 2);
      const down = l.top > b.top;
      const y1 = down ? b.bottom - g.top : b.top - g.top;
      const y2 = down ? l.top - g.top + l.height * 0.35 : l.bottom - g.top - l.height * 0.35;
      const head = down ? -1 : 1;
      svg += "<g class=\"arrow\" data-col=\"" + w.c + "\"><line x1=\"" + x + "\" y1=\"" + y1 + "\" x2=\"" + x + "\" y2=\"" + y2 +
             "\" stroke=\"#8a4b00\" stroke-width=\"5\"/><polygon points=\"" + (x - 11) + "," + (y2 + 16 * head) + " " +
             (x + 11) + "," + (y2 + 16 * head) + " " + x + "," + y2 + "\" fill=\"#8a4b00\"/></g>";
    });
    if (!svg) return;
    grid.insertAdjacentHTML("beforeend", "<svg id=\"arrows\" width=\"" + g.width + "\" height=\"" + g.height +
                            "\" viewBox=\"0 0 " + g.width + " " + g.height + "\">" + svg + "</svg>");
    show(cur);
  }

  // Playback: step k shows columns 1..k (the others faded), column k marked.
  let cur = shown, timer = null;
  function show(k) {
    cur = Math.max(0, Math.min(shown, k));
    grid.querySelectorAll("[data-col]").forEach(el => {
      const c = Number(el.dataset.col);
      el.classList.toggle("future", c > cur);
      el.classList.toggle("now", c === cur && (el.classList.contains("head") || el.classList.contains("state")));
    });
    document.getElementById("stepno").textContent = cur === 0 ? "before the first step"
      : (D.lockstep ? "step " : "statement ") + cur + " of " + shown;
  }
  function stop() { if (timer) clearInterval(timer); timer = null; document.getElementById("play").textContent = "▶ play"; }
  function play() {
    if (timer) { stop(); return; }
    if (cur >= shown) show(0);
    document.getElementById("play").textContent = "❚❚ pause";
    timer = setInterval(() => { if (cur >= shown) stop(); else show(cur + 1); }, 1500);
  }
  document.getElementById("prev").onclick = () => { stop(); show(cur - 1); };
  document.getElementById("next").onclick = () => { stop(); show(cur + 1); };
  document.getElementById("first").onclick = () => { stop(); show(0); };
  document.getElementById("last").onclick = () => { stop(); show(shown); };
  document.getElementById("play").onclick = play;
  document.addEventListener("keydown", ev => {
    if (ev.key === "ArrowRight") { stop(); show(cur + 1); }
    else if (ev.key === "ArrowLeft") { stop(); show(cur - 1); }
    else if (ev.key === "Home") { stop(); show(0); }
    else if (ev.key === "End") { stop(); show(shown); }
    else if (ev.key === " ") play();
    else return;
    ev.preventDefault();
  });

  // Purchase latency: the report's histogram buckets as bars.
  function histogram() {
    const h = D.report && D.report.latency && D.report.latency.purchase;
    const el = document.getElementById("histogram");
    if (!h || !h.buckets || !h.buckets.length) { el.textContent = "no purchases"; return; }
    const W = 560, H = 150, left = 8, bottom = 40, top = 22;
    const max = Math.max(...h.buckets.map(b => b.count)) || 1;
    const bw = Math.min(60, (W - 2 * left) / h.buckets.length);      // a few buckets: narrow bars
    const x0 = left + ((W - 2 * left) - bw * h.buckets.length) / 2;
    let s = "";
    h.buckets.forEach((b, i) => {
      const bh = (H - bottom - top) * b.count / max;
      s += "<rect class=\"bar\" x=\"" + (x0 + i * bw + 1) + "\" y=\"" + (H - bottom - bh) + "\" width=\"" + Math.max(1, bw - 2) +
           "\" height=\"" + bh + "\"><title>" + b.from_ms + "–" + b.to_ms + " ms: " + b.count + "</title></rect>";
    });
    const ms = v => v >= 1000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(v < 10 ? 2 : 1) + " ms";
    s += "<line x1=\"" + left + "\" y1=\"" + (H - bottom) + "\" x2=\"" + (W - left) + "\" y2=\"" + (H - bottom) + "\" stroke=\"#111\" stroke-width=\"2\"/>";
    const x1 = x0 + bw * h.buckets.length;
    s += "<text x=\"" + x0 + "\" y=\"" + (H - bottom + 20) + "\"" + (x1 - x0 < 200 ? " text-anchor=\"end\"" : "") + ">" +
         ms(h.buckets[0].from_ms) + "</text>";
    s += "<text x=\"" + x1 + "\" y=\"" + (H - bottom + 20) + "\"" + (x1 - x0 < 200 ? "" : " text-anchor=\"end\"") + ">" +
         ms(h.buckets[h.buckets.length - 1].to_ms) + "</text>";
    s += "<text x=\"" + (W / 2) + "\" y=\"" + (H - 4) + "\" text-anchor=\"middle\">" + h.count + " purchases · p50 " + ms(h.p50_ms) +
         " · p99 " + ms(h.p99_ms) + "</text>";
    s += "<text x=\"" + left + "\" y=\"16\">" + max + " at most</text>";
    el.innerHTML = "<svg viewBox=\"0 0 " + W + " " + H + "\" role=\"img\" aria-label=\"purchase latency histogram\">" + s + "</svg>";
  }

  histogram();
  const asked = /step=(\d+)/.exec(location.hash);   // page.html#step=3 opens at step 3
  show(asked ? Number(asked[1]) : shown);
  drawArrows();
  window.addEventListener("resize", drawArrows);
  document.body.dataset.drawn = "yes";
  window.addEventListener("load", () => {
    document.body.dataset.requests = String(performance.getEntriesByType("resource").length);
  });
})();
