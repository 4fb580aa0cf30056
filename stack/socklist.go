package stack

import (
	"net/netip"
	"slices"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

// Owner is the emulated program that holds a socket, as ss -p shows it:
// users:(("nc",pid=4001,fd=3)).
type Owner struct {
	Name    string
	PID, FD int
}

// SockOpt sets up a socket this stack opens for a program (ListenTCP,
// DialTCP, ListenUDP, DialUDP).
type SockOpt func(*sockMeta)

// OwnedBy records the program that holds the socket. A listener's
// accepted connections belong to the same program, on the next free
// descriptors.
func OwnedBy(o Owner) SockOpt { return func(m *sockMeta) { m.owner, m.owned = o, true } }

// Backlog is a listener's backlog (ss's Send-Q of a LISTEN socket); Linux
// caps it at net.core.somaxconn, 4096.
func Backlog(n int) SockOpt {
	return func(m *sockMeta) { m.backlog = min(max(n, 0), somaxconn) }
}

// somaxconn is net.core.somaxconn's default.
const somaxconn = 4096

// sockMeta is what the stack knows of a socket besides gVisor's endpoint.
type sockMeta struct {
	owner   Owner
	owned   bool
	backlog int
	// id numbers the sockets of the stack in the order the stack first
	// saw them (gVisor's endpoints have no id of their own).
	id uint64
}

// sockTable is a stack's registry of sockets opened for programs, keyed by
// gVisor's endpoint (a pointer, comparable whatever the interface it is
// seen through). Entries of endpoints that left the stack are pruned as
// the table grows.
type sockTable struct {
	mu      sync.Mutex
	byEP    map[any]sockMeta
	pruneAt int
	lastID  uint64
}

// registerSock records ep's meta.
func (st *Stack) registerSock(ep tcpip.Endpoint, opts []SockOpt) {
	m := sockMeta{backlog: somaxconn}
	for _, o := range opts {
		o(&m)
	}
	t := &st.socks
	t.mu.Lock()
	defer t.mu.Unlock()
	t.addLocked(ep, m)
	st.pruneLocked(ep)
}

// addLocked enters ep with a new id. It expects t.mu held.
func (t *sockTable) addLocked(ep any, m sockMeta) sockMeta {
	if t.byEP == nil {
		t.byEP, t.pruneAt = map[any]sockMeta{}, 64
	}
	t.lastID++
	m.id = t.lastID
	t.byEP[ep] = m
	return m
}

// pruneLocked forgets the endpoints that left the stack, but keep, once
// the table has doubled since the last time. It expects st.socks.mu held.
func (st *Stack) pruneLocked(keep any) {
	t := &st.socks
	if len(t.byEP) >= t.pruneAt {
		live := map[any]bool{}
		for _, e := range st.s.RegisteredEndpoints() {
			live[e] = true
		}
		for e := range t.byEP {
			if !live[e] && e != keep {
				delete(t.byEP, e)
			}
		}
		t.pruneAt = max(64, 2*len(t.byEP))
	}
}

// sockMeta returns ep's meta, entering it (with no owner) if the stack
// has not seen it before: a connection waiting to be accepted, or a
// socket no program asked to own.
func (st *Stack) sockMeta(ep any) sockMeta {
	t := &st.socks
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok := t.byEP[ep]; ok {
		return m
	}
	m := t.addLocked(ep, sockMeta{backlog: somaxconn})
	st.pruneLocked(ep)
	return m
}

// Socket is one TCP or UDP socket of the namespace, as ss lists it.
type Socket struct {
	// Proto is "tcp" or "udp".
	Proto string
	// State is Linux's state number (include/net/tcp_states.h): 1
	// ESTABLISHED … 7 CLOSE (UNCONN) … 10 LISTEN, 11 CLOSING.
	State int
	// Local and Remote are the addresses; an unbound side is 0.0.0.0:0.
	Local, Remote netip.AddrPort
	// RecvQ and SendQ are ss's queue columns: for a listener the accept
	// queue's length and the backlog; for a connection the bytes unread
	// and the bytes sent unacknowledged or unsent.
	RecvQ, SendQ int
	// Owner is the program holding the socket; nil for none (a socket in
	// TIME-WAIT, or one the program closed).
	Owner *Owner
	// Orphan: the program closed the socket while TCP finishes with it.
	Orphan bool
	// Shutdown is Linux's sk_shutdown: 1 receiving ended, 2 sending.
	Shutdown int
	// ID is gVisor's unique endpoint id, stable for the socket's life.
	ID uint64
	// Timer is Linux's timer kind (1 on, 2 keepalive, 4 persist; 0 none)
	// and TimerLeft the time to its expiry.
	Timer     int
	TimerLeft time.Duration
	// Dev is the device the socket is bound to (SO_BINDTODEVICE), or "".
	Dev string
}

// Linux's TCP states (include/net/tcp_states.h).
const (
	StateEstablished = 1
	StateSynSent     = 2
	StateTimeWait    = 6
	StateClose       = 7
	StateListen      = 10
)

// Sockets lists the namespace's TCP and UDP sockets: listeners first, then
// the rest, each by local then remote address (an order that does not
// depend on which program ran first; Linux lists its hash tables' order).
// It takes the demuxer's locks and each endpoint's, one at a time.
func (st *Stack) Sockets() []Socket {
	var out []Socket
	for _, te := range st.s.RegisteredEndpoints() {
		var s Socket
		var ok bool
		switch ep := te.(type) {
		case *tcp.Endpoint:
			s, ok = st.tcpSocket(ep)
		case tcpip.Endpoint:
			s, ok = st.udpSocket(ep)
		}
		if ok {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Socket) int {
		la, lb := a.State == StateListen, b.State == StateListen
		switch {
		case la != lb && la:
			return -1
		case la != lb:
			return 1
		}
		if c := a.Local.Compare(b.Local); c != 0 {
			return c
		}
		return a.Remote.Compare(b.Remote)
	})
	return out
}

// addrPort makes an address and port of gVisor's (an empty address is
// 0.0.0.0).
func addrPort(a tcpip.Address, port uint16) netip.AddrPort {
	if a.Len() == 0 {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), port)
	}
	return netip.AddrPortFrom(netAddr(a), port)
}

// linuxState maps gVisor's TCP states to Linux's: netstack's own states
// (initial, bound, connecting, error) are CLOSE or SYN-SENT there.
func linuxState(s tcp.EndpointState) int {
	switch s {
	case tcp.StateInitial, tcp.StateBound, tcp.StateError:
		return StateClose
	case tcp.StateConnecting:
		return StateSynSent
	}
	return int(s)
}

// tcpSocket describes a TCP endpoint.
func (st *Stack) tcpSocket(ep *tcp.Endpoint) (Socket, bool) {
	id := ep.Info().(*gstack.TransportEndpointInfo).ID
	s := Socket{
		Proto: "tcp", State: linuxState(ep.EndpointState()),
		Local:  addrPort(id.LocalAddress, id.LocalPort),
		Remote: addrPort(id.RemoteAddress, id.RemotePort),
		Dev:    st.boundDev(ep),
	}
	q := ep.SocketQueues()
	s.Orphan = q.Closed && s.State != StateTimeWait && s.State != StateClose
	s.Shutdown = q.Shutdown
	switch s.State {
	case StateListen:
		s.RecvQ, s.SendQ = q.AcceptLen, q.AcceptCap
	case StateTimeWait:
	default:
		s.RecvQ, _ = ep.GetSockOptInt(tcpip.ReceiveQueueSizeOption)
		s.SendQ = max(q.SendUsed, 0)
		s.Timer, s.TimerLeft = q.Timer, q.TimerLeft
	}
	m := st.sockMeta(ep)
	s.ID = m.id
	if m.owned && !q.Closed && s.State != StateTimeWait {
		o := m.owner
		s.Owner = &o
	}
	if s.State == StateListen {
		s.SendQ = m.backlog
	}
	return s, true
}

// udpSocket describes a UDP endpoint.
func (st *Stack) udpSocket(ep tcpip.Endpoint) (Socket, bool) {
	info, ok := ep.Info().(*gstack.TransportEndpointInfo)
	if !ok || info.TransProto != udp.ProtocolNumber {
		return Socket{}, false
	}
	s := Socket{Proto: "udp", State: StateClose,
		Local:  addrPort(info.ID.LocalAddress, info.ID.LocalPort),
		Remote: addrPort(info.ID.RemoteAddress, info.ID.RemotePort),
		Dev:    st.boundDev(ep),
	}
	if transport.DatagramEndpointState(ep.State()) == transport.DatagramEndpointStateConnected {
		s.State = StateEstablished
	}
	s.RecvQ, _ = ep.GetSockOptInt(tcpip.ReceiveQueueSizeOption)
	m := st.sockMeta(ep)
	s.ID = m.id
	if m.owned {
		o := m.owner
		s.Owner = &o
	}
	return s, true
}

// boundDev is the name of the device ep is bound to, or "".
func (st *Stack) boundDev(ep tcpip.Endpoint) string {
	id := ep.SocketOptions().GetBindToDevice()
	if id == 0 {
		return ""
	}
	return st.nicName(tcpip.NICID(id))
}
