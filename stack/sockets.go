package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
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
// opts say which program holds it (ss -p).
func (st *Stack) DialTCP(ctx context.Context, dst netip.AddrPort, opts ...SockOpt) (net.Conn, error) {
	src, err := st.source(dst.Addr())
	if err != nil {
		return nil, err
	}
	if len(opts) > 0 {
		ctx = context.WithValue(ctx, sockOptsKey{}, registration{st, opts})
	}
	return dialTCP(ctx, st.s, src, fullAddr(dst))
}

// sockOptsKey is the context key of a dial's registration.
type sockOptsKey struct{}

// registration is a dial's socket options and the stack that records
// them.
type registration struct {
	st   *Stack
	opts []SockOpt
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
	if r, ok := ctx.Value(sockOptsKey{}).(registration); ok {
		r.st.registerSock(ep, r.opts)
	}
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
// binds a port whose last connection is still in TIME-WAIT. opts say which
// program holds it (ss -p) and its backlog; the connections it accepts
// belong to the same program.
func (st *Stack) ListenTCP(addr netip.AddrPort, opts ...SockOpt) (net.Listener, error) {
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
	l := gonet.NewTCPListener(st.s, &wq, ep)
	if len(opts) == 0 {
		return l, nil
	}
	st.registerSock(ep, opts)
	m := st.sockMeta(ep)
	return &ownedListener{TCPListener: l, st: st, owner: m.owner, owned: m.owned}, nil
}

// DialUDP opens a connected UDP socket, bound to the address the route
// picks. opts say which program holds it (ss -p).
func (st *Stack) DialUDP(dst netip.AddrPort, opts ...SockOpt) (*gonet.UDPConn, error) {
	src, err := st.source(dst.Addr())
	if err != nil {
		return nil, err
	}
	ra := fullAddr(dst)
	return st.openUDP(src, &ra, opts)
}

// ListenUDP binds a UDP socket. opts say which program holds it (ss -p).
func (st *Stack) ListenUDP(addr netip.AddrPort, opts ...SockOpt) (*gonet.UDPConn, error) {
	return st.openUDP(fullAddr(addr), nil, opts)
}

// openUDP is gonet.DialUDP, keeping the endpoint to record its owner.
func (st *Stack) openUDP(la tcpip.FullAddress, ra *tcpip.FullAddress, opts []SockOpt) (*gonet.UDPConn, error) {
	var wq waiter.Queue
	ep, terr := st.s.NewEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return nil, errors.New(terr.String())
	}
	fail := func(op string, a tcpip.FullAddress, e tcpip.Error) error {
		ep.Close()
		return &net.OpError{Op: op, Net: "udp", Addr: &net.UDPAddr{IP: net.IP(a.Addr.AsSlice()), Port: int(a.Port)}, Err: errors.New(e.String())}
	}
	if e := ep.Bind(la); e != nil {
		return nil, fail("bind", la, e)
	}
	if ra != nil {
		if e := ep.Connect(*ra); e != nil {
			return nil, fail("connect", *ra, e)
		}
	}
	if len(opts) > 0 {
		st.registerSock(ep, opts)
	}
	return gonet.NewUDPConn(&wq, ep), nil
}

// ownedListener is a listener whose program also holds the connections
// it accepts, on the next descriptors (ss -p).
type ownedListener struct {
	*gonet.TCPListener
	st    *Stack
	owner Owner
	owned bool
	// mu guards conns, the endpoints accepted so far that may still be
	// open.
	mu    sync.Mutex
	conns []*tcp.Endpoint
}

// Accept implements net.Listener.Accept: it records the connection's
// owner, on the lowest descriptor after the listener's that none of its
// open connections holds.
func (l *ownedListener) Accept() (net.Conn, error) {
	c, err := l.TCPListener.Accept()
	if err != nil || !l.owned {
		return c, err
	}
	la, ra := c.LocalAddr().(*net.TCPAddr), c.RemoteAddr().(*net.TCPAddr)
	id := gstack.TransportEndpointID{
		LocalPort: uint16(la.Port), LocalAddress: tcpAddr(la.AddrPort().Addr().Unmap()),
		RemotePort: uint16(ra.Port), RemoteAddress: tcpAddr(ra.AddrPort().Addr().Unmap()),
	}
	ep, ok := l.st.s.FindTransportEndpoint(ipv4.ProtocolNumber, tcp.ProtocolNumber, id, 0).(*tcp.Endpoint)
	if !ok {
		return c, nil
	}
	l.st.registerSock(ep, []SockOpt{OwnedBy(l.nextOwner(ep))})
	return c, nil
}

// nextOwner is the owner of a newly accepted ep: the listener's program,
// on the lowest free descriptor after the listener's.
func (l *ownedListener) nextOwner(ep *tcp.Endpoint) Owner {
	l.mu.Lock()
	defer l.mu.Unlock()
	used := map[int]bool{}
	live := l.conns[:0]
	for _, e := range l.conns {
		if !e.SocketQueues().Closed {
			live = append(live, e)
			used[l.st.sockMeta(e).owner.FD] = true
		}
	}
	l.conns = append(live, ep)
	o := l.owner
	for o.FD++; used[o.FD]; o.FD++ {
	}
	return o
}
