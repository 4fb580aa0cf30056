package iproute2

// ip -details link: the link's driver data (veth; a bridge's parameters;
// a bridge port's bridge_slave), as iproute2 6.1 prints them. Spanning
// tree and multicast snooping are not emulated: their fields show a
// bridge with STP off and the kernel's defaults; timers that run show 0.

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
)

// detail is one "name value" of a details line, with its JSON field.
type detail struct {
	text string // printed, with its value, after a space
	key  string // JSON key ("" when not in JSON)
	val  any
}

// detailsLines are the lines ip -d adds after link/ether: the device's
// common attributes ending the link line, then its kind's lines.
func (l *linkView) detailsLines() (linkTail string, lines []string) {
	linkTail = " " + joinDetails(l.commonDetails()) + " "
	kind := ""
	switch l.kind {
	case emu.KindVeth:
		kind = "veth"
	case emu.KindBridge:
		kind = "bridge " + joinDetails(l.bridgeDetails())
	case emu.KindVxlan:
		kind = "vxlan " + joinDetails(vxlanDetails(l.d.Vxlan().Config()))
	}
	var kinds []string
	if kind != "" {
		kinds = append(kinds, kind)
	}
	if l.master != "" {
		kinds = append(kinds, "bridge_slave "+joinDetails(l.portDetails()))
	}
	tail := joinDetails(l.queueDetails()) + " "
	if len(kinds) == 0 {
		return linkTail + tail, nil
	}
	for i := range kinds {
		kinds[i] = "    " + kinds[i] + " "
	}
	kinds[len(kinds)-1] += tail
	return linkTail, kinds
}

func joinDetails(ds []detail) string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		if d.text != "" { // a JSON-only field
			parts = append(parts, d.text)
		}
	}
	return strings.Join(parts, " ")
}

// commonDetails are promiscuity, allmulti and the MTU bounds (iproute2
// prints two spaces after promiscuity's value).
func (l *linkView) commonDetails() []detail {
	promisc, minMTU, maxMTU := 0, 68, 65535
	if l.master != "" {
		promisc = 1
	}
	if l.kind == emu.KindLoopback {
		minMTU, maxMTU = 0, 0
	}
	return []detail{
		{fmt.Sprintf("promiscuity %d ", promisc), "promiscuity", promisc},
		{fmt.Sprintf("allmulti %d", promisc), "allmulti", promisc},
		{fmt.Sprintf("minmtu %d", minMTU), "min_mtu", minMTU},
		{fmt.Sprintf("maxmtu %d", maxMTU), "max_mtu", maxMTU},
	}
}

// queueDetails end the details: addrgenmode, queues, offload sizes.
func (l *linkView) queueDetails() []detail {
	q, tso := 1, 524280
	if l.kind == emu.KindVeth {
		q = runtime.NumCPU()
		if l.d != nil {
			q = l.d.Namespace().World().NumCPU()
		}
	}
	if l.kind == emu.KindVxlan && l.d.Vxlan().Config().Dev == "" {
		tso = 65536 // inherited from the lower device, 64 KiB without one
	}
	return []detail{
		{"addrgenmode eui64", "inet6_addr_gen_mode", "eui64"},
		{fmt.Sprintf("numtxqueues %d", q), "num_tx_queues", q},
		{fmt.Sprintf("numrxqueues %d", q), "num_rx_queues", q},
		{"gso_max_size 65536", "gso_max_size", 65536},
		{"gso_max_segs 65535", "gso_max_segs", 65535},
		{fmt.Sprintf("tso_max_size %d", tso), "tso_max_size", tso},
		{"tso_max_segs 65535", "tso_max_segs", 65535},
		{"gro_max_size 65536", "gro_max_size", 65536},
	}
}

// bridgeID is a bridge's id as `ip -d` prints it: priority 8000 and its
// address, each byte in hexadecimal without a leading zero (the kernel's
// "%x:%x:..."; brctl pads them).
func bridgeID(mac string) string {
	parts := strings.Split(mac, ":")
	for i, p := range parts {
		if len(p) == 2 && p[0] == '0' {
			parts[i] = p[1:]
		}
	}
	return "8000." + strings.Join(parts, ":")
}

// timer is a bridge timer as iproute2 prints it ("%4i.%.2i").
func timer(name, key string) detail {
	return detail{name + "    0.00", key, jsonNumber("0.00")}
}

func (l *linkView) bridgeDetails() []detail {
	ageing := 300 * time.Second
	if br := l.d.Bridge(); br != nil {
		ageing = br.Ageing()
	}
	id := bridgeID(l.mac.String())
	nf := func(which string) detail {
		v := 0
		if which == "iptables" && l.d.Namespace() != nil {
			if s, _ := l.d.Namespace().Sysctl("net.bridge.bridge-nf-call-iptables"); s == "1" {
				v = 1
			}
		}
		return detail{fmt.Sprintf("nf_call_%s %d", which, v), "nf_call_" + which, v}
	}
	ds := []detail{
		{"forward_delay 1500", "forward_delay", 1500}, {"hello_time 200", "hello_time", 200},
		{"max_age 2000", "max_age", 2000},
		{fmt.Sprintf("ageing_time %d", ageing/(10*time.Millisecond)), "ageing_time", int64(ageing / (10 * time.Millisecond))},
		{"stp_state 0", "stp_state", 0}, {"priority 32768", "priority", 32768}, {"vlan_filtering 0", "vlan_filtering", 0},
		{"bridge_id " + id, "bridge_id", id}, {"designated_root " + id, "root_id", id},
		{"root_port 0", "root_port", 0}, {"root_path_cost 0", "root_path_cost", 0},
		{"topology_change 0", "topology_change", 0}, {"topology_change_detected 0", "topology_change_detected", 0},
		timer("hello_timer", "hello_timer"), timer("tcn_timer", "tcn_timer"),
		timer("topology_change_timer", "topology_change_timer"), timer("gc_timer", "gc_timer"),
		{"group_fwd_mask 0", "group_fwd_mask", "0"}, {"group_address 01:80:c2:00:00:00", "group_addr", "01:80:c2:00:00:00"},
	}
	for _, m := range bridgeMcastDetails {
		ds = append(ds, detail{fmt.Sprintf("%s %d", m.name, m.val), m.key, m.val})
	}
	return append(ds, nf("iptables"), nf("ip6tables"), nf("arptables"))
}

// bridgeMcastDetails are a bridge's multicast parameters: the kernel's
// defaults (nsemu does not snoop multicast).
var bridgeMcastDetails = []struct {
	name, key string
	val       int
}{
	{"mcast_snooping", "mcast_snooping", 1}, {"no_linklocal_learn", "no_linklocal_learn", 0},
	{"mcast_vlan_snooping", "mcast_vlan_snooping", 0}, {"mcast_router", "mcast_router", 1},
	{"mcast_query_use_ifaddr", "mcast_query_use_ifaddr", 0}, {"mcast_querier", "mcast_querier", 0},
	{"mcast_hash_elasticity", "mcast_hash_elasticity", 16}, {"mcast_hash_max", "mcast_hash_max", 4096},
	{"mcast_last_member_count", "mcast_last_member_cnt", 2}, {"mcast_startup_query_count", "mcast_startup_query_cnt", 2},
	{"mcast_last_member_interval", "mcast_last_member_intvl", 100},
	{"mcast_membership_interval", "mcast_membership_intvl", 26000},
	{"mcast_querier_interval", "mcast_querier_intvl", 25500}, {"mcast_query_interval", "mcast_query_intvl", 12500},
	{"mcast_query_response_interval", "mcast_query_response_intvl", 1000},
	{"mcast_startup_query_interval", "mcast_startup_query_intvl", 3124},
	{"mcast_stats_enabled", "mcast_stats_enabled", 0}, {"mcast_igmp_version", "mcast_igmp_version", 2},
	{"mcast_mld_version", "mcast_mld_version", 1},
}

// portDetails are a bridge port's bridge_slave fields.
func (l *linkView) portDetails() []detail {
	m := l.d.Master()
	state := bridgePortState(l)
	no, brID := 1, ""
	if m != nil {
		brID = bridgeID(m.MAC().String())
		if br := m.Bridge(); br != nil {
			for i, p := range br.Ports() {
				if p.Name == l.name {
					no = i + 1
				}
			}
		}
	}
	onOff := func(name, key string, on bool) detail {
		s := "off"
		if on {
			s = "on"
		}
		return detail{name + " " + s, key, on}
	}
	return []detail{
		{"state " + state, "state", state}, {"priority 32", "priority", 32}, {"cost 2", "cost", 2},
		onOff("hairpin", "hairpin", false), onOff("guard", "guard", false), onOff("root_block", "root_block", false),
		onOff("fastleave", "fastleave", false), onOff("learning", "learning", true), onOff("flood", "flood", true),
		{fmt.Sprintf("port_id 0x%x", 0x8000+no), "id", fmt.Sprintf("0x%x", 0x8000+no)},
		{fmt.Sprintf("port_no 0x%x", no), "no", fmt.Sprintf("0x%x", no)},
		{fmt.Sprintf("designated_port %d", 0x8000+no), "designated_port", 0x8000 + no},
		{"designated_cost 0", "designated_cost", 0},
		{"designated_bridge " + brID, "bridge_id", brID}, {"designated_root " + brID, "root_id", brID},
		timer("hold_timer", "hold_timer"), timer("message_age_timer", "message_age_timer"),
		timer("forward_delay_timer", "forward_delay_timer"),
		{"topology_change_ack 0", "topology_change_ack", 0}, {"config_pending 0", "config_pending", 0},
		onOff("proxy_arp", "proxy_arp", false), onOff("proxy_arp_wifi", "proxy_arp_wifi", false),
		{"mcast_router 1", "multicast_router", 1}, onOff("mcast_fast_leave", "", false),
		onOff("mcast_flood", "mcast_flood", true), onOff("bcast_flood", "bcast_flood", true),
		onOff("mcast_to_unicast", "mcast_to_unicast", false), onOff("neigh_suppress", "neigh_suppress", false),
		{"group_fwd_mask 0", "group_fwd_mask", "0"}, {"group_fwd_mask_str 0x0", "group_fwd_mask_str", "0x0"},
		onOff("vlan_tunnel", "vlan_tunnel", false), onOff("isolated", "isolated", false), onOff("locked", "locked", false),
	}
}

// bridgePortState is a port's STP state: forwarding while it, its carrier
// and its bridge are up (no STP), disabled otherwise.
func bridgePortState(l *linkView) string {
	if m := l.d.Master(); m != nil && m.IsUp() && l.d.IsUp() && l.d.Carrier() {
		return "forwarding"
	}
	return "disabled"
}

// detailsJSON are ip -json -details' fields: promiscuity to max_mtu,
// linkinfo, then the queue fields.
func (l *linkView) detailsJSON() jsonObject {
	o := detailsObject(l.commonDetails())
	info := jsonObject{}
	switch l.kind {
	case emu.KindVeth:
		info = append(info, jsonField{"info_kind", "veth"})
	case emu.KindBridge:
		info = append(info, jsonField{"info_kind", "bridge"}, jsonField{"info_data", detailsObject(l.bridgeDetails())})
	case emu.KindVxlan:
		info = append(info, jsonField{"info_kind", "vxlan"}, jsonField{"info_data", detailsObject(vxlanDetails(l.d.Vxlan().Config()))})
	}
	if l.master != "" {
		info = append(info, jsonField{"info_slave_kind", "bridge"}, jsonField{"info_slave_data", detailsObject(l.portDetails())})
	}
	if len(info) > 0 {
		o = append(o, jsonField{"linkinfo", info})
	}
	return append(o, detailsObject(l.queueDetails())...)
}

func detailsObject(ds []detail) jsonObject {
	var o jsonObject
	for _, d := range ds {
		if d.key != "" {
			o = append(o, jsonField{d.key, d.val})
		}
	}
	return o
}
