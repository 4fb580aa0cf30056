package vxlan

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/ports"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"

	"github.com/nsemu/nsemu/emu/trace"
)

// Socket is one UDP port of a namespace's stack on which VXLAN devices
// receive, shared by the devices with that port (Linux's vxlan_sock). It
// is a gVisor transport endpoint: the stack calls HandlePacket inside
// delivery, after PREROUTING and INPUT, so it never blocks and never calls
// back into the stack.
//
// mu guards devs and refs; it is held only to read or change them (the
// devices' own locks are never taken under it).
type Socket struct {
	st   *gstack.Stack
	ns   string
	port uint16
	bus  *trace.Bus

	mu   sync.Mutex
	devs map[uint32]*Device
	refs int

	drops [numDrops]atomic.Uint64
}

var _ gstack.TransportEndpoint = (*Socket)(nil)

// Sockets are a namespace's VXLAN sockets by port. The namespace owns
// one; its mutex guards the map.
type Sockets struct {
	mu sync.Mutex
	m  map[uint16]*Socket
}

// ErrPortInUse is the kernel's answer when the port is taken by another
// socket.
var ErrPortInUse = fmt.Errorf("Address already in use")

// open returns the socket on port (made and registered with st when it
// is the first device's), with one more reference.
func (ss *Sockets) open(st *gstack.Stack, ns string, bus *trace.Bus, port uint16) (*Socket, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s := ss.m[port]; s != nil {
		s.mu.Lock()
		s.refs++
		s.mu.Unlock()
		return s, nil
	}
	s := &Socket{st: st, ns: ns, port: port, bus: bus, devs: map[uint32]*Device{}, refs: 1}
	if err := st.RegisterTransportEndpoint([]tcpip.NetworkProtocolNumber{ipv4.ProtocolNumber}, udp.ProtocolNumber,
		s.id(), s, ports.Flags{}, 0); err != nil {
		return nil, ErrPortInUse
	}
	if ss.m == nil {
		ss.m = map[uint16]*Socket{}
	}
	ss.m[port] = s
	return s, nil
}

// release drops a reference; the last one unregisters the socket.
func (ss *Sockets) release(s *Socket) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s.mu.Lock()
	s.refs--
	last := s.refs == 0
	s.mu.Unlock()
	if !last {
		return
	}
	delete(ss.m, s.port)
	s.st.UnregisterTransportEndpoint([]tcpip.NetworkProtocolNumber{ipv4.ProtocolNumber}, udp.ProtocolNumber,
		s.id(), s, ports.Flags{}, 0)
}

// Lookup returns the socket on port, or nil.
func (ss *Sockets) Lookup(port uint16) *Socket {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.m[port]
}

func (s *Socket) id() gstack.TransportEndpointID {
	return gstack.TransportEndpointID{LocalPort: s.port}
}

// Port returns the socket's UDP port.
func (s *Socket) Port() uint16 { return s.port }

// bind makes d the receiver of its VNI's frames (nil unbinds).
func (s *Socket) bind(vni uint32, d *Device) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d == nil {
		delete(s.devs, vni)
		return
	}
	s.devs[vni] = d
}

func (s *Socket) device(vni uint32) *Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.devs[vni]
}

// Dropped returns the datagrams the socket dropped, by reason (those no
// device took: the device's own drops are on the device).
func (s *Socket) Dropped() map[Drop]uint64 {
	out := map[Drop]uint64{}
	for d := DropShort; d < numDrops; d++ {
		if n := s.drops[d].Load(); n > 0 {
			out[d] = n
		}
	}
	return out
}

// HandlePacket implements gstack.TransportEndpoint: a datagram for the
// port. The stack keeps pkt's reference; everything kept is copied.
func (s *Socket) HandlePacket(id gstack.TransportEndpointID, pkt *gstack.PacketBuffer) {
	hdr := header.UDP(pkt.TransportHeader().Slice())
	net := pkt.Network()
	lenOK, csumOK := header.UDPValid(hdr, func() uint16 { return pkt.Data().Checksum() }, uint16(pkt.Data().Size()),
		pkt.NetworkProtocolNumber, net.SourceAddress(), net.DestinationAddress(), pkt.RXChecksumValidated)
	nic := s.st.FindNICNameFromID(pkt.NICID)
	if !lenOK {
		s.drop(DropShort, nic, pkt.Data().Size())
		return
	}
	if !csumOK {
		s.drop(DropChecksum, nic, pkt.Data().Size())
		return
	}
	payload := pkt.Data().AsRange().ToView()
	defer payload.Release()
	src, _ := netip.AddrFromSlice(id.RemoteAddress.AsSlice())
	s.Deliver(payload.AsSlice(), src, nic)
}

// Deliver takes one VXLAN datagram's payload from src, arrived on the
// device nic (for the drop reports). It copies what it keeps. It is the
// decapsulation path, split from HandlePacket so it can be fuzzed.
func (s *Socket) Deliver(b []byte, src netip.Addr, nic string) {
	vni, inner, d := Parse(b)
	if d != DropNone && d != DropInnerShort {
		s.drop(d, nic, len(b))
		return
	}
	dev := s.device(vni)
	if dev == nil {
		s.drop(DropUnknownVNI, nic, len(b))
		return
	}
	if d == DropInnerShort {
		dev.rxDrop(d, len(b))
		return
	}
	dev.receive(inner, src)
}

func (s *Socket) drop(d Drop, nic string, n int) {
	s.drops[d].Add(1)
	if !s.bus.Enabled() {
		return
	}
	s.bus.Emit(&trace.Event{Kind: trace.Dropped, NS: s.ns, Dev: nic, Len: n,
		Reason: fmt.Sprintf("VXLAN datagram to UDP port %d: %s", s.port, d)})
}

// HandleError implements gstack.TransportEndpoint: ICMP errors about the
// socket's datagrams are ignored, as the kernel's encap_err_lookup does.
func (s *Socket) HandleError(gstack.TransportError, *gstack.PacketBuffer) {}

// Abort implements gstack.TransportEndpoint; the stack calls it when it
// closes, and the socket holds nothing to free.
func (s *Socket) Abort() {}

// Wait implements gstack.TransportEndpoint: the socket has no goroutine.
func (s *Socket) Wait() {}
