package iproute2

// The JSON shapes of ip -json link, address, route and neigh, as
// iproute2 6.1 prints them (its field names and order).

import (
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/vethsim"
)

// linkJSON is a device under ip -json link (addrs false) or address.
func (ip *ipCmd) linkJSON(l *linkView, addrs bool) jsonObject {
	if ip.opts.brief {
		return l.briefJSON(addrs)
	}
	o := jsonObject{{"ifindex", l.index}}
	o = append(o, l.peerJSON()...)
	o = append(o, jsonField{"ifname", l.name}, jsonField{"flags", strings.Split(l.flags(), ",")},
		jsonField{"mtu", l.mtu}, jsonField{"qdisc", l.qdisc()})
	if l.master != "" {
		o = append(o, jsonField{"master", l.master})
	}
	o = append(o, jsonField{"operstate", l.oper})
	if !addrs {
		o = append(o, jsonField{"linkmode", "DEFAULT"})
	}
	o = append(o, jsonField{"group", "default"}, jsonField{"txqlen", 1000})
	if !(addrs && ip.opts.family == 4) {
		o = append(o, l.linkTypeJSON()...)
	}
	if l.peerIndex != 0 && l.netnsid >= 0 {
		o = append(o, jsonField{"link_netnsid", l.netnsid})
	}
	if ip.opts.details {
		o = append(o, l.detailsJSON()...)
	}
	if ip.opts.stats > 0 {
		o = append(o, jsonField{"stats64", statsJSON(l.counters)})
	}
	if addrs {
		o = append(o, jsonField{"addr_info", l.addrInfoJSON()})
	}
	return o
}

// peerJSON is a veth's link (a peer in the same namespace) or link_index.
func (l *linkView) peerJSON() jsonObject {
	switch {
	case l.peerName != "":
		return jsonObject{{"link", l.peerName}}
	case l.peerIndex != 0:
		return jsonObject{{"link_index", l.peerIndex}}
	}
	return nil
}

func (l *linkView) linkTypeJSON() jsonObject {
	if l.kind == emu.KindLoopback {
		return jsonObject{{"link_type", "loopback"}, {"address", "00:00:00:00:00:00"}, {"broadcast", "00:00:00:00:00:00"}}
	}
	return jsonObject{{"link_type", "ether"}, {"address", l.mac.String()}, {"broadcast", "ff:ff:ff:ff:ff:ff"}}
}

func (l *linkView) addrInfoJSON() []jsonObject {
	out := []jsonObject{}
	for _, a := range l.addrs {
		o := jsonObject{{"family", "inet"}, {"local", a.p.Addr().String()}, {"prefixlen", a.p.Bits()},
			{"scope", addrScope(a.p)}}
		if a.secondary {
			o = append(o, jsonField{"secondary", true})
		}
		out = append(out, append(o, jsonField{"label", l.name}, jsonField{"valid_life_time", uint32(4294967295)},
			jsonField{"preferred_life_time", uint32(4294967295)}))
	}
	return out
}

// briefJSON is a device under ip -json -brief link or address.
func (l *linkView) briefJSON(addrs bool) jsonObject {
	o := append(l.peerJSON(), jsonField{"ifname", l.name}, jsonField{"operstate", l.oper})
	if !addrs {
		mac := l.mac.String()
		if l.kind == emu.KindLoopback {
			mac = "00:00:00:00:00:00"
		}
		return append(o, jsonField{"address", mac}, jsonField{"flags", strings.Split(l.flags(), ",")})
	}
	info := []jsonObject{}
	for _, a := range l.addrs {
		info = append(info, jsonObject{{"local", a.p.Addr().String()}, {"prefixlen", a.p.Bits()}})
	}
	return append(o, jsonField{"addr_info", info})
}

// statsJSON is ip -json -s's stats64.
func statsJSON(c vethsim.Counters) jsonObject {
	return jsonObject{
		{"rx", jsonObject{{"bytes", c.RxBytes}, {"packets", c.RxPackets}, {"errors", 0}, {"dropped", c.RxDropped},
			{"over_errors", 0}, {"multicast", 0}}},
		{"tx", jsonObject{{"bytes", c.TxBytes}, {"packets", c.TxPackets}, {"errors", 0}, {"dropped", c.TxDropped},
			{"carrier_errors", 0}, {"collisions", 0}}},
	}
}

// routeJSON is a route under ip -json route; the listing's filters leave
// out what they leave out of the text.
func (ip *ipCmd) routeJSON(r stack.Route, f *routeFilter) jsonObject {
	var o jsonObject
	if r.Type != "" {
		o = append(o, jsonField{"type", r.Type})
	}
	o = append(o, jsonField{"dst", routeDst(r.Dst)})
	if r.Gateway.IsValid() {
		o = append(o, jsonField{"gateway", r.Gateway.String()})
	}
	if r.Dev != "" && f.dev == "" {
		o = append(o, jsonField{"dev", r.Dev})
	}
	if t := routeTable(r); f.table == 0 && t != stack.TableMain {
		o = append(o, jsonField{"table", ip.tables().name(t)})
	}
	if r.Kernel && f.proto == "" {
		o = append(o, jsonField{"protocol", "kernel"})
	}
	if s := routeScope(r); s != "" && f.scope == "" {
		o = append(o, jsonField{"scope", s})
	}
	if r.Src.IsValid() {
		o = append(o, jsonField{"prefsrc", r.Src.String()})
	}
	if r.Metric != 0 {
		o = append(o, jsonField{"metric", r.Metric})
	}
	flags := []string{}
	if r.OnLink {
		flags = append(flags, "onlink")
	}
	if r.Type != "local" && r.Dev != "" && linkDown(ip.ns, r.Dev) {
		flags = append(flags, "linkdown")
	}
	return append(o, jsonField{"flags", flags})
}

// routeGetJSON is ip -json route get's answer.
func (ip *ipCmd) routeGetJSON(q stack.Flow, r stack.Route) jsonObject {
	var o jsonObject
	if r.Type != "" {
		o = append(o, jsonField{"type", r.Type})
	}
	o = append(o, jsonField{"dst", q.Dst.String()})
	if q.Src.IsValid() {
		o = append(o, jsonField{"from", q.Src.String()})
	}
	if r.Gateway.IsValid() {
		o = append(o, jsonField{"gateway", r.Gateway.String()})
	}
	dev := r.Dev
	if q.IIF != "" && (r.Type == "local" || r.Type == "broadcast") {
		dev = "lo"
	}
	o = append(o, jsonField{"dev", dev})
	if t := routeTable(r); t != stack.TableMain {
		o = append(o, jsonField{"table", ip.tables().name(t)})
	}
	if q.IIF == "" && !q.Src.IsValid() && r.Src.IsValid() {
		o = append(o, jsonField{"prefsrc", r.Src.String()})
	}
	if q.Mark != 0 {
		o = append(o, jsonField{"mark", q.Mark})
	}
	o = append(o, jsonField{"flags", []string{}})
	if q.IIF == "" {
		o = append(o, jsonField{"uid", 0})
	}
	cache := []string{}
	if f := cacheFlags(q, r); f != "" {
		cache = strings.Split(f, ",")
	}
	o = append(o, jsonField{"cache", cache})
	if q.IIF != "" {
		o = append(o, jsonField{"iif", q.IIF})
	}
	return o
}

// neighJSON is an entry under ip -json neigh; dev says whether to name
// its device.
func neighJSON(n stack.Neighbor, dev bool) jsonObject {
	o := jsonObject{{"dst", n.Addr.String()}}
	if dev {
		o = append(o, jsonField{"dev", n.Dev})
	}
	if n.MAC != "" && n.State != "INCOMPLETE" && n.State != "FAILED" {
		o = append(o, jsonField{"lladdr", n.MAC.String()})
	}
	return append(o, jsonField{"state", []string{n.State}})
}
