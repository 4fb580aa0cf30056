package vxlan

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"net"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// The sender writes UDP datagrams (UDP header, VXLAN header, the frame)
// through a raw UDP endpoint of the namespace's stack: the stack adds the
// IP header, routes them, runs OUTPUT and POSTROUTING, resolves the next
// hop, but the UDP source port is the sender's choice, and Linux's choice
// is a hash of the inner flow (udp_flow_src_port), so that an underlay's
// ECMP spreads the flows. A plain UDP socket would send them all from one
// port. (A header-included endpoint would do too, but gVisor holds its
// packets, IP header included, to the MTU less an IP header.)

// Outer source ports, as Linux picks them: from the namespace's default
// ip_local_port_range.
const (
	srcPortMin = 32768
	srcPortMax = 60999
)

// outerLen is what the sender puts before a frame; the stack adds the IP
// header.
const outerLen = header.UDPMinimumSize + HeaderLen

// sendOne encapsulates one frame to each remote the FDB gives; the caller
// keeps pkt's reference.
func (d *Device) sendOne(pkt *gstack.PacketBuffer) {
	v := pkt.ToView()
	defer v.Release()
	frame := v.AsSlice()
	if len(frame) < header.EthernetMinimumSize || len(frame) > int(d.wire.Peer().MTU())+header.EthernetMinimumSize {
		// Linux's bridge drops a frame larger than the port's MTU
		// before the device sees it.
		d.txDropped.Add(1)
		return
	}
	remotes := d.fdb.Lookup(net.HardwareAddr(frame[:6]))
	if len(remotes) == 0 {
		d.txDropped.Add(1)
		return
	}
	sport := flowPort(frame)
	for _, r := range remotes {
		if err := d.encap(frame, sport, r); err != nil {
			d.txDropped.Add(1)
		}
	}
}

// flowPort is the outer source port of a frame's flow: a hash of its IPv4
// addresses, protocol and ports, or of its Ethernet header for anything
// else. Unlike Linux's, the hash has no random key, so a seeded run repeats.
func flowPort(frame []byte) uint16 {
	h := fnv.New32a()
	key := frame[:header.EthernetMinimumSize]
	if ip := header.IPv4(frame[header.EthernetMinimumSize:]); header.Ethernet(frame).Type() == header.IPv4ProtocolNumber && ip.IsValid(len(ip)) {
		key = append(append([]byte{ip.Protocol()}, ip.SourceAddressSlice()...), ip.DestinationAddressSlice()...)
		if l4 := ip.Payload(); (ip.TransportProtocol() == header.TCPProtocolNumber || ip.TransportProtocol() == header.UDPProtocolNumber) && len(l4) >= 4 {
			key = append(key, l4[:4]...)
		}
	}
	_, _ = h.Write(key)
	return uint16(srcPortMin + h.Sum32()%(srcPortMax-srcPortMin+1))
}

// encap sends frame to r from sport: the outer IPv4 and UDP headers, the
// VXLAN header, the frame.
func (d *Device) encap(frame []byte, sport uint16, r Remote) error {
	vni, dport := d.cfg.VNI, d.cfg.Port
	if r.VNI != 0 {
		vni = r.VNI
	}
	if r.Port != 0 {
		dport = r.Port
	}
	dst := tcpip.AddrFromSlice(r.IP.AsSlice())
	ep, err := d.endpoint()
	if err != nil {
		return err
	}
	src, err := d.source(dst)
	if err != nil {
		return err
	}
	var hdr [outerLen]byte
	u := header.UDP(hdr[:])
	PutHeader(hdr[header.UDPMinimumSize:], vni)
	n := uint16(outerLen + len(frame))
	u.Encode(&header.UDPFields{SrcPort: sport, DstPort: dport, Length: n})
	sum := header.PseudoHeaderChecksum(udp.ProtocolNumber, src, dst, n)
	sum = checksum.Checksum(frame, checksum.Checksum(hdr[header.UDPMinimumSize:], sum))
	u.SetChecksum(^u.CalculateChecksum(sum))
	// The stack copies the datagram from the two pieces: the frame is not
	// copied here first.
	p := &payload{r: io.MultiReader(bytes.NewReader(hdr[:]), bytes.NewReader(frame)), n: int(n)}
	if _, terr := ep.Write(p, tcpip.WriteOptions{To: &tcpip.FullAddress{Addr: dst}}); terr != nil {
		return fmt.Errorf("%s", terr)
	}
	return nil
}

// payload is a datagram in pieces, as a tcpip.Payloader.
type payload struct {
	r io.Reader
	n int
}

func (p *payload) Read(b []byte) (int, error) { return p.r.Read(b) }

// Len implements tcpip.Payloader.
func (p *payload) Len() int { return p.n }

// source is the outer source address towards dst: the local address the
// endpoint is bound to, else the route's. A route through the device itself is refused: Linux's
// circular route check (each pass would wrap the frame again, without end).
func (d *Device) source(dst tcpip.Address) (tcpip.Address, error) {
	var nic tcpip.NICID
	if header.IsV4MulticastAddress(dst) {
		nic = d.lowerNIC()
	}
	r, terr := d.st.FindRoute(nic, tcpip.Address{}, dst, ipv4.ProtocolNumber, false)
	if terr != nil {
		return tcpip.Address{}, fmt.Errorf("route to %s: %s", dst, terr)
	}
	defer r.Release()
	if d.st.FindNICNameFromID(r.OutgoingNIC()) == d.wire.Peer().Name() {
		return tcpip.Address{}, fmt.Errorf("circular route to %s", dst)
	}
	if d.txLocal.Len() != 0 {
		return d.txLocal, nil
	}
	return r.LocalAddress(), nil
}

// lowerNIC is the lower device's NIC (dev DEV), 0 when it has none.
func (d *Device) lowerNIC() tcpip.NICID {
	for id, info := range d.st.NICInfo() {
		if info.Name == d.cfg.Dev {
			return id
		}
	}
	return 0
}

// endpoint returns the sender's raw UDP endpoint, made on first use: bound
// to the local address when the namespace has it, DF clear (Linux's
// default, df unset), the TTL given (auto: the stack's 64, and 1 to a
// group). It never reads: its receive buffer is the smallest, so the
// copies of UDP datagrams the stack gives every raw UDP endpoint are
// dropped at once.
func (d *Device) endpoint() (tcpip.Endpoint, error) {
	if d.tx != nil {
		return d.tx, nil
	}
	var wq waiter.Queue
	ep, terr := d.st.NewRawEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, &wq, true)
	if terr != nil {
		return nil, fmt.Errorf("%s", terr)
	}
	ep.SocketOptions().SetReceiveBufferSize(0, false)
	_ = ep.SetSockOptInt(tcpip.MTUDiscoverOption, int(tcpip.PMTUDiscoveryDont))
	if d.cfg.Local.IsValid() {
		// The checksum's source must be the one the stack writes.
		local := tcpip.AddrFromSlice(d.cfg.Local.AsSlice())
		if ep.Bind(tcpip.FullAddress{Addr: local}) == nil {
			d.txLocal = local
		}
	}
	if d.cfg.TTL != 0 {
		_ = ep.SetSockOptInt(tcpip.IPv4TTLOption, int(d.cfg.TTL))
	}
	if d.cfg.Group.IsValid() {
		ttl := 1
		if d.cfg.TTL != 0 {
			ttl = int(d.cfg.TTL)
		}
		_ = ep.SetSockOptInt(tcpip.MulticastTTLOption, ttl)
		_ = ep.SetSockOpt(&tcpip.MulticastInterfaceOption{NIC: d.lowerNIC()})
	}
	d.tx = ep
	return ep, nil
}
