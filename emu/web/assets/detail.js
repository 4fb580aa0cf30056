// The details pane: a namespace's (or bridge's) tables, refreshed while
// they are shown, with changed rows flashing; or a frame's story.

const REFRESH_MS = 1000;

export class Detail {
  constructor(el, titleEl, subEl) {
    this.el = el;
    this.titleEl = titleEl;
    this.subEl = subEl;
    this.cur = null;   // {type: 'tables', id, focus} or {type: 'frame', seq}
    this.prev = null;  // row signatures of the last rendering of these tables
    this.timer = null;
    this.soon = null;
  }

  // showTables shows namespace id's tables; focus names a bridge or a
  // device to put first.
  async showTables(id, focus) {
    if (!id) return;
    const same = this.cur && this.cur.type === 'tables' && this.cur.id === id;
    this.cur = { type: 'tables', id, focus };
    if (!same) this.prev = null;
    await this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  // onRecords refreshes the tables soon when an event touched them.
  onRecords(recs) {
    const c = this.cur;
    if (!c || c.type !== 'tables' || this.soon) return;
    if (!recs.some((r) => r.cat && (r.ns === c.name || r.cat === 'cam'))) return;
    this.soon = setTimeout(() => { this.soon = null; this.refresh(); }, 200);
  }

  async refresh() {
    const c = this.cur;
    if (!c || c.type !== 'tables') return;
    let t;
    try {
      const res = await fetch('/api/ns?id=' + encodeURIComponent(c.id));
      if (!res.ok) { this.message(await res.text()); return; }
      t = await res.json();
    } catch (e) { return; }
    if (this.cur !== c) return;
    c.name = t.name;
    this.renderTables(t, c.focus);
  }

  message(text) {
    this.el.textContent = '';
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    this.el.appendChild(p);
  }

  renderTables(t, focus) {
    const sigs = new Map();
    const flash = (key, sig) => {
      sigs.set(key, sig);
      return this.prev !== null && this.prev.get(key) !== sig;
    };
    const kind = { host: 'host (root namespace)', netns: 'network namespace', container: 'container' }[t.kind] || t.kind;
    this.titleEl.textContent = t.kind === 'host' ? 'host' : t.name;
    this.subEl.textContent = kind + ' · ip_forward=' + (t.forwarding ? 1 : 0) + ' · at +' + t.t.toFixed(3) + ' s';
    const root = document.createDocumentFragment();
    const bridges = [...t.bridges].sort((a, b) => (b.name === focus) - (a.name === focus));
    for (const b of bridges) root.append(...bridgeSection(b, flash, b.name === focus));
    root.append(...section('Devices and addresses', ['device', 'state', 'MAC', 'addresses', 'link'],
      t.devices.map((d) => ({ key: 'dev:' + d.name, cells: [d.name + (d.kind !== 'veth' ? ' (' + d.kind + ')' : ''), d.state, d.mac,
        d.addrs.join(', ') || '—', d.master ? 'port of ' + d.master : d.peer ? 'veth peer ' + d.peer : ''] })), flash));
    root.append(...section('Routes', ['route'], t.routes.map((r) => ({ key: 'route:' + r, cells: [r] })), flash, 'no IPv4 routes'));
    root.append(...section('Neighbours (ARP)', ['address', 'lladdr', 'device', 'state'],
      t.neighbours.map((n) => ({ key: 'neigh:' + n.dev + '/' + n.addr, cells: [n.addr, n.mac || '(none)', n.dev, n.state], state: n.state })), flash, 'empty'));
    for (const tb of t.iptables) root.append(...iptablesSection(tb, flash));
    root.append(...section('Connection tracking: NAT rewrites seen', ['rewrite', 'packets', 'last'],
      t.nat.map((n) => ({ key: 'nat:' + n.what, cells: [n.what, String(n.count), '+' + n.last.toFixed(3) + ' s'] })), flash, 'none'));
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = t.conntrack.note;
    root.append(note);
    this.el.textContent = '';
    this.el.appendChild(root);
    this.prev = sigs;
  }

  async showFrame(seq) {
    clearInterval(this.timer);
    this.cur = { type: 'frame', seq };
    const res = await fetch('/api/frame?seq=' + seq);
    if (this.cur.seq !== seq) return;
    if (!res.ok) { this.message(await res.text()); return; }
    this.renderFrame(await res.json());
  }

  renderFrame(f) {
    this.titleEl.textContent = 'Frame #' + f.seq;
    const dir = f.kind === 'sent' ? 'sent by' : 'received by';
    this.subEl.textContent = dir + ' ' + f.ns + ' ' + f.dev + (f.bridged ? ' (a bridge port)' : '') + ' · ' + f.len + ' bytes · at +' + f.t.toFixed(6) + ' s';
    const root = document.createDocumentFragment();
    const sum = document.createElement('p');
    sum.style.fontFamily = 'DejaVu Sans Mono, monospace';
    sum.textContent = f.summary;
    root.append(sum);
    if (f.text) root.append(heading('What happened'), para(f.subject + '  ' + f.text));
    root.append(heading('The decision behind it'));
    const ul = document.createElement('ul');
    ul.className = 'decision';
    for (const d of f.decision.length ? f.decision : ['(no decision recorded for this frame)']) {
      const li = document.createElement('li');
      li.textContent = d;
      ul.append(li);
    }
    root.append(ul, heading('Layers'));
    for (const l of f.layers) {
      const det = document.createElement('details');
      det.open = true;
      const s = document.createElement('summary');
      s.textContent = l.summary;
      det.append(s, table(['field', 'value'], (l.fields || []).map((x) => ({ cells: [x.name, x.value] }))));
      root.append(det);
    }
    this.el.textContent = '';
    this.el.appendChild(root);
  }
}

function heading(text) {
  const h = document.createElement('h3');
  h.textContent = text;
  return h;
}

function para(text) {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

// table renders rows ({cells, flash, state, extra}) under a header.
function table(head, rows) {
  const t = document.createElement('table');
  const tr = document.createElement('tr');
  for (const h of head) { const th = document.createElement('th'); th.textContent = h; tr.append(th); }
  t.append(tr);
  for (const r of rows) {
    const row = document.createElement('tr');
    if (r.flash) row.className = 'flash';
    r.cells.forEach((c, i) => {
      const td = document.createElement('td');
      td.textContent = c;
      if (r.state && i === 3) td.className = 'state-' + r.state;
      if (r.extra && i === r.extra.col) td.append(r.extra.node);
      row.append(td);
    });
    t.append(row);
  }
  return t;
}

// section is a heading and a table whose rows flash when their content
// changed since the last rendering.
function section(title, head, rows, flash, empty) {
  for (const r of rows) r.flash = flash(r.key, r.cells.join('\u0000'));
  if (!rows.length && empty) {
    const p = document.createElement('p');
    p.className = 'none';
    p.textContent = empty;
    return [heading(title), p];
  }
  return [heading(title), table(head, rows)];
}

function bridgeSection(b, flash, focused) {
  const ports = section('Bridge ' + b.name + ': ports', ['port', 'state'],
    b.ports.map((p) => ({ key: 'port:' + b.name + '/' + p.name, cells: [p.name, p.state] })), flash, 'no ports');
  const rows = b.cam.map((e) => {
    const bar = document.createElement('span');
    bar.className = 'age';
    const fill = document.createElement('i');
    fill.style.width = e.local ? '0' : Math.min(100, 100 * e.age / b.ageing) + '%';
    bar.append(fill);
    const r = { key: 'cam:' + b.name + '/' + e.mac, cells: [e.port, e.mac, e.local ? 'yes' : 'no',
      e.local ? 'never ages' : e.age.toFixed(1) + ' s of ' + b.ageing.toFixed(0) + ' s'], extra: e.local ? null : { col: 3, node: bar } };
    // The age changes all the time: only a new entry or a move flashes.
    r.flash = flash(r.key, e.port + '/' + e.local);
    return r;
  });
  const cam = [heading('Bridge ' + b.name + ': CAM table (MAC → port)' + (focused ? '' : ''))];
  if (rows.length) cam.push(table(['port', 'MAC', 'local', 'age'], rows));
  else cam.push(Object.assign(document.createElement('p'), { className: 'none', textContent: 'empty' }));
  return [...cam, ...ports];
}

function iptablesSection(tb, flash) {
  const out = [heading('iptables -t ' + tb.table)];
  for (const c of tb.chains) {
    const pol = c.policy ? ' (policy ' + c.policy + ' ' + c.packets + ' packets, ' + c.bytes + ' bytes)' : '';
    const rows = c.rules.map((r, i) => ({ key: 'ipt:' + tb.table + '/' + c.name + '/' + i + '/' + r.spec,
      cells: [String(r.packets), String(r.bytes), r.spec] }));
    for (const r of rows) r.flash = flash(r.key, r.cells.join('/'));
    const p = document.createElement('div');
    p.style.fontFamily = 'DejaVu Sans Mono, monospace';
    p.style.fontSize = '12px';
    p.style.marginTop = '4px';
    p.textContent = 'Chain ' + c.name + pol;
    if (flash('chain:' + tb.table + '/' + c.name, pol)) p.className = 'flash';
    out.push(p);
    if (rows.length) out.push(table(['pkts', 'bytes', 'rule'], rows));
  }
  return out;
}
