// LivePage: the live page — one HTML file with its style and script, embedded in the binary (no CDN, no build step).
// It reads its token from its own address, follows /api/events, and draws the losses on a log-scale chart.

enum LivePage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>StyleLapse — live</title>
<style>
  :root { color-scheme: dark; --bg: #1c1c20; --panel: #26262b; --ink: #e6e6ea; --dim: #9a9aa4; --accent: #f5b942; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; background: var(--bg); color: var(--ink); }
  header { display: flex; align-items: baseline; gap: 1rem; padding: .8rem 1.2rem; background: var(--panel); }
  header h1 { font-size: 1.1rem; margin: 0; font-weight: 600; }
  #status { padding: .15rem .6rem; border-radius: 1rem; background: #3a3a42; }
  #status.running { background: #2d5a3a; } #status.finished { background: #2d4a6a; } #status.paused { background: #6a5a2d; }
  #status.stopped, #status.failed { background: #6a3a2d; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 2fr); gap: 1rem; padding: 1rem 1.2rem; }
  #picture { width: 100%; image-rendering: auto; background: #000; border-radius: 4px; min-height: 8rem; }
  .panel { background: var(--panel); border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem; }
  .figures { display: grid; grid-template-columns: auto 1fr; gap: .2rem 1rem; }
  .figures dt { color: var(--dim); } .figures dd { margin: 0; font-variant-numeric: tabular-nums; }
  .thumbs { display: flex; gap: .6rem; } .thumbs figure { margin: 0; flex: 1; }
  .thumbs img { width: 100%; border-radius: 3px; } .thumbs figcaption { color: var(--dim); font-size: 12px; }
  canvas { width: 100%; height: 180px; background: #18181c; border-radius: 4px; }
  button { font: inherit; padding: .4rem 1rem; border: 0; border-radius: 4px; background: #8a3a2d; color: white; cursor: pointer; }
  button:disabled { background: #444; cursor: default; }
  input[type=range] { width: 100%; }
  .scrub { display: flex; align-items: center; gap: .6rem; margin: .4rem 0 1rem; color: var(--dim); }
  .scrub input { flex: 1; } button.quiet { background: #3a3a42; padding: .2rem .7rem; }
  #links a { color: var(--accent); margin-right: 1rem; }
  #links .why { color: #b8b8c0; margin: .2rem 0 .4rem; }
  .legend span { margin-right: .8rem; } .legend i { display: inline-block; width: .8rem; height: .25rem; margin-right: .3rem; vertical-align: middle; }
</style>
</head>
<body>
<header><h1>StyleLapse</h1><span id="status">connecting…</span><span id="progress"></span></header>
<main>
  <section>
    <img id="picture" alt="the picture being painted">
    <div class="scrub"><input id="scrub" type="range" min="0" max="0" value="0" disabled aria-label="frames so far">
      <span id="scrubLabel">live</span> <button id="live" class="quiet" hidden>live</button></div>
    <div class="panel">
      <canvas id="chart" width="900" height="180"></canvas>
      <div class="legend"><span><i style="background:#f5b942"></i>total</span><span><i style="background:#6fb3ff"></i>style</span><span><i style="background:#8fe39a"></i>content</span> (log scale)</div>
    </div>
  </section>
  <aside>
    <div class="panel">
      <dl class="figures">
        <dt id="clipLabel" hidden>frame of the clip</dt><dd id="clipFrame" hidden>–</dd>
        <dt>iteration</dt><dd id="iteration">–</dd>
        <dt>size</dt><dd id="size">–</dd>
        <dt>total loss</dt><dd id="total">–</dd>
        <dt>style / content</dt><dd id="parts">–</dd>
        <dt>speed</dt><dd id="speed">–</dd>
        <dt>time left</dt><dd id="eta">–</dd>
        <dt>peak memory</dt><dd id="memory">–</dd>
      </dl>
    </div>
    <div class="panel thumbs">
      <figure><img id="photo" alt="the photo"><figcaption>photo</figcaption></figure>
      <figure id="masksFigure" hidden><img id="masks" alt="where each painting applies"><figcaption>masks</figcaption></figure>
      <figure><img id="painting" alt="the painting"><figcaption>painting</figcaption></figure>
    </div>
    <div class="panel">
      <label for="strength"><span id="steerLabel">strength</span> <span id="strengthValue"></span></label>
      <input id="strength" type="range" min="0" max="1" step="0.01" disabled>
      <p id="steerNote" style="color:var(--dim);margin:.3rem 0 .8rem"></p>
      <button id="pause" class="quiet">Pause</button> <button id="stop">Stop</button>
    </div>
    <div class="panel" id="links" hidden></div>
  </aside>
</main>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const q = (path) => path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
const $ = (id) => document.getElementById(id);
const history = [];            // [iteration, total, style, content]
let last = null, lastImage = 0, imagePending = false, total = 0, mode = "strength", baseWeight = null, scrubbing = false;

function fmt(x) { return x === 0 ? "0" : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-2 ? x.toExponential(3) : x.toPrecision(4); }
function time(s) { if (!(s > 0)) return "–"; const m = Math.floor(s / 60); return m + ":" + String(Math.round(s % 60)).padStart(2, "0"); }

function show(f) {
  last = f; total = f.iterations;
  const done = ["finished", "stopped", "failed"].includes(f.status);
  const st = $("status"); st.textContent = f.status; st.className = f.status;
  // A finished run is whole (the finish rule may end it before its most steps): no percentage.
  $("progress").textContent = f.status === "finished" ? "" : f.clip_frames ? Math.round(100 * (f.clip_frame - 1) / f.clip_frames) + " %"
    : f.iterations ? Math.round(100 * f.iteration / f.iterations) + " %" : "";
  $("iteration").textContent = f.iteration + " / " + f.iterations;
  if (f.clip_frames) {
    $("clipLabel").hidden = false; $("clipFrame").hidden = false;
    $("clipFrame").textContent = f.clip_frame + " / " + f.clip_frames;
  }
  $("size").textContent = f.width + "×" + f.height + (f.passes > 1 ? "  (pass " + f.pass + " of " + f.passes + ")" : "");
  $("total").textContent = fmt(f.total);
  $("parts").textContent = fmt(f.style) + " / " + fmt(f.content);
  $("speed").textContent = f.iterations_per_second ? f.iterations_per_second.toFixed(2) + " it/s" : "–";
  $("eta").textContent = f.status === "running" ? time(f.eta_seconds) : "–";
  $("memory").textContent = f.peak_memory_mb ? Math.round(f.peak_memory_mb) + " MB" : "–";
  const steerable = !!f.steerable && f.status === "running";
  $("strength").disabled = !steerable;
  if (f.strength !== undefined && f.strength !== null) {
    mode = "strength"; $("steerLabel").textContent = "strength";
    Object.assign($("strength"), { min: 0, max: 1, step: 0.01 });
    if (document.activeElement !== $("strength")) { $("strength").value = f.strength; $("strengthValue").textContent = f.strength.toFixed(2); }
  } else if (f.style_weight !== undefined && f.style_weight !== null && f.style_weight > 0) {
    mode = "weight"; $("steerLabel").textContent = "style weight";
    if (baseWeight === null) baseWeight = Math.log10(f.style_weight);
    Object.assign($("strength"), { min: baseWeight - 2, max: baseWeight + 2, step: 0.05 });
    if (document.activeElement !== $("strength")) { $("strength").value = Math.log10(f.style_weight); $("strengthValue").textContent = fmt(f.style_weight); }
  }
  $("steerNote").textContent = steerable ? "changes the objective from the next iteration (the optimiser starts afresh)" : "";
  if (f.frames > 0) {
    $("scrub").disabled = false; $("scrub").max = f.frames - 1;
    if (!scrubbing) { $("scrub").value = f.frames - 1; $("scrubLabel").textContent = (done ? "" : "live · ") + f.frames + " frames"; }
  }
  // A run that has ended is no longer live: no Pause or Stop, the title says how it ended.
  $("stop").hidden = done; $("pause").hidden = done;
  $("pause").textContent = f.status === "paused" ? "Resume" : "Pause";
  document.title = "StyleLapse — " + (done ? f.status : "live");
  if (done) finished(f);
}

function finished(f) {
  const links = $("links"); links.hidden = false;
  links.innerHTML = "<strong>run " + f.status + "</strong>";
  // Why it ended ("finished: the loss fell …"), then the outputs.
  if (f.stop) { const why = document.createElement("div"); why.className = "why"; why.textContent = f.stop; links.append(why); }
  const files = document.createElement("div");
  files.innerHTML = (f.files || []).map(n => '<a href="' + q("/files/" + n) + '">' + n + "</a>").join("");
  links.append(files);
  refreshImage(true);
}

function refreshImage(force) {
  if (scrubbing) return;
  const now = performance.now();
  if (imagePending || (!force && now - lastImage < 100)) return;     // at most ten a second
  imagePending = true; lastImage = now;
  const img = new Image();
  img.onload = () => { $("picture").src = img.src; imagePending = false; };
  img.onerror = () => { imagePending = false; };
  img.src = q("/api/image?n=" + (last ? last.iteration : 0) + "&t=" + Math.round(now));
}

function draw() {
  const c = $("chart"), g = c.getContext("2d"), w = c.width, h = c.height;
  g.clearRect(0, 0, w, h);
  if (history.length < 2) return;
  const values = history.flatMap(r => [r[1], r[2], r[3]]).filter(v => v > 0);
  const lo = Math.log10(Math.min(...values)), hi = Math.log10(Math.max(...values)) + 1e-9;
  const n = Math.max(total, history[history.length - 1][0], 1);
  const x = (i) => 8 + (w - 16) * i / n, y = (v) => h - 8 - (h - 16) * (Math.log10(v) - lo) / (hi - lo);
  g.strokeStyle = "#333"; g.lineWidth = 1;
  for (let e = Math.ceil(lo); e <= hi; e++) { g.beginPath(); g.moveTo(8, y(10 ** e)); g.lineTo(w - 8, y(10 ** e)); g.stroke(); }
  [[1, "#f5b942"], [2, "#6fb3ff"], [3, "#8fe39a"]].forEach(([k, color]) => {
    g.strokeStyle = color; g.lineWidth = 2; g.beginPath(); let started = false;
    for (const r of history) { if (!(r[k] > 0)) continue; started ? g.lineTo(x(r[0]), y(r[k])) : g.moveTo(x(r[0]), y(r[k])); started = true; }
    g.stroke();
  });
}

async function start() {
  for (const [id, path] of [["photo", "/api/photo"], ["painting", "/api/painting"]]) $(id).src = q(path);
  $("masks").onload = () => { $("masksFigure").hidden = false; };
  $("masks").src = q("/api/masks");   // 404 without masks: the figure stays hidden
  try {
    const past = await (await fetch(q("/api/history"))).json();
    history.push(...past); draw();
    show(await (await fetch(q("/api/state"))).json());
    refreshImage(true);
  } catch (e) { $("status").textContent = "not reachable"; }
  connect();
}

// The run's messages over a WebSocket ("event: KIND\ndata: JSON", as /api/events sends them), reconnecting.
function connect() {
  const socket = new WebSocket(q((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/events"));
  socket.onmessage = (m) => {
    const kind = /^event: (\w+)/.exec(m.data), data = m.data.slice(m.data.indexOf("data: ") + 6);
    if (!kind) return;
    const f = JSON.parse(data); show(f);
    if (kind[1] === "iteration") {
      if (!history.length || history[history.length - 1][0] < f.iteration) history.push([f.iteration, f.total, f.style, f.content]);
      draw(); refreshImage(false);
    }
  };
  socket.onclose = () => {
    if (last && last.status === "running") { $("status").textContent = "reconnecting…"; setTimeout(connect, 1000); }
  };
}

$("scrub").oninput = () => {
  scrubbing = true; $("live").hidden = false;
  const k = Number($("scrub").value);
  $("scrubLabel").textContent = "frame " + (k + 1) + " of " + (Number($("scrub").max) + 1);
  $("picture").src = q("/api/frame?n=" + k);
};
$("live").onclick = () => { scrubbing = false; $("live").hidden = true; refreshImage(true); };
$("pause").onclick = async () => {
  const r = await fetch(q(last && last.status === "paused" ? "/api/resume" : "/api/pause"), { method: "POST" });
  if (r.ok) show(await r.json());
};
$("stop").onclick = async () => { $("stop").disabled = true; await fetch(q("/api/stop"), { method: "POST" }); };
const sliderValue = () => mode === "strength" ? Number($("strength").value) : 10 ** Number($("strength").value);
$("strength").oninput = () => { $("strengthValue").textContent = mode === "strength" ? sliderValue().toFixed(2) : fmt(sliderValue()); };
$("strength").onchange = async () => {
  const body = mode === "strength" ? { strength: sliderValue() } : { style_weight: sliderValue() };
  const r = await fetch(q("/api/steer"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  $("steerNote").textContent = r.ok ? "from the next iteration on" : (await r.json()).error;
};
start();
</script>
</body>
</html>
"""#
}
