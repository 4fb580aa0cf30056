// The timeline: the narrated lines of --explain (and tcpdump's line for
// other frames), filterable by category, in the order they happened.

const MAX_LINES = 3000;

export class Timeline {
  constructor(el, onPick) {
    this.el = el;
    this.onPick = onPick;
    this.hidden = new Set();
    this.recs = new Map(); // seq → record, for the lines shown
    this.at = null;
    el.addEventListener('click', (ev) => {
      const line = ev.target.closest('.ev');
      if (!line) return;
      this.select(line);
      const r = this.recs.get(Number(line.dataset.seq));
      if (r) this.onPick(r);
    });
  }

  clear() { this.el.textContent = ''; this.recs.clear(); }

  // add appends the timeline records among recs.
  add(recs) {
    const stick = this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < 40;
    const frag = document.createDocumentFragment();
    // Lines past MAX_LINES would be removed at once: do not make them.
    let skip = recs.filter((r) => r.cat).length - MAX_LINES;
    for (const r of recs) {
      if (!r.cat || skip-- > 0) continue;
      frag.appendChild(this.line(r));
      this.recs.set(r.seq, r);
    }
    this.el.appendChild(frag);
    while (this.el.childElementCount > MAX_LINES) {
      const first = this.el.firstElementChild;
      this.recs.delete(Number(first.dataset.seq));
      first.remove();
    }
    if (stick) this.el.scrollTop = this.el.scrollHeight;
  }

  line(r) {
    const div = document.createElement('div');
    div.className = 'ev cat-' + r.cat + (r.proto ? ' p-' + r.proto + '-b' : '');
    if (this.hidden.has(r.cat)) div.classList.add('hidden');
    div.dataset.seq = r.seq;
    div.dataset.cat = r.cat;
    div.title = r.subject + '  ' + r.text + (r.frameSeq ? '  (click: the frame\'s story)' : '');
    for (const [cls, text] of [['t', '+' + r.t.toFixed(6)], ['s', r.subject], ['x', r.text]]) {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      div.appendChild(span);
    }
    return div;
  }

  setFilter(cat, on) {
    if (on) this.hidden.delete(cat); else this.hidden.add(cat);
    for (const line of this.el.querySelectorAll('.ev[data-cat="' + cat + '"]')) line.classList.toggle('hidden', !on);
  }

  select(line) {
    this.el.querySelector('.ev.sel')?.classList.remove('sel');
    line.classList.add('sel');
  }

  // markAt highlights the line of the event a pause is at: the last line
  // that says what the pause says (the stepper's line is the narrated
  // line), else the last line at or before seq.
  markAt(seq, what) {
    this.el.querySelector('.ev.at')?.classList.remove('at');
    if (!seq && !what) return;
    let best = null;
    for (let n = this.el.lastElementChild; n && !best; n = n.previousElementSibling) {
      const r = this.recs.get(Number(n.dataset.seq));
      if (r && what && r.subject.padEnd(14) + ' ' + r.text === what) best = n;
    }
    for (let n = this.el.lastElementChild; n && !best && seq; n = n.previousElementSibling) {
      if (Number(n.dataset.seq) <= seq) best = n;
    }
    if (!best) return;
    best.classList.add('at');
    best.scrollIntoView({ block: 'nearest' });
  }
}
