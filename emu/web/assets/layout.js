// Layouts made for this kind of network, in linear time: a namespace's
// neighbours (through veth pairs) go in the next column, lined up with the
// device that leads to them, so a bridge's ports face the namespaces they
// reach. A general force layout would put the host's box over the others
// (its ports are pulled towards their peers) and costs far more on big
// worlds.

const COL = 430;      // distance between columns of namespaces
const SIDE = 120;     // a device's offset from its box's middle
const ROW = 54;       // distance between devices in a box
const LINK_ROW = 124; // between devices that lead to other boxes (a box's height)
const GAP = 44;       // between boxes in a column

const byName = (a, b) => a.localeCompare(b, undefined, { numeric: true });

// layoutFull places every device (and every namespace without devices)
// for the full view. nss are the topology's namespaces; devs maps device
// IDs to devices that carry their namespace's ID in ns.
export function layoutFull(nss, devs) {
  const nsById = new Map(nss.map((n) => [n.id, n]));
  const links = new Map(nss.map((n) => [n.id, []])); // ns id → [{dev, peer}]
  for (const d of devs.values()) {
    const p = d.peer && devs.get(d.peer);
    if (p && p.ns !== d.ns) links.get(d.ns).push({ dev: d, peer: p });
  }
  const level = new Map();
  const pos = new Map();
  const nextY = [];
  const order = roots(nss, links);
  let queue = [];
  for (const root of order) {
    if (level.has(root.id)) continue;
    level.set(root.id, 0);
    queue.push({ id: root.id, target: null });
    while (queue.length) {
      const { id, target } = queue.shift();
      const children = placeBox(nsById.get(id), target, level, links, devs, pos, nextY);
      for (const c of children) {
        if (level.has(c.id)) continue;
        level.set(c.id, level.get(id) + 1);
        queue.push(c);
      }
    }
  }
  return pos;
}

// roots orders the namespaces to start from: the host first (when it has
// links), then the best connected.
function roots(nss, links) {
  return [...nss].sort((a, b) => {
    const ha = a.kind === 'host' && links.get(a.id).length > 0;
    const hb = b.kind === 'host' && links.get(b.id).length > 0;
    if (ha !== hb) return hb - ha;
    const la = links.get(a.id).length, lb = links.get(b.id).length;
    if ((la > 0) !== (lb > 0)) return lb - la;
    return 0;
  });
}

// placeBox places ns's devices in its column, near target (the y of the
// device that leads to it), and returns the namespaces its right-hand
// devices lead to, with their targets.
function placeBox(ns, target, level, links, devs, pos, nextY) {
  const L = level.get(ns.id);
  const x0 = L * COL;
  const left = [], right = [], mid = [];
  const peerOf = new Map(links.get(ns.id).map((l) => [l.dev.id, l.peer]));
  for (const d of ns.devices) {
    const dev = devs.get(d.id);
    const p = peerOf.get(d.id);
    if (d.kind === 'ether') left.push(dev);
    else if (d.kind === 'bridge' || !p) mid.push(dev);
    else if (level.has(p.ns) && level.get(p.ns) < L) left.push(dev);
    else right.push(dev);
  }
  // Left: in the order of what they lead back to. Right: grouped by
  // bridge, then by name.
  const backY = (d) => (peerOf.has(d.id) ? pos.get(peerOf.get(d.id).id)?.y ?? 0 : -1e9);
  left.sort((a, b) => backY(a) - backY(b));
  right.sort((a, b) => (!a.master - !b.master) || byName(a.master || '', b.master || '') || byName(a.name, b.name));
  const bridges = mid.filter((d) => d.kind === 'bridge');
  const others = mid.filter((d) => d.kind !== 'bridge');
  const rows = Math.max(left.length, bridges.length + others.length, 1);
  const height = Math.max((rows - 1) * ROW, (right.length - 1) * LINK_ROW);
  let top = target === null ? 0 : target - height / 2;
  top = Math.max(top, nextY[L] ?? -Infinity);
  nextY[L] = top + height + ROW + GAP;
  if (!ns.devices.length) { pos.set(ns.id, { x: x0, y: top }); return []; }
  left.forEach((d, i) => pos.set(d.id, { x: x0 - SIDE, y: top + i * ROW }));
  // The real network, out to the left of an uplink's device.
  for (const d of left) {
    if (d.kind === 'ether') pos.set('uplink:' + d.id, { x: x0 - SIDE - 260, y: pos.get(d.id).y });
  }
  right.forEach((d, i) => pos.set(d.id, { x: x0 + SIDE, y: top + i * LINK_ROW }));
  placeMiddle(bridges, others, right, top, rows, pos, x0);
  const children = [];
  for (const d of right) {
    const p = peerOf.get(d.id);
    children.push({ id: p.ns, target: pos.get(d.id).y });
  }
  return children;
}

// placeMiddle puts each bridge level with the middle of its ports, and
// the other devices in the rows left free.
function placeMiddle(bridges, others, right, top, rows, pos, x0) {
  const used = new Set();
  for (const b of bridges) {
    const ys = right.filter((d) => d.master === b.id).map((d) => pos.get(d.id).y);
    let row = ys.length ? Math.round((ys.reduce((s, y) => s + y, 0) / ys.length - top) / ROW) : 0;
    row = Math.max(0, row);
    while (used.has(row)) row++;
    used.add(row);
    pos.set(b.id, { x: x0, y: top + row * ROW });
  }
  let row = 0;
  for (const d of others) {
    while (used.has(row)) row++;
    used.add(row);
    pos.set(d.id, { x: x0, y: top + row * ROW });
  }
}

// layoutCompact places the nodes of the compact view (one per namespace,
// one per bridge) in columns by distance from the root, a big column
// wrapped into a grid about as wide as it is high.
export function layoutCompact(nodes, edges) {
  const adj = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    adj.get(e.source)?.push(e.target);
    adj.get(e.target)?.push(e.source);
  }
  const sorted = [...nodes].sort((a, b) => (b.kind === 'host') - (a.kind === 'host') || adj.get(b.id).length - adj.get(a.id).length);
  const level = new Map();
  const columns = [];
  for (const root of sorted) {
    if (level.has(root.id)) continue;
    const base = adj.get(root.id).length ? 0 : 1;
    level.set(root.id, base);
    const queue = [root.id];
    while (queue.length) {
      const id = queue.shift();
      const L = level.get(id);
      (columns[L] ||= []).push(id);
      const next = adj.get(id).filter((x) => !level.has(x)).sort(byName);
      for (const x of next) { level.set(x, L + 1); queue.push(x); }
    }
  }
  const pos = new Map();
  let x = 0;
  columns.forEach((col) => {
    if (!col) return;
    const wrap = Math.max(60, Math.ceil(2 * Math.sqrt(col.length)));
    const sub = Math.ceil(col.length / wrap);
    const rows = Math.min(col.length, wrap);
    col.forEach((id, i) => {
      pos.set(id, { x: x + Math.floor(i / wrap) * 150, y: (i % wrap - (rows - 1) / 2) * 30 });
    });
    x += sub * 150 + 260;
  });
  return pos;
}
