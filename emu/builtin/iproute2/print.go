package iproute2

// The output shapes of ip and bridge, as iproute2 6.1 prints them.

import (
	"fmt"
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
	addrs    []addrView
	counters vethsim.Counters
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
		switch {
		case pns == view:
			l.peer = "@" + pe.Name()
			l.mdown = !pe.IsUp()
		default:
			l.peer = fmt.Sprintf("@if%d", pe.Index())
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
		lines = append(lines, l.linkLine())
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
// filtered by (dev, proto, scope) are left out, as iproute2 does.
func (ip *ipCmd) routeLine(r stack.Route, f *routeFilter) string {
	var b strings.Builder
	b.WriteString(routeDst(r.Dst))
	if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	if f.dev == "" {
		b.WriteString(" dev " + r.Dev)
	}
	if r.Kernel && f.proto == "" {
		b.WriteString(" proto kernel")
	}
	if !r.Gateway.IsValid() && f.scope == "" {
		b.WriteString(" scope link")
	}
	if r.Src.IsValid() {
		b.WriteString(" src " + r.Src.String())
	}
	if r.Metric != 0 {
		fmt.Fprintf(&b, " metric %d", r.Metric)
	}
	if linkDown(ip.ns, r.Dev) {
		b.WriteString(" linkdown")
	}
	b.WriteString(" ")
	return b.String()
}

// routeGetLines is ip route get's answer for addr, routed by r.
func routeGetLines(addr netip.Addr, r stack.Route) string {
	if r.Dev == "lo" && !r.Gateway.IsValid() {
		src := r.Src
		if addr.IsLoopback() {
			src = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
		return fmt.Sprintf("local %s dev lo src %s uid 0 \n    cache <local> \n", addr, src)
	}
	var b strings.Builder
	b.WriteString(addr.String())
	if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	b.WriteString(" dev " + r.Dev)
	if r.Src.IsValid() {
		b.WriteString(" src " + r.Src.String())
	}
	return b.String() + " uid 0 \n    cache \n"
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

// fdbRow is one line of bridge fdb, with its sort keys.
type fdbRow struct {
	index int
	mac   string
	text  string
}

// fdbRows are the forwarding-database entries of the bridges of ns the
// selection picks, ordered by port ifindex, then MAC.
func fdbRows(ns *emu.Namespace, r *bridgeReq) []fdbRow {
	var rows []fdbRow
	for _, b := range ns.Links() {
		if b.Kind != emu.KindBridge || (r.br != "" && b.Name() != r.br) || b.Bridge() == nil {
			continue
		}
		for _, e := range b.Bridge().FDB() {
			if (r.dynamic && e.Local) || (r.port != "" && e.Port != r.port) {
				continue
			}
			rows = append(rows, fdbRow{index: portIndex(ns, b, e.Port), mac: e.MAC.String(), text: fdbText(b, e, r.port == "")})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].index != rows[j].index {
			return rows[i].index < rows[j].index
		}
		return rows[i].mac < rows[j].mac
	})
	return rows
}

// portIndex is the ifindex of bridge b's port (b's own for its self port).
func portIndex(ns *emu.Namespace, b *emu.Device, port string) int {
	if port != b.Name() {
		if d, err := ns.Link(port); err == nil {
			return d.Index()
		}
	}
	return b.Index()
}

func fdbText(b *emu.Device, e l2switch.Entry, dev bool) string {
	text := e.MAC.String()
	if dev {
		text += " dev " + e.Port
	}
	text += " master " + b.Name()
	if e.Local {
		return text + " permanent"
	}
	return text + " "
}
