package stack

import (
	"net/netip"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/nested"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// ARP as Linux answers it. gVisor answers a request only for an address of
// the device it arrives on (Linux's arp_ignore=1) and never for another
// host. Linux, a weak host, answers by default for any of its addresses
// (one on lo too), and with proxy_arp for the hosts it routes to through
// another device; arp_ignore and arp_announce tune both ways. Each device's
// endpoint is wrapped in a nicLink, which sees a request before gVisor does
// and a request gVisor sends before it leaves.

// nicLink is the link endpoint the stack gives gVisor for a device: the
// device's own endpoint with the stack's ARP policy in front.
type nicLink struct {
	nested.Endpoint
	st    *Stack
	id    tcpip.NICID
	child Link
}

var _ gstack.LinkEndpoint = (*nicLink)(nil)

func newNICLink(st *Stack, id tcpip.NICID, child Link) *nicLink {
	l := &nicLink{st: st, id: id, child: child}
	l.Endpoint.Init(child, l)
	return l
}

// DeliverNetworkPacket implements stack.NetworkDispatcher. An ARP frame
// goes to the ARP sockets (arping's) open on the device, as every frame
// goes to Linux's packet sockets, then an ARP request meets the stack's
// policy (arpIn); pkt is borrowed, as gVisor's.
func (l *nicLink) DeliverNetworkPacket(proto tcpip.NetworkProtocolNumber, pkt *gstack.PacketBuffer) {
	if proto == header.ARPProtocolNumber {
		l.st.tapARP(l.id, pkt)
		if !l.st.arpIn(l.id, l.LinkAddress(), pkt) {
			return
		}
	}
	l.Endpoint.DeliverNetworkPacket(proto, pkt)
}

// WritePackets implements stack.LinkEndpoint: an ARP request gVisor sends
// gets the sender address arp_announce picks. It takes ownership of pkts
// and never blocks (the device's endpoint does not).
func (l *nicLink) WritePackets(pkts gstack.PacketBufferList) (int, tcpip.Error) {
	for _, pkt := range pkts.AsSlice() {
		if pkt.NetworkProtocolNumber == header.ARPProtocolNumber {
			l.st.arpOut(l.id, pkt)
		}
	}
	return l.Endpoint.WritePackets(pkts)
}

// SetSegmentOnReceive passes the forwarding switch on to the device's
// endpoint (forwardingAware).
func (l *nicLink) SetSegmentOnReceive(on bool) {
	if fa, ok := l.child.(forwardingAware); ok {
		fa.SetSegmentOnReceive(on)
	}
}

// arpRequest is the part of an ARP request the policy reads.
type arpRequest struct {
	sha    tcpip.LinkAddress
	sip    netip.Addr
	tip    netip.Addr
	parsed bool
}

func parseARPRequest(pkt *gstack.PacketBuffer) arpRequest {
	b, ok := pkt.Data().PullUp(header.ARPSize)
	if !ok {
		return arpRequest{}
	}
	h := header.ARP(b)
	if !h.IsValid() || h.Op() != header.ARPRequest {
		return arpRequest{}
	}
	return arpRequest{
		sha:    tcpip.LinkAddress(h.HardwareAddressSender()),
		sip:    netip.AddrFrom4([4]byte(h.ProtocolAddressSender())),
		tip:    netip.AddrFrom4([4]byte(h.ProtocolAddressTarget())),
		parsed: true,
	}
}

// arpIn applies the kernel's arp_process to a frame arriving on NIC id
// (hardware address mac) and reports whether gVisor should see it. A request for one of the
// namespace's addresses is answered (by gVisor when the address is the
// receiving device's) unless arp_ignore says not to or the kernel's input
// route refuses the sender (a martian, rp_filter); a request for another
// host is answered with proxy_arp. Replies and other frames go to gVisor.
func (st *Stack) arpIn(id tcpip.NICID, mac tcpip.LinkAddress, pkt *gstack.PacketBuffer) bool {
	v := st.view.Load()
	in := v.byID[id]
	if in == nil || in.loopback {
		return true
	}
	st.arpRefresh(id, pkt)
	req := parseARPRequest(pkt)
	if !req.parsed {
		return true // not a request: gVisor's
	}
	if req.sip.IsUnspecified() {
		st.arpForProbe(v, in, mac, req)
		return false
	}
	if req.tip.IsMulticast() || (req.tip.IsLoopback() && in.conf.RouteLocalnet == 0) {
		return false
	}
	if v.local[req.tip] == nil && !req.tip.IsLoopback() && !v.localRoutes && in.conf.ProxyARP == 0 {
		// Neither an address of ours nor a proxy's to answer: what the
		// route lookup says would change nothing. The common case of a
		// broadcast to a bridge's thousand ports, each a namespace that
		// is not asked.
		return false
	}
	r, err := v.input(Flow{Dst: req.tip, Src: req.sip, IIF: in.name})
	if err != nil {
		return false
	}
	if r.Type == "local" {
		return st.arpForLocal(v, in, mac, req)
	}
	if r.unicast() && r.Dev != in.name && in.conf.ProxyARP != 0 {
		st.arpReply(in.id, mac, req)
	}
	return false
}

// arpRefresh is the kernel's update of a known neighbour from any ARP
// frame it sends: a request (broadcast to the whole link, for whichever
// address) or a gratuitous reply (sender and target addresses alike,
// arping -A) gives the sender's entry its hardware address, STALE when
// that address changed, as neigh_update with override does. An unknown
// sender gets no entry (arp_accept 0). gVisor alone would update an entry
// only from a request for its own address, and would keep the old address
// of a reachable entry on a gratuitous reply. pkt is borrowed.
func (st *Stack) arpRefresh(id tcpip.NICID, pkt *gstack.PacketBuffer) {
	f, ok := parseARPFrame(pkt)
	if !ok || f.SIP.IsUnspecified() || (f.Op != header.ARPRequest && f.SIP != f.TIP) || !st.neighs.has(neighKey{id, tcpAddr(f.SIP)}) {
		return
	}
	entries, err := st.s.Neighbors(id, ipv4.ProtocolNumber)
	if err != nil {
		return
	}
	for _, e := range entries {
		if netAddr(e.Addr) == f.SIP {
			if n, err := st.s.GetNICByID(id); err == nil {
				_ = n.HandleNeighborProbe(ipv4.ProtocolNumber, e.Addr, f.SHA)
			}
			return
		}
	}
}

// arpForProbe answers a duplicate address probe (sender 0.0.0.0, arping
// -D) for one of the namespace's addresses, as arp_process does: a reply
// to the prober's MAC, for 0.0.0.0, and no neighbour entry (gVisor would
// make one for 0.0.0.0).
func (st *Stack) arpForProbe(v *view, in *nicView, mac tcpip.LinkAddress, req arpRequest) {
	owner := v.local[req.tip]
	if owner == nil || arpIgnored(in.conf.ARPIgnore, in, owner, req) {
		return
	}
	st.arpReply(in.id, mac, req)
}

// arpForLocal answers a request for a local address, as arp_ignore says.
func (st *Stack) arpForLocal(v *view, in *nicView, mac tcpip.LinkAddress, req arpRequest) bool {
	owner := v.local[req.tip]
	if arpIgnored(in.conf.ARPIgnore, in, owner, req) {
		return false
	}
	if owner == in {
		return true // gVisor answers, and learns the sender
	}
	st.arpReply(in.id, mac, req)
	return false
}

// arpIgnored is the kernel's arp_ignore: whether a request for an address
// of owner arriving on in goes unanswered.
func arpIgnored(level int32, in, owner *nicView, req arpRequest) bool {
	switch level {
	case 1:
		return owner != in
	case 2:
		if owner != in {
			return true
		}
		for _, a := range in.addrs {
			if a.Addr() == req.tip && a.Contains(req.sip) {
				return false
			}
		}
		return true
	case 8:
		return true
	}
	// 0, 3 (no address has host scope but 127/8, refused earlier), 4 to
	// 7 (reserved) and any other value: answer.
	return false
}

// arpReply answers req on NIC id: the requested address is at mac, the
// device's hardware address. It does not block.
func (st *Stack) arpReply(id tcpip.NICID, mac tcpip.LinkAddress, req arpRequest) {
	b := make([]byte, header.ARPSize)
	h := header.ARP(b)
	h.SetIPv4OverEthernet()
	h.SetOp(header.ARPReply)
	copy(h.HardwareAddressSender(), mac)
	copy(h.ProtocolAddressSender(), req.tip.AsSlice())
	copy(h.HardwareAddressTarget(), req.sha)
	copy(h.ProtocolAddressTarget(), req.sip.AsSlice())
	_ = st.s.WritePacketToRemote(id, req.sha, header.ARPProtocolNumber, buffer.MakeWithData(b))
}

// arpOut gives an ARP request gVisor sends on NIC id the sender address
// arp_announce picks. gVisor announces the source of the packet that
// prompted the request when that address is the device's, its primary
// address otherwise; arp_announce 1 keeps the address only when it is in
// the target's subnet, 2 always takes the device's address in the
// target's subnet (inet_select_addr). pkt is borrowed; its ARP header is
// rewritten in place.
func (st *Stack) arpOut(id tcpip.NICID, pkt *gstack.PacketBuffer) {
	v := st.view.Load()
	out := v.byID[id]
	if out == nil || out.conf.ARPAnnounce != 1 && out.conf.ARPAnnounce != 2 {
		return
	}
	h := header.ARP(pkt.NetworkHeader().Slice())
	if len(h) < header.ARPSize || !h.IsValid() || h.Op() != header.ARPRequest {
		return
	}
	sip := netip.AddrFrom4([4]byte(h.ProtocolAddressSender()))
	tip := netip.AddrFrom4([4]byte(h.ProtocolAddressTarget()))
	if out.conf.ARPAnnounce == 1 && onLink(out, sip, tip) {
		return
	}
	if best := selectAddr(out, tip); best.IsValid() {
		copy(h.ProtocolAddressSender(), best.AsSlice())
	}
}

// onLink reports whether a and b are in the subnet of one of n's
// addresses (inet_addr_onlink).
func onLink(n *nicView, a, b netip.Addr) bool {
	for _, p := range n.addrs {
		if p.Contains(a) && p.Contains(b) {
			return true
		}
	}
	return false
}

// selectAddr is the kernel's inet_select_addr for device n and
// destination dst: its first address whose subnet holds dst, else its
// first address.
func selectAddr(n *nicView, dst netip.Addr) netip.Addr {
	for _, p := range n.addrs {
		if p.Contains(dst) {
			return p.Addr()
		}
	}
	if len(n.addrs) > 0 {
		return n.addrs[0].Addr()
	}
	return netip.Addr{}
}
