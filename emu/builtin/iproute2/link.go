package iproute2

// ip link: add, set, delete and show devices; the device printing shared by
// ip link, ip addr and bridge link.

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/vethsim"
)

// ---- printing ----

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

func (l *linkView) qdisc() string {
	if l.up {
		return "noqueue"
	}
	return "noop"
}

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
	if ip.opts.brief {
		name := l.name + l.peer
		if !addrs {
			ip.printf("%-16s %-14s %s <%s> \n", name, l.oper, l.mac, l.flags())
			return
		}
		s := fmt.Sprintf("%-16s %-14s ", name, l.oper)
		for _, a := range l.addrs {
			s += a.p.String() + " "
		}
		ip.printf("%s\n", s)
		return
	}
	if addrs && ip.opts.oneline {
		for _, a := range l.addrs {
			al := l.addrLines(a)
			ip.printf("%d: %s%s\\%s\n", l.index, l.name, al[0], al[1])
		}
		return
	}
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
	if ip.opts.oneline {
		ip.printf("%s\n", strings.Join(lines, "\\"))
		return
	}
	ip.printf("%s\n", strings.Join(lines, "\n"))
}

// ---- selecting devices ----

type linkFilter struct {
	dev    string
	kind   string
	master string
	up     bool
	to     netip.Prefix
	hasTo  bool
}

// parseLinkFilter parses ip link show's and ip addr show's selectors.
func (ip *ipCmd) parseLinkFilter(a *args, addr bool) (*linkFilter, error) {
	f := &linkFilter{}
	for ; a.more(); a.advance() {
		switch w := a.cur(); {
		case w == "to" && addr:
			v, err := a.next()
			if err != nil {
				return nil, err
			}
			p, _, ok := parsePrefix(v, false)
			if !ok {
				return nil, errPrefix(v)
			}
			f.to, f.hasTo = p, true
		case w == "scope" || w == "label" || w == "group" || w == "vrf" || w == "proto" || w == "metric":
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case w == "up":
			f.up = true
		case w == "dynamic" || w == "permanent" || w == "secondary" || w == "primary" || w == "temporary" ||
			w == "tentative" || w == "deprecated" || w == "dadfailed" || w == "home" || w == "nodad" ||
			w == "noprefixroute" || w == "autojoin" || w == "optimistic" || w == "mngtmpaddr":
		case w == "master":
			v, err := a.next()
			if err != nil {
				return nil, err
			}
			if _, err := ip.ns.Link(v); err != nil {
				return nil, invarg("Device does not exist\n", v)
			}
			f.master = v
		case w == "nomaster":
			f.master = "-"
		case w == "type":
			v, err := a.next()
			if err != nil {
				return nil, err
			}
			f.kind = v
		default:
			if w == "dev" {
				v, err := a.next()
				if err != nil {
					return nil, err
				}
				w = v
			} else if matches(w, "help") {
				return nil, shell.Failf(255, "%s", ipUsage)
			}
			if f.dev != "" {
				return nil, duparg2("dev", w)
			}
			f.dev = w
		}
	}
	return f, nil
}

func kindName(k emu.Kind) string {
	switch k {
	case emu.KindVeth:
		return "veth"
	case emu.KindBridge:
		return "bridge"
	}
	return ""
}

// selectLinks returns the devices the filter picks, by ifindex.
func (ip *ipCmd) selectLinks(f *linkFilter) ([]*emu.Device, error) {
	if f.dev != "" {
		d, err := ip.ns.Link(f.dev)
		if err != nil {
			return nil, noSuchDevice(f.dev)
		}
		return ip.filterLinks(f, []*emu.Device{d}), nil
	}
	return ip.filterLinks(f, ip.ns.Links()), nil
}

func (ip *ipCmd) filterLinks(f *linkFilter, all []*emu.Device) []*emu.Device {
	var out []*emu.Device
	for _, d := range all {
		if f.up && !d.IsUp() {
			continue
		}
		switch f.master {
		case "":
		case "-":
			if d.Master() != nil {
				continue
			}
		default:
			if d.Master() == nil || d.Master().Name() != f.master {
				continue
			}
		}
		if f.kind != "" {
			if f.kind == "bridge_slave" {
				if d.Master() == nil {
					continue
				}
			} else if kindName(d.Kind) != f.kind {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

func (ip *ipCmd) showLinks(a *args, addrs bool) error {
	f, err := ip.parseLinkFilter(a, addrs)
	if err != nil {
		return err
	}
	devs, err := ip.selectLinks(f)
	if err != nil {
		return err
	}
	for _, d := range devs {
		l := viewLink(ip.nsids(), d)
		if addrs {
			if f.hasTo {
				var kept []addrView
				for _, av := range l.addrs {
					if f.to.Contains(av.p.Addr()) && av.p.Bits() >= f.to.Bits() {
						kept = append(kept, av)
					}
				}
				l.addrs = kept
			}
			if ip.opts.family == 6 {
				continue // nsemu devices have no IPv6 addresses
			}
			if (ip.opts.family == 4 || f.hasTo) && len(l.addrs) == 0 {
				continue
			}
		}
		ip.printLink(l, addrs)
	}
	return nil
}

// ---- ip link ----

func runIPLink(ip *ipCmd, a *args) error {
	if !a.more() {
		return ip.showLinks(a, false)
	}
	cmd := a.cur()
	a.advance()
	switch {
	case matches(cmd, "add"):
		return ip.linkAdd(a)
	case matches(cmd, "set"), matches(cmd, "change"):
		return ip.linkSet(a)
	case matches(cmd, "replace"):
		return shell.Failf(2, "nsemu: \"ip link replace\" is not emulated; use ip link add or ip link set")
	case matches(cmd, "delete"):
		return ip.linkDel(a)
	case matches(cmd, "show"), matches(cmd, "lst"), matches(cmd, "list"):
		return ip.showLinks(a, false)
	case matches(cmd, "xstats"), matches(cmd, "afstats"), matches(cmd, "property"):
		return shell.Failf(2, "nsemu: \"ip link %s\" is not emulated", cmd)
	case matches(cmd, "help"):
		return shell.Failf(255, "Usage: ip link add [link DEV] [ name ] NAME type TYPE [ ARGS ]\n       ip link delete DEVICE\n       ip link set DEVICE { up | down | netns NS | master BR | nomaster | name NEW | address MAC | mtu N }\n       ip link show [ DEVICE | type TYPE | master BR | up ]")
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip link help\".", cmd)
}

// linkReq is a parsed ip link add/set/delete command line (iproute2's
// iplink_parse).
type linkReq struct {
	dev     string // the positional device (or after "dev")
	name    string // after "name"
	up      *bool
	mtu     *int64
	mac     net.HardwareAddr
	netns   *emu.Namespace
	master  *string // "" means nomaster
	typ     string
	typArgs []string
}

// checkIfname is iproute2's check_ifname ("name" arguments).
func checkIfname(s string) bool {
	return s != "" && len(s) < 16 && !strings.ContainsAny(s, "/ \t\n\r\v\f")
}

// checkAltIfname is iproute2's check_altifname (positional device names).
func checkAltIfname(s string) bool {
	return s != "" && len(s) < 128 && !strings.ContainsAny(s, "/ \t\n\r\v\f")
}

// kernelIfname reports how the kernel takes a name iproute2 let through.
func kernelIfname(s string) error {
	if len(s) > vethsim.MaxNameLen {
		return rtnl("Error: Attribute failed policy validation.")
	}
	if vethsim.ValidName(s) != nil {
		return errInvalidArg
	}
	return nil
}

func (ip *ipCmd) parseLinkReq(a *args) (*linkReq, error) {
	r := &linkReq{}
	w := ip.c.World()
	boolPtr := func(b bool) *bool { return &b }
	for ; a.more(); a.advance() {
		switch v := a.cur(); {
		case v == "up":
			r.up = boolPtr(true)
		case v == "down":
			r.up = boolPtr(false)
		case v == "name":
			n, err := a.next()
			if err != nil {
				return nil, err
			}
			if r.name != "" {
				return nil, duparg("name", n)
			}
			if !checkIfname(n) {
				return nil, invarg("\"name\" not a valid ifname", n)
			}
			r.name = n
		case v == "index", matches(v, "link"):
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case matches(v, "address"):
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			m, err := parseMAC6(s)
			if err != nil {
				return nil, err
			}
			r.mac = m
		case matches(v, "broadcast"), v == "brd", matches(v, "txqueuelen"), v == "qlen", matches(v, "txqlen"):
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case v == "mtu":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if r.mtu != nil {
				return nil, duparg("mtu", s)
			}
			n, ok := parseInt(s)
			if !ok {
				return nil, invarg("Invalid \"mtu\" value\n", s)
			}
			r.mtu = &n
		case v == "netns":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if r.netns != nil {
				return nil, duparg("netns", s)
			}
			ns, err := resolveNetnsArg(w, s)
			if err != nil {
				return nil, err
			}
			r.netns = ns
		case v == "multicast", v == "allmulticast", v == "promisc", v == "trailers", v == "arp", v == "carrier":
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case v == "xdp", v == "vf", v == "vrf":
			return nil, shell.Failf(2, "nsemu: \"ip link ... %s\" is not emulated", v)
		case v == "master":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if _, err := ip.ns.Link(s); err != nil {
				return nil, invarg("Device does not exist\n", s)
			}
			r.master = &s
		case matches(v, "nomaster"):
			empty := ""
			r.master = &empty
		case matches(v, "dynamic"):
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case matches(v, "type"):
			t, err := a.next()
			if err != nil {
				return nil, err
			}
			r.typ = t
			a.advance()
			r.typArgs = a.rest()
			a.i = len(a.a)
			return r, nil
		case matches(v, "alias"), v == "group", v == "mode", v == "state", matches(v, "numtxqueues"),
			matches(v, "numrxqueues"), v == "addrgenmode", v == "link-netns", v == "link-netnsid",
			v == "protodown", v == "protodown_reason", v == "gso_max_size", v == "gso_max_segs",
			v == "gro_max_size", v == "parentdev":
			// Accepted and ignored: nsemu does not model these.
			if _, err := a.next(); err != nil {
				return nil, err
			}
		default:
			if matches(v, "help") {
				return nil, shell.Failf(255, "Usage: ip link add [ name ] NAME type TYPE [ ARGS ]")
			}
			if v == "dev" {
				n, err := a.next()
				if err != nil {
					return nil, err
				}
				v = n
			}
			if r.dev != "" {
				return nil, duparg2("dev", v)
			}
			if !checkAltIfname(v) {
				return nil, invarg("\"dev\" not a valid ifname", v)
			}
			r.dev = v
		}
	}
	return r, nil
}

// resolveNetnsArg resolves `netns NS`: a namespace name, or a process id
// (only 1, the host's init, exists in nsemu).
func resolveNetnsArg(w *emu.World, s string) (*emu.Namespace, error) {
	if !invalidNetnsName(s) {
		if ns, err := w.Namespace(s); err == nil {
			return ns, nil
		}
	}
	if pid, ok := parseInt(s); ok {
		if pid == 1 {
			return w.Host(), nil
		}
		return nil, errNoSuchProc
	}
	return nil, invarg("Invalid \"netns\" value\n", s)
}

// change is what ip link add and set apply to a device, checked first.
type change struct {
	mac    net.HardwareAddr
	mtu    *int64
	master *string
	up     *bool
}

// check validates a change for a device of kind k named name in ns.
func (ch *change) check(ns *emu.Namespace, k emu.Kind, name string) error {
	if ch.mac != nil {
		if ch.mac[0]&1 != 0 || isZeroMAC(ch.mac) {
			return rtnl("RTNETLINK answers: Cannot assign requested address")
		}
		if k == emu.KindLoopback {
			return errNotSupported
		}
	}
	if ch.mtu != nil {
		switch {
		case k == emu.KindLoopback:
			return errNotSupported
		case *ch.mtu < 68:
			return rtnl("Error: mtu less than device minimum.")
		case *ch.mtu > 65535:
			return rtnl("Error: mtu greater than device maximum.")
		}
	}
	if ch.master != nil && *ch.master != "" {
		b, err := ns.Link(*ch.master)
		if err != nil {
			return invarg("Device does not exist\n", *ch.master)
		}
		switch {
		case b.Kind != emu.KindBridge:
			return errNotSupported
		case k == emu.KindLoopback:
			return errInvalidArg
		case k == emu.KindBridge:
			return rtnl("Error: Can not enslave a bridge to a bridge.")
		}
	}
	return nil
}

func isZeroMAC(m net.HardwareAddr) bool {
	for _, b := range m {
		if b != 0 {
			return false
		}
	}
	return true
}

// apply applies a checked change, in the kernel's order: address, MTU,
// master, then up or down.
func (ch *change) apply(ns *emu.Namespace, name string) error {
	if ch.mac != nil {
		if err := ns.SetMAC(name, ch.mac); err != nil {
			return emuErr(err)
		}
	}
	if ch.mtu != nil {
		if err := ns.SetMTU(name, uint32(*ch.mtu)); err != nil {
			return emuErr(err)
		}
	}
	if err := ch.applyMaster(ns, name); err != nil {
		return err
	}
	if ch.up != nil {
		if err := ns.SetLinkUp(name, *ch.up); err != nil {
			return emuErr(err)
		}
	}
	return nil
}

func (ch *change) applyMaster(ns *emu.Namespace, name string) error {
	if ch.master == nil {
		return nil
	}
	var err error
	if *ch.master == "" {
		err = ns.SetNoMaster(name)
	} else {
		err = ns.SetMaster(name, *ch.master)
	}
	return emuErr(err)
}

// freeName returns the first "prefixN" not used in ns (nor equal to taken).
func freeName(ns *emu.Namespace, prefix, taken string) string {
	for i := 0; ; i++ {
		n := fmt.Sprintf("%s%d", prefix, i)
		if _, err := ns.Link(n); err != nil && n != taken {
			return n
		}
	}
}

func (ip *ipCmd) linkAdd(a *args) error {
	r, err := ip.parseLinkReq(a)
	if err != nil {
		return err
	}
	if r.typ == "" {
		return shell.Failf(1, "Not enough information: \"type\" argument is required")
	}
	name := r.name
	if name == "" {
		name = r.dev
	}
	target := ip.ns
	if r.netns != nil {
		target = r.netns
	}
	ch := &change{mac: r.mac, mtu: r.mtu, master: r.master, up: r.up}
	switch r.typ {
	case "veth":
		return ip.addVeth(r, name, target, ch)
	case "bridge":
		return ip.addBridge(r, name, target, ch)
	}
	if knownLinkTypes[r.typ] {
		return shell.Failf(2, "nsemu: link type %q is not emulated (only veth and bridge)", r.typ)
	}
	return rtnl("Error: Unknown device type.")
}

// knownLinkTypes are iproute2 link types nsemu does not emulate.
var knownLinkTypes = map[string]bool{
	"dummy": true, "vlan": true, "vxlan": true, "macvlan": true, "macvtap": true, "ipvlan": true,
	"ipvtap": true, "ipip": true, "gre": true, "gretap": true, "ip6gre": true, "ip6tnl": true,
	"sit": true, "tun": true, "tap": true, "bond": true, "team": true, "vrf": true, "wireguard": true,
	"geneve": true, "ifb": true, "nlmon": true, "can": true, "vcan": true, "vxcan": true,
	"bareudp": true, "erspan": true, "hsr": true, "ipoib": true, "netdevsim": true, "rmnet": true,
	"xfrm": true, "gtp": true, "macsec": true, "batadv": true, "lowpan": true, "virt_wifi": true,
}

func (ip *ipCmd) addVeth(r *linkReq, name string, target *emu.Namespace, ch *change) error {
	peer := &linkReq{}
	if len(r.typArgs) > 0 {
		if r.typArgs[0] != "peer" {
			return shell.Failf(1, "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link help'")
		}
		pa := &args{a: r.typArgs[1:]}
		p, err := ip.parseLinkReq(pa)
		if err != nil {
			return err
		}
		if p.typ != "" {
			return shell.Failf(1, "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link help'")
		}
		peer = p
	}
	peerNS := ip.ns
	if peer.netns != nil {
		peerNS = peer.netns
	}
	if name == "" {
		name = freeName(target, "veth", "")
	}
	peerName := peer.name
	if peerName == "" {
		peerName = peer.dev
	}
	if peerName == "" {
		taken := ""
		if peerNS == target {
			taken = name
		}
		peerName = freeName(peerNS, "veth", taken)
	}
	for _, n := range []string{name, peerName} {
		if err := kernelIfname(n); err != nil {
			return err
		}
	}
	if _, err := target.Link(name); err == nil {
		return errFileExists
	}
	if _, err := peerNS.Link(peerName); err == nil || (peerNS == target && peerName == name) {
		return errFileExists
	}
	pch := &change{mac: peer.mac, mtu: peer.mtu, master: peer.master, up: peer.up}
	if err := ch.check(target, emu.KindVeth, name); err != nil {
		return err
	}
	if err := pch.check(peerNS, emu.KindVeth, peerName); err != nil {
		return err
	}
	if _, _, err := target.AddVeth(name, peerName, peerNS); err != nil {
		return emuErr(err)
	}
	if err := ch.apply(target, name); err != nil {
		return err
	}
	return pch.apply(peerNS, peerName)
}

func (ip *ipCmd) addBridge(r *linkReq, name string, target *emu.Namespace, ch *change) error {
	ageing, err := parseBridgeOpts(r.typArgs)
	if err != nil {
		return err
	}
	if name == "" {
		name = freeName(target, "bridge", "")
	}
	if err := kernelIfname(name); err != nil {
		return err
	}
	if _, err := target.Link(name); err == nil {
		return errFileExists
	}
	if err := ch.check(target, emu.KindBridge, name); err != nil {
		return err
	}
	d, err := target.AddBridgeWithMAC(name, ch.mac)
	if err != nil {
		return emuErr(err)
	}
	if ageing != nil {
		d.Bridge().SetAgeing(*ageing)
	}
	ch.mac = nil
	return ch.apply(target, name)
}

// bridgeOptsWithValue are `type bridge` options that take a value; only
// ageing_time and stp_state mean anything to nsemu.
var bridgeOptsWithValue = map[string]bool{
	"forward_delay": true, "hello_time": true, "max_age": true, "ageing_time": true,
	"stp_state": true, "priority": true, "group_fwd_mask": true, "group_address": true,
	"no_linklocal_learn": true, "vlan_filtering": true, "vlan_protocol": true,
	"vlan_default_pvid": true, "vlan_stats_enabled": true, "vlan_stats_per_port": true,
	"mcast_snooping": true, "mcast_vlan_snooping": true, "mcast_router": true,
	"mcast_query_use_ifaddr": true, "mcast_querier": true, "mcast_hash_elasticity": true,
	"mcast_hash_max": true, "mcast_last_member_count": true, "mcast_startup_query_count": true,
	"mcast_last_member_interval": true, "mcast_membership_interval": true,
	"mcast_querier_interval": true, "mcast_query_interval": true,
	"mcast_query_response_interval": true, "mcast_startup_query_interval": true,
	"mcast_stats_enabled": true, "mcast_igmp_version": true, "mcast_mld_version": true,
	"nf_call_iptables": true, "nf_call_ip6tables": true, "nf_call_arptables": true,
}

// parseBridgeOpts parses `type bridge` options; it returns the ageing
// time when one is given (ageing_time is in centiseconds).
func parseBridgeOpts(opts []string) (*time.Duration, error) {
	var ageing *time.Duration
	for i := 0; i < len(opts); i++ {
		k := opts[i]
		if k == "fdb_flush" {
			continue
		}
		if !bridgeOptsWithValue[k] {
			return nil, shell.Failf(1, "bridge: unknown command %q?", k)
		}
		if i+1 >= len(opts) {
			return nil, incomplete()
		}
		v := opts[i+1]
		i++
		switch k {
		case "ageing_time":
			n, ok := parseUint(v)
			if !ok || n > 1<<32-1 {
				return nil, invarg("invalid ageing_time", v)
			}
			d := time.Duration(n) * 10 * time.Millisecond
			ageing = &d
		case "stp_state":
			n, ok := parseUint(v)
			if !ok || n > 1<<32-1 {
				return nil, invarg("invalid stp_state", v)
			}
			if n != 0 {
				return nil, shell.Failf(2, "nsemu: STP is not emulated (stp_state %s)", v)
			}
		}
	}
	return ageing, nil
}

func (ip *ipCmd) linkSet(a *args) error {
	r, err := ip.parseLinkReq(a)
	if err != nil {
		return err
	}
	if r.dev == "" {
		return shell.Failf(255, "Not enough information: \"dev\" argument is required.")
	}
	d, err := ip.ns.Link(r.dev)
	if err != nil {
		return nodev(r.dev)
	}
	var ageing *time.Duration
	if r.typ != "" {
		if r.typ != kindName(d.Kind) {
			return rtnl("RTNETLINK answers: Operation not supported")
		}
		if r.typ == "bridge" {
			if ageing, err = parseBridgeOpts(r.typArgs); err != nil {
				return err
			}
		} else if len(r.typArgs) > 0 {
			return shell.Failf(2, "nsemu: \"ip link set ... type %s %s\" is not emulated", r.typ, r.typArgs[0])
		}
	}
	// Check everything first, in the kernel's order: namespace, address,
	// MTU, name, master, flags.
	ns := ip.ns
	up := d.IsUp()
	finalName := d.Name()
	if r.name != "" {
		if err := kernelIfname(r.name); err != nil {
			return err
		}
		finalName = r.name
	}
	moving := r.netns != nil && r.netns != ns
	if moving {
		if d.Kind != emu.KindVeth {
			return rtnl("Error: The interface netns is immutable.")
		}
		if _, err := r.netns.Link(finalName); err == nil {
			return errFileExists
		}
		ns = r.netns
		up = false
	}
	ch := &change{mac: r.mac, mtu: r.mtu, master: r.master, up: r.up}
	if err := ch.check(ns, d.Kind, finalName); err != nil {
		// master was looked up in the namespace ip runs in; after a move it
		// must exist in the new one.
		return err
	}
	renaming := r.name != "" && r.name != d.Name()
	if renaming {
		if x, err := ns.Link(r.name); err == nil && x != d {
			return errFileExists
		}
		if up {
			return rtnl("RTNETLINK answers: Device or resource busy")
		}
		if d.Kind == emu.KindLoopback {
			return errNotSupported
		}
	}
	// Apply.
	name := d.Name()
	if moving {
		if err := ip.ns.MoveLink(name, ns); err != nil {
			return emuErr(err)
		}
	}
	if ch.mac != nil {
		if err := ns.SetMAC(name, ch.mac); err != nil {
			return emuErr(err)
		}
	}
	if ch.mtu != nil {
		if err := ns.SetMTU(name, uint32(*ch.mtu)); err != nil {
			return emuErr(err)
		}
	}
	if renaming {
		if err := ns.RenameLink(name, r.name); err != nil {
			return emuErr(err)
		}
		name = r.name
	}
	if err := ch.applyMaster(ns, name); err != nil {
		return err
	}
	if ageing != nil && d.Bridge() != nil {
		d.Bridge().SetAgeing(*ageing)
	}
	if ch.up != nil {
		if err := ns.SetLinkUp(name, *ch.up); err != nil {
			return emuErr(err)
		}
	}
	return nil
}

func (ip *ipCmd) linkDel(a *args) error {
	r, err := ip.parseLinkReq(a)
	if err != nil {
		return err
	}
	dev := r.dev
	if dev == "" {
		dev = r.name
	}
	if dev == "" {
		return shell.Failf(255, "Not enough information: \"dev\" argument is required.")
	}
	d, err := ip.ns.Link(dev)
	if err != nil {
		return nodev(dev)
	}
	if r.typ != "" && r.typ != kindName(d.Kind) {
		return errNotSupported
	}
	if d.Kind == emu.KindLoopback {
		return errNotSupported
	}
	return emuErr(ip.ns.DelLink(dev))
}
