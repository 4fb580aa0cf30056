// nsemu's web view: wires the stream of events (/api/events) to the
// topology, the timeline, the details pane and the step buttons.
import { Graph } from './graph.js';
import { Timeline } from './timeline.js';
import { Detail } from './detail.js';

const $ = (id) => document.getElementById(id);

const detail = new Detail($('detail'), $('detail-title'), $('detail-sub'));
const graph = new Graph($('cy'), pickNode);
const timeline = new Timeline($('timeline'), pickRecord);
const state = { step: null, stats: null, topo: null, connected: false, loading: false, again: false };
window.nsemu = { graph, cy: graph.cy, timeline, detail, state };

function pickNode(d) {
  if (d.type === 'pkt') { if (d.seq) detail.showFrame(d.seq); return; }
  const focus = d.type === 'bridge' ? d.name : undefined;
  detail.showTables(d.ns, focus);
}

function pickRecord(r) {
  if (r.frameSeq) { detail.showFrame(r.frameSeq); return; }
  const id = graph.nsByName.get(r.ns);
  detail.showTables(id, r.cat === 'cam' ? r.dev : undefined);
}

// loadTopology fetches the topology, one request at a time.
async function loadTopology() {
  if (state.loading) { state.again = true; return; }
  state.loading = true;
  try {
    const res = await fetch('/api/topology');
    if (res.ok) {
      const t = await res.json();
      state.topo = t.version;
      const n = graph.setTopology(t);
      $('graphinfo').textContent = n.namespaces + ' namespaces · ' + n.devices + ' devices' +
        (t.compact ? ' · compact view: one node per namespace, bridge ports folded into the links' : '');
    }
  } finally {
    state.loading = false;
    if (state.again) { state.again = false; loadTopology(); }
  }
}

function setStep(s) {
  state.step = s;
  const st = $('status');
  st.classList.toggle('paused', s.paused);
  st.classList.toggle('off', !state.connected);
  if (!state.connected) st.textContent = 'disconnected: the run has ended';
  else if (!s.available) st.textContent = 'running (no stepper)';
  else if (s.paused) st.textContent = 'Paused ▶ ' + s.what;
  else if (s.mode === 'event') st.textContent = 'running: pausing at the next event…';
  else if (s.mode === 'line') st.textContent = 'running: pausing before the next command…';
  else st.textContent = 'running';
  for (const b of ['pause', 'next', 'line', 'continue']) $('btn-' + b).disabled = !s.available || !state.connected;
  $('btn-pause').disabled ||= s.paused || s.mode === 'event';
  const box = $('pausebox');
  box.hidden = !s.paused;
  if (s.paused) {
    $('pause-what').textContent = '▶ ' + s.what;
    const also = $('pause-also');
    also.textContent = '';
    for (const a of s.also || []) {
      const d = document.createElement('div');
      d.textContent = '(also) ' + a;
      also.append(d);
    }
    $('pause-tables').textContent = (s.tables || []).join('\n');
    timeline.markAt(s.at, s.what);
  } else {
    timeline.markAt(null);
  }
}

function setStats(s) {
  state.stats = s;
  const parts = [];
  if (s.dropped) parts.push(s.dropped + ' events dropped (the view fell behind)');
  if (s.pageDropped) parts.push(s.pageDropped + ' records not sent to this page');
  const nd = (s.notAnimated || 0) + graph.notDrawn;
  if (nd) parts.push(nd + ' frames not animated (sampled)');
  if (s.evicted) parts.push(s.evicted + ' old frames no longer kept');
  if (s.notCaptured) parts.push(s.notCaptured + ' frames not in the capture (it is full)');
  if (s.notNarrated) parts.push(s.notNarrated + ' events not narrated (the narrator fell behind)');
  $('stats').textContent = parts.length ? parts.join(' · ') : 'nothing dropped';
}

// step posts a button. The new state comes on the stream (the answer may
// be older than what the stream already said).
async function step(action) {
  const res = await fetch('/api/step', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action }),
  });
  if (!res.ok) $('status').textContent = await res.text();
}

for (const b of ['pause', 'next', 'line', 'continue']) $('btn-' + b).addEventListener('click', () => step(b));
for (const cb of document.querySelectorAll('#filters input')) {
  cb.addEventListener('change', () => timeline.setFilter(cb.dataset.cat, cb.checked));
}
$('find').addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter') return;
  const d = graph.find(ev.target.value);
  if (d) pickNode(d);
});

function connect() {
  const es = new EventSource('/api/events');
  es.addEventListener('hello', (e) => {
    const h = JSON.parse(e.data);
    state.connected = true;
    state.hellos = (state.hellos || 0) + 1;
    timeline.clear();
    timeline.add(h.history || []);
    setStep(h.step);
    setStats(h.stats);
    loadTopology();
  });
  es.addEventListener('records', (e) => {
    const recs = JSON.parse(e.data);
    timeline.add(recs);
    for (const r of recs) graph.onRecord(r);
    detail.onRecords(recs);
    if (state.step?.paused) timeline.markAt(state.step.at, state.step.what);
  });
  es.addEventListener('topology', () => loadTopology());
  es.addEventListener('step', (e) => setStep(JSON.parse(e.data)));
  es.addEventListener('stats', (e) => setStats(JSON.parse(e.data)));
  es.onerror = () => {
    state.connected = false;
    if (state.step) setStep(state.step);
  };
}

connect();
