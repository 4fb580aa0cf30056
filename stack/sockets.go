package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

func fullAddr(ap netip.AddrPort) tcpip.FullAddress {
	fa := tcpip.FullAddress{Port: ap.Port()}
	if ap.Addr().IsValid() && !ap.Addr().IsUnspecified() {
		fa.Addr = tcpAddr(ap.Addr())
	}
	return fa
}

// source is the address a socket to dst is bound to: the one the route
// picks, as Linux picks it (a route's prefsrc may be an address of another
// device, lo's say, which gVisor would not choose by itself). It fails as
// the route lookup does.
func (st *Stack) source(dst netip.Addr) (tcpip.FullAddress, error) {
	r, err := st.RouteGet(dst)
	if err != nil {
		return tcpip.FullAddress{}, err
	}
	return fullAddr(netip.AddrPortFrom(r.Src, 0)), nil
}

// DialTCP opens a TCP connection from this namespace, from the address the
// route picks. The connection is a net.Conn; it blocks like a socket.
func (st *Stack) DialTCP(ctx context.Context, dst netip.AddrPort) (net.Conn, error) {
	src, err := st.source(dst.Addr())
	if err != nil {
		return nil, err
	}
	return dialTCP(ctx, st.s, src, fullAddr(dst))
}

// connectStartedKey is the context key of WithConnectStarted's function.
type connectStartedKey struct{}

// WithConnectStarted returns a context for DialTCP that calls f once the
// connection's first SYN is on its way (or the connect failed at once).
// A caller that keeps the world busy until then (World.Hold) keeps the
// warp from jumping the clock while it is still preparing the dial: a
// connect timeout armed before the dial would otherwise fire first.
func WithConnectStarted(ctx context.Context, f func()) context.Context {
	return context.WithValue(ctx, connectStartedKey{}, f)
}

// dialTCP is gonet.DialTCPWithBind, except that a handshake that has
// finished wins over a context that ended at the same moment. gonet's
// select takes either at random; a connect timeout on the emulated clock
// can fire just after the handshake (the warp jumps while the dialing
// goroutine has yet to run), and curl then reported a timeout for a
// connection that was made.
func dialTCP(ctx context.Context, s *gstack.Stack, src, dst tcpip.FullAddress) (net.Conn, error) {
	var wq waiter.Queue
	ep, terr := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return nil, errors.New(terr.String())
	}
	entry, done := waiter.NewChannelEntry(waiter.WritableEvents)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)
	if err := ctx.Err(); err != nil {
		ep.Close()
		return nil, err
	}
	if src != (tcpip.FullAddress{}) {
		if terr := ep.Bind(src); terr != nil {
			ep.Close()
			return nil, fmt.Errorf("ep.Bind(%+v) = %s", src, terr)
		}
	}
	terr = ep.Connect(dst)
	if f, ok := ctx.Value(connectStartedKey{}).(func()); ok {
		f()
	}
	if _, started := terr.(*tcpip.ErrConnectStarted); started {
		select {
		case <-done:
		case <-ctx.Done():
			select {
			case <-done: // the handshake ended first
			default:
				ep.Close()
				return nil, ctx.Err()
			}
		}
		terr = ep.LastError()
	}
	if terr != nil {
		ep.Close()
		return nil, &net.OpError{Op: "connect", Net: "tcp", Addr: &net.TCPAddr{IP: net.IP(dst.Addr.AsSlice()), Port: int(dst.Port)}, Err: errors.New(terr.String())}
	}
	return gonet.NewTCPConn(&wq, ep), nil
}

// ListenTCP listens for TCP connections in this namespace (an invalid or
// unspecified address listens on all addresses). The socket has
// SO_REUSEADDR, as nc's, nginx's and most servers' have: a new listener
// binds a port whose last connection is still in TIME-WAIT.
func (st *Stack) ListenTCP(addr netip.AddrPort) (net.Listener, error) {
	var wq waiter.Queue
	ep, terr := st.s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return nil, errors.New(terr.String())
	}
	ep.SocketOptions().SetReuseAddress(true)
	fa := fullAddr(addr)
	opErr := func(op string, e tcpip.Error) error {
		ep.Close()
		return &net.OpError{Op: op, Net: "tcp", Addr: &net.TCPAddr{IP: net.IP(fa.Addr.AsSlice()), Port: int(fa.Port)}, Err: errors.New(e.String())}
	}
	if e := ep.Bind(fa); e != nil {
		return nil, opErr("bind", e)
	}
	if e := ep.Listen(4096); e != nil {
		return nil, opErr("listen", e)
	}
	return gonet.NewTCPListener(st.s, &wq, ep), nil
}

// DialUDP opens a connected UDP socket, bound to the address the route
// picks.
func (st *Stack) DialUDP(dst netip.AddrPort) (*gonet.UDPConn, error) {
	src, err := st.source(dst.Addr())
	if err != nil {
		return nil, err
	}
	ra := fullAddr(dst)
	c, err := gonet.DialUDP(st.s, &src, &ra, ipv4.ProtocolNumber)
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
