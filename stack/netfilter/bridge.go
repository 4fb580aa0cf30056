package netfilter

import (
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/header/parse"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Bridged is br_netfilter: with net.bridge.bridge-nf-call-iptables=1
// (Docker turns it on), an IPv4 frame that a bridge of this namespace
// switches from port physIn to port physOut passes the namespace's
// iptables as if routed from bridge to bridge: PREROUTING, FORWARD,
// POSTROUTING, with IN=OUT=bridge. It reports whether the frame may go on.
// Rewrites (NAT) are not applied to the switched frame.
//
// frame is the whole Ethernet frame; it is borrowed for the call, neither
// modified nor released. Bridged does not block.
func (ts *Tables) Bridged(frame *gstack.PacketBuffer, bridge, physIn, physOut string) (accept bool) {
	pkt := ipv4Copy(frame)
	if pkt == nil {
		return true
	}
	defer pkt.DecRef()
	ts.setPhys(pkt, physIn, physOut)
	defer ts.setPhys(pkt, "", "")
	defer func() {
		// gVisor's NAT targets expect a route; a bridged packet has none.
		if r := recover(); r != nil {
			ts.host.KernelLog("nsemu: br_netfilter: a NAT rule matched a bridged packet; not emulated, accepted")
			accept = true
		}
	}()
	ipt := ts.s.IPTables()
	return ipt.CheckPrerouting(pkt, nil, bridge) &&
		ipt.CheckForward(pkt, bridge, bridge) &&
		ipt.CheckPostrouting(pkt, nil, nil, bridge)
}

// ipv4Copy returns a parsed copy of an Ethernet frame's IPv4 packet, its
// link header kept, or nil when the frame holds no IPv4 packet. The caller
// owns the copy (DecRef).
func ipv4Copy(frame *gstack.PacketBuffer) *gstack.PacketBuffer {
	view := frame.ToView()
	b := view.AsSlice()
	if len(b) < header.EthernetMinimumSize+header.IPv4MinimumSize || b[12] != 0x08 || b[13] != 0x00 {
		view.Release()
		return nil
	}
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	view.Release()
	if _, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize); !ok {
		pkt.DecRef()
		return nil
	}
	pkt.NetworkProtocolNumber = proto4
	if !parse.IPv4(pkt) {
		pkt.DecRef()
		return nil
	}
	switch pkt.TransportProtocolNumber {
	case header.TCPProtocolNumber:
		parse.TCP(pkt)
	case header.UDPProtocolNumber:
		parse.UDP(pkt)
	case header.ICMPv4ProtocolNumber:
		parse.ICMPv4(pkt)
	}
	return pkt
}

func (ts *Tables) setPhys(pkt *gstack.PacketBuffer, in, out string) {
	p := &ts.pkt
	p.mu.Lock()
	defer p.mu.Unlock()
	if in == "" {
		delete(p.phys, pkt)
		return
	}
	if p.phys == nil {
		p.phys = map[*gstack.PacketBuffer][2]string{}
	}
	p.phys[pkt] = [2]string{in, out}
}

// physOf returns the bridge ports a bridged packet is crossing.
func (ts *Tables) physOf(pkt *gstack.PacketBuffer) (in, out string, ok bool) {
	p := &ts.pkt
	p.mu.Lock()
	defer p.mu.Unlock()
	pp, ok := p.phys[pkt]
	return pp[0], pp[1], ok
}
