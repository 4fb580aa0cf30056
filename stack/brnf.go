package stack

import (
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/header/parse"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// BridgeNetfilter is br_netfilter: with net.bridge.bridge-nf-call-iptables=1
// (Docker turns it on), an IPv4 frame that a bridge of this namespace
// switches from port physIn to port physOut passes the namespace's
// iptables as if routed from bridge to bridge: PREROUTING, FORWARD,
// POSTROUTING, with IN=OUT=bridge. It reports whether the frame may go on.
// Rewrites (NAT) are not applied to the switched frame.
//
// frame is the whole Ethernet frame; it is not modified or released.
func (st *Stack) BridgeNetfilter(frame *gstack.PacketBuffer, bridge, physIn, physOut string) (accept bool) {
	view := frame.ToView()
	b := view.AsSlice()
	if len(b) < header.EthernetMinimumSize+header.IPv4MinimumSize || b[12] != 0x08 || b[13] != 0x00 {
		view.Release()
		return true
	}
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	view.Release()
	defer pkt.DecRef()
	if _, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize); !ok {
		return true
	}
	pkt.NetworkProtocolNumber = ipv4.ProtocolNumber
	if !parse.IPv4(pkt) {
		return true
	}
	switch pkt.TransportProtocolNumber {
	case header.TCPProtocolNumber:
		parse.TCP(pkt)
	case header.UDPProtocolNumber:
		parse.UDP(pkt)
	case header.ICMPv4ProtocolNumber:
		parse.ICMPv4(pkt)
	}
	st.setPhys(pkt, physIn, physOut)
	defer st.setPhys(pkt, "", "")
	defer func() {
		// gVisor's NAT targets expect a route; a bridged packet has none.
		if r := recover(); r != nil {
			st.klog("nsemu: br_netfilter: a NAT rule matched a bridged packet; not emulated, accepted")
			accept = true
		}
	}()
	ipt := st.s.IPTables()
	if !ipt.CheckPrerouting(pkt, nil, bridge) {
		return false
	}
	if !ipt.CheckForward(pkt, bridge, bridge) {
		return false
	}
	return ipt.CheckPostrouting(pkt, nil, nil, bridge)
}

func (st *Stack) setPhys(pkt *gstack.PacketBuffer, in, out string) {
	st.traceMu.Lock()
	defer st.traceMu.Unlock()
	if in == "" {
		delete(st.phys, pkt)
		return
	}
	if st.phys == nil {
		st.phys = map[*gstack.PacketBuffer][2]string{}
	}
	st.phys[pkt] = [2]string{in, out}
}

// physOf returns the bridge ports a bridged packet is crossing.
func (st *Stack) physOf(pkt *gstack.PacketBuffer) (in, out string, ok bool) {
	st.traceMu.Lock()
	defer st.traceMu.Unlock()
	p, ok := st.phys[pkt]
	return p[0], p[1], ok
}
