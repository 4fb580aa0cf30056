package stack

import (
	"errors"
	"net/netip"
	"sort"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Route is a routing table entry.
type Route struct {
	// Dst is the destination prefix; 0.0.0.0/0 for the default route.
	Dst netip.Prefix
	// Gateway is the next hop; invalid for a directly connected route.
	Gateway netip.Addr
	// Dev is the output device.
	Dev string
	// Src is the preferred source (set on connected routes).
	Src netip.Addr
	// Metric is the route's priority (lower wins among equal prefixes).
	Metric int
	// Kernel marks connected routes made from an address ("proto kernel").
	Kernel bool
	// Table is the routing table the route is in; 0 is the main one
	// (TableMain).
	Table uint32
	// Type is the route's type: "" for a unicast route, or "blackhole",
	// "unreachable", "prohibit" or "throw" (no device, no gateway).
	Type string
	// OnLink: the gateway is on the device's link whatever its addresses
	// say (`onlink`, as flannel's routes to other hosts' subnets are).
	OnLink bool
}

// The routing tables every namespace has (rt_tables' names).
const (
	TableDefault uint32 = 253
	TableMain    uint32 = 254
	TableLocal   uint32 = 255
)

// tableOf is r's table, TableMain for 0.
func tableOf(r Route) uint32 {
	if r.Table == 0 {
		return TableMain
	}
	return r.Table
}

// unicast reports whether r sends packets somewhere (a device).
func (r Route) unicast() bool { return r.Type == "" }

// IsDefault reports whether r is a default route.
func (r Route) IsDefault() bool { return r.Dst.Bits() == 0 }

// connectedLocked returns the connected routes: one per network of the
// addresses of an up device (a secondary address in the same network adds
// none, nor does a /32, as on Linux), devices by index so that ties break the same way
// every time.
func (st *Stack) connectedLocked() []Route {
	nics := make([]*NIC, 0, len(st.nics))
	for _, n := range st.nics {
		if n.Up && !n.Loopback {
			nics = append(nics, n)
		}
	}
	sort.Slice(nics, func(i, j int) bool { return nics[i].ID < nics[j].ID })
	var out []Route
	for _, n := range nics {
	addrs:
		for _, a := range n.Addrs {
			if a.Bits() == 32 {
				// A /32 is its own network: Linux adds no prefix route
				// for it (fib_add_ifaddr), only the local one
				// (flannel's 10.244.1.0/32 on flannel.1).
				continue
			}
			r := Route{Dst: a.Masked(), Dev: n.Name, Src: a.Addr(), Kernel: true}
			for _, o := range out {
				if o.Dst == r.Dst && o.Dev == r.Dev {
					continue addrs
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// Routes returns the main routing table: static routes and connected ones,
// most specific first, as `ip route` lists them (default first).
func (st *Stack) Routes() []Route { return st.TableRoutes(TableMain) }

// TableRoutes returns routing table t (TableMain for the main one, with
// the connected routes) in `ip route`'s order.
func (st *Stack) TableRoutes(t uint32) []Route {
	st.mu.Lock()
	defer st.mu.Unlock()
	all := st.tableLocked(t)
	sortRoutes(all)
	return all
}

// Tables lists the tables that exist besides main and local (see
// TableExists), in increasing order.
func (st *Stack) Tables() []uint32 {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []uint32
	for t := range st.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// tableLocked returns table t's routes, unsorted: main's include the
// connected ones.
func (st *Stack) tableLocked(t uint32) []Route {
	var out []Route
	for _, r := range st.routes {
		if tableOf(r) == t {
			out = append(out, r)
		}
	}
	if t == TableMain {
		out = append(out, st.connectedLocked()...)
	}
	return out
}

// sortRoutes orders routes as `ip route` lists them: default first, then
// by address, more specific first, then by metric.
func sortRoutes(all []Route) {
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].IsDefault() != all[j].IsDefault() {
			return all[i].IsDefault()
		}
		ai, aj := all[i].Dst.Addr(), all[j].Dst.Addr()
		if c := ai.Compare(aj); c != 0 {
			return c < 0
		}
		if all[i].Dst.Bits() != all[j].Dst.Bits() {
			return all[i].Dst.Bits() > all[j].Dst.Bits()
		}
		return all[i].Metric < all[j].Metric
	})
}

// bestRoute finds the route for dst among routes: longest prefix, then
// lowest metric, then the first.
func bestRoute(routes []Route, dst netip.Addr) (Route, bool) {
	best, found := Route{}, false
	for _, r := range routes {
		if r.Dst.Addr().BitLen() != dst.BitLen() || !r.Dst.Contains(dst) {
			continue
		}
		if !found || r.Dst.Bits() > best.Dst.Bits() || (r.Dst.Bits() == best.Dst.Bits() && r.Metric < best.Metric) {
			best, found = r, true
		}
	}
	return best, found
}

// localLocked reports the device owning a local address.
func (st *Stack) localLocked(a netip.Addr) (*NIC, bool) {
	for _, n := range st.nics {
		for _, p := range n.Addrs {
			if p.Addr() == a {
				return n, true
			}
		}
	}
	return nil, false
}

// RouteGet answers `ip route get ADDR`: the route a packet the namespace
// sends to dst takes, and the source address chosen. Local addresses route
// through lo.
func (st *Stack) RouteGet(dst netip.Addr) (Route, error) {
	return st.Lookup(Flow{Dst: dst})
}

// AddRoute adds a static route to its table. The gateway must be on a
// connected network (Linux's "Nexthop has invalid gateway") or be one of
// the namespace's own addresses (then every destination of the route is
// on-link, as in Linux); the device is derived from the gateway when not
// given. A route of another type than unicast has no device.
func (st *Stack) AddRoute(r Route) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	r.Dst = r.Dst.Masked()
	r.Kernel = false
	if r.Table == TableMain {
		r.Table = 0
	}
	if err := st.checkRouteLocked(&r); err != nil {
		return err
	}
	for _, x := range st.tableLocked(tableOf(r)) {
		if x.Dst == r.Dst && x.Metric == r.Metric {
			return ErrExists
		}
	}
	st.routes = append(st.routes, r)
	if t := tableOf(r); t != TableMain {
		if st.tables == nil {
			st.tables = map[uint32]bool{}
		}
		st.tables[t] = true
	}
	st.syncRoutesLocked()
	return nil
}

// checkRouteLocked checks a route to add and completes its device.
func (st *Stack) checkRouteLocked(r *Route) error {
	if !r.unicast() {
		r.Dev, r.Gateway = "", netip.Addr{}
		return nil
	}
	if r.Dev != "" {
		n := st.nicByNameLocked(r.Dev)
		if n == nil {
			return noDevice(r.Dev)
		}
		if !n.Up {
			return ErrNetworkUnreachable
		}
	}
	switch {
	case r.OnLink && r.Gateway.IsValid():
		if r.Dev == "" {
			return ErrOnLinkNoDev
		}
	case r.Gateway.IsValid():
		dev, ok := st.gatewayDevLocked(r.Gateway, r.Dev, tableOf(*r))
		if !ok {
			return ErrInvalidGateway
		}
		r.Dev = dev
	case r.Dev == "":
		return errors.New("either \"to\" is duplicate, or \"dev\" is a garbage")
	}
	return nil
}

// gatewayDevLocked finds the device that reaches gateway gw (on dev, when
// given): the device of the on-link route to it in table t or main, or the
// device owning it when gw is a local address (Linux then gives the
// nexthop host scope, and does not use it as a gateway).
func (st *Stack) gatewayDevLocked(gw netip.Addr, dev string, t uint32) (string, bool) {
	if n, ok := st.localLocked(gw); ok && !n.Loopback && (dev == "" || dev == n.Name) {
		return n.Name, true
	}
	if gr, ok := st.lookupConnectedLocked(gw, dev, t); ok {
		return gr.Dev, true
	}
	return "", false
}

// lookupConnectedLocked finds the on-link route to a gateway: longest
// prefix among connected and device (gateway-less) routes of table t and
// main, as Linux's link-scope nexthop lookup does.
func (st *Stack) lookupConnectedLocked(gw netip.Addr, dev string, t uint32) (Route, bool) {
	var onLink []Route
	for _, c := range st.tableLocked(TableMain) {
		if !c.Gateway.IsValid() && c.unicast() && (dev == "" || c.Dev == dev) {
			onLink = append(onLink, c)
		}
	}
	if t != TableMain {
		for _, c := range st.tableLocked(t) {
			if !c.Gateway.IsValid() && c.unicast() && (dev == "" || c.Dev == dev) {
				onLink = append(onLink, c)
			}
		}
	}
	return bestRoute(onLink, gw)
}

// gatewayIsLocalLocked reports whether r's gateway is one of the
// namespace's addresses: every destination of r is then on-link.
func (st *Stack) gatewayIsLocalLocked(r Route) bool {
	if !r.Gateway.IsValid() {
		return false
	}
	_, ok := st.localLocked(r.Gateway)
	return ok
}

// DelRoute removes a static route of r's table (main for 0) matching r's
// destination (and gateway, device and type when given).
func (st *Stack) DelRoute(r Route) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	r.Dst = r.Dst.Masked()
	for i, x := range st.routes {
		if x.Dst == r.Dst && tableOf(x) == tableOf(r) && (!r.Gateway.IsValid() || x.Gateway == r.Gateway) &&
			(r.Dev == "" || x.Dev == r.Dev) && (r.Type == "" || x.Type == r.Type) {
			st.routes = append(st.routes[:i], st.routes[i+1:]...)
			st.syncRoutesLocked()
			return nil
		}
	}
	return ErrNoSuchProcess
}

func (st *Stack) dropRoutesLocked(dev string) {
	kept := st.routes[:0]
	for _, r := range st.routes {
		if r.Dev != dev {
			kept = append(kept, r)
		}
	}
	st.routes = kept
}

// dropUnreachableGatewaysLocked removes static routes whose gateway is no
// longer on a connected network (Linux flushes them with the address).
func (st *Stack) dropUnreachableGatewaysLocked() {
	kept := st.routes[:0]
	for _, r := range st.routes {
		if r.Gateway.IsValid() {
			if _, ok := st.gatewayDevLocked(r.Gateway, r.Dev, tableOf(r)); !ok {
				continue
			}
		}
		kept = append(kept, r)
	}
	st.routes = kept
}

// syncRoutesLocked installs the routes in gVisor and publishes the view
// the packet path reads (view.go).
//
// Linux picks the route by destination alone (longest prefix, then metric),
// whatever source address a reply carries. gVisor prefers, among matching
// routes, one whose device owns the source address: a reply from the host's
// ens33 address to a bridged namespace would leave through ens33's default
// route. So the main table is flattened first: each route keeps only the
// part of its prefix that no more specific route covers, and every
// destination matches exactly one gVisor route — the one Linux would use.
//
// gVisor has one table. While policy rules send packets elsewhere, the
// other tables' unicast routes follow main's, so that a packet main cannot
// route still reaches FORWARD, where the policy decision redirects it
// (rule.go), and so that a route through a given device exists for it.
func (st *Stack) syncRoutesLocked() {
	table := st.flattenLocked(st.tableLocked(TableMain))
	if st.policyLocked() {
		for _, r := range st.routes {
			if tableOf(r) != TableMain && r.unicast() {
				table = append(table, st.gvisorRoutesLocked(r, []netip.Prefix{r.Dst})...)
			}
		}
	}
	// Loopback: 127.0.0.0/8 through lo when it is up.
	for _, n := range st.nics {
		if n.Loopback && n.Up {
			sub, _ := tcpip.NewSubnet(tcpip.AddrFrom4([4]byte{127, 0, 0, 0}), tcpip.MaskFromBytes([]byte{255, 0, 0, 0}))
			table = append(table, tcpip.Route{Destination: sub, NIC: n.ID})
		}
	}
	st.s.SetRouteTable(table)
	st.publishLocked()
	if st.policyLocked() && !st.outputOn {
		// The OUTPUT hook (divert.go) comes with the filter table.
		if err := st.nf.InstallForward(); err == nil {
			st.outputOn = true
		}
	}
}

// flattenLocked turns a table into gVisor routes that each destination
// matches at most once: the best route per prefix keeps the part of its
// prefix no more specific one covers. Routes of other types than unicast
// cover their prefix with no gVisor route.
func (st *Stack) flattenLocked(routes []Route) []tcpip.Route {
	best := map[netip.Prefix]Route{}
	for _, r := range routes {
		if r.unicast() {
			if n := st.nicByNameLocked(r.Dev); n == nil || !n.Up {
				continue
			}
		}
		if b, ok := best[r.Dst]; !ok || r.Metric < b.Metric {
			best[r.Dst] = r
		}
	}
	prefixes := make([]netip.Prefix, 0, len(best))
	for p := range best {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool {
		if prefixes[i].Bits() != prefixes[j].Bits() {
			return prefixes[i].Bits() > prefixes[j].Bits()
		}
		return prefixes[i].Addr().Less(prefixes[j].Addr())
	})
	var table []tcpip.Route
	for _, p := range prefixes {
		r := best[p]
		if !r.unicast() {
			continue
		}
		pieces := []netip.Prefix{p}
		for _, q := range prefixes {
			if q.Bits() > p.Bits() && p.Contains(q.Addr()) {
				pieces = subtractPrefix(pieces, q)
			}
		}
		table = append(table, st.gvisorRoutesLocked(r, pieces)...)
	}
	return table
}

// gvisorRoutesLocked is r as gVisor routes, one per piece of its prefix.
// 127/8 is lo's (Linux's local table comes first), never a device's; a
// gateway that is a local address makes the route on-link.
func (st *Stack) gvisorRoutesLocked(r Route, pieces []netip.Prefix) []tcpip.Route {
	n := st.nicByNameLocked(r.Dev)
	if n == nil || !n.Up {
		return nil
	}
	var out []tcpip.Route
	for _, piece := range subtractPrefix(pieces, loopbackNet) {
		sub, err := tcpip.NewSubnet(tcpAddr(piece.Addr()), tcpip.MaskFromBytes(prefixMask(piece)))
		if err != nil {
			continue
		}
		tr := tcpip.Route{Destination: sub, NIC: n.ID}
		if r.Gateway.IsValid() && !st.gatewayIsLocalLocked(r) {
			tr.Gateway = tcpAddr(r.Gateway)
		}
		if r.Src.IsValid() {
			tr.SourceHint = tcpAddr(r.Src)
		}
		out = append(out, tr)
	}
	return out
}

var loopbackNet = netip.MustParsePrefix("127.0.0.0/8")

// subtractPrefix removes q from each prefix of ps, splitting as needed.
func subtractPrefix(ps []netip.Prefix, q netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		switch {
		case !p.Overlaps(q):
			out = append(out, p)
		case q.Bits() <= p.Bits():
			// q covers p entirely.
		default:
			lo, hi := splitPrefix(p)
			out = append(out, subtractPrefix([]netip.Prefix{lo, hi}, q)...)
		}
	}
	return out
}

// splitPrefix halves a prefix.
func splitPrefix(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits() + 1
	lo := netip.PrefixFrom(p.Addr(), bits)
	b := p.Addr().AsSlice()
	i := (bits - 1) / 8
	b[i] |= 0x80 >> ((bits - 1) % 8)
	hiAddr, _ := netip.AddrFromSlice(b)
	return lo, netip.PrefixFrom(hiAddr, bits)
}

func prefixMask(p netip.Prefix) []byte {
	n := p.Addr().BitLen() / 8
	m := make([]byte, n)
	bits := p.Bits()
	for i := 0; i < n; i++ {
		switch {
		case bits >= 8:
			m[i] = 0xff
			bits -= 8
		case bits > 0:
			m[i] = byte(0xff << (8 - bits))
			bits = 0
		}
	}
	return m
}

// LocalTable returns the local table (255) as the kernel keeps it: a
// "local" route for each address (the whole prefix of an address on lo:
// 127.0.0.0/8 answers as 127.0.0.1 does) and a "broadcast" route for the
// broadcast address of each primary address of an up device, in `ip
// route`'s order. lo's routes exist while it is up.
func (st *Stack) LocalTable() []Route {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []Route
	for _, n := range st.nics {
		if n.Loopback && !n.Up {
			continue
		}
		out = append(out, localRoutes(n)...)
	}
	sortRoutes(out)
	return out
}

// localRoutes are the local table's routes of device n.
func localRoutes(n *NIC) []Route {
	var out []Route
	for i, a := range n.Addrs {
		primary := primaryOf(n.Addrs[:i+1], a)
		if n.Loopback && a.Bits() < 32 {
			out = append(out, Route{Dst: a.Masked(), Dev: n.Name, Src: primary, Kernel: true, Table: TableLocal, Type: "local"})
		}
		out = append(out, Route{Dst: netip.PrefixFrom(a.Addr(), 32), Dev: n.Name, Src: primary, Kernel: true, Table: TableLocal, Type: "local"})
		if primary == a.Addr() && a.Bits() < 31 && n.Up {
			out = append(out, Route{Dst: netip.PrefixFrom(broadcastOf(a), 32), Dev: n.Name, Src: a.Addr(), Kernel: true, Table: TableLocal, Type: "broadcast"})
		}
	}
	return out
}

// primaryOf is the primary address of a's subnet among addrs (the first
// one in it), a's own when none comes before.
func primaryOf(addrs []netip.Prefix, a netip.Prefix) netip.Addr {
	for _, p := range addrs {
		if p.Masked() == a.Masked() {
			return p.Addr()
		}
	}
	return a.Addr()
}

// broadcastOf is the broadcast address of an IPv4 prefix.
func broadcastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// TableExists reports whether routing table t exists: main and local
// always, another once a route was added to it (deleting its routes does
// not delete it, as in the kernel).
func (st *Stack) TableExists(t uint32) bool {
	if t == 0 || t == TableMain || t == TableLocal {
		return true
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.tables[t]
}
