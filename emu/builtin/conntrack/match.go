package conntrack

import (
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// matches says whether r's family and filter select e, as conntrack's
// filter of a dump does.
func (r *Request) matches(e *gstack.ConnTrackEntry) bool {
	f := &r.Filter
	if family(e) != r.Family || (f.Proto != Any && f.Proto != int(e.TransProto)) {
		return false
	}
	for _, c := range []struct {
		p netip.Prefix
		a tcpip.Address
	}{{f.OrigSrc, e.Original.SrcAddr}, {f.OrigDst, e.Original.DstAddr}, {f.ReplySrc, e.Reply.SrcAddr}, {f.ReplyDst, e.Reply.DstAddr}} {
		if c.p.IsValid() && !c.p.Contains(addrOf(c.a)) {
			return false
		}
	}
	ports := [4]uint16{e.Original.SrcPort, e.Original.DstPort, e.Reply.SrcPort, e.Reply.DstPort}
	for i, want := range f.Ports {
		if want != Any && int(ports[i]) != want {
			return false
		}
	}
	if !f.icmpMatches(e) || (f.State != "" && f.State != e.TCPState) {
		return false
	}
	return f.natMatches(e)
}

// icmpMatches compares --icmp-type, --icmp-code and --icmp-id with the
// original direction (an echo request).
func (f *Filter) icmpMatches(e *gstack.ConnTrackEntry) bool {
	have := [3]int{icmpTypes(e.TransProto)[0], 0, int(e.Original.SrcPort)}
	for i, want := range f.ICMP {
		if want != Any && have[i] != want {
			return false
		}
	}
	return true
}

// natMatches is -n, -g and -j: the connection's source (destination) was
// rewritten, to the address given if one was.
func (f *Filter) natMatches(e *gstack.ConnTrackEntry) bool {
	o, r := &e.Original, &e.Reply
	snat := r.DstAddr != o.SrcAddr || (!isICMP(e) && r.DstPort != o.SrcPort)
	dnat := r.SrcAddr != o.DstAddr || (!isICMP(e) && r.SrcPort != o.DstPort)
	sel := []struct {
		on   bool
		addr tcpip.Address
	}{{snat, r.DstAddr}, {dnat, r.SrcAddr}}
	for i, s := range f.NAT[:2] {
		if s.On && !natSel(s, sel[i].on, sel[i].addr) {
			return false
		}
	}
	if s := f.NAT[2]; s.On {
		return natSel(s, sel[0].on, sel[0].addr) || natSel(s, sel[1].on, sel[1].addr)
	}
	return true
}

func natSel(s NATSel, done bool, to tcpip.Address) bool {
	return done && (!s.Addr.IsValid() || s.Addr == addrOf(to))
}

// sameTuple says whether the filter's whole tuple (for -G) is t, the
// entry's original or reply direction.
func (f *Filter) sameTuple(e *gstack.ConnTrackEntry, t *gstack.ConnTrackTuple, reply bool) bool {
	if f.Proto != int(e.TransProto) || f.OrigSrc.Addr() != addrOf(t.SrcAddr) || f.OrigDst.Addr() != addrOf(t.DstAddr) {
		return false
	}
	if !isICMP(e) {
		return f.Ports[0] == int(t.SrcPort) && f.Ports[1] == int(t.DstPort)
	}
	types := icmpTypes(e.TransProto)
	typ, id := types[0], t.SrcPort
	if reply {
		typ, id = types[1], t.DstPort
	}
	return f.ICMP == [3]int{typ, 0, int(id)}
}

func isICMP(e *gstack.ConnTrackEntry) bool {
	return e.TransProto == header.ICMPv4ProtocolNumber || e.TransProto == header.ICMPv6ProtocolNumber
}

func addrOf(a tcpip.Address) netip.Addr {
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return ip
}
