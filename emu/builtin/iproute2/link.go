package iproute2

// ip link's parsers: add/set/delete (iproute2's iplink_parse), the show
// selectors ip link and ip address share, and `type bridge` options.

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// linkReq is a parsed ip link add/set/delete command line.
type linkReq struct {
	dev     string // the positional device (or after "dev")
	name    string // after "name"
	netns   *emu.Namespace
	typ     string
	typArgs []string
	// change is the address, MTU, master and state asked for.
	change change
}

// linkParser is the state of parseLinkReq.
type linkParser struct {
	*linkReq
	env names
}

const linkAddUsage = "Usage: ip link add [ name ] NAME type TYPE [ ARGS ]"

// linkKeywords is iplink_parse's table, in its order.
var linkKeywords = slices.Concat(
	[]keyword[*linkParser]{
		{name: "up", apply: func(p *linkParser, _ []string) error { p.change.up = ptr(true); return nil }},
		{name: "down", apply: func(p *linkParser, _ []string) error { p.change.up = ptr(false); return nil }},
		{name: "name", args: 1, apply: (*linkParser).setName},
	},
	ignored[*linkParser](1, "index", "link*"),
	[]keyword[*linkParser]{
		{name: "address", abbrev: true, args: 1, apply: (*linkParser).setAddress},
	},
	ignored[*linkParser](1, "broadcast*", "brd", "txqueuelen*", "qlen", "txqlen*"),
	[]keyword[*linkParser]{
		{name: "mtu", args: 1, apply: (*linkParser).setMTU},
		{name: "netns", args: 1, apply: (*linkParser).setNetns},
	},
	ignored[*linkParser](1, "multicast", "allmulticast", "promisc", "trailers", "arp", "carrier"),
	[]keyword[*linkParser]{
		fails[*linkParser]("xdp", linkNotEmulated("xdp")),
		fails[*linkParser]("vf", linkNotEmulated("vf")),
		fails[*linkParser]("vrf", linkNotEmulated("vrf")),
		{name: "master", args: 1, apply: (*linkParser).setMaster},
		{name: "nomaster", abbrev: true, apply: func(p *linkParser, _ []string) error { p.change.master = ptr(""); return nil }},
		{name: "dynamic", abbrev: true, args: 1},
		{name: "type", abbrev: true, args: 1, rest: true, apply: (*linkParser).setType},
	},
	// Accepted and ignored: nsemu does not model these.
	ignored[*linkParser](1, "alias*", "group", "mode", "state", "numtxqueues*", "numrxqueues*", "addrgenmode",
		"link-netns", "link-netnsid", "protodown", "protodown_reason", "gso_max_size", "gso_max_segs",
		"gro_max_size", "parentdev"),
	[]keyword[*linkParser]{
		{name: "help", abbrev: true, apply: func(*linkParser, []string) error { return usage(linkAddUsage) }},
		{name: "dev", args: 1, apply: (*linkParser).setDev},
	},
)

func ptr[T any](v T) *T { return &v }

func linkNotEmulated(word string) error {
	return shell.Failf(2, "nsemu: \"ip link ... %s\" is not emulated", word)
}

// parseLinkReq parses ip link add, set and delete's words.
func parseLinkReq(a *args, env names) (*linkReq, error) {
	p := &linkParser{linkReq: &linkReq{}, env: env}
	if err := walk(a, p, linkKeywords, (*linkParser).positional); err != nil {
		return nil, err
	}
	return p.linkReq, nil
}

func (p *linkParser) positional(a *args) error { return p.setDev([]string{a.cur()}) }

func (p *linkParser) setDev(v []string) error {
	if p.dev != "" {
		return duparg2("dev", v[0])
	}
	if !checkAltIfname(v[0]) {
		return invarg("\"dev\" not a valid ifname", v[0])
	}
	p.dev = v[0]
	return nil
}

func (p *linkParser) setName(v []string) error {
	if p.name != "" {
		return duparg("name", v[0])
	}
	if !checkIfname(v[0]) {
		return invarg("\"name\" not a valid ifname", v[0])
	}
	p.name = v[0]
	return nil
}

func (p *linkParser) setAddress(v []string) error {
	m, err := parseMAC6(v[0])
	p.change.mac = m
	return err
}

func (p *linkParser) setMTU(v []string) error {
	if p.change.mtu != nil {
		return duparg("mtu", v[0])
	}
	n, ok := parseInt(v[0])
	if !ok {
		return invarg("Invalid \"mtu\" value\n", v[0])
	}
	p.change.mtu = &n
	return nil
}

func (p *linkParser) setNetns(v []string) error {
	if p.netns != nil {
		return duparg("netns", v[0])
	}
	ns, err := resolveNetnsArg(p.env, v[0])
	p.netns = ns
	return err
}

func (p *linkParser) setMaster(v []string) error {
	if _, ok := p.env.link(v[0]); !ok {
		return invarg("Device does not exist\n", v[0])
	}
	p.change.master = &v[0]
	return nil
}

func (p *linkParser) setType(v []string) error {
	p.typ, p.typArgs = v[0], v[1:]
	return nil
}

// checkIfname is iproute2's check_ifname ("name" arguments).
func checkIfname(s string) bool {
	return s != "" && len(s) < 16 && !strings.ContainsAny(s, "/ \t\n\r\v\f")
}

// checkAltIfname is iproute2's check_altifname (positional device names).
func checkAltIfname(s string) bool {
	return s != "" && len(s) < 128 && !strings.ContainsAny(s, "/ \t\n\r\v\f")
}

// ---- selecting devices (ip link show, ip address show and flush) ----

// linkFilter is a parsed device selection.
type linkFilter struct {
	dev    string
	kind   string
	master string // "-" for nomaster
	up     bool
	to     netip.Prefix
	hasTo  bool
}

// filterParser is the state of parseLinkFilter.
type filterParser struct {
	*linkFilter
	env names
}

// linkFilterKeywords are ip link show's selectors; ip address's add `to`.
var (
	linkFilterKeywords = slices.Concat(
		ignored[*filterParser](1, "scope", "label", "group", "vrf", "proto", "metric"),
		[]keyword[*filterParser]{
			{name: "up", apply: func(p *filterParser, _ []string) error { p.up = true; return nil }},
		},
		ignored[*filterParser](0, "dynamic", "permanent", "secondary", "primary", "temporary", "tentative",
			"deprecated", "dadfailed", "home", "nodad", "noprefixroute", "autojoin", "optimistic", "mngtmpaddr"),
		[]keyword[*filterParser]{
			{name: "master", args: 1, apply: (*filterParser).setMaster},
			{name: "nomaster", apply: func(p *filterParser, _ []string) error { p.master = "-"; return nil }},
			{name: "type", args: 1, apply: func(p *filterParser, v []string) error { p.kind = v[0]; return nil }},
			{name: "dev", args: 1, apply: (*filterParser).setDev},
			{name: "help", abbrev: true, apply: func(*filterParser, []string) error { return usage(ipUsage) }},
		},
	)
	addrFilterKeywords = slices.Concat(
		[]keyword[*filterParser]{{name: "to", args: 1, apply: (*filterParser).setTo}},
		linkFilterKeywords,
	)
)

// parseLinkFilter parses ip link show's (addr false) and ip address show's
// selectors.
func parseLinkFilter(a *args, env names, addr bool) (*linkFilter, error) {
	p := &filterParser{linkFilter: &linkFilter{}, env: env}
	table := linkFilterKeywords
	if addr {
		table = addrFilterKeywords
	}
	if err := walk(a, p, table, (*filterParser).positional); err != nil {
		return nil, err
	}
	return p.linkFilter, nil
}

func (p *filterParser) positional(a *args) error { return p.setDev([]string{a.cur()}) }

func (p *filterParser) setDev(v []string) error {
	if p.dev != "" {
		return duparg2("dev", v[0])
	}
	p.dev = v[0]
	return nil
}

func (p *filterParser) setTo(v []string) error {
	pfx, _, ok := parsePrefix(v[0], false)
	if !ok {
		return errPrefix(v[0])
	}
	p.to, p.hasTo = pfx, true
	return nil
}

func (p *filterParser) setMaster(v []string) error {
	if _, ok := p.env.link(v[0]); !ok {
		return invarg("Device does not exist\n", v[0])
	}
	p.master = v[0]
	return nil
}

// ---- type bridge ----

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
		i++
		v := opts[i]
		switch k {
		case "ageing_time":
			n, ok := parseUint32(v)
			if !ok {
				return nil, invarg("invalid ageing_time", v)
			}
			ageing = ptr(time.Duration(n) * 10 * time.Millisecond)
		case "stp_state":
			n, ok := parseUint32(v)
			if !ok {
				return nil, invarg("invalid stp_state", v)
			}
			if n != 0 {
				return nil, shell.Failf(2, "nsemu: STP is not emulated (stp_state %s)", v)
			}
		}
	}
	return ageing, nil
}
