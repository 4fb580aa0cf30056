package iproute2

// ip address: add, delete, flush and show IPv4 addresses.

import (
	"fmt"
	"net/netip"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

func runIPAddr(ip *ipCmd, a *args) error {
	if !a.more() {
		return ip.showLinks(a, true)
	}
	cmd := a.cur()
	a.advance()
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
		return shell.Failf(255, "Usage: ip address {add|change|replace} IFADDR dev IFNAME\n       ip address del IFADDR dev IFNAME\n       ip address flush dev IFNAME\n       ip address [ show [ dev IFNAME ] [ to PREFIX ] [ up ] ]")
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip address help\".", cmd)
}

// addrReq is a parsed ip address add/del command line.
type addrReq struct {
	dev    string
	local  netip.Prefix
	hasLen bool
	set    bool
}

func (ip *ipCmd) parseAddrReq(a *args) (*addrReq, error) {
	r := &addrReq{}
	for ; a.more(); a.advance() {
		switch v := a.cur(); {
		case v == "peer" || v == "remote":
			return nil, shell.Failf(2, "nsemu: point-to-point addresses (%s) are not emulated", v)
		case matches(v, "broadcast") || v == "brd":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if s != "+" && s != "-" {
				if _, ok := parseIPv4(s); !ok {
					return nil, errAddress(s)
				}
			}
		case v == "anycast", v == "label", matches(v, "valid_lft"), matches(v, "preferred_lft"), matches(v, "proto"):
			if _, err := a.next(); err != nil {
				return nil, err
			}
		case v == "scope":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if !validScope(s) {
				return nil, invarg("invalid scope value.", s)
			}
		case v == "dev":
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			r.dev = s
		case matches(v, "metric"), matches(v, "priority"), matches(v, "preference"):
			s, err := a.next()
			if err != nil {
				return nil, err
			}
			if n, ok := parseUint(s); !ok || n > 1<<32-1 {
				return nil, invarg("\"metric\" value is invalid\n", s)
			}
		case v == "home", v == "nodad", v == "optimistic", v == "mngtmpaddr", v == "noprefixroute", v == "autojoin":
		default:
			if v == "local" {
				s, err := a.next()
				if err != nil {
					return nil, err
				}
				v = s
			}
			if matches(v, "help") {
				return nil, shell.Failf(255, "Usage: ip address {add|change|replace|del} IFADDR dev IFNAME")
			}
			if r.set {
				return nil, duparg2("local", v)
			}
			p, hasLen, ok := parsePrefix(v, false)
			if !ok {
				return nil, errPrefix(v)
			}
			r.local, r.hasLen, r.set = p, hasLen, true
		}
	}
	if r.dev == "" {
		return nil, shell.Failf(1, "Not enough information: \"dev\" argument is required.")
	}
	return r, nil
}

func validScope(s string) bool {
	switch s {
	case "host", "link", "global", "site", "nowhere", "universe":
		return true
	}
	n, ok := parseUint(s)
	return ok && n < 256
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
	r, err := ip.parseAddrReq(a)
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
	idx := -1
	for i, p := range ps {
		if !r.set || (p.Addr() == r.local.Addr() && (!r.hasLen || p.Bits() == r.local.Bits())) {
			idx = i
			break
		}
	}
	if idx < 0 {
		return rtnl("Error: ipv4: Address not found.")
	}
	if r.set && !r.hasLen {
		fmt.Fprintf(ip.errOut, "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"+
			"         Explicitly specify the prefix length (%s/%d) to avoid this warning.\n"+
			"         This special behaviour is likely to disappear in further releases,\n"+
			"         fix your scripts!\n", r.local.Addr(), r.local.Bits())
	}
	victim := ps[idx]
	gone := []netip.Prefix{victim}
	// Deleting a primary address deletes its secondaries
	// (promote_secondaries is 0).
	primary := true
	for _, q := range ps[:idx] {
		if q.Masked() == victim.Masked() {
			primary = false
		}
	}
	if primary {
		for _, q := range ps[idx+1:] {
			if q.Masked() == victim.Masked() {
				gone = append(gone, q)
			}
		}
	}
	for i := len(gone) - 1; i >= 0; i-- {
		if err := ip.ns.DelAddr(d.Name(), gone[i]); err != nil {
			return emuErr(err)
		}
	}
	dropPrefsrcRoutes(ip.ns, gone)
	return nil
}

// dropPrefsrcRoutes deletes the static routes whose preferred source was
// one of the deleted addresses, as the kernel does (fib_sync_down_addr).
func dropPrefsrcRoutes(ns *emu.Namespace, gone []netip.Prefix) {
	st := ns.Stack()
	for _, r := range st.Routes() {
		if r.Kernel || !r.Src.IsValid() || isLocal(ns, r.Src) {
			continue
		}
		for _, p := range gone {
			if p.Addr() == r.Src {
				_ = st.DelRoute(stack.Route{Dst: r.Dst, Gateway: r.Gateway, Dev: r.Dev})
				break
			}
		}
	}
}

func (ip *ipCmd) addrFlush(a *args) error {
	if !a.more() {
		return shell.Failf(1, "Flush requires arguments.")
	}
	f, err := ip.parseLinkFilter(a, true)
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
			if f.hasTo && !(f.to.Contains(p.Addr()) && p.Bits() >= f.to.Bits()) {
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
