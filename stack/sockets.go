package stack

import (
	"context"
	"net"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
)

func fullAddr(ap netip.AddrPort) tcpip.FullAddress {
	fa := tcpip.FullAddress{Port: ap.Port()}
	if ap.Addr().IsValid() && !ap.Addr().IsUnspecified() {
		fa.Addr = tcpAddr(ap.Addr())
	}
	return fa
}

func (st *Stack) checkRoute(dst netip.Addr) error {
	_, err := st.RouteGet(dst)
	return err
}

// DialTCP opens a TCP connection from this namespace. The connection is a
// net.Conn; it blocks like a socket.
func (st *Stack) DialTCP(ctx context.Context, dst netip.AddrPort) (net.Conn, error) {
	if err := st.checkRoute(dst.Addr()); err != nil {
		return nil, err
	}
	c, err := gonet.DialContextTCP(ctx, st.s, fullAddr(dst), ipv4.ProtocolNumber)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListenTCP listens for TCP connections in this namespace (an invalid or
// unspecified address listens on all addresses).
func (st *Stack) ListenTCP(addr netip.AddrPort) (net.Listener, error) {
	l, err := gonet.ListenTCP(st.s, fullAddr(addr), ipv4.ProtocolNumber)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DialUDP opens a connected UDP socket.
func (st *Stack) DialUDP(dst netip.AddrPort) (*gonet.UDPConn, error) {
	if err := st.checkRoute(dst.Addr()); err != nil {
		return nil, err
	}
	ra := fullAddr(dst)
	c, err := gonet.DialUDP(st.s, nil, &ra, ipv4.ProtocolNumber)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListenUDP binds a UDP socket.
func (st *Stack) ListenUDP(addr netip.AddrPort) (*gonet.UDPConn, error) {
	la := fullAddr(addr)
	c, err := gonet.DialUDP(st.s, &la, nil, ipv4.ProtocolNumber)
	if err != nil {
		return nil, err
	}
	return c, nil
}
