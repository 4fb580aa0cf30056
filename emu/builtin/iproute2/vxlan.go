package iproute2

// ip link add ... type vxlan: iproute2 6.1's vxlan_parse_opt (its words,
// its checks, its order), the device's creation, and its `ip -d` details.

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack/vxlan"
)

// vxlanReq is a parsed `type vxlan` argument list.
type vxlanReq struct {
	cfg                 vxlan.Config
	vniSet, portSet     bool
	learningSet, ttlSet bool
	groupSet, remoteSet bool
	localSet, devSet    bool
	env                 names
}

const vxlanUsage = `Usage: ... vxlan id VNI
		[ { group | remote } IP_ADDRESS ]
		[ local ADDR ]
		[ ttl TTL ]
		[ tos TOS ]
		[ df DF ]
		[ flowlabel LABEL ]
		[ dev PHYS_DEV ]
		[ dstport PORT ]
		[ srcport MIN MAX ]
		[ [no]learning ]
		[ [no]proxy ]
		[ [no]rsc ]
		[ [no]l2miss ]
		[ [no]l3miss ]
		[ ageing SECONDS ]
		[ maxaddress NUMBER ]
		[ [no]udpcsum ]
		[ [no]udp6zerocsumtx ]
		[ [no]udp6zerocsumrx ]
		[ [no]remcsumtx ] [ [no]remcsumrx ]
		[ [no]external ] [ gbp ] [ gpe ]
		[ [no]vnifilter ]

Where:	VNI	:= 0-16777215
	ADDR	:= { IP_ADDRESS | any }
	TOS	:= { NUMBER | inherit }
	TTL	:= { 1..255 | auto | inherit }
	DF	:= { unset | set | inherit }
	LABEL := 0-1048575`

// vxlanPortWarning is what iproute2 says when no dstport is given (the
// kernel then uses 8472).
const vxlanPortWarning = "vxlan: destination port not specified\n" +
	"Will use Linux kernel default (non-standard value)\n" +
	"Use 'dstport 4789' to get the IANA assigned value\n" +
	"Use 'dstport 0' to get default and quiet this message\n"

func vxlanNotEmulated(word string) error {
	return shell.Failf(2, "nsemu: vxlan %q is not emulated", word)
}

// vxlanKeywords is vxlan_parse_opt's table, in its order.
var vxlanKeywords = []keyword[*vxlanReq]{
	{name: "id", abbrev: true, args: 1, apply: (*vxlanReq).setVNI},
	{name: "vni", abbrev: true, args: 1, apply: (*vxlanReq).setVNI},
	{name: "group", args: 1, apply: (*vxlanReq).setGroup},
	{name: "remote", args: 1, apply: (*vxlanReq).setRemote},
	{name: "local", args: 1, apply: (*vxlanReq).setLocal},
	{name: "dev", abbrev: true, args: 1, apply: (*vxlanReq).setDev},
	{name: "ttl", abbrev: true, args: 1, apply: (*vxlanReq).setTTL},
	{name: "hoplimit", abbrev: true, args: 1, apply: (*vxlanReq).setTTL},
	{name: "ageing", abbrev: true, args: 1, apply: (*vxlanReq).setAgeing},
	{name: "dstport", args: 1, apply: (*vxlanReq).setPort},
	{name: "nolearning", apply: func(r *vxlanReq, _ []string) error { return r.setLearning("nolearning", false) }},
	{name: "learning", apply: func(r *vxlanReq, _ []string) error { return r.setLearning("learning", true) }},
	{name: "udpcsum"},
	{name: "noudp6zerocsumtx"},
	{name: "noudp6zerocsumrx"},
	{name: "noproxy"}, {name: "norsc"}, {name: "nol2miss"}, {name: "nol3miss"}, {name: "noexternal"},
	{name: "novnifilter"},
}

// vxlanNot are vxlan_parse_opt's words nsemu refuses as not emulated.
var vxlanNot = []string{"tos", "dsfield", "df", "flowlabel", "label", "port", "srcport", "maxaddress",
	"proxy", "rsc", "l2miss", "l3miss", "noudpcsum", "udp6zerocsumtx", "udp6zerocsumrx",
	"remcsumtx", "noremcsumtx", "remcsumrx", "noremcsumrx", "external", "gbp", "gpe", "vnifilter"}

// parseVxlan parses `type vxlan`'s words. warn is iproute2's note when no
// port was given.
func parseVxlan(words []string, env names) (cfg vxlan.Config, warn string, err error) {
	r := &vxlanReq{env: env, cfg: vxlan.Config{Learning: true}}
	if len(words) == 0 {
		// iproute2 does not call the parser: the kernel refuses.
		return cfg, "", rtnl("Error: Required attributes not provided to perform the operation.")
	}
	table := slices.Clone(vxlanKeywords)
	for _, w := range vxlanNot {
		table = append(table, fails[*vxlanReq](w, vxlanNotEmulated(w)))
	}
	if err := walk(&args{a: words}, r, table, unknownVxlanWord); err != nil {
		return cfg, "", err
	}
	if err := r.check(); err != nil {
		return cfg, "", err
	}
	if !r.portSet {
		warn = vxlanPortWarning
	}
	if r.cfg.Port == 0 {
		r.cfg.Port = vxlan.KernelPort
	}
	return r.cfg, warn, nil
}

func unknownVxlanWord(_ *vxlanReq, a *args) error {
	return shell.Failf(1, "vxlan: unknown command %q?\n%s", a.cur(), vxlanUsage)
}

// check is what vxlan_parse_opt checks after the words, then the kernel.
func (r *vxlanReq) check() error {
	switch {
	case r.groupSet && r.remoteSet:
		return shell.Failf(1, "vxlan: both group and remote cannot be specified")
	case r.groupSet && !r.devSet:
		return shell.Failf(1, "vxlan: 'group' requires 'dev' to be specified")
	case !r.vniSet:
		return shell.Failf(1, "vxlan: missing virtual network identifier")
	}
	return nil
}

func (r *vxlanReq) setVNI(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok || n > vxlan.MaxVNI {
		return invarg("invalid id", v[0])
	}
	r.cfg.VNI, r.vniSet = uint32(n), true
	return nil
}

// vxlanAddr parses an address of the vxlan options ("any" is none).
func vxlanAddr(s string) (netip.Addr, error) {
	if s == "any" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, shell.Failf(1, "Error: any valid address is expected rather than %q.", s)
	}
	return a, nil
}

func (r *vxlanReq) setGroup(v []string) error {
	a, err := vxlanAddr(v[0])
	if err != nil {
		return err
	}
	if !a.IsMulticast() {
		return invarg("invalid group address", v[0])
	}
	r.cfg.Group, r.groupSet = a, true
	return nil
}

func (r *vxlanReq) setRemote(v []string) error {
	a, err := vxlanAddr(v[0])
	if err != nil {
		return err
	}
	if a.IsMulticast() {
		return invarg("invalid remote address", v[0])
	}
	r.cfg.Remote, r.remoteSet = a, a.IsValid() && !a.IsUnspecified()
	if !r.remoteSet {
		r.cfg.Remote = netip.Addr{}
	}
	return nil
}

func (r *vxlanReq) setLocal(v []string) error {
	a, err := vxlanAddr(v[0])
	if err != nil {
		return err
	}
	if a.IsMulticast() {
		return invarg("invalid local address", v[0])
	}
	if a.IsValid() && !a.IsUnspecified() {
		r.cfg.Local, r.localSet = a, true
	}
	return nil
}

func (r *vxlanReq) setDev(v []string) error {
	if _, ok := r.env.link(v[0]); !ok {
		return shell.Failf(255, "Cannot find device %q", v[0])
	}
	r.cfg.Dev, r.devSet = v[0], true
	return nil
}

func (r *vxlanReq) setTTL(v []string) error {
	switch v[0] {
	case "auto":
		r.cfg.TTL = 0
		return nil
	case "inherit":
		return vxlanNotEmulated("ttl inherit")
	}
	n, ok := parseUint32(v[0])
	if !ok {
		return invarg("invalid TTL", v[0])
	}
	if n > 255 {
		return invarg("TTL must be <= 255", v[0])
	}
	r.cfg.TTL = uint8(n)
	return nil
}

func (r *vxlanReq) setAgeing(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok {
		return invarg("ageing", v[0])
	}
	if n == 0 {
		return vxlanNotEmulated("ageing 0")
	}
	r.cfg.Ageing = time.Duration(n) * time.Second
	return nil
}

func (r *vxlanReq) setPort(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok || n > 65535 {
		return invarg("dst port", v[0])
	}
	r.cfg.Port, r.portSet = uint16(n), true
	return nil
}

func (r *vxlanReq) setLearning(word string, on bool) error {
	if r.learningSet {
		return duparg2(word, word)
	}
	r.cfg.Learning, r.learningSet = on, true
	return nil
}

// addVxlan makes the device: `ip link add NAME type vxlan ...`.
func (ip *ipCmd) addVxlan(r *linkReq, name string, target *emu.Namespace) error {
	cfg, warn, err := parseVxlan(r.typArgs, ip.names())
	if err != nil {
		return err
	}
	if name == "" {
		name = freeName(target, "vxlan", "")
	}
	if err := kernelIfname(name); err != nil {
		return err
	}
	if _, err := target.Link(name); err == nil {
		return errFileExists
	}
	ch := r.change
	if err := ch.check(target, emu.KindVxlan); err != nil {
		return err
	}
	fmt.Fprint(ip.errOut, warn)
	vc := emu.VxlanConfig{Config: cfg, MAC: ch.mac}
	if ch.mtu != nil {
		vc.MTU = uint32(*ch.mtu)
	}
	if _, err := target.AddVxlan(name, vc); err != nil {
		return emuErr(err)
	}
	ch.mac, ch.mtu = nil, nil
	return ch.apply(target, name)
}

// vxlanDetails are the vxlan line's fields (vxlan_print_opt's order).
func vxlanDetails(c vxlan.Config) []detail {
	ds := []detail{{fmt.Sprintf("id %d", c.VNI), "id", c.VNI}}
	if c.Remote.IsValid() {
		ds = append(ds, detail{"remote " + c.Remote.String(), "remote", c.Remote.String()})
	}
	if c.Group.IsValid() {
		ds = append(ds, detail{"group " + c.Group.String(), "group", c.Group.String()})
	}
	if c.Local.IsValid() {
		ds = append(ds, detail{"local " + c.Local.String(), "local", c.Local.String()})
	}
	if c.Dev != "" {
		ds = append(ds, detail{"dev " + c.Dev, "link", c.Dev})
	}
	ds = append(ds, detail{"srcport 0 0", "port_range", jsonObject{{"low", 0}, {"high", 0}}},
		detail{fmt.Sprintf("dstport %d", c.Port), "port", c.Port})
	if !c.Learning {
		ds = append(ds, detail{"nolearning", "", nil})
	}
	ds = append(ds, detail{"", "learning", c.Learning})
	ttl := "ttl auto"
	if c.TTL != 0 {
		ttl = fmt.Sprintf("ttl %d", c.TTL)
	}
	ageing := int(vxlan.DefaultAgeing.Seconds())
	if c.Ageing != 0 {
		ageing = int(c.Ageing.Seconds())
	}
	return append(ds, detail{ttl, "ttl", c.TTL}, detail{"", "df", "unset"},
		detail{fmt.Sprintf("ageing %d", ageing), "ageing", ageing},
		detail{"udpcsum", "udp_csum", true}, detail{"noudp6zerocsumtx", "udp_zero_csum6_tx", false},
		detail{"noudp6zerocsumrx", "udp_zero_csum6_rx", false})
}
