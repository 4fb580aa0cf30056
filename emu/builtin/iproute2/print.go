package iproute2

// The output shapes of ip and bridge, as iproute2 6.1 prints them.

import (
	"fmt"
	"github.com/nsemu/nsemu/stack/vxlan"
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	l2switch "github.com/nsemu/nsemu/switch"
	"github.com/nsemu/nsemu/vethsim"
)

// ---- devices (ip link, ip address, bridge link) ----

// linkView is a snapshot of one device, as ip prints it.
type linkView struct {
	d       *emu.Device
	index   int
	name    string
	kind    emu.Kind
	up      bool
	carrier bool
	oper    string
	mtu     uint32
	mac     net.HardwareAddr
	master  string
	// peer is "@ifN" (peer in another namespace), "@NAME" (same namespace)
	// or "".
	peer string
	// mdown: the peer is in this namespace and down (iproute2's M-DOWN).
	mdown bool
	// netnsRef is " link-netns NS" or " link-netnsid N".
	netnsRef string
	// peerName is the peer's name (same namespace); peerIndex its ifindex
	// and netnsid its namespace's id (another namespace; -1 unknown), for
	// JSON's link, link_index and link_netnsid.
	peerName  string
	peerIndex int
	netnsid   int
	addrs     []addrView
	counters  vethsim.Counters
}

type addrView struct {
	p         netip.Prefix
	secondary bool
}

func viewLink(ids *nsids, d *emu.Device) *linkView {
	view := ids.view
	l := &linkView{
		d:     d,
		index: d.Index(),
		name:  d.Name(),
		kind:  d.Kind,
		up:    d.IsUp(),
		oper:  d.OperState(),
		mtu:   d.MTU(),
		mac:   d.MAC(),
	}
	l.carrier = l.up && d.Carrier()
	if m := d.Master(); m != nil {
		l.master = m.Name()
	}
	if d.Kind == emu.KindVeth && d.End() != nil {
		pe := d.End().Peer()
		pns := peerNamespace(d)
		l.netnsid = ids.of(pns)
		switch {
		case pns == view:
			l.peer = "@" + pe.Name()
			l.peerName = pe.Name()
			l.mdown = !pe.IsUp()
		default:
			l.peer = fmt.Sprintf("@if%d", pe.Index())
			l.peerIndex = pe.Index()
			if pns != nil && !pns.IsHost() && !pns.Hidden() {
				l.netnsRef = " link-netns " + pns.Name()
			} else if id := ids.of(pns); id >= 0 {
				l.netnsRef = fmt.Sprintf(" link-netnsid %d", id)
			}
		}
	}
	l.addrs = addrViews(d)
	l.counters = d.Counters()
	return l
}

// addrViews lists a device's IPv4 addresses as the kernel orders them:
// primaries in the order added, then secondaries (a later address in the
// subnet of an earlier one). lo's 127.0.0.1 appears when lo is up.
func addrViews(d *emu.Device) []addrView {
	if d.Kind == emu.KindLoopback && !d.IsUp() {
		return nil
	}
	ps := d.Addrs()
	var prim, sec []addrView
	for i, p := range ps {
		if !p.Addr().Is4() {
			continue
		}
		secondary := false
		for _, q := range ps[:i] {
			if q.Masked() == p.Masked() {
				secondary = true
				break
			}
		}
		if secondary {
			sec = append(sec, addrView{p: p, secondary: true})
		} else {
			prim = append(prim, addrView{p: p})
		}
	}
	return append(prim, sec...)
}

func (l *linkView) flags() string {
	var f []string
	if l.up && !l.carrier {
		f = append(f, "NO-CARRIER")
	}
	if l.kind == emu.KindLoopback {
		f = append(f, "LOOPBACK")
	} else {
		f = append(f, "BROADCAST", "MULTICAST")
	}
	if l.up {
		f = append(f, "UP")
		if l.carrier {
			f = append(f, "LOWER_UP")
		}
	}
	if l.mdown {
		f = append(f, "M-DOWN")
	}
	return strings.Join(f, ",")
}

// qdisc is the device's root qdisc's kind: noop until it is first up,
// then noqueue, or what tc attached.
func (l *linkView) qdisc() string { return l.d.Qdisc().Kind }

// header is the first line of ip link (mode true) and ip addr.
func (l *linkView) header(mode bool) string {
	master := ""
	if l.master != "" {
		master = " master " + l.master
	}
	m := ""
	if mode {
		m = " mode DEFAULT"
	}
	return fmt.Sprintf("%d: %s%s: <%s> mtu %d qdisc %s%s state %s%s group default qlen 1000",
		l.index, l.name, l.peer, l.flags(), l.mtu, l.qdisc(), master, l.oper, m)
}

func (l *linkView) linkLine() string {
	if l.kind == emu.KindLoopback {
		return "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
	}
	return fmt.Sprintf("    link/ether %s brd ff:ff:ff:ff:ff:ff%s", l.mac, l.netnsRef)
}

func addrScope(p netip.Prefix) string {
	if p.Addr().IsLoopback() {
		return "host"
	}
	return "global"
}

func (l *linkView) addrLines(a addrView) [2]string {
	sec := ""
	if a.secondary {
		sec = " secondary"
	}
	return [2]string{
		fmt.Sprintf("    inet %s scope %s%s %s", a.p, addrScope(a.p), sec, l.name),
		"       valid_lft forever preferred_lft forever",
	}
}

// statsLines are ip -s's counters, in iproute2 6.1's layout: columns as
// wide as their header word or their largest number.
func statsLines(c vethsim.Counters) []string {
	rx := []uint64{c.RxBytes, c.RxPackets, 0, c.RxDropped, 0, 0}
	tx := []uint64{c.TxBytes, c.TxPackets, 0, c.TxDropped, 0, 0}
	w := []int{10, 7, 6, 7, 7, 7}
	for i := range w {
		w[i] = max(w[i], len(fmt.Sprint(rx[i])), len(fmt.Sprint(tx[i])))
	}
	header := func(tag string, names [6]string) string {
		s := fmt.Sprintf("    %s: %*s", tag, w[0]-4, names[0])
		for i := 1; i < 6; i++ {
			s += fmt.Sprintf(" %*s", w[i], names[i])
		}
		return s + fmt.Sprintf(" %*s", 10, "")
	}
	values := func(v []uint64) string {
		s := "    "
		for i := range v {
			s += fmt.Sprintf("%*d ", w[i], v[i])
		}
		return s
	}
	return []string{
		header("RX", [6]string{"bytes", "packets", "errors", "dropped", "missed", "mcast"}),
		values(rx),
		header("TX", [6]string{"bytes", "packets", "errors", "dropped", "carrier", "collsns"}),
		values(tx),
	}
}

// printLink prints one device for ip link (addrs false) or ip addr.
func (ip *ipCmd) printLink(l *linkView, addrs bool) {
	switch {
	case ip.opts.brief:
		ip.printf("%s\n", l.brief(addrs))
	case addrs && ip.opts.oneline:
		for _, a := range l.addrs {
			al := l.addrLines(a)
			ip.printf("%d: %s%s\\%s\n", l.index, l.name, al[0], al[1])
		}
	case ip.opts.oneline:
		ip.printf("%s\n", strings.Join(ip.linkLines(l, addrs), "\\"))
	default:
		ip.printf("%s\n", strings.Join(ip.linkLines(l, addrs), "\n"))
	}
}

// brief is a device's line under ip -br link (addrs false) or ip -br
// address.
func (l *linkView) brief(addrs bool) string {
	name := l.name + l.peer
	if !addrs {
		return fmt.Sprintf("%-16s %-14s %s <%s> ", name, l.oper, l.mac, l.flags())
	}
	s := fmt.Sprintf("%-16s %-14s ", name, l.oper)
	for _, a := range l.addrs {
		s += a.p.String() + " "
	}
	return s
}

// linkLines are a device's lines under ip link (addrs false) or ip
// address.
func (ip *ipCmd) linkLines(l *linkView, addrs bool) []string {
	lines := []string{l.header(!addrs)}
	if !(addrs && ip.opts.family == 4) {
		line := l.linkLine()
		if ip.opts.details {
			tail, kinds := l.detailsLines()
			lines = append(lines, line+tail)
			lines = append(lines, kinds...)
		} else {
			lines = append(lines, line)
		}
	}
	if addrs {
		for _, a := range l.addrs {
			al := l.addrLines(a)
			lines = append(lines, al[0], al[1])
		}
	}
	if ip.opts.stats > 0 {
		lines = append(lines, statsLines(l.counters)...)
	}
	return lines
}

// bridgePortJSON is a port under bridge -json link.
func bridgePortJSON(l *linkView) jsonObject {
	o := append(jsonObject{{"ifindex", l.index}}, l.peerJSON()...)
	return append(o, jsonField{"ifname", l.name}, jsonField{"flags", strings.Split(l.flags(), ",")},
		jsonField{"mtu", l.mtu}, jsonField{"master", l.master}, jsonField{"state", bridgePortState(l)},
		jsonField{"priority", 32}, jsonField{"cost", 2})
}

// bridgePortLine is a port's line under bridge link. Without STP a port
// forwards as soon as it, its carrier and its bridge are up.
func bridgePortLine(l *linkView) string {
	state := "disabled"
	if m := l.d.Master(); m != nil && m.IsUp() && l.d.IsUp() && l.d.Carrier() {
		state = "forwarding"
	}
	return fmt.Sprintf("%d: %s%s: <%s> mtu %d master %s state %s priority 32 cost 2 ",
		l.index, l.name, l.peer, l.flags(), l.mtu, l.master, state)
}

// ---- routes ----

func routeDst(p netip.Prefix) string {
	switch {
	case p.Bits() == 0:
		return "default"
	case p.Bits() == p.Addr().BitLen():
		return p.Addr().String()
	}
	return p.String()
}

// linkDown reports whether a route's device is up without carrier
// (iproute2's "linkdown").
func linkDown(ns *emu.Namespace, dev string) bool {
	d, err := ns.Link(dev)
	if err != nil || d.Kind == emu.KindLoopback {
		return false
	}
	return d.IsUp() && !d.Carrier()
}

// routeLine prints a route as ip route does; attributes the listing was
// filtered by (dev, proto, scope, table) are left out, as iproute2 does.
func (ip *ipCmd) routeLine(r stack.Route, f *routeFilter) string {
	var b strings.Builder
	if r.Type != "" {
		b.WriteString(r.Type + " ")
	}
	b.WriteString(routeDst(r.Dst))
	if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	if r.Dev != "" && f.dev == "" {
		b.WriteString(" dev " + r.Dev)
	}
	if t := routeTable(r); f.table == 0 && t != stack.TableMain {
		b.WriteString(" table " + ip.tables().name(t))
	}
	if r.Kernel && f.proto == "" {
		b.WriteString(" proto kernel")
	}
	if s := routeScope(r); s != "" && f.scope == "" {
		b.WriteString(" scope " + s)
	}
	if r.Src.IsValid() {
		b.WriteString(" src " + r.Src.String())
	}
	if r.Metric != 0 {
		fmt.Fprintf(&b, " metric %d", r.Metric)
	}
	if r.OnLink {
		b.WriteString(" onlink")
	}
	if r.Type != "local" && r.Dev != "" && linkDown(ip.ns, r.Dev) {
		b.WriteString(" linkdown")
	}
	b.WriteString(" ")
	return b.String()
}

// routeTable is a route's table number (main for 0).
func routeTable(r stack.Route) uint32 {
	if r.Table == 0 {
		return stack.TableMain
	}
	return r.Table
}

// routeScope is the scope ip route prints: host for a local route, link
// for a broadcast one and a unicast one without gateway, none (global)
// otherwise.
func routeScope(r stack.Route) string {
	switch {
	case r.Type == "local":
		return "host"
	case r.Type == "broadcast", r.Type == "" && !r.Gateway.IsValid():
		return "link"
	}
	return ""
}

// routeGetLines is ip route get's answer for q, routed by r: the output
// form for a packet the namespace sends, the input form (from, iif, the
// cache's flags) for one arriving on q.IIF.
func (ip *ipCmd) routeGetLines(q stack.Flow, r stack.Route) string {
	var b strings.Builder
	if r.Type != "" {
		b.WriteString(r.Type + " ")
	}
	b.WriteString(q.Dst.String())
	if q.Src.IsValid() {
		b.WriteString(" from " + q.Src.String())
	}
	if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	dev := r.Dev
	if q.IIF != "" && (r.Type == "local" || r.Type == "broadcast") {
		dev = "lo"
	}
	b.WriteString(" dev " + dev)
	if t := routeTable(r); t != stack.TableMain {
		b.WriteString(" table " + ip.tables().name(t))
	}
	if q.IIF == "" && !q.Src.IsValid() && r.Src.IsValid() {
		b.WriteString(" src " + r.Src.String())
	}
	switch {
	case q.Mark >= 16:
		fmt.Fprintf(&b, " mark 0x%x", q.Mark)
	case q.Mark != 0:
		fmt.Fprintf(&b, " mark %d", q.Mark)
	}
	if q.IIF == "" {
		b.WriteString(" uid 0")
	}
	b.WriteString(" \n    cache ")
	if flags := cacheFlags(q, r); flags != "" {
		b.WriteString("<" + flags + "> ")
	}
	if q.IIF != "" {
		b.WriteString("iif " + q.IIF + " ")
	}
	return b.String() + "\n"
}

// cacheFlags are the route cache's flags ip route get prints: local,
// brd, and redirect for a packet forwarded back out of the device it came
// in by, to a next hop on the sender's link.
func cacheFlags(q stack.Flow, r stack.Route) string {
	switch r.Type {
	case "local":
		return "local"
	case "broadcast":
		return "local,brd"
	}
	if q.IIF != "" && r.Dev == q.IIF {
		return "redirect"
	}
	return ""
}

// ---- neighbours ----

// neighLine is an entry's line under ip neigh; dev says whether to name
// its device (not when the listing was for one device).
func neighLine(n stack.Neighbor, dev bool) string {
	var b strings.Builder
	b.WriteString(n.Addr.String())
	if dev {
		b.WriteString(" dev " + n.Dev)
	}
	if n.MAC != "" && n.State != "INCOMPLETE" && n.State != "FAILED" {
		b.WriteString(" lladdr " + n.MAC.String())
	}
	return b.String() + " " + n.State + " "
}

// ---- forwarding databases (bridge fdb) ----

// fdbEntry is one line of bridge fdb.
type fdbEntry struct {
	mac, dev string
	self     bool   // the device's own ("self") entry
	master   string // the bridge of a master entry
	state    string // "permanent" or ""
	// vx is a VXLAN FDB entry's remote, nil for other entries.
	vx *vxlan.Remote
}

// text is the entry's line; withDev says whether to name its device.
func (e fdbEntry) text(withDev bool) string {
	s := e.mac
	if withDev {
		s += " dev " + e.dev
	}
	if e.vx != nil {
		s += vxlanText(e.vx)
	}
	if e.self {
		return s + " self " + e.state
	}
	return s + " master " + e.master + " " + e.state
}

// json is the entry under bridge -json fdb.
func (e fdbEntry) json(withDev bool) jsonObject {
	o := jsonObject{{"mac", e.mac}}
	if withDev {
		o = append(o, jsonField{"ifname", e.dev})
	}
	if e.vx != nil {
		o = append(o, vxlanJSON(e.vx)...)
	}
	flags := []string{}
	if e.self {
		flags = append(flags, "self")
	}
	o = append(o, jsonField{"flags", flags})
	if !e.self {
		o = append(o, jsonField{"master", e.master})
	}
	return append(o, jsonField{"state", e.state})
}

// fdbRows are the forwarding-database entries of ns's devices the
// selection picks, as the kernel dumps them: device by device (ifindex
// order), a bridge's own multicast ("self") entries then its "master"
// entries, a port's master entries (by MAC) then its self entries, any
// other device's self entries.
func fdbRows(ns *emu.Namespace, r *bridgeReq) []fdbEntry {
	var rows []fdbEntry
	for _, d := range ns.Links() {
		if d.Kind == emu.KindLoopback || !fdbPicks(d, r) {
			continue
		}
		master := masterRows(d, r)
		var self []fdbEntry
		if d.Vxlan() != nil {
			self = vxlanRows(d, r)
		} else if !r.dynamic {
			for _, mac := range selfMACs(d) {
				self = append(self, fdbEntry{mac: mac, dev: d.Name(), self: true, state: "permanent"})
			}
		}
		if d.Kind == emu.KindBridge {
			rows = append(append(rows, self...), master...)
		} else {
			rows = append(append(rows, master...), self...)
		}
	}
	return rows
}

// fdbPicks reports whether device d is in the selection: the bridge
// asked for or one of its ports, the port asked for.
func fdbPicks(d *emu.Device, r *bridgeReq) bool {
	switch {
	case r.port != "":
		return d.Name() == r.port
	case r.br != "":
		return d.Name() == r.br || (d.Master() != nil && d.Master().Name() == r.br)
	}
	return true
}

// masterRows are the bridge's entries on port d (d's own when d is the
// bridge), by MAC.
func masterRows(d *emu.Device, r *bridgeReq) []fdbEntry {
	br := d
	if d.Kind != emu.KindBridge {
		br = d.Master()
	}
	if br == nil || br.Bridge() == nil {
		return nil
	}
	var es []l2switch.Entry
	for _, e := range br.Bridge().FDB() {
		if e.Port == d.Name() && !(r.dynamic && e.Local) {
			es = append(es, e)
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].MAC.String() < es[j].MAC.String() })
	rows := make([]fdbEntry, len(es))
	for i, e := range es {
		rows[i] = fdbEntry{mac: e.MAC.String(), dev: d.Name(), master: br.Name()}
		if e.Local {
			rows[i].state = "permanent"
		}
	}
	return rows
}

// selfMACs are the multicast addresses the kernel lists as a device's own
// ("self permanent"): all-nodes (33:33:00:00:00:01) always; while the
// device is up, all-hosts (01:00:5e:00:00:01), on a bridge the multicast
// router discovery groups (…:00:6a) before it; and once IPv6 gave the
// device its link-local address (a bridge up, another device up with a
// carrier) the solicited-node group of that address.
func selfMACs(d *emu.Device) []string {
	macs := []string{"33:33:00:00:00:01"}
	if !d.IsUp() {
		return macs
	}
	bridge := d.Kind == emu.KindBridge
	if bridge {
		macs = append(macs, "01:00:5e:00:00:6a", "33:33:00:00:00:6a")
	}
	macs = append(macs, "01:00:5e:00:00:01")
	if m := d.MAC(); len(m) == 6 && (bridge || d.Carrier()) {
		macs = append(macs, fmt.Sprintf("33:33:ff:%02x:%02x:%02x", m[3], m[4], m[5]))
	}
	return macs
}
