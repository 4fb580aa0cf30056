package stack

import (
	"errors"
	"fmt"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// OpenUDP opens a UDP socket with a receive buffer of rcvBuf bytes (as
// SO_RCVBUF; 0 keeps the default): bound to local (an unspecified address
// or port lets the stack choose), and connected to remote when it is
// valid, from the address the route to it picks. A measuring tool uses it
// so that a burst its peer sends while its reader waits to be scheduled
// on the host is not lost to a small buffer: the emulated machine's CPU is
// not what is measured.
func (st *Stack) OpenUDP(local, remote netip.AddrPort, rcvBuf int) (*gonet.UDPConn, error) {
	la := fullAddr(local)
	if remote.IsValid() && !local.Addr().IsValid() {
		src, err := st.source(remote.Addr())
		if err != nil {
			return nil, err
		}
		la.Addr = src.Addr
	}
	var wq waiter.Queue
	ep, terr := st.s.NewEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return nil, errors.New(terr.String())
	}
	if rcvBuf > 0 {
		ep.SocketOptions().SetReceiveBufferSize(int64(rcvBuf), true)
	}
	if e := ep.Bind(la); e != nil {
		ep.Close()
		return nil, fmt.Errorf("bind: %s", e)
	}
	if remote.IsValid() {
		if e := ep.Connect(fullAddr(remote)); e != nil {
			ep.Close()
			return nil, fmt.Errorf("connect: %s", e)
		}
	}
	return gonet.NewUDPConn(&wq, ep), nil
}
