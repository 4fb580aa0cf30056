package stack

import (
	"net/netip"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// TCPInfo is what Linux's TCP_INFO tells a program (iperf3's Retr and Cwnd
// columns) about one connection, read from gVisor's endpoint.
type TCPInfo struct {
	// Retransmits counts the segments the connection sent again.
	Retransmits uint64
	// Cwnd is the congestion window in bytes (segments × MSS).
	Cwnd uint64
	// MSS is the connection's maximum segment size.
	MSS int
	// RTT and RTTVar are the smoothed round-trip time and its variation.
	RTT, RTTVar time.Duration
}

// TCPInfo looks up the connected TCP endpoint local ⇄ remote of this
// namespace and reads its figures; ok is false when there is none (it
// closed). It takes the demuxer's read lock only.
func (st *Stack) TCPInfo(local, remote netip.AddrPort) (TCPInfo, bool) {
	id := gstack.TransportEndpointID{
		LocalPort: local.Port(), LocalAddress: tcpAddr(local.Addr()),
		RemotePort: remote.Port(), RemoteAddress: tcpAddr(remote.Addr()),
	}
	te := st.s.FindTransportEndpoint(ipv4.ProtocolNumber, tcp.ProtocolNumber, id, 0)
	ep, ok := te.(*tcp.Endpoint)
	if !ok {
		return TCPInfo{}, false
	}
	var ti tcpip.TCPInfoOption
	if err := ep.GetSockOpt(&ti); err != nil {
		return TCPInfo{}, false
	}
	mss, _ := ep.GetSockOptInt(tcpip.MaxSegOption)
	info := TCPInfo{Cwnd: uint64(ti.SndCwnd) * uint64(mss), MSS: mss, RTT: ti.RTT, RTTVar: ti.RTTVar}
	if s, ok := ep.Stats().(*tcp.Stats); ok {
		info.Retransmits = s.SendErrors.Retransmits.Value()
	}
	return info, true
}
