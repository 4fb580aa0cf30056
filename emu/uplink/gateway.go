package uplink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/nsemu/nsemu/vethsim"
)

// The host uplink's network, as QEMU's user-mode network lays it out.
var (
	// HostPrefix is eth0's address.
	HostPrefix = netip.MustParsePrefix("10.0.2.15/24")
	// GatewayAddr is the default gateway, and the real machine's loopback
	// when the uplink has the loopback option.
	GatewayAddr = netip.MustParseAddr("10.0.2.2")
	// DNSAddr is the name server, which asks the real machine's resolver.
	DNSAddr = netip.MustParseAddr("10.0.2.3")
	// HostMAC and GatewayMAC are QEMU's.
	HostMAC    = net.HardwareAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	GatewayMAC = net.HardwareAddr{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}
)

// gatewayNIC is the gateway stack's only NIC: eth0's wire end.
const gatewayNIC tcpip.NICID = 1

// dialTimeout bounds a real connection attempt made for an emulated SYN.
const dialTimeout = 30 * time.Second

// gateway is the far end of eth0 in the host uplink: a gVisor stack of its
// own (not a namespace of the world) that owns 10.0.2.2 and 10.0.2.3 and,
// in promiscuous mode, takes every TCP and UDP flow eth0 sends. Each flow
// is terminated there (gVisor's forwarders) and re-originated from an
// ordinary socket of the nsemu process, so nothing needs privileges; ping
// goes out through unprivileged ICMP sockets (icmp.go); UDP to 10.0.2.3:53
// is answered from the real machine's resolver (dns.go).
//
// gVisor calls the protocol handlers inside packet delivery: they only
// copy what they need and start goroutines (the TCP forwarder starts its
// own), never waiting for a real socket.
type gateway struct {
	s        *gstack.Stack
	wire     *vethsim.End
	loopback bool
	resolver Resolver
	log      *logger
	ctx      context.Context
	cancel   context.CancelFunc
	flows    group
	pings    *pinger

	// realDst maps a destination seen on eth0 to the real one (tests map
	// TEST-NET addresses to loopback through it).
	realDst func(netip.Addr) (netip.Addr, error)
}

// newGateway makes the gateway stack on eth0's wire end and starts it.
func newGateway(wire *vethsim.End, clock tcpip.Clock, loopback bool, r Resolver, log *logger) (*gateway, error) {
	g := &gateway{wire: wire, loopback: loopback, resolver: r, log: log}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	g.realDst = g.defaultRealDst
	g.s = gstack.New(gstack.Options{
		NetworkProtocols:   []gstack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []gstack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4},
		Clock:              clock,
	})
	if err := g.setup(); err != nil {
		g.s.Close()
		g.s.Wait()
		g.s.Destroy()
		g.cancel()
		return nil, err
	}
	g.pings = newPinger(g)
	fwd := tcp.NewForwarder(g.s, 0, 1024, g.handleTCP)
	g.s.SetTransportProtocolHandler(tcp.ProtocolNumber, fwd.HandlePacket)
	g.s.SetTransportProtocolHandler(udp.ProtocolNumber, g.handleUDP)
	g.s.SetTransportProtocolHandler(icmp.ProtocolNumber4, g.handleICMP)
	return g, nil
}

// setup gives the gateway its NIC, addresses and routes.
func (g *gateway) setup() error {
	if err := g.s.CreateNIC(gatewayNIC, g.wire); err != nil {
		return fmt.Errorf("gateway NIC: %s", err)
	}
	for _, a := range []netip.Addr{GatewayAddr, DNSAddr} {
		pa := tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber,
			AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4(a.As4()), PrefixLen: HostPrefix.Bits()}}
		if err := g.s.AddProtocolAddress(gatewayNIC, pa, gstack.AddressProperties{}); err != nil {
			return fmt.Errorf("gateway address %s: %s", a, err)
		}
	}
	// Accept every destination (the flows to terminate), answer from any
	// source (theirs), and send replies for networks behind the emulated
	// host (flows a script did not masquerade) back through it.
	if err := g.s.SetPromiscuousMode(gatewayNIC, true); err != nil {
		return fmt.Errorf("gateway promiscuous mode: %s", err)
	}
	if err := g.s.SetSpoofing(gatewayNIC, true); err != nil {
		return fmt.Errorf("gateway spoofing: %s", err)
	}
	local, _ := tcpip.NewSubnet(tcpip.AddrFrom4(HostPrefix.Masked().Addr().As4()), tcpip.MaskFromBytes([]byte{255, 255, 255, 0}))
	g.s.SetRouteTable([]tcpip.Route{
		{Destination: local, NIC: gatewayNIC},
		{Destination: header.IPv4EmptySubnet, Gateway: tcpip.AddrFrom4(HostPrefix.Addr().As4()), NIC: gatewayNIC},
	})
	return nil
}

// close ends every flow and the stack; eth0 loses its carrier.
func (g *gateway) close() {
	g.cancel()
	g.pings.close()
	g.flows.close()
	g.wire.SetUp(false)
	g.s.Close()
	g.s.Wait()
	g.s.Destroy()
	g.wire.WaitDetached()
}

// Errors for destinations the gateway refuses.
var (
	errLoopbackOff = errors.New("10.0.2.2 reaches the real machine's loopback only with --uplink host,loopback")
	errMartian     = errors.New("not a destination on the real network")
)

// defaultRealDst maps a destination seen on eth0 to the real one:
// 10.0.2.2 is the real loopback (with the loopback option); the rest of
// 10.0.2.0/24, loopback, multicast and broadcast addresses go nowhere.
func (g *gateway) defaultRealDst(a netip.Addr) (netip.Addr, error) {
	switch {
	case a == GatewayAddr && g.loopback:
		return loopback4, nil
	case a == GatewayAddr:
		return netip.Addr{}, errLoopbackOff
	case HostPrefix.Masked().Contains(a), a.IsLoopback(), a.IsMulticast(), a.IsUnspecified(),
		a == netip.AddrFrom4([4]byte{255, 255, 255, 255}), !a.Is4():
		return netip.Addr{}, errMartian
	}
	return a, nil
}

func addrPort(a tcpip.Address, port uint16) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4(a.As4()), port)
}

// handleTCP takes a SYN the gateway's TCP forwarder passed on, in a
// goroutine of the forwarder's: it dials the real destination and, if that
// answers, completes the emulated handshake and splices the two. A real
// refusal (or any failure) resets the emulated connection.
func (g *gateway) handleTCP(r *tcp.ForwarderRequest) {
	if !g.flows.enter() {
		r.Complete(true)
		return
	}
	defer g.flows.leave()
	id := r.ID()
	dst := addrPort(id.LocalAddress, id.LocalPort)
	real, err := g.realDst(dst.Addr())
	if err != nil {
		g.refused(dst, err)
		r.Complete(true)
		return
	}
	d := net.Dialer{Timeout: dialTimeout}
	out, err := d.DialContext(g.ctx, "tcp4", netip.AddrPortFrom(real, dst.Port()).String())
	if err != nil {
		r.Complete(true)
		return
	}
	var wq waiter.Queue
	ep, terr := r.CreateEndpoint(&wq)
	r.Complete(false)
	if terr != nil {
		out.Close()
		return
	}
	in := gonet.NewTCPConn(&wq, ep)
	if !g.flows.add(in) || !g.flows.add(out) {
		in.Close()
		out.Close()
		return
	}
	if !g.flows.spawn(func() {
		defer g.flows.drop(in)
		defer g.flows.drop(out)
		splice(in, out)
	}) {
		g.flows.drop(in)
		g.flows.drop(out)
	}
}

// refused notes, once per kind, why the gateway refused a flow.
func (g *gateway) refused(dst netip.AddrPort, err error) {
	if errors.Is(err, errLoopbackOff) {
		g.log.oncef("loopback", "%s refused: %v", dst, err)
	}
}

// handleUDP is the gateway's UDP handler, called inside delivery for a
// datagram no flow has yet. It makes the flow's emulated endpoint (which
// takes its own reference to the datagram) and starts its relay; pkt stays
// the caller's. Returning false lets gVisor answer port unreachable.
//
// It uses udp.NewForwarderRequest, not udp.Forwarder: the Forwarder's
// HandlePacket clones the packet for its request and never releases the
// clone, leaking one PacketBuffer per flow.
func (g *gateway) handleUDP(id gstack.TransportEndpointID, pkt *gstack.PacketBuffer) bool {
	dst := addrPort(id.LocalAddress, id.LocalPort)
	var real netip.AddrPort
	if dst.Addr() != DNSAddr {
		a, err := g.realDst(dst.Addr())
		if err != nil {
			g.refused(dst, err)
			return false
		}
		real = netip.AddrPortFrom(a, dst.Port())
	} else if dst.Port() != 53 {
		return false
	}
	var wq waiter.Queue
	ep, terr := udp.NewForwarderRequest(g.s, id, pkt).CreateEndpoint(&wq)
	if terr != nil {
		return false
	}
	in := gonet.NewUDPConn(&wq, ep)
	if !g.flows.add(in) {
		return true
	}
	var ok bool
	if !real.IsValid() {
		ok = g.flows.spawn(func() { defer g.flows.drop(in); g.serveDNS(in) })
	} else {
		ok = g.flows.spawn(func() { defer g.flows.drop(in); g.relayUDP(in, real) })
	}
	if !ok {
		g.flows.drop(in)
	}
	return true
}

// relayUDP relays one emulated UDP flow to its real destination, from a
// connected socket of the nsemu process, until it is idle.
func (g *gateway) relayUDP(in *gonet.UDPConn, dst netip.AddrPort) {
	out, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(dst))
	if err != nil {
		return
	}
	if !g.flows.add(out) {
		return
	}
	defer g.flows.drop(out)
	relayDatagrams(in, out, idleTimeout)
}
