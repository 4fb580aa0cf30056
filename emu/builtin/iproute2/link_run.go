package iproute2

// ip link's runners: add, set, delete and show.

import (
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/vethsim"
)

const linkUsage = "Usage: ip link add [link DEV] [ name ] NAME type TYPE [ ARGS ]\n" +
	"       ip link delete DEVICE\n" +
	"       ip link set DEVICE { up | down | netns NS | master BR | nomaster | name NEW | address MAC | mtu N }\n" +
	"       ip link show [ DEVICE | type TYPE | master BR | up ]"

func runIPLink(ip *ipCmd, a *args) error {
	cmd, ok := a.word()
	if !ok {
		return ip.showLinks(a, false)
	}
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
		return usage(linkUsage)
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip link help\".", cmd)
}

// ---- changes to one device ----

// change is what ip link add and set do to one device, checked in full
// (check) before any of it is applied (apply).
type change struct {
	mac    net.HardwareAddr
	mtu    *int64
	master *string // "" means nomaster
	up     *bool
	// rename (ip link set ... name NEW) and ageing (type bridge
	// ageing_time N) are set by the runners, not the parser.
	rename string
	ageing *time.Duration
}

// check validates a change for a device of kind k in ns.
func (ch *change) check(ns *emu.Namespace, k emu.Kind) error {
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
	return ch.checkMaster(ns, k)
}

func (ch *change) checkMaster(ns *emu.Namespace, k emu.Kind) error {
	if ch.master == nil || *ch.master == "" {
		return nil
	}
	b, err := ns.Link(*ch.master)
	switch {
	case err != nil:
		return invarg("Device does not exist\n", *ch.master)
	case b.Kind != emu.KindBridge:
		return errNotSupported
	case k == emu.KindLoopback:
		return errInvalidArg
	case k == emu.KindBridge:
		return rtnl("Error: Can not enslave a bridge to a bridge.")
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

// apply applies a checked change to device name in ns, in the kernel's
// order: address, MTU, name, master, bridge settings, then up or down.
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
	if ch.rename != "" && ch.rename != name {
		if err := ns.RenameLink(name, ch.rename); err != nil {
			return emuErr(err)
		}
		name = ch.rename
	}
	if err := ch.applyMaster(ns, name); err != nil {
		return err
	}
	if d, err := ns.Link(name); err == nil && ch.ageing != nil && d.Bridge() != nil {
		d.Bridge().SetAgeing(*ch.ageing)
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

// ---- ip link add ----

func (ip *ipCmd) linkAdd(a *args) error {
	r, err := parseLinkReq(a, ip.names())
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
	switch r.typ {
	case "veth":
		return ip.addVeth(r, name, target)
	case "bridge":
		return addBridge(r, name, target)
	case "vxlan":
		return ip.addVxlan(r, name, target)
	}
	if knownLinkTypes[r.typ] {
		return shell.Failf(2, "nsemu: link type %q is not emulated (only veth, bridge and vxlan)", r.typ)
	}
	return rtnl("Error: Unknown device type.")
}

// knownLinkTypes are iproute2 link types nsemu does not emulate.
var knownLinkTypes = map[string]bool{
	"dummy": true, "vlan": true, "macvlan": true, "macvtap": true, "ipvlan": true,
	"ipvtap": true, "ipip": true, "gre": true, "gretap": true, "ip6gre": true, "ip6tnl": true,
	"sit": true, "tun": true, "tap": true, "bond": true, "team": true, "vrf": true, "wireguard": true,
	"geneve": true, "ifb": true, "nlmon": true, "can": true, "vcan": true, "vxcan": true,
	"bareudp": true, "erspan": true, "hsr": true, "ipoib": true, "netdevsim": true, "rmnet": true,
	"xfrm": true, "gtp": true, "macsec": true, "batadv": true, "lowpan": true, "virt_wifi": true,
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

var errVethUsage = shell.Failf(1, "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link help'")

// parseVethPeer parses `type veth [peer OPTIONS]`'s words.
func parseVethPeer(typArgs []string, env names) (*linkReq, error) {
	if len(typArgs) == 0 {
		return &linkReq{}, nil
	}
	if typArgs[0] != "peer" {
		return nil, errVethUsage
	}
	p, err := parseLinkReq(&args{a: typArgs[1:]}, env)
	if err == nil && p.typ != "" {
		err = errVethUsage
	}
	return p, err
}

// end is one end of a veth pair to make.
type end struct {
	ns   *emu.Namespace
	name string
	ch   *change
}

func (ip *ipCmd) addVeth(r *linkReq, name string, target *emu.Namespace) error {
	peer, err := parseVethPeer(r.typArgs, ip.names())
	if err != nil {
		return err
	}
	e := end{ns: target, name: name, ch: &r.change}
	p := end{ns: ip.ns, name: peer.name, ch: &peer.change}
	if peer.netns != nil {
		p.ns = peer.netns
	}
	if p.name == "" {
		p.name = peer.dev
	}
	nameVethEnds(&e, &p)
	if err := checkVethEnds(e, p); err != nil {
		return err
	}
	if _, _, err := e.ns.AddVeth(e.name, p.name, p.ns); err != nil {
		return emuErr(err)
	}
	if err := e.ch.apply(e.ns, e.name); err != nil {
		return err
	}
	return p.ch.apply(p.ns, p.name)
}

// nameVethEnds names the ends left unnamed, as the kernel does (vethN).
func nameVethEnds(e, p *end) {
	if e.name == "" {
		e.name = freeName(e.ns, "veth", "")
	}
	if p.name == "" {
		taken := ""
		if p.ns == e.ns {
			taken = e.name
		}
		p.name = freeName(p.ns, "veth", taken)
	}
}

func checkVethEnds(e, p end) error {
	for _, n := range []string{e.name, p.name} {
		if err := kernelIfname(n); err != nil {
			return err
		}
	}
	if _, err := e.ns.Link(e.name); err == nil {
		return errFileExists
	}
	if _, err := p.ns.Link(p.name); err == nil || (p.ns == e.ns && p.name == e.name) {
		return errFileExists
	}
	if err := e.ch.check(e.ns, emu.KindVeth); err != nil {
		return err
	}
	return p.ch.check(p.ns, emu.KindVeth)
}

func addBridge(r *linkReq, name string, target *emu.Namespace) error {
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
	ch := r.change
	if err := ch.check(target, emu.KindBridge); err != nil {
		return err
	}
	if _, err := target.AddBridgeWithMAC(name, ch.mac); err != nil {
		return emuErr(err)
	}
	ch.mac, ch.ageing = nil, ageing
	return ch.apply(target, name)
}

// ---- ip link set ----

func (ip *ipCmd) linkSet(a *args) error {
	r, err := parseLinkReq(a, ip.names())
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
	ch := r.change
	if ch.ageing, err = setType(r, d); err != nil {
		return err
	}
	ns, err := ip.checkSet(r, d, &ch)
	if err != nil {
		return err
	}
	if ns != ip.ns {
		if err := ip.ns.MoveLink(d.Name(), ns); err != nil {
			return emuErr(err)
		}
	}
	return ch.apply(ns, d.Name())
}

// setType checks `type TYPE ARGS` of ip link set against device d; it
// returns a bridge's new ageing time, if any.
func setType(r *linkReq, d *emu.Device) (*time.Duration, error) {
	switch {
	case r.typ == "":
		return nil, nil
	case r.typ != kindName(d.Kind):
		return nil, errNotSupported
	case r.typ == "bridge":
		return parseBridgeOpts(r.typArgs)
	case len(r.typArgs) > 0:
		return nil, shell.Failf(2, "nsemu: \"ip link set ... type %s %s\" is not emulated", r.typ, r.typArgs[0])
	}
	return nil, nil
}

// checkSet checks ip link set's change of device d in full, in the
// kernel's order: namespace, address, MTU, name, master, flags. It sets
// ch.rename, and returns the namespace d ends in.
func (ip *ipCmd) checkSet(r *linkReq, d *emu.Device, ch *change) (*emu.Namespace, error) {
	ns, up, finalName := ip.ns, d.IsUp(), d.Name()
	if r.name != "" {
		if err := kernelIfname(r.name); err != nil {
			return nil, err
		}
		finalName = r.name
	}
	if r.netns != nil && r.netns != ns {
		if d.Kind != emu.KindVeth {
			return nil, rtnl("Error: The interface netns is immutable.")
		}
		if _, err := r.netns.Link(finalName); err == nil {
			return nil, errFileExists
		}
		ns, up = r.netns, false // a device moved goes down
	}
	// master was looked up in the namespace ip runs in; after a move it
	// must exist in the new one.
	if err := ch.check(ns, d.Kind); err != nil {
		return nil, err
	}
	if r.name == "" || r.name == d.Name() {
		return ns, nil
	}
	if x, err := ns.Link(r.name); err == nil && x != d {
		return nil, errFileExists
	}
	if up {
		return nil, rtnl("RTNETLINK answers: Device or resource busy")
	}
	if d.Kind == emu.KindLoopback {
		return nil, errNotSupported
	}
	ch.rename = r.name
	return ns, nil
}

// ---- ip link delete ----

func (ip *ipCmd) linkDel(a *args) error {
	r, err := parseLinkReq(a, ip.names())
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
	if (r.typ != "" && r.typ != kindName(d.Kind)) || d.Kind == emu.KindLoopback || d.Kind == emu.KindEther {
		return errNotSupported
	}
	return emuErr(ip.ns.DelLink(dev))
}

// ---- ip link show, ip address show ----

func kindName(k emu.Kind) string {
	switch k {
	case emu.KindVeth:
		return "veth"
	case emu.KindBridge:
		return "bridge"
	case emu.KindVxlan:
		return "vxlan"
	}
	return ""
}

// selectLinks returns the devices the filter picks, by ifindex.
func (ip *ipCmd) selectLinks(f *linkFilter) ([]*emu.Device, error) {
	all := ip.ns.Links()
	if f.dev != "" {
		d, err := ip.ns.Link(f.dev)
		if err != nil {
			return nil, noSuchDevice(f.dev)
		}
		all = []*emu.Device{d}
	}
	var out []*emu.Device
	for _, d := range all {
		if f.picks(d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// picks reports whether the filter's up, master and type selectors pick d.
func (f *linkFilter) picks(d *emu.Device) bool {
	if f.up && !d.IsUp() {
		return false
	}
	switch f.master {
	case "":
	case "-":
		if d.Master() != nil {
			return false
		}
	default:
		if d.Master() == nil || d.Master().Name() != f.master {
			return false
		}
	}
	switch f.kind {
	case "":
		return true
	case "bridge_slave":
		return d.Master() != nil
	}
	return kindName(d.Kind) == f.kind
}

func (ip *ipCmd) showLinks(a *args, addrs bool) error {
	f, err := parseLinkFilter(a, ip.names(), addrs)
	if err != nil {
		return err
	}
	devs, err := ip.selectLinks(f)
	if err != nil {
		return err
	}
	objs := []jsonObject{}
	for _, d := range devs {
		l := viewLink(ip.nsids(), d)
		if addrs {
			if f.hasTo {
				l.addrs = f.keepAddrs(l.addrs)
			}
			if ip.opts.family == 6 {
				continue // nsemu devices have no IPv6 addresses
			}
			if (ip.opts.family == 4 || f.hasTo) && len(l.addrs) == 0 {
				continue
			}
		}
		if ip.opts.json {
			objs = append(objs, ip.linkJSON(l, addrs))
			continue
		}
		ip.printLink(l, addrs)
	}
	if ip.opts.json {
		return ip.printJSON(objs)
	}
	return nil
}

// keepAddrs returns the addresses inside the filter's `to` prefix.
func (f *linkFilter) keepAddrs(addrs []addrView) []addrView {
	var kept []addrView
	for _, av := range addrs {
		if f.within(av.p) {
			kept = append(kept, av)
		}
	}
	return kept
}

// within reports whether p is inside the filter's `to` prefix.
func (f *linkFilter) within(p netip.Prefix) bool {
	return f.to.Contains(p.Addr()) && p.Bits() >= f.to.Bits()
}
