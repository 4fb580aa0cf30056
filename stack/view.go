package stack

import (
	"net/netip"
	"slices"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Route lookups, for the namespace's own packets (RouteGet, Lookup) and on
// the packet path (ARP, reverse-path filtering, policy routing). The packet
// path runs inside gVisor, where st.mu must not be taken (a writer holding
// it may be waiting for gVisor's iptables lock, which the packet path
// holds), so lookups read a view: an immutable snapshot of devices,
// addresses, tables, rules and settings that every change replaces whole,
// under st.mu, before it returns (publishLocked).

// Flow is what a route lookup is about: a packet's addresses, the device
// it came in by (IIF; "" for a packet the namespace sends), the device it
// must leave by (OIF, optional) and its mark.
type Flow struct {
	Dst, Src netip.Addr
	IIF, OIF string
	Mark     uint32
}

// view is the snapshot the packet path reads.
type view struct {
	nics       map[string]*nicView
	byID       map[tcpip.NICID]*nicView
	local      map[netip.Addr]*nicView // the device owning each address
	brd        map[netip.Addr]*nicView // the broadcast addresses of up devices
	tables     map[uint32][]Route      // devices up; main with connected routes
	rules      []Rule
	custom     bool // rules other than a new namespace's
	policy     bool // a lookup may use another table than main
	forwarding bool
	// localRoutes: a table holds a route of type local besides the
	// addresses' own (ip route add local PREFIX ...).
	localRoutes bool
}

// nicView is a device in a view.
type nicView struct {
	id       tcpip.NICID
	name     string
	loopback bool
	up       bool
	addrs    []netip.Prefix
	conf     Conf // combined with "all"'s
}

// publishLocked replaces the view with the stack's state.
func (st *Stack) publishLocked() {
	v := &view{
		nics:       map[string]*nicView{},
		byID:       map[tcpip.NICID]*nicView{},
		local:      map[netip.Addr]*nicView{},
		brd:        map[netip.Addr]*nicView{},
		tables:     map[uint32][]Route{},
		rules:      slices.Clone(st.rules),
		custom:     st.customRulesLocked(),
		policy:     st.policyLocked(),
		forwarding: st.forwarding,
	}
	for _, n := range st.nics {
		nv := &nicView{id: n.ID, name: n.Name, loopback: n.Loopback, up: n.Up,
			addrs: slices.Clone(n.Addrs), conf: st.confLocked(n.Name)}
		v.nics[n.Name], v.byID[n.ID] = nv, nv
		for _, a := range n.Addrs {
			v.local[a.Addr()] = nv
		}
		for _, r := range localRoutes(n) {
			if r.Type == "broadcast" {
				v.brd[r.Dst.Addr()] = nv
			}
		}
	}
	for _, r := range st.tableLocked(TableMain) {
		v.addRoute(r)
	}
	for _, r := range st.routes {
		if tableOf(r) != TableMain {
			v.addRoute(r)
		}
	}
	st.view.Store(v)
}

// addRoute adds r to its table unless its device is down.
func (v *view) addRoute(r Route) {
	if r.unicast() {
		if n := v.nics[r.Dev]; n == nil || !n.up {
			return
		}
	}
	t := tableOf(r)
	r.Table = t
	v.tables[t] = append(v.tables[t], r)
	if r.Type == "local" {
		v.localRoutes = true
	}
}

// Lookup finds the route of a flow: for a packet the namespace sends (IIF
// ""), the route and the source address it gets; for a packet arriving on
// IIF, the route the kernel's input path takes (an error when the packet
// would be dropped: a martian, reverse-path filtering, forwarding off).
// Local destinations route through lo with Type "local".
func (st *Stack) Lookup(f Flow) (Route, error) {
	v := st.view.Load()
	var r Route
	var err error
	if f.IIF == "" {
		r, err = v.output(f)
	} else {
		r, err = v.input(f)
	}
	if err != nil && f.IIF == "" {
		st.emitRoute(f.Dst, "none", err.Error())
	}
	return r, err
}

// output is the route of a packet the namespace sends.
func (v *view) output(f Flow) (Route, error) {
	if f.Dst.IsLoopback() {
		if lo := v.nics["lo"]; lo == nil || !lo.up {
			return Route{}, ErrNetworkUnreachable
		}
	}
	if f.Src.IsValid() && v.local[f.Src] == nil {
		return Route{}, ErrInvalid
	}
	r, err := v.walk(f, "lo")
	switch {
	case f.OIF != "" && (err != nil || r.Dev != f.OIF) && r.Type != "local":
		// No route through the device asked for: the kernel takes the
		// destination to be on its link.
		if n := v.nics[f.OIF]; n == nil || !n.up {
			return Route{}, ErrNetworkUnreachable
		}
		r, err = Route{Dst: netip.PrefixFrom(f.Dst, f.Dst.BitLen()), Dev: f.OIF, Table: TableMain}, nil
	case err != nil:
		return r, err
	}
	switch {
	case r.Type == "broadcast":
	case r.Type == "local" && f.Src.IsValid():
		r.Src = f.Src
	case r.Type == "local" && f.Dst.IsLoopback():
		r.Src = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	case r.Type == "local":
		r.Src = f.Dst
	case f.Src.IsValid():
		r.Src = f.Src
	case !r.Src.IsValid():
		r.Src = v.sourceFor(r)
	}
	if r.Gateway.IsValid() && v.local[r.Gateway] != nil {
		r.Gateway = netip.Addr{} // a local gateway: on-link
	}
	return r, nil
}

// walk applies the rules to flow f arriving by iif ("lo" for the
// namespace's own packets).
func (v *view) walk(f Flow, iif string) (Route, error) {
	for i := 0; i < len(v.rules); i++ {
		rule := &v.rules[i]
		if !rule.matches(f, iif) {
			continue
		}
		switch rule.Action {
		case RuleNop:
			continue
		case RuleGoto:
			// To the rule of exactly the target priority; an unresolved
			// goto is skipped, as the kernel skips it.
			if t := slices.IndexFunc(v.rules, func(r Rule) bool { return r.Priority == rule.Goto }); t > i {
				i = t - 1
			}
			continue
		case RuleBlackhole:
			return Route{Type: "blackhole"}, ErrInvalid
		case RuleUnreachable:
			return Route{Type: "unreachable"}, ErrNetworkUnreachable
		case RuleProhibit:
			return Route{Type: "prohibit"}, ErrPermission
		}
		r, ok := v.searchTable(rule, f.Dst)
		if !ok {
			continue
		}
		switch r.Type {
		case "blackhole":
			return r, ErrInvalid
		case "unreachable":
			return r, ErrHostUnreachable
		case "prohibit":
			return r, ErrPermission
		}
		return r, nil
	}
	return Route{}, ErrNetworkUnreachable
}

// searchTable looks dst up in rule's table: false when the table has no
// route for it, the route is a throw route, or the rule suppresses it.
func (v *view) searchTable(rule *Rule, dst netip.Addr) (Route, bool) {
	if rule.Table == TableLocal {
		return v.localRoute(dst)
	}
	r, ok := bestRoute(v.tables[rule.Table], dst)
	if !ok || r.Type == "throw" {
		return Route{}, false
	}
	if rule.SuppressPrefixLength >= 0 && r.Dst.Bits() <= rule.SuppressPrefixLength {
		return Route{}, false
	}
	return r, true
}

// localRoute is the local table's route for dst: one of the namespace's
// addresses, 127/8 while lo is up, or the broadcast address of an up
// device (by that device).
func (v *view) localRoute(dst netip.Addr) (Route, bool) {
	if b := v.brd[dst]; b != nil && v.local[dst] == nil {
		return Route{Dst: netip.PrefixFrom(dst, 32), Dev: b.name, Src: selectAddr(b, dst), Type: "broadcast", Table: v.localTable()}, true
	}
	n := v.local[dst]
	if n == nil && dst.IsLoopback() {
		n = v.nics["lo"]
	}
	if n == nil || (dst.IsLoopback() && !n.up) {
		return Route{}, false
	}
	return Route{Dst: netip.PrefixFrom(dst, dst.BitLen()), Dev: "lo", Type: "local", Table: v.localTable()}, true
}

// localTable is the table a local route is found in: the local one, or
// main while the rules are a new namespace's (the kernel then merges the
// local table into main, and answers with main).
func (v *view) localTable() uint32 {
	if v.custom {
		return TableLocal
	}
	return TableMain
}

// sourceFor picks the source address of a packet sent by route r: one of
// its device's addresses, in the gateway's subnet when there is one.
func (v *view) sourceFor(r Route) netip.Addr {
	n := v.nics[r.Dev]
	if n == nil {
		return netip.Addr{}
	}
	for _, a := range n.addrs {
		if r.Gateway.IsValid() && a.Contains(r.Gateway) {
			return a.Addr()
		}
	}
	for _, a := range n.addrs {
		if a.Addr().Is4() {
			return a.Addr()
		}
	}
	return netip.Addr{}
}

// input is the route of a packet arriving on f.IIF, as the kernel's input
// path decides it (ip_route_input): martian addresses and reverse-path
// filtering refuse it with ErrInvalid, forwarding off with
// ErrHostUnreachable.
func (v *view) input(f Flow) (Route, error) {
	in := v.nics[f.IIF]
	if in == nil {
		return Route{}, noDevice(f.IIF)
	}
	if !in.loopback && in.conf.RouteLocalnet == 0 && (f.Dst.IsLoopback() || f.Src.IsLoopback()) {
		return Route{}, ErrInvalid
	}
	if (!f.Src.IsValid() || f.Src.IsUnspecified()) && f.Dst != netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return Route{}, ErrInvalid // a martian source
	}
	r, err := v.walk(f, f.IIF)
	if err != nil {
		return r, err
	}
	if !in.loopback && !v.validSource(f.Src, f.Dst, in) {
		return Route{}, ErrInvalid
	}
	if r.Type != "local" && !v.forwarding {
		return Route{}, ErrHostUnreachable
	}
	if r.Gateway.IsValid() && v.local[r.Gateway] != nil {
		r.Gateway = netip.Addr{}
	}
	return r, nil
}

// validSource is the kernel's source validation (fib_validate_source) of a
// packet from src to dst arriving on in: a packet from one of the
// namespace's own addresses is a martian unless accept_local is set; with
// rp_filter, the route back to src must exist (loose, 2) and leave by in
// (strict, 1).
func (v *view) validSource(src, dst netip.Addr, in *nicView) bool {
	rpf := in.conf.RPFilter
	if rpf == 0 && !v.custom {
		return in.conf.AcceptLocal != 0 || v.local[src] == nil
	}
	back, err := v.walk(Flow{Dst: src, Src: dst}, "lo")
	if err != nil {
		return rpf == 0
	}
	devMatch := back.Dev == in.name
	if back.Type == "local" {
		if in.conf.AcceptLocal == 0 {
			return false
		}
		devMatch = v.local[src] == in
	}
	switch {
	case devMatch:
		return true
	case len(in.addrs) == 0:
		return rpf == 0
	}
	return rpf != 1
}
