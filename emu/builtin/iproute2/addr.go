package iproute2

// ip address: add, delete, flush and show IPv4 addresses.

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

const addrUsage = "Usage: ip address {add|change|replace} IFADDR dev IFNAME\n" +
	"       ip address del IFADDR dev IFNAME\n" +
	"       ip address flush dev IFNAME\n" +
	"       ip address [ show [ dev IFNAME ] [ to PREFIX ] [ up ] ]"

func runIPAddr(ip *ipCmd, a *args) error {
	cmd, ok := a.word()
	if !ok {
		return ip.showLinks(a, true)
	}
	switch {
	case matches(cmd, "add"):
		return ip.addrModify(a, "add")
	case matches(cmd, "change"), cmd == "chg", matches(cmd, "replace"):
		return ip.addrModify(a, "replace")
	case matches(cmd, "delete"):
		return ip.addrModify(a, "delete")
	case matches(cmd, "list"), matches(cmd, "show"), matches(cmd, "lst"):
		return ip.showLinks(a, true)
	case matches(cmd, "flush"):
		return ip.addrFlush(a)
	case matches(cmd, "save"), matches(cmd, "showdump"), matches(cmd, "restore"):
		return shell.Failf(1, "nsemu: \"ip address %s\" is not emulated", cmd)
	case matches(cmd, "help"):
		return usage(addrUsage)
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip address help\".", cmd)
}

// addrReq is a parsed ip address add/change/replace/delete command line.
type addrReq struct {
	dev    string
	local  netip.Prefix
	hasLen bool // local was given with /LEN
	set    bool // local was given
}

// addrKeywords is ipaddr_modify's table, in its order.
var addrKeywords = slices.Concat(
	[]keyword[*addrReq]{
		fails[*addrReq]("peer", errPeer("peer")),
		fails[*addrReq]("remote", errPeer("remote")),
		{name: "broadcast", abbrev: true, args: 1, apply: checkBroadcast},
		{name: "brd", args: 1, apply: checkBroadcast},
	},
	ignored[*addrReq](1, "anycast", "label", "valid_lft*", "preferred_lft*", "proto*"),
	[]keyword[*addrReq]{
		{name: "scope", args: 1, apply: func(_ *addrReq, v []string) error {
			if !validScope(v[0]) {
				return invarg("invalid scope value.", v[0])
			}
			return nil
		}},
		{name: "dev", args: 1, apply: func(r *addrReq, v []string) error { r.dev = v[0]; return nil }},
		{name: "metric", abbrev: true, args: 1, apply: checkMetric},
		{name: "priority", abbrev: true, args: 1, apply: checkMetric},
		{name: "preference", abbrev: true, args: 1, apply: checkMetric},
	},
	ignored[*addrReq](0, "home", "nodad", "optimistic", "mngtmpaddr", "noprefixroute", "autojoin"),
)

func errPeer(word string) error {
	return shell.Failf(2, "nsemu: point-to-point addresses (%s) are not emulated", word)
}

func checkBroadcast(_ *addrReq, v []string) error {
	if v[0] == "+" || v[0] == "-" {
		return nil
	}
	if _, ok := parseIPv4(v[0]); !ok {
		return errAddress(v[0])
	}
	return nil
}

func checkMetric(_ *addrReq, v []string) error {
	if _, ok := parseUint32(v[0]); !ok {
		return invarg("\"metric\" value is invalid\n", v[0])
	}
	return nil
}

// parseAddrReq parses ip address add, change, replace and delete's words.
func parseAddrReq(a *args) (*addrReq, error) {
	r := &addrReq{}
	if err := walk(a, r, addrKeywords, (*addrReq).positional); err != nil {
		return nil, err
	}
	if r.dev == "" {
		return nil, shell.Failf(1, "Not enough information: \"dev\" argument is required.")
	}
	return r, nil
}

// positional takes [local] IFADDR.
func (r *addrReq) positional(a *args) error {
	v, err := a.after("local")
	if err != nil {
		return err
	}
	if matches(v, "help") {
		return usage("Usage: ip address {add|change|replace|del} IFADDR dev IFNAME")
	}
	if r.set {
		return duparg2("local", v)
	}
	p, hasLen, ok := parsePrefix(v, false)
	if !ok {
		return errPrefix(v)
	}
	r.local, r.hasLen, r.set = p, hasLen, true
	return nil
}

// l3Check refuses devices that are bridge ports: in nsemu they are not
// interfaces of their namespace's stack.
func l3Check(d *emu.Device) error {
	if m := d.Master(); m != nil {
		return shell.Failf(2, "nsemu: %s is enslaved to %s: not an L3 interface in nsemu (address the bridge instead)", d.Name(), m.Name())
	}
	return nil
}

func (ip *ipCmd) addrModify(a *args, how string) error {
	r, err := parseAddrReq(a)
	if err != nil {
		return err
	}
	d, err := ip.ns.Link(r.dev)
	if err != nil {
		return nodev(r.dev)
	}
	if how == "delete" {
		return ip.addrDel(d, r)
	}
	if !r.set {
		return errNotSupported
	}
	for _, p := range d.Addrs() {
		if p.Addr() == r.local.Addr() {
			if how == "replace" && p.Bits() == r.local.Bits() {
				return nil
			}
			return rtnl("Error: ipv4: Address already assigned.")
		}
	}
	if err := l3Check(d); err != nil {
		return err
	}
	if err := ip.ns.AddAddr(r.dev, r.local); err != nil {
		if err == emu.ErrExists {
			return rtnl("Error: ipv4: Address already assigned.")
		}
		return emuErr(err)
	}
	return nil
}

func (ip *ipCmd) addrDel(d *emu.Device, r *addrReq) error {
	ps := d.Addrs()
	idx := slices.IndexFunc(ps, func(p netip.Prefix) bool {
		return !r.set || (p.Addr() == r.local.Addr() && (!r.hasLen || p.Bits() == r.local.Bits()))
	})
	if idx < 0 {
		return rtnl("Error: ipv4: Address not found.")
	}
	if r.set && !r.hasLen {
		fmt.Fprintf(ip.errOut, "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"+
			"         Explicitly specify the prefix length (%s/%d) to avoid this warning.\n"+
			"         This special behaviour is likely to disappear in further releases,\n"+
			"         fix your scripts!\n", r.local.Addr(), r.local.Bits())
	}
	gone := deletedWith(ps, idx)
	for i := len(gone) - 1; i >= 0; i-- {
		if err := ip.ns.DelAddr(d.Name(), gone[i]); err != nil {
			return emuErr(err)
		}
	}
	dropPrefsrcRoutes(ip.ns, gone)
	return nil
}

// deletedWith returns the addresses deleting ps[idx] deletes: itself and,
// when it is a primary address, its secondaries (promote_secondaries is
// 0).
func deletedWith(ps []netip.Prefix, idx int) []netip.Prefix {
	victim := ps[idx]
	sameNet := func(q netip.Prefix) bool { return q.Masked() == victim.Masked() }
	gone := []netip.Prefix{victim}
	if slices.ContainsFunc(ps[:idx], sameNet) {
		return gone // a secondary
	}
	for _, q := range ps[idx+1:] {
		if sameNet(q) {
			gone = append(gone, q)
		}
	}
	return gone
}

// dropPrefsrcRoutes deletes the static routes whose preferred source was
// one of the deleted addresses, as the kernel does (fib_sync_down_addr).
func dropPrefsrcRoutes(ns *emu.Namespace, gone []netip.Prefix) {
	st := ns.Stack()
	for _, r := range st.Routes() {
		if r.Kernel || !r.Src.IsValid() || isLocal(ns, r.Src) {
			continue
		}
		if slices.ContainsFunc(gone, func(p netip.Prefix) bool { return p.Addr() == r.Src }) {
			_ = st.DelRoute(stack.Route{Dst: r.Dst, Gateway: r.Gateway, Dev: r.Dev})
		}
	}
}

func (ip *ipCmd) addrFlush(a *args) error {
	if !a.more() {
		return shell.Failf(1, "Flush requires arguments.")
	}
	f, err := parseLinkFilter(a, ip.names(), true)
	if err != nil {
		return err
	}
	devs, err := ip.selectLinks(f)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.Kind == emu.KindLoopback && !d.IsUp() {
			continue // a down lo shows no addresses
		}
		for _, p := range d.Addrs() {
			if f.hasTo && !f.within(p) {
				continue
			}
			if err := ip.ns.DelAddr(d.Name(), p); err != nil {
				return emuErr(err)
			}
			dropPrefsrcRoutes(ip.ns, []netip.Prefix{p})
		}
	}
	return nil
}
