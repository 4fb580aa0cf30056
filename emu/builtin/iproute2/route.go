package iproute2

// ip route and ip neigh: the main routing table and the neighbour (ARP)
// table of the namespace.

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

const routeUsage = `Usage: ip route { list | flush } SELECTOR
       ip route get ADDRESS
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ proto RTPROTO ] [ scope SCOPE ] [ dev STRING ]
ROUTE := PREFIX [ via ADDRESS ] [ dev STRING ] [ metric METRIC ] [ src ADDRESS ]
PREFIX := { default | ADDRESS[/LEN] }`

func runIPRoute(ip *ipCmd, a *args) error {
	if !a.more() {
		return ip.routeList(a, false)
	}
	cmd := a.cur()
	a.advance()
	switch {
	case matches(cmd, "add"), matches(cmd, "append"), matches(cmd, "prepend"):
		return ip.routeModify(a, "add")
	case matches(cmd, "change"), cmd == "chg":
		return ip.routeModify(a, "change")
	case matches(cmd, "replace"):
		return ip.routeModify(a, "replace")
	case matches(cmd, "test"):
		return shell.Failf(1, "nsemu: \"ip route test\" is not emulated")
	case matches(cmd, "delete"):
		return ip.routeModify(a, "delete")
	case matches(cmd, "list"), matches(cmd, "show"), matches(cmd, "lst"):
		return ip.routeList(a, false)
	case matches(cmd, "get"):
		return ip.routeGet(a)
	case matches(cmd, "flush"):
		return ip.routeList(a, true)
	case matches(cmd, "save"), matches(cmd, "restore"), matches(cmd, "showdump"):
		return shell.Failf(1, "nsemu: \"ip route %s\" is not emulated", cmd)
	case matches(cmd, "help"):
		return shell.Failf(255, "%s", routeUsage)
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip route help\".", cmd)
}

// ---- listing ----

type routeFilter struct {
	dev      string
	proto    string // "kernel", "boot" or ""
	scope    string // "link", "global" or ""
	via      netip.Addr
	prefix   netip.Prefix
	mode     string // "exact", "root", "match" or ""
	none     bool   // a table or type nsemu has no routes in
	anything bool   // some selector was given (ip route flush needs one)
	cache    bool
}

func (ip *ipCmd) parseRouteFilter(a *args) (*routeFilter, error) {
	f := &routeFilter{}
	for ; a.more(); a.advance() {
		v := a.cur()
		f.anything = true
		switch {
		case matches(v, "table"):
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			switch s {
			case "main", "254", "all", "0":
			case "local", "255":
				return nil, shell.Failf(2, "nsemu: only the main routing table is emulated")
			default:
				f.none = true
			}
		case v == "dev" || v == "oif":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if _, err := ip.ns.Link(s); err != nil {
				return nil, nodev(s)
			}
			f.dev = s
		case v == "iif", v == "src", v == "from", v == "tos", v == "dsfield", v == "realm", v == "realms", v == "vrf":
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case matches(v, "protocol"):
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			switch s {
			case "kernel", "2":
				f.proto = "kernel"
			case "boot", "3", "static", "4":
				f.proto = "boot"
			default:
				f.none = true
			}
		case v == "scope":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			switch s {
			case "link", "253":
				f.scope = "link"
			case "global", "universe", "0":
				f.scope = "global"
			default:
				f.none = true
			}
		case v == "via":
			g, err := a.nextIPv4("")
			if err != nil {
				return nil, err
			}
			f.via = g
		case v == "type":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if s != "unicast" {
				f.none = true
			}
		case matches(v, "cache"), matches(v, "cloned"):
			f.cache = true
		default:
			mode := "exact"
			if v == "root" || v == "match" || v == "exact" || v == "to" {
				if v != "to" {
					mode = v
				}
				s, err := a.next()
				if err != nil {
					return nil, err
				}
				v = s
			}
			if f.mode != "" {
				return nil, duparg2("to", v)
			}
			p, _, ok := parsePrefix(v, true)
			if !ok {
				return nil, errPrefix(v)
			}
			f.prefix, f.mode = p.Masked(), mode
		}
	}
	return f, nil
}

func (f *routeFilter) match(r stack.Route) bool {
	switch {
	case f.none || f.cache:
		return false
	case f.dev != "" && r.Dev != f.dev:
		return false
	case f.proto == "kernel" && !r.Kernel, f.proto == "boot" && r.Kernel:
		return false
	case f.scope == "link" && r.Gateway.IsValid(), f.scope == "global" && !r.Gateway.IsValid():
		return false
	case f.via.IsValid() && r.Gateway != f.via:
		return false
	}
	switch f.mode {
	case "exact":
		return r.Dst == f.prefix
	case "root":
		return r.Dst.Bits() >= f.prefix.Bits() && f.prefix.Contains(r.Dst.Addr())
	case "match":
		return r.Dst.Bits() <= f.prefix.Bits() && r.Dst.Contains(f.prefix.Addr())
	}
	return true
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

func routeDst(p netip.Prefix) string {
	switch {
	case p.Bits() == 0:
		return "default"
	case p.Bits() == p.Addr().BitLen():
		return p.Addr().String()
	}
	return p.String()
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

func (ip *ipCmd) routeList(a *args, flush bool) error {
	f, err := ip.parseRouteFilter(a)
	if err != nil {
		return err
	}
	if ip.opts.family == 6 {
		return nil
	}
	st := ip.ns.Stack()
	if flush {
		if !f.anything {
			return shell.Failf(1, "\"ip route flush\" requires arguments.")
		}
		// Connected (proto kernel) routes go with their addresses; only
		// static routes are flushed.
		for _, r := range st.Routes() {
			if r.Kernel || !f.match(r) {
				continue
			}
			if err := st.DelRoute(stack.Route{Dst: r.Dst, Gateway: r.Gateway, Dev: r.Dev}); err != nil {
				return emuErr(err)
			}
		}
		return nil
	}
	for _, r := range routes(st) {
		if f.match(r) {
			ip.printf("%s\n", ip.routeLine(r, f))
		}
	}
	return nil
}

// routes is the main table as the kernel keeps it: a secondary address
// adds no connected route of its own (the stack lists one per address).
func routes(st *stack.Stack) []stack.Route {
	var out []stack.Route
	type key struct {
		dst netip.Prefix
		dev string
	}
	seen := map[key]bool{}
	for _, r := range st.Routes() {
		if r.Kernel {
			k := key{r.Dst, r.Dev}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, r)
	}
	return out
}

// ---- add, change, replace, delete ----

type routeReq struct {
	dst       netip.Prefix
	dstSet    bool
	gw        netip.Addr
	dev       string
	metric    int
	hasMetric bool
	src       netip.Addr
	typ       string
}

var routeTypes = map[string]bool{
	"unicast": true, "local": true, "broadcast": true, "multicast": true, "throw": true,
	"unreachable": true, "prohibit": true, "blackhole": true, "nat": true, "anycast": true,
}

// routeIgnored are route attributes nsemu accepts and ignores (each takes
// a value).
var routeIgnored = map[string]bool{
	"tos": true, "dsfield": true, "expires": true, "mtu": true, "advmss": true, "hoplimit": true,
	"initcwnd": true, "initrwnd": true, "window": true, "rtt": true, "rttvar": true,
	"reordering": true, "cwnd": true, "ssthresh": true, "realms": true, "rto_min": true,
	"features": true, "quickack": true, "congctl": true, "pref": true, "ttl-propagate": true,
	"fastopen_no_cookie": true, "weight": true,
}

func (ip *ipCmd) parseRouteReq(a *args) (*routeReq, error) {
	r := &routeReq{}
	for ; a.more(); a.advance() {
		v := a.cur()
		switch {
		case v == "src":
			addr, err := a.nextIPv4("")
			if err != nil {
				return nil, err
			}
			r.src = addr
		case v == "via":
			g, err := a.nextIPv4("inet")
			if err != nil {
				return nil, err
			}
			r.gw = g
		case v == "as", v == "from", v == "nexthop", v == "nhid", v == "encap":
			return nil, shell.Failf(2, "nsemu: route attribute %q is not emulated", v)
		case matches(v, "metric"), matches(v, "priority"), v == "preference":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			n, ok := parseUint(s)
			if !ok || n > 1<<32-1 {
				return nil, invarg("\"metric\" value is invalid\n", s)
			}
			r.metric, r.hasMetric = int(n), true
		case v == "scope":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if !validScope(s) {
				return nil, invarg("invalid \"scope\" value\n", s)
			}
		case v == "dev" || v == "oif":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			r.dev = s
		case matches(v, "table"):
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if s != "main" && s != "254" {
				return nil, shell.Failf(2, "nsemu: only the main routing table is emulated")
			}
		case matches(v, "protocol"):
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case v == "onlink", v == "pervasive":
		case routeIgnored[v]:
			if _, err := a.next(); err != nil {
				return nil, err
			}
			if v == "mtu" && a.more() && a.cur() == "lock" {
				if _, err := a.next(); err != nil {
					return nil, err
				}
			}
		default:
			if v == "to" {
				s, err := a.next()
				if err != nil {
					return nil, err
				}
				v = s
			}
			if routeTypes[v] && (v[0] < '0' || v[0] > '9') {
				r.typ = v
				s, err := a.next()
				if err != nil {
					return nil, err
				}
				v = s
			}
			if matches(v, "help") {
				return nil, shell.Failf(255, "%s", routeUsage)
			}
			if r.dstSet {
				return nil, duparg2("to", v)
			}
			p, _, ok := parsePrefix(v, true)
			if !ok {
				return nil, errPrefix(v)
			}
			r.dst, r.dstSet = p, true
		}
	}
	if !r.dstSet {
		return nil, shell.Failf(255, "%s", routeUsage)
	}
	if r.typ != "" && r.typ != "unicast" {
		return nil, shell.Failf(2, "nsemu: route type %q is not emulated", r.typ)
	}
	return r, nil
}

func (ip *ipCmd) routeModify(a *args, how string) error {
	r, err := ip.parseRouteReq(a)
	if err != nil {
		return err
	}
	var dev *emu.Device
	if r.dev != "" {
		if dev, err = ip.ns.Link(r.dev); err != nil {
			return nodev(r.dev)
		}
	}
	if r.dst != r.dst.Masked() {
		return rtnl("Error: Invalid prefix for given prefix length.")
	}
	st := ip.ns.Stack()
	if how == "delete" {
		return ip.routeDel(r)
	}
	if !r.gw.IsValid() && dev == nil {
		return rtnl("RTNETLINK answers: No such device")
	}
	if dev != nil {
		if err := l3Check(dev); err != nil {
			return err
		}
	}
	if r.src.IsValid() && !isLocal(ip.ns, r.src) {
		return rtnl("Error: Invalid prefsrc address.")
	}
	nr := stack.Route{Dst: r.dst, Gateway: r.gw, Dev: r.dev, Src: r.src, Metric: r.metric}
	var old *stack.Route
	if how != "add" {
		for _, x := range st.Routes() {
			if x.Dst == r.dst && x.Metric == r.metric {
				if x.Kernel {
					return shell.Failf(2, "nsemu: the kernel's connected route %s cannot be changed (change the address instead)", routeDst(x.Dst))
				}
				x := x
				old = &x
				break
			}
		}
		if old == nil && how == "change" {
			return rtnl("RTNETLINK answers: No such file or directory")
		}
	}
	if old != nil {
		if err := st.DelRoute(stack.Route{Dst: old.Dst, Gateway: old.Gateway, Dev: old.Dev}); err != nil {
			return emuErr(err)
		}
	}
	if err := st.AddRoute(nr); err != nil {
		if old != nil {
			_ = st.AddRoute(*old)
		}
		return routeErr(err, r.gw.IsValid())
	}
	return nil
}

// routeErr words a stack error as the kernel's netlink answer.
func routeErr(err error, gw bool) error {
	switch {
	case errors.Is(err, stack.ErrExists):
		return errFileExists
	case errors.Is(err, stack.ErrInvalidGateway):
		return rtnl("Error: Nexthop has invalid gateway.")
	case errors.Is(err, stack.ErrNetworkUnreachable):
		if gw {
			return rtnl("Error: Nexthop has invalid gateway.")
		}
		return rtnl("Error: Device for nexthop is not up.")
	case errors.Is(err, stack.ErrNoSuchDevice):
		return rtnl("RTNETLINK answers: No such device")
	case errors.Is(err, stack.ErrNoSuchProcess):
		return errNoSuchProc
	}
	return emuErr(err)
}

func isLocal(ns *emu.Namespace, a netip.Addr) bool {
	for _, d := range ns.Links() {
		for _, p := range d.Addrs() {
			if p.Addr() == a {
				return true
			}
		}
	}
	return false
}

func (ip *ipCmd) routeDel(r *routeReq) error {
	st := ip.ns.Stack()
	var kernel *stack.Route
	for _, x := range st.Routes() {
		if x.Dst != r.dst || (r.gw.IsValid() && x.Gateway != r.gw) || (r.dev != "" && x.Dev != r.dev) ||
			(r.hasMetric && x.Metric != r.metric) {
			continue
		}
		if x.Kernel {
			if kernel == nil {
				x := x
				kernel = &x
			}
			continue
		}
		return routeErr(st.DelRoute(stack.Route{Dst: x.Dst, Gateway: x.Gateway, Dev: x.Dev}), false)
	}
	if kernel != nil {
		return shell.Failf(2, "nsemu: deleting the kernel's connected route %s is not emulated (delete the address instead)", routeDst(kernel.Dst))
	}
	return errNoSuchProc
}

// ---- get ----

func (ip *ipCmd) routeGet(a *args) error {
	var dst netip.Prefix
	set := false
	for ; a.more(); a.advance() {
		v := a.cur()
		switch v {
		case "from", "iif", "oif", "tos", "dsfield", "mark", "uid", "ipproto", "sport", "dport", "vrf", "as":
			if _, err := a.next(); err != nil {
				return err
			}
		case "connected", "fibmatch":
		default:
			if v == "to" {
				s, err := a.next()
				if err != nil {
					return err
				}
				v = s
			}
			if matches(v, "help") {
				return shell.Failf(255, "%s", routeUsage)
			}
			if set {
				return duparg2("to", v)
			}
			p, _, ok := parsePrefix(v, false)
			if !ok {
				return errPrefix(v)
			}
			dst, set = p, true
		}
	}
	if !set {
		return shell.Failf(1, "need at least a destination address")
	}
	addr := dst.Addr()
	r, err := ip.ns.Stack().RouteGet(addr)
	if err != nil {
		if errors.Is(err, stack.ErrNetworkUnreachable) {
			return rtnl("RTNETLINK answers: Network is unreachable")
		}
		return emuErr(err)
	}
	if r.Dev == "lo" && !r.Gateway.IsValid() {
		src := r.Src
		if addr.IsLoopback() {
			src = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
		ip.printf("local %s dev lo src %s uid 0 \n    cache <local> \n", addr, src)
		return nil
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
	ip.printf("%s uid 0 \n    cache \n", b.String())
	return nil
}

// ---- ip neigh ----

func runIPNeigh(ip *ipCmd, a *args) error {
	if !a.more() {
		return ip.neighList(a, false)
	}
	cmd := a.cur()
	a.advance()
	switch {
	case matches(cmd, "add"):
		return ip.neighModify(a, "add")
	case matches(cmd, "change"), cmd == "chg":
		return ip.neighModify(a, "change")
	case matches(cmd, "replace"):
		return ip.neighModify(a, "replace")
	case matches(cmd, "delete"):
		return ip.neighModify(a, "delete")
	case matches(cmd, "get"):
		return shell.Failf(1, "nsemu: \"ip neigh get\" is not emulated; use ip neigh show ADDR dev DEV")
	case matches(cmd, "show"), matches(cmd, "lst"), matches(cmd, "list"):
		return ip.neighList(a, false)
	case matches(cmd, "flush"):
		return ip.neighList(a, true)
	case matches(cmd, "help"):
		return shell.Failf(255, "Usage: ip neigh { add | del | change | replace } ADDR [ lladdr LLADDR ] [ nud STATE ] dev DEV\n       ip neigh { show | flush } [ to PREFIX ] [ dev DEV ] [ nud STATE ]")
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip neigh help\".", cmd)
}

var nudStates = map[string]string{
	"permanent": "PERMANENT", "reachable": "REACHABLE", "stale": "STALE", "incomplete": "INCOMPLETE",
	"delay": "DELAY", "probe": "PROBE", "failed": "FAILED", "noarp": "NOARP", "none": "NONE",
}

func (ip *ipCmd) neighList(a *args, flush bool) error {
	if flush && !a.more() {
		return shell.Failf(1, "Flush requires arguments.")
	}
	var (
		dev    string
		to     netip.Prefix
		hasTo  bool
		states map[string]bool
	)
	for ; a.more(); a.advance() {
		v := a.cur()
		switch {
		case v == "dev":
			s, err := a.next()
			if err != nil {
				return err
			}
			if _, err := ip.ns.Link(s); err != nil {
				return nodev(s)
			}
			dev = s
		case v == "nud":
			s, err := a.next()
			if err != nil {
				return err
			}
			if states == nil {
				states = map[string]bool{}
			}
			if s == "all" {
				for _, st := range nudStates {
					states[st] = true
				}
			} else if st, ok := nudStates[s]; ok {
				states[st] = true
			} else {
				return invarg("nud state is bad", s)
			}
		case v == "proxy":
			return nil
		case v == "unused", v == "all":
		case v == "vrf", v == "master", v == "protocol":
			if _, err := a.next(); err != nil {
				return err
			}
		default:
			if v == "to" {
				s, err := a.next()
				if err != nil {
					return err
				}
				v = s
			}
			if matches(v, "help") {
				return shell.Failf(255, "Usage: ip neigh { show | flush } [ to PREFIX ] [ dev DEV ] [ nud STATE ]")
			}
			if hasTo {
				return duparg2("to", v)
			}
			p, _, ok := parsePrefix(v, true)
			if !ok {
				return errPrefix(v)
			}
			to, hasTo = p.Masked(), true
		}
	}
	st := ip.ns.Stack()
	for _, n := range st.Neighbors() {
		if (dev != "" && n.Dev != dev) || (hasTo && !to.Contains(n.Addr)) || n.State == "NONE" {
			continue
		}
		if states != nil && !states[n.State] {
			continue
		}
		if flush {
			if states == nil && n.State == "PERMANENT" {
				continue // flush keeps permanent entries unless asked
			}
			if err := st.DelNeighbor(n.Dev, n.Addr); err != nil {
				return emuErr(err)
			}
			continue
		}
		var b strings.Builder
		b.WriteString(n.Addr.String())
		if dev == "" {
			b.WriteString(" dev " + n.Dev)
		}
		if n.MAC != "" && n.State != "INCOMPLETE" && n.State != "FAILED" {
			b.WriteString(" lladdr " + n.MAC.String())
		}
		ip.printf("%s %s \n", b.String(), n.State)
	}
	return nil
}

func (ip *ipCmd) neighModify(a *args, how string) error {
	var (
		dst    netip.Addr
		dev    string
		mac    []byte
		hasMAC bool
		nud    = "permanent"
	)
	for ; a.more(); a.advance() {
		v := a.cur()
		switch {
		case v == "lladdr":
			s, err := a.next()
			if err != nil {
				return err
			}
			m, err := parseLLAddr(s)
			if err != nil {
				return err
			}
			mac, hasMAC = m, true
		case v == "nud":
			s, err := a.next()
			if err != nil {
				return err
			}
			if _, ok := nudStates[s]; !ok {
				return invarg("nud state is bad", s)
			}
			nud = s
		case v == "proxy":
			return shell.Failf(2, "nsemu: proxy neighbour entries are not emulated")
		case v == "router", v == "extern_learn", v == "use", v == "managed":
		case v == "dev":
			s, err := a.next()
			if err != nil {
				return err
			}
			dev = s
		case v == "protocol":
			if _, err := a.next(); err != nil {
				return err
			}
		default:
			if v == "to" {
				s, err := a.next()
				if err != nil {
					return err
				}
				v = s
			}
			if matches(v, "help") {
				return shell.Failf(255, "Usage: ip neigh { add | del | change | replace } ADDR [ lladdr LLADDR ] [ nud STATE ] dev DEV")
			}
			if dst.IsValid() {
				return duparg2("to", v)
			}
			addr, ok := parseIPv4(v)
			if !ok {
				return errAddress(v)
			}
			dst = addr
		}
	}
	if dev == "" || !dst.IsValid() {
		return shell.Failf(255, "Device and destination are required arguments.")
	}
	d, err := ip.ns.Link(dev)
	if err != nil {
		return nodev(dev)
	}
	st := ip.ns.Stack()
	exists := false
	for _, n := range st.Neighbors() {
		if n.Dev == dev && n.Addr == dst && n.State != "NONE" {
			exists = true
		}
	}
	if how == "delete" {
		if !exists {
			return rtnl("RTNETLINK answers: No such file or directory")
		}
		return emuErr(st.DelNeighbor(dev, dst))
	}
	if nud != "permanent" && nud != "noarp" {
		return shell.Failf(2, "nsemu: only permanent neighbour entries can be added (nud %s)", nud)
	}
	if !hasMAC {
		return rtnl("Error: No link layer address given.")
	}
	if len(mac) != 6 {
		return errInvalidArg
	}
	if err := l3Check(d); err != nil {
		return err
	}
	switch {
	case how == "add" && exists:
		return errFileExists
	case how == "change" && !exists:
		return rtnl("RTNETLINK answers: No such file or directory")
	}
	return emuErr(st.AddNeighbor(dev, dst, tcpip.LinkAddress(mac)))
}
