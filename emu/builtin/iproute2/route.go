package iproute2

// ip route: list, flush, get, add, change, replace and delete routes of
// the main table.

import (
	"errors"
	"net/netip"
	"slices"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

const routeUsage = `Usage: ip route { list | flush } SELECTOR
       ip route get ADDRESS [ from ADDRESS iif STRING ] [ oif STRING ] [ mark NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ proto RTPROTO ] [ type TYPE ] [ scope SCOPE ] [ dev STRING ]
ROUTE := [ TYPE ] PREFIX [ via ADDRESS ] [ dev STRING ] [ metric METRIC ] [ src ADDRESS ]
         [ table TABLE_ID ]
TYPE := { unicast | unreachable | blackhole | prohibit | throw }
TABLE_ID := [ local | main | default | all | NUMBER ]
PREFIX := { default | ADDRESS[/LEN] }`

func runIPRoute(ip *ipCmd, a *args) error {
	cmd, ok := a.word()
	if !ok {
		return ip.routeList(a, false)
	}
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
		return usage(routeUsage)
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip route help\".", cmd)
}

// ---- list and flush ----

// routeFilter is a parsed ip route list/flush selector.
type routeFilter struct {
	dev      string
	proto    string // "kernel", "boot" or ""
	scope    string // "link", "global" or ""
	via      netip.Addr
	prefix   netip.Prefix
	mode     string // "exact", "root", "match" or ""
	none     bool   // a type nsemu has no routes of
	anything bool   // some selector was given (ip route flush needs one)
	cache    bool
	// table is the table listed: main unless given; 0 lists all.
	table uint32
	// typ selects a route type ("unicast" is ""); hasType says one is
	// selected.
	typ     string
	hasType bool
}

// routeFilterParser is the state of parseRouteFilter.
type routeFilterParser struct {
	*routeFilter
	env names
}

// routeFilterKeywords is iproute_list_flush_or_save's table, in its order.
var routeFilterKeywords = slices.Concat(
	[]keyword[*routeFilterParser]{
		{name: "table", abbrev: true, args: 1, apply: (*routeFilterParser).setTable},
		{name: "dev", args: 1, apply: (*routeFilterParser).setDev},
		{name: "oif", args: 1, apply: (*routeFilterParser).setDev},
	},
	ignored[*routeFilterParser](1, "iif", "src", "from", "tos", "dsfield", "realm", "realms", "vrf"),
	[]keyword[*routeFilterParser]{
		{name: "protocol", abbrev: true, args: 1, apply: (*routeFilterParser).setProto},
		{name: "scope", args: 1, apply: (*routeFilterParser).setScope},
		{name: "via", args: 1, apply: (*routeFilterParser).setVia},
		{name: "type", args: 1, apply: (*routeFilterParser).setType},
		{name: "cache", abbrev: true, apply: (*routeFilterParser).setCache},
		{name: "cloned", abbrev: true, apply: (*routeFilterParser).setCache},
	},
)

// parseRouteFilter parses ip route list's and flush's selectors.
func parseRouteFilter(a *args, env names) (*routeFilter, error) {
	p := &routeFilterParser{routeFilter: &routeFilter{anything: a.more(), table: stack.TableMain}, env: env}
	if err := walk(a, p, routeFilterKeywords, (*routeFilterParser).positional); err != nil {
		return nil, err
	}
	return p.routeFilter, nil
}

func (p *routeFilterParser) setTable(v []string) error {
	if id, ok := p.env.tables().id(v[0]); ok {
		p.table = id
		return nil
	}
	switch v[0] {
	case "all":
		p.table = 0
		return nil
	case "cache":
		p.cache = true
		return nil
	case "help":
		return usage(routeUsage)
	}
	return invarg("table id value is invalid\n", v[0])
}

// setType selects a route type (rtnl_rtntype_a2n): a name or a number.
func (p *routeFilterParser) setType(v []string) error {
	typ, ok := routeTypeName(v[0])
	if !ok {
		return invarg("node type value is invalid\n", v[0])
	}
	switch typ {
	case "unicast":
		typ = ""
	case "local", "broadcast", "blackhole", "unreachable", "prohibit", "throw":
	default:
		p.none = true
	}
	p.typ, p.hasType = typ, true
	return nil
}

// routeTypeNames are the route types by number (RTN_*).
var routeTypeNames = []string{"none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole",
	"unreachable", "prohibit", "throw", "nat", "xresolve"}

// routeTypeName reads a route type as iproute2 does: a name or a number.
func routeTypeName(s string) (string, bool) {
	for _, n := range routeTypeNames {
		if s == n {
			return n, true
		}
	}
	if n, ok := parseUint(s); ok && n < uint64(len(routeTypeNames)) {
		return routeTypeNames[n], true
	}
	return "", false
}

func (p *routeFilterParser) setDev(v []string) error {
	if _, ok := p.env.link(v[0]); !ok {
		return nodev(v[0])
	}
	p.dev = v[0]
	return nil
}

func (p *routeFilterParser) setProto(v []string) error {
	switch v[0] {
	case "kernel", "2":
		p.proto = "kernel"
	case "boot", "3", "static", "4":
		p.proto = "boot"
	default:
		p.none = true
	}
	return nil
}

func (p *routeFilterParser) setScope(v []string) error {
	switch v[0] {
	case "link", "253":
		p.scope = "link"
	case "global", "universe", "0":
		p.scope = "global"
	default:
		p.none = true
	}
	return nil
}

func (p *routeFilterParser) setVia(v []string) error {
	g, ok := parseIPv4(v[0])
	if !ok {
		return errAddress(v[0])
	}
	p.via = g
	return nil
}

func (p *routeFilterParser) setCache([]string) error { p.cache = true; return nil }

// positional takes [root|match|exact|to] PREFIX.
func (p *routeFilterParser) positional(a *args) error {
	v, mode := a.cur(), "exact"
	if v == "root" || v == "match" || v == "exact" || v == "to" {
		if v != "to" {
			mode = v
		}
		s, err := a.next()
		if err != nil {
			return err
		}
		v = s
	}
	if p.mode != "" {
		return duparg2("to", v)
	}
	pfx, _, ok := parsePrefix(v, true)
	if !ok {
		return errPrefix(v)
	}
	p.prefix, p.mode = pfx.Masked(), mode
	return nil
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
	case f.hasType && r.Type != f.typ:
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

func (ip *ipCmd) routeList(a *args, flush bool) error {
	f, err := parseRouteFilter(a, ip.names())
	if err != nil {
		return err
	}
	if ip.opts.family == 6 {
		return nil
	}
	st := ip.ns.Stack()
	if f.table != 0 && !st.TableExists(f.table) {
		return rtnl("Error: ipv4: FIB table does not exist.\nDump terminated")
	}
	if flush {
		return ip.routeFlush(f)
	}
	objs := []jsonObject{}
	for _, r := range ip.tableRoutes(f.table) {
		switch {
		case !f.match(r):
		case ip.opts.json:
			objs = append(objs, ip.routeJSON(r, f))
		default:
			ip.printf("%s\n", ip.routeLine(r, f))
		}
	}
	if ip.opts.json {
		return ip.printJSON(objs)
	}
	return nil
}

// tableRoutes lists table t's routes (every table's, by number, for 0).
func (ip *ipCmd) tableRoutes(t uint32) []stack.Route {
	st := ip.ns.Stack()
	switch t {
	case stack.TableMain:
		return routes(st)
	case stack.TableLocal:
		return st.LocalTable()
	case 0:
		ids := append(st.Tables(), stack.TableMain, stack.TableLocal)
		slices.Sort(ids)
		var all []stack.Route
		for _, id := range ids {
			all = append(all, ip.tableRoutes(id)...)
		}
		return all
	}
	return st.TableRoutes(t)
}

// routeFlush deletes the static routes f picks. Connected and local
// (proto kernel) routes go with their addresses.
func (ip *ipCmd) routeFlush(f *routeFilter) error {
	if !f.anything {
		return shell.Failf(1, "\"ip route flush\" requires arguments.")
	}
	st := ip.ns.Stack()
	for _, r := range ip.tableRoutes(f.table) {
		if r.Kernel || !f.match(r) {
			continue
		}
		if err := st.DelRoute(stack.Route{Dst: r.Dst, Gateway: r.Gateway, Dev: r.Dev, Table: r.Table, Type: r.Type}); err != nil {
			return emuErr(err)
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

// routeReq is a parsed ip route add/change/replace/delete command line.
type routeReq struct {
	dst       netip.Prefix
	dstSet    bool
	gw        netip.Addr
	dev       string
	metric    int
	hasMetric bool
	src       netip.Addr
	typ       string
	// table is the route's table (0: main).
	table  uint32
	onlink bool
	// tables names tables while the line is parsed.
	tables rtTables
}

var routeTypes = map[string]bool{
	"unicast": true, "local": true, "broadcast": true, "multicast": true, "throw": true,
	"unreachable": true, "prohibit": true, "blackhole": true, "nat": true, "anycast": true,
}

// routeKeywords is iproute_modify's table, in its order.
var routeKeywords = slices.Concat(
	[]keyword[*routeReq]{
		{name: "src", args: 1, apply: func(r *routeReq, v []string) error { return setIPv4(&r.src, v[0]) }},
		{name: "via", args: 1, skip: "inet", apply: func(r *routeReq, v []string) error { return setIPv4(&r.gw, v[0]) }},
		fails[*routeReq]("as", errRouteAttr("as")),
		fails[*routeReq]("from", errRouteAttr("from")),
		fails[*routeReq]("nexthop", errRouteAttr("nexthop")),
		fails[*routeReq]("nhid", errRouteAttr("nhid")),
		fails[*routeReq]("encap", errRouteAttr("encap")),
		{name: "metric", abbrev: true, args: 1, apply: (*routeReq).setMetric},
		{name: "priority", abbrev: true, args: 1, apply: (*routeReq).setMetric},
		{name: "preference", args: 1, apply: (*routeReq).setMetric},
		{name: "scope", args: 1, apply: func(_ *routeReq, v []string) error {
			if !validScope(v[0]) {
				return invarg("invalid \"scope\" value\n", v[0])
			}
			return nil
		}},
		{name: "dev", args: 1, apply: (*routeReq).setDev},
		{name: "oif", args: 1, apply: (*routeReq).setDev},
		{name: "table", abbrev: true, args: 1, apply: func(r *routeReq, v []string) error {
			id, ok := r.tables.id(v[0])
			if !ok {
				return invarg("\"table\" value is invalid\n", v[0])
			}
			r.table = id
			return nil
		}},
		{name: "protocol", abbrev: true, args: 1},
	},
	[]keyword[*routeReq]{{name: "onlink", apply: func(r *routeReq, _ []string) error { r.onlink = true; return nil }}},
	ignored[*routeReq](0, "pervasive"),
	// Route attributes nsemu accepts and ignores.
	ignored[*routeReq](1, "tos", "dsfield", "expires"),
	[]keyword[*routeReq]{{name: "mtu", args: 1, skip: "lock"}},
	ignored[*routeReq](1, "advmss", "hoplimit", "initcwnd", "initrwnd", "window", "rtt", "rttvar",
		"reordering", "cwnd", "ssthresh", "realms", "rto_min", "features", "quickack", "congctl", "pref",
		"ttl-propagate", "fastopen_no_cookie", "weight"),
)

func errRouteAttr(word string) error {
	return shell.Failf(2, "nsemu: route attribute %q is not emulated", word)
}

func setIPv4(dst *netip.Addr, s string) error {
	a, ok := parseIPv4(s)
	if !ok {
		return errAddress(s)
	}
	*dst = a
	return nil
}

func (r *routeReq) setMetric(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok {
		return invarg("\"metric\" value is invalid\n", v[0])
	}
	r.metric, r.hasMetric = int(n), true
	return nil
}

func (r *routeReq) setDev(v []string) error { r.dev = v[0]; return nil }

// parseRouteReq parses ip route add, change, replace and delete's words,
// tables named by env.
func parseRouteReq(a *args, env names) (*routeReq, error) {
	r := &routeReq{tables: env.tables()}
	err := walk(a, r, routeKeywords, (*routeReq).positional)
	r.tables = rtTables{}
	if err != nil {
		return nil, err
	}
	if !r.dstSet {
		return nil, usage(routeUsage)
	}
	switch r.typ {
	case "unicast":
		r.typ = ""
	case "", "blackhole", "unreachable", "prohibit", "throw":
	default:
		return nil, shell.Failf(2, "nsemu: route type %q is not emulated", r.typ)
	}
	if r.table == 0 {
		r.table = stack.TableMain
	}
	if r.table == stack.TableLocal {
		return nil, shell.Failf(2, "nsemu: routes of the local table are the kernel's (they come with the addresses)")
	}
	return r, nil
}

// positional takes [to] [TYPE] PREFIX.
func (r *routeReq) positional(a *args) error {
	v, err := a.after("to")
	if err != nil {
		return err
	}
	if routeTypes[v] {
		r.typ = v
		if v, err = a.next(); err != nil {
			return err
		}
	}
	if matches(v, "help") {
		return usage(routeUsage)
	}
	if r.dstSet {
		return duparg2("to", v)
	}
	p, _, ok := parsePrefix(v, true)
	if !ok {
		return errPrefix(v)
	}
	r.dst, r.dstSet = p, true
	return nil
}

func (ip *ipCmd) routeModify(a *args, how string) error {
	r, err := parseRouteReq(a, ip.names())
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
	if how == "delete" {
		return ip.routeDel(r)
	}
	if err := ip.checkRoute(r, dev); err != nil {
		return err
	}
	old, err := ip.replacedRoute(r, how)
	if err != nil {
		return err
	}
	nr := stack.Route{Dst: r.dst, Gateway: r.gw, Dev: r.dev, Src: r.src, Metric: r.metric, Table: r.table, Type: r.typ, OnLink: r.onlink}
	return swapRoute(ip.ns.Stack(), old, nr)
}

// checkRoute checks a route to add against its device and source.
func (ip *ipCmd) checkRoute(r *routeReq, dev *emu.Device) error {
	if r.typ != "" {
		return nil
	}
	if !r.gw.IsValid() && dev == nil {
		return errNoSuchDevice
	}
	if dev != nil {
		if err := l3Check(dev); err != nil {
			return err
		}
	}
	if r.src.IsValid() && !isLocal(ip.ns, r.src) {
		return rtnl("Error: Invalid prefsrc address.")
	}
	return nil
}

// replacedRoute returns the route ip route change or replace replaces
// (same destination and metric), nil if none or for ip route add.
func (ip *ipCmd) replacedRoute(r *routeReq, how string) (*stack.Route, error) {
	if how == "add" {
		return nil, nil
	}
	rs := ip.ns.Stack().TableRoutes(r.table)
	i := slices.IndexFunc(rs, func(x stack.Route) bool { return x.Dst == r.dst && x.Metric == r.metric })
	switch {
	case i >= 0 && rs[i].Kernel:
		return nil, shell.Failf(2, "nsemu: the kernel's connected route %s cannot be changed (change the address instead)", routeDst(rs[i].Dst))
	case i >= 0:
		return &rs[i], nil
	case how == "change":
		return nil, errNoSuchFile
	}
	return nil, nil
}

// swapRoute adds nr in place of old (if any); it puts old back if nr is
// refused.
func swapRoute(st *stack.Stack, old *stack.Route, nr stack.Route) error {
	if old != nil {
		if err := st.DelRoute(stack.Route{Dst: old.Dst, Gateway: old.Gateway, Dev: old.Dev, Table: old.Table, Type: old.Type}); err != nil {
			return emuErr(err)
		}
	}
	if err := st.AddRoute(nr); err != nil {
		if old != nil {
			_ = st.AddRoute(*old)
		}
		return routeErr(err, nr.Gateway.IsValid())
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
	case errors.Is(err, stack.ErrOnLinkNoDev):
		return rtnl("Error: Nexthop device required for onlink.")
	case errors.Is(err, stack.ErrNetworkUnreachable):
		if gw {
			return rtnl("Error: Nexthop has invalid gateway.")
		}
		return rtnl("Error: Device for nexthop is not up.")
	case errors.Is(err, stack.ErrNoSuchDevice):
		return errNoSuchDevice
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
	for _, x := range st.TableRoutes(r.table) {
		if x.Dst != r.dst || (r.gw.IsValid() && x.Gateway != r.gw) || (r.dev != "" && x.Dev != r.dev) ||
			(r.hasMetric && x.Metric != r.metric) || (r.typ != "" && x.Type != r.typ) {
			continue
		}
		if !x.Kernel {
			return routeErr(st.DelRoute(stack.Route{Dst: x.Dst, Gateway: x.Gateway, Dev: x.Dev, Table: x.Table, Type: x.Type}), false)
		}
		if kernel == nil {
			kernel = &x
		}
	}
	if kernel != nil {
		return shell.Failf(2, "nsemu: deleting the kernel's connected route %s is not emulated (delete the address instead)", routeDst(kernel.Dst))
	}
	return errNoSuchProc
}

// ---- get ----

// routeGetReq is a parsed ip route get command line.
type routeGetReq struct {
	dst      netip.Prefix
	from     netip.Addr
	iif, oif string
	mark     uint32
}

// routeGetKeywords is iproute_get's table.
var routeGetKeywords = slices.Concat(
	[]keyword[*routeGetReq]{
		{name: "from", args: 1, apply: (*routeGetReq).setFrom},
		{name: "iif", args: 1, apply: func(r *routeGetReq, v []string) error { r.iif = v[0]; return nil }},
		{name: "mark", args: 1, apply: func(r *routeGetReq, v []string) error {
			n, _ := parseUint32(v[0]) // iproute2 does not check it
			r.mark = uint32(n)
			return nil
		}},
		{name: "oif", abbrev: true, args: 1, apply: func(r *routeGetReq, v []string) error { r.oif = v[0]; return nil }},
		{name: "dev", args: 1, apply: func(r *routeGetReq, v []string) error { r.oif = v[0]; return nil }},
	},
	ignored[*routeGetReq](1, "tos", "dsfield", "uid", "ipproto", "sport", "dport", "vrf", "as"),
	ignored[*routeGetReq](0, "connected", "fibmatch"),
)

func (r *routeGetReq) setFrom(v []string) error {
	if matches(v[0], "help") {
		return usage(routeUsage)
	}
	p, _, ok := parsePrefix(v[0], false)
	if !ok {
		return errPrefix(v[0])
	}
	r.from = p.Addr()
	return nil
}

// parseRouteGet parses ip route get's words.
func parseRouteGet(a *args) (*routeGetReq, error) {
	r := &routeGetReq{}
	if err := walk(a, r, routeGetKeywords, (*routeGetReq).positional); err != nil {
		return nil, err
	}
	if !r.dst.IsValid() {
		return nil, shell.Failf(1, "need at least a destination address")
	}
	return r, nil
}

// positional takes [to] ADDRESS.
func (r *routeGetReq) positional(a *args) error {
	v, err := a.after("to")
	if err != nil {
		return err
	}
	if matches(v, "help") {
		return usage(routeUsage)
	}
	if r.dst.IsValid() {
		return duparg2("to", v)
	}
	p, _, ok := parsePrefix(v, false)
	if !ok {
		return errPrefix(v)
	}
	r.dst = p
	return nil
}

func (ip *ipCmd) routeGet(a *args) error {
	r, err := parseRouteGet(a)
	if err != nil {
		return err
	}
	for _, dev := range []string{r.iif, r.oif} {
		if dev != "" {
			if _, err := ip.ns.Link(dev); err != nil {
				return nodev(dev)
			}
		}
	}
	q := stack.Flow{Dst: r.dst.Addr(), Src: r.from, IIF: r.iif, OIF: r.oif, Mark: r.mark}
	route, err := ip.ns.Stack().Lookup(q)
	if err != nil {
		return rtnl("RTNETLINK answers: %s", err)
	}
	if ip.opts.json {
		return ip.printJSON([]jsonObject{ip.routeGetJSON(q, route)})
	}
	ip.printf("%s", ip.routeGetLines(q, route))
	return nil
}
