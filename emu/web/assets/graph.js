// The topology: namespaces and containers as boxes, their devices as
// ports, bridges as switches, veth pairs and bridge attachments as links,
// and frames drawn moving along them. Big worlds (the server says
// "compact") draw one node per namespace and fold bridge ports into the
// links; animation is sampled either way.
import cytoscape from './vendor/cytoscape.esm.min.mjs';
import { layoutFull, layoutCompact } from './layout.js';

export const COLORS = {
  arp: '#e6a100', icmp: '#2f7de1', tcp: '#1a9c5b', udp: '#8e44ad',
  dns: '#d6336c', ipv6: '#7f8c8d', other: '#7f8c8d',
};

// Node sizes from their labels (cytoscape's 'label' size is deprecated):
// DejaVu Sans at 10-11 px is about 6.3 px a character.
const lines = (n) => String(n.data('label') || '').split('\n');
const labelWidth = (px) => (n) => Math.max(...lines(n).map((l) => l.length)) * px + 12;
const labelHeight = (px) => (n) => lines(n).length * px + 10;

const STYLE = [
  { selector: 'node', style: {
    'label': 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-valign': 'center',
    'text-halign': 'center', 'font-family': 'DejaVu Sans, sans-serif', 'color': '#1d232b',
    'min-zoomed-font-size': 7,
  } },
  { selector: 'node[type="ns"]', style: {
    'shape': 'round-rectangle', 'background-color': '#eaf6ec', 'border-color': '#7fb08a',
    'border-width': 1.5, 'text-valign': 'top', 'text-halign': 'center', 'font-weight': 'bold',
    'font-size': 12, 'padding': 14, 'text-margin-y': -3,
  } },
  { selector: 'node[type="ns"][kind="host"]', style: { 'background-color': '#e8eef7', 'border-color': '#7d97bb' } },
  { selector: 'node[type="ns"][kind="container"]', style: {
    'background-color': '#e6f3fb', 'border-color': '#3f8fc4', 'border-style': 'dashed',
  } },
  { selector: 'node[type="ns"][?leaf]', style: {
    'text-valign': 'center', 'font-weight': 'normal', 'font-size': 10, 'width': labelWidth(6.2), 'height': labelHeight(12), 'padding': 2,
  } },
  { selector: 'node[type="dev"]', style: {
    'shape': 'round-rectangle', 'background-color': '#ffffff', 'border-color': '#1a9c5b', 'border-width': 2,
    'width': labelWidth(6.2), 'height': labelHeight(12), 'padding': 2, 'font-size': 10,
  } },
  { selector: 'node[type="dev"][state!="UP"]', style: { 'border-color': '#a0a7b0', 'border-style': 'dashed', 'color': '#69727d' } },
  { selector: 'node[type="bridge"]', style: {
    'shape': 'rectangle', 'background-color': '#f7dfc4', 'border-color': '#c0702a', 'border-width': 2.5,
    'width': labelWidth(7.2), 'height': labelHeight(14), 'padding': 6, 'font-weight': 'bold', 'font-size': 11,
  } },
  { selector: 'node[type="bridge"][state!="UP"]', style: { 'border-style': 'dashed' } },
  { selector: 'node[type="uplink"]', style: {
    'shape': 'round-rectangle', 'background-color': '#eef0f2', 'border-color': '#69727d', 'border-width': 2,
    'border-style': 'dotted', 'width': labelWidth(6.6), 'height': labelHeight(13), 'padding': 6, 'font-size': 11,
  } },
  { selector: 'edge', style: {
    'width': 2.5, 'line-color': '#6b7b8c', 'curve-style': 'straight', 'target-arrow-shape': 'none',
  } },
  { selector: 'edge[type="port"]', style: { 'width': 2, 'line-color': '#c0702a' } },
  { selector: 'edge[type="owns"]', style: { 'width': 2, 'line-color': '#7d97bb', 'line-style': 'dashed' } },
  { selector: 'node.pkt', style: {
    'width': 13, 'height': 13, 'shape': 'ellipse', 'background-color': 'data(color)', 'label': 'data(label)',
    'font-size': 10, 'text-valign': 'top', 'text-margin-y': -2, 'z-index': 999, 'border-width': 0,
    'events': 'yes',
  } },
  { selector: 'node.pkt.bcast', style: { 'border-width': 3, 'border-color': '#222', 'width': 15, 'height': 15 } },
  { selector: 'node.pulse', style: { 'underlay-color': 'data(pulse)', 'underlay-opacity': 0.55, 'underlay-padding': 8 } },
  { selector: 'node:selected', style: { 'overlay-color': '#2f7de1', 'overlay-opacity': 0.18 } },
];

export class Graph {
  constructor(container, onPick) {
    this.cy = cytoscape({
      container, style: STYLE, minZoom: 0.02, maxZoom: 3, boxSelectionEnabled: false,
    });
    this.devs = new Map();    // device id → device (with ns: its namespace's id)
    this.devByName = new Map(); // "NSNAME/DEV" → device id
    this.nsByName = new Map();  // namespace name → namespace id
    this.compact = false;
    this.inflight = 0;
    this.maxInflight = 60;
    this.notDrawn = 0;
    this.drawn = 0;
    this.recent = new Map();
    this.seq = 0;
    this.laidOut = false;
    this.cy.on('tap', 'node', (ev) => onPick(ev.target.data()));
  }

  // nodeOf is the node a device is drawn as.
  nodeOf(id) {
    if (!this.compact) return id;
    const d = this.devs.get(id);
    if (!d) return id;
    if (d.kind === 'bridge') return d.id;
    if (d.master) return d.master;
    return d.ns;
  }

  // setTopology draws t, keeping what did not change in place.
  setTopology(t) {
    this.compact = t.compact;
    this.maxInflight = t.compact ? 25 : 60;
    this.index(t);
    const els = t.compact ? this.compactElements(t) : this.fullElements(t);
    this.topo = t;
    this.els = els;
    const want = new Map(els.map((e) => [e.data.id, e]));
    const cy = this.cy;
    let changed = false;
    cy.batch(() => {
      cy.elements().not('.pkt').forEach((el) => {
        if (!want.has(el.id())) { el.remove(); changed = true; }
      });
      const add = [];
      for (const e of els) {
        const el = cy.getElementById(e.data.id);
        if (el.empty()) { add.push(e); continue; }
        if (e.data.parent !== undefined && el.data('parent') !== e.data.parent) {
          el.move({ parent: e.data.parent }); changed = true;
        }
        const { id, parent, source, target, ...rest } = e.data;
        el.data(rest);
      }
      if (add.length) { cy.add(add); changed = true; }
    });
    if (changed || !this.laidOut || t.compact !== this.wasCompact) this.layout();
    this.wasCompact = t.compact;
    return { namespaces: t.namespaces.length, devices: this.devs.size };
  }

  index(t) {
    this.devs.clear(); this.devByName.clear(); this.nsByName.clear();
    for (const ns of t.namespaces) {
      if (!this.nsByName.has(ns.name) || ns.kind !== 'container') this.nsByName.set(ns.name, ns.id);
      for (const d of ns.devices) {
        this.devs.set(d.id, { ...d, ns: ns.id, nsName: ns.name });
        const key = ns.name + '/' + d.name;
        if (!this.devByName.has(key) || ns.kind !== 'container') this.devByName.set(key, d.id);
      }
    }
  }

  fullElements(t) {
    const els = [];
    for (const ns of t.namespaces) {
      els.push({ group: 'nodes', data: { id: ns.id, type: 'ns', kind: ns.kind, name: ns.name, ns: ns.id, label: nsLabel(ns) } });
      for (const d of ns.devices) {
        const type = d.kind === 'bridge' ? 'bridge' : 'dev';
        els.push({ group: 'nodes', data: { id: d.id, parent: ns.id, type, name: d.name, ns: ns.id, state: d.state, label: devLabel(d) } });
      }
    }
    for (const d of this.devs.values()) {
      if (d.kind === 'ether') {
        els.push({ group: 'nodes', data: { id: uplinkOf(d.id), type: 'uplink', ns: d.ns, name: d.name, label: 'the real network\n(uplink ' + d.name + ')' } });
        els.push({ group: 'edges', data: { id: 'wire:' + d.id, source: d.id, target: uplinkOf(d.id), type: 'veth' } });
      }
      if (d.peer && this.devs.has(d.peer) && d.id < d.peer) {
        els.push({ group: 'edges', data: { id: 'veth:' + d.id + '|' + d.peer, source: d.id, target: d.peer, type: 'veth' } });
      }
      if (d.master && this.devs.has(d.master)) {
        els.push({ group: 'edges', data: { id: 'port:' + d.id + '>' + d.master, source: d.id, target: d.master, type: 'port' } });
      }
    }
    return els;
  }

  compactElements(t) {
    const els = [];
    const ports = new Map();
    for (const d of this.devs.values()) if (d.master) ports.set(d.master, (ports.get(d.master) || 0) + 1);
    for (const ns of t.namespaces) {
      const first = ns.devices.find((d) => d.kind !== 'bridge' && !d.master && d.addrs && d.addrs.length);
      const label = ns.name + (first ? '\n' + first.addrs[0] : '');
      els.push({ group: 'nodes', data: { id: ns.id, type: 'ns', kind: ns.kind, name: ns.name, ns: ns.id, leaf: true, label } });
      for (const d of ns.devices) {
        if (d.kind !== 'bridge') continue;
        const label = devLabel(d) + '\n' + (ports.get(d.id) || 0) + ' ports';
        els.push({ group: 'nodes', data: { id: d.id, type: 'bridge', name: d.name, ns: ns.id, state: d.state, label } });
        els.push({ group: 'edges', data: { id: 'owns:' + d.id, source: ns.id, target: d.id, type: 'owns' } });
      }
    }
    const seen = new Set();
    for (const d of this.devs.values()) {
      if (d.kind === 'ether') {
        els.push({ group: 'nodes', data: { id: uplinkOf(d.id), type: 'uplink', ns: d.ns, name: d.name, label: 'the real network' } });
        els.push({ group: 'edges', data: { id: 'wire:' + d.id, source: d.ns, target: uplinkOf(d.id), type: 'veth' } });
      }
      if (!d.peer || !this.devs.has(d.peer)) continue;
      const a = this.nodeOf(d.id), b = this.nodeOf(d.peer);
      if (a === b) continue;
      const id = 'link:' + [a, b].sort().join('|');
      if (seen.has(id)) continue;
      seen.add(id);
      els.push({ group: 'edges', data: { id, source: a, target: b, type: this.devs.get(d.peer).master || d.master ? 'port' : 'veth' } });
    }
    return els;
  }

  // layout places the nodes (see layout.js); a small world moves to its
  // new places, a big one jumps.
  layout() {
    const eles = this.cy.elements().not('.pkt');
    let pos;
    if (this.compact) {
      const nodes = this.els.filter((e) => e.group === 'nodes').map((e) => e.data);
      const edges = this.els.filter((e) => e.group === 'edges').map((e) => e.data);
      pos = layoutCompact(nodes, edges);
    } else {
      pos = layoutFull(this.topo.namespaces, this.devs);
    }
    const animate = this.laidOut && eles.length < 400;
    eles.layout({ name: 'preset', positions: (n) => pos.get(n.id()), fit: true, padding: 30,
      animate, animationDuration: 350 }).run();
    this.laidOut = true;
  }

  // onRecord animates a record: a frame arriving is drawn travelling from
  // the device that sent it (through its bridge, if any); a frame leaving
  // a namespace pulses its device.
  onRecord(r) {
    if (!r.frame) return;
    const id = this.devByName.get(r.ns + '/' + r.dev);
    const d = id && this.devs.get(id);
    if (!d) return;
    const color = COLORS[r.proto] || COLORS.other;
    if (d.kind === 'ether') {
      // The uplink: frames leave for, or come from, the real network.
      const ends = [this.nodeOf(d.id), uplinkOf(d.id)];
      this.travel(r.kind === 'sent' ? ends : ends.reverse(), r, color);
      return;
    }
    if (r.kind === 'sent') { this.pulse(this.nodeOf(d.id), color); return; }
    if (r.kind !== 'received') return;
    if (d.kind === 'bridge') { this.pulse(d.id, color); return; }
    const path = [];
    const p = this.devs.get(d.peer);
    if (p) { if (p.master) path.push(p.master); path.push(p.id); }
    path.push(d.id);
    if (d.master) path.push(d.master);
    const nodes = [];
    for (const x of path) { const n = this.nodeOf(x); if (nodes[nodes.length - 1] !== n) nodes.push(n); }
    if (nodes.length < 2) { this.pulse(nodes[0], color); return; }
    this.travel(nodes, r, color);
  }

  pulse(id, color) {
    const n = this.cy.getElementById(id);
    if (n.empty() || this.inflight >= this.maxInflight) return;
    n.data('pulse', color).addClass('pulse');
    setTimeout(() => n.removeClass('pulse'), 350);
  }

  // travel moves a dot along nodes. A dot already moving on the same path
  // counts the frames that follow it instead of queueing more dots.
  travel(nodes, r, color) {
    const key = nodes.join('>') + '|' + r.proto;
    const now = performance.now();
    const prev = this.recent.get(key);
    if (prev && now - prev.t < 300 && prev.dot.inside()) {
      prev.n++; prev.dot.data('label', '×' + prev.n);
      return;
    }
    if (this.inflight >= this.maxInflight) { this.notDrawn++; return; }
    const pos = nodes.map((id) => this.cy.getElementById(id)).filter((n) => n.nonempty()).map((n) => ({ ...n.position() }));
    if (pos.length < 2) return;
    const dot = this.cy.add({ group: 'nodes', classes: r.bcast ? 'pkt bcast' : 'pkt', grabbable: false,
      data: { id: 'pkt' + (++this.seq), type: 'pkt', color, label: '', seq: r.seq }, position: pos[0] });
    this.recent.set(key, { t: now, n: 1, dot });
    this.inflight++;
    this.drawn++;
    const hop = this.inflight > 20 ? 220 : 420;
    let chain = Promise.resolve();
    for (const p of pos.slice(1)) {
      chain = chain.then(() => dot.inside() && dot.animation({ position: p }, { duration: hop, easing: 'ease-in-out-sine' }).play().promise());
    }
    chain.catch(() => {}).finally(() => {
      this.inflight--;
      setTimeout(() => dot.remove(), 120);
      if (this.recent.get(key)?.dot === dot) this.recent.delete(key);
    });
  }

  // find selects and centres the first node whose label contains text.
  find(text) {
    const t = text.trim().toLowerCase();
    if (!t) return null;
    const n = this.cy.nodes().not('.pkt').filter((x) => String(x.data('label') || '').toLowerCase().includes(t)).first();
    if (n.empty()) return null;
    this.cy.$(':selected').unselect();
    n.select();
    this.cy.animate({ center: { eles: n }, zoom: Math.max(this.cy.zoom(), 1) }, { duration: 300 });
    return n.data();
  }
}

// uplinkOf is the node of the real network an uplink device leads to.
function uplinkOf(id) { return 'uplink:' + id; }

function nsLabel(ns) {
  if (ns.kind === 'container') return 'container ' + ns.name;
  if (ns.kind === 'host') return 'host (root namespace)';
  return ns.name;
}

function devLabel(d) {
  const lines = [d.kind === 'bridge' ? d.name + ' (bridge)' : d.name];
  for (const a of d.addrs || []) lines.push(a);
  return lines.join('\n');
}
