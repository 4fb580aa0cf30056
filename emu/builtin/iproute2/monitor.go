package iproute2

// ip monitor: the namespace's changes as they happen, until the run ends
// (or Ctrl-C). Links, addresses, routes and rules come from the
// namespace's change calls (emu.Namespace.Watch): each call compares what
// the namespace has with what it had and prints the difference, new or
// changed lines as ip prints them, gone ones after "Deleted ". Neighbours
// come from the world's trace bus. The lines go through a bounded queue
// to the command's goroutine, which alone writes.

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack"
)

const monitorUsage = `Usage: ip monitor [ all | OBJECTS ] [ FILE ] [ label ] [ all-nsid ]
                  [ dev DEVICE ]
OBJECTS :=  address | link | mroute | neigh | netconf |
            nexthop | nsid | prefix | route | rule | stats`

// monitorReq is a parsed ip monitor command line.
type monitorReq struct {
	objects map[string]bool // link, address, route, neigh, rule
	label   bool            // [LINK] ... prefixes
	dev     string
}

// monitorObjects are the objects ip monitor knows, in iproute2's order;
// false ones nsemu does not emulate.
var monitorObjects = []struct {
	name     string
	emulated bool
}{
	{"link", true}, {"address", true}, {"route", true}, {"mroute", false}, {"prefix", false},
	{"neigh", true}, {"netconf", false}, {"rule", true}, {"nsid", false}, {"nexthop", false}, {"stats", false},
}

// parseMonitor parses ip monitor's words.
func parseMonitor(a *args, env names) (*monitorReq, error) {
	r := &monitorReq{objects: map[string]bool{}}
	for ; a.more(); a.advance() {
		w := a.cur()
		if err := r.word(a, w, env); err != nil {
			return nil, err
		}
	}
	if len(r.objects) == 0 {
		for _, o := range monitorObjects {
			r.objects[o.name] = o.emulated
		}
	}
	return r, nil
}

// word applies one word of ip monitor's command line.
func (r *monitorReq) word(a *args, w string, env names) error {
	switch {
	case matches(w, "all"):
		r.label = true
		for _, o := range monitorObjects {
			r.objects[o.name] = o.emulated
		}
		return nil
	case w == "label":
		r.label = true
		return nil
	case w == "all-nsid":
		return shell.Failf(1, "nsemu: \"ip monitor all-nsid\" is not emulated")
	case w == "dev":
		v, err := a.next()
		if err != nil {
			return err
		}
		if _, ok := env.link(v); !ok {
			return nodev(v)
		}
		r.dev = v
		return nil
	case matches(w, "help"):
		return usage(monitorUsage)
	case w == "neighbor" || w == "neighbour":
		w = "neigh"
	}
	for _, o := range monitorObjects {
		if matches(w, o.name) {
			if !o.emulated {
				return shell.Failf(1, "nsemu: \"ip monitor %s\" is not emulated", o.name)
			}
			r.objects[o.name] = true
			return nil
		}
	}
	return shell.Failf(255, "Argument %q is unknown, try \"ip monitor help\".", w)
}

func runIPMonitor(ip *ipCmd, a *args) error {
	r, err := parseMonitor(a, ip.names())
	if err != nil {
		return err
	}
	if ip.opts.json {
		return shell.Failf(1, "nsemu: \"ip -json monitor\" is not emulated")
	}
	m := &monitor{ip: ip, req: r, lines: make(chan string, 4096), neigh: map[string]string{}}
	m.prev = m.snapshot()
	stop := ip.ns.Watch(m.onChange)
	defer stop()
	if r.objects["neigh"] {
		detach := ip.ns.World().Bus().Attach(trace.SinkFunc(m.onEvent))
		defer detach()
	}
	for {
		select {
		case line := <-m.lines:
			ip.printf("%s", line)
		case <-ip.c.Ctx.Done():
			m.flush()
			return nil
		}
	}
}

// monitor is one run of ip monitor.
type monitor struct {
	ip  *ipCmd
	req *monitorReq

	// mu guards prev, neigh and dropped: change calls come from any
	// goroutine.
	mu      sync.Mutex
	prev    monitorState
	neigh   map[string]string // the last line of each neighbour, by dev and address
	dropped int

	lines chan string
}

// monitorState is what the monitor compares: each object's lines, by key.
type monitorState struct {
	links, addrs, routes, rules []monitorItem
}

// monitorItem is one link, address, route or rule as ip prints it.
type monitorItem struct {
	key, text string
}

// snapshot reads the namespace as the monitor compares it.
func (m *monitor) snapshot() monitorState {
	ip := m.ip
	var s monitorState
	ids := newNsids(ip.ns)
	for _, d := range ip.ns.Links() {
		if m.req.dev != "" && d.Name() != m.req.dev {
			continue
		}
		l := viewLink(ids, d)
		s.links = append(s.links, monitorItem{fmt.Sprint(l.index), l.monitorHeader() + "\n" + l.linkLine()})
		for _, a := range l.addrs {
			al := l.addrLines(a)
			s.addrs = append(s.addrs, monitorItem{fmt.Sprint(l.index, a.p), fmt.Sprintf("%d: %s%s\n%s", l.index, l.name, al[0], al[1])})
		}
	}
	all := &routeFilter{table: 0}
	for _, r := range ip.tableRoutes(0) {
		if m.req.dev == "" || r.Dev == m.req.dev {
			s.routes = append(s.routes, monitorItem{routeKey(r), ip.routeLine(r, all)})
		}
	}
	rules := ip.ns.Stack().Rules()
	for _, r := range rules {
		s.rules = append(s.rules, monitorItem{fmt.Sprintf("%+v", r), ip.ruleLine(r, rules)})
	}
	return s
}

// monitorHeader is a link's first line under ip monitor: ip link's,
// without mode and qlen.
func (l *linkView) monitorHeader() string {
	master := ""
	if l.master != "" {
		master = " master " + l.master
	}
	return fmt.Sprintf("%d: %s%s: <%s> mtu %d qdisc %s%s state %s group default ",
		l.index, l.name, l.peer, l.flags(), l.mtu, l.qdisc(), master, l.oper)
}

// routeKey tells routes apart across snapshots (a route whose text
// changes, linkdown say, is the same route changed).
func routeKey(r stack.Route) string {
	return fmt.Sprint(r.Type, r.Dst, r.Dev, routeTable(r), r.Metric, r.Gateway)
}

// onChange is the namespace's change call: it prints what changed.
func (m *monitor) onChange() {
	cur := m.snapshot()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range []struct {
		name, label string
		prev, cur   []monitorItem
		changes     bool
	}{
		{"link", "LINK", m.prev.links, cur.links, true},
		{"address", "ADDR", m.prev.addrs, cur.addrs, true},
		// A route's linkdown comes and goes with no notification.
		{"route", "ROUTE", m.prev.routes, cur.routes, false},
		{"rule", "RULE", m.prev.rules, cur.rules, false},
	} {
		if m.req.objects[o.name] {
			m.diff(o.label, o.prev, o.cur, o.changes)
		}
	}
	m.prev = cur
}

// diff queues the lines for items gone ("Deleted"), new, or (changes)
// changed. m.mu must be held.
func (m *monitor) diff(label string, prev, cur []monitorItem, changes bool) {
	for _, p := range prev {
		if !slices.ContainsFunc(cur, func(c monitorItem) bool { return c.key == p.key }) {
			m.queueLocked(label, "Deleted "+p.text)
		}
	}
	for _, c := range cur {
		i := slices.IndexFunc(prev, func(p monitorItem) bool { return p.key == c.key })
		if i < 0 || (changes && prev[i].text != c.text) {
			m.queueLocked(label, c.text)
		}
	}
}

// queueLocked hands a line to the command's goroutine; a full queue drops
// it, and counts. m.mu must be held.
func (m *monitor) queueLocked(label, text string) {
	if m.req.label {
		text = "[" + label + "]" + text
	}
	select {
	case m.lines <- text + "\n":
	default:
		m.dropped++
	}
}

// onEvent is the trace bus sink: a neighbour of the namespace changed.
// It runs on the packet path: it formats, queues and returns.
func (m *monitor) onEvent(ev *trace.Event) {
	if ev.Kind != trace.NeighChanged || ev.NS != m.ip.ns.Name() || ev.State == "INCOMPLETE" ||
		(m.req.dev != "" && ev.Dev != m.req.dev) {
		return
	}
	key := ev.Dev + " " + ev.Addr
	m.mu.Lock()
	defer m.mu.Unlock()
	if ev.State == "DELETED" {
		if last, ok := m.neigh[key]; ok {
			delete(m.neigh, key)
			m.queueLocked("NEIGH", "Deleted "+last)
		}
		return
	}
	var b strings.Builder
	b.WriteString(ev.Addr + " dev " + ev.Dev)
	if ev.MAC != "" && ev.State != "FAILED" {
		b.WriteString(" lladdr " + ev.MAC)
	}
	line := b.String() + " " + ev.State + " "
	m.neigh[key] = line
	m.queueLocked("NEIGH", line)
}

// flush prints what is still queued when the run ends, and the drops.
func (m *monitor) flush() {
	for {
		select {
		case line := <-m.lines:
			m.ip.printf("%s", line)
		default:
			m.mu.Lock()
			n := m.dropped
			m.mu.Unlock()
			if n > 0 {
				fmt.Fprintf(m.ip.errOut, "nsemu: ip monitor: %d events dropped (the queue was full)\n", n)
			}
			return
		}
	}
}
