package stack

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// UDPProber sends UDP probes with a chosen TTL and reads the ICMP errors
// that answer them, as traceroute's default method does: a UDP socket
// sends, a raw ICMP socket (gVisor has no IP_RECVERR queue to read them
// from) receives the errors quoting a probe. One goroutine uses it at a
// time.
type UDPProber struct {
	st      *Stack
	dst     netip.Addr
	src     netip.Addr
	udp     tcpip.Endpoint
	udpWQ   waiter.Queue
	raw     tcpip.Endpoint
	rawWQ   waiter.Queue
	srcPort uint16
	// errq is the error queue of Send, Wait and NextError (udperrq.go).
	errq errQueue
}

// ProbeReply is what answered a probe: the ICMP error's sender and type,
// or nothing (Timeout).
type ProbeReply struct {
	From netip.Addr
	// Type and Code are the ICMP error's.
	Type header.ICMPv4Type
	Code header.ICMPv4Code
	// RTT on the emulator clock.
	RTT time.Duration
	// Timeout: nothing answered in time.
	Timeout bool
	// TCP, for a TCP probe, holds the flags of the destination's answer
	// (SYN-ACK or RST-ACK); 0 when an ICMP error answered.
	TCP header.TCPFlags
}

// NewUDPProber opens the sockets for probes to dst, from the address the
// route picks.
func (st *Stack) NewUDPProber(dst netip.Addr) (*UDPProber, error) {
	if !dst.Is4() {
		return nil, fmt.Errorf("%s: only IPv4 is emulated", dst)
	}
	r, err := st.RouteGet(dst)
	if err != nil {
		return nil, err
	}
	return st.newUDPProber(dst, r.Src)
}

// NewUDPProberAny opens the sockets for probes to dst, bound to no
// address, whether or not a route leads there (tracepath's unconnected
// socket: without a route, each Send fails).
func (st *Stack) NewUDPProberAny(dst netip.Addr) (*UDPProber, error) {
	if !dst.Is4() {
		return nil, fmt.Errorf("%s: only IPv4 is emulated", dst)
	}
	return st.newUDPProber(dst, netip.Addr{})
}

// newUDPProber opens the sockets, the UDP one bound to src (to any address
// when src is invalid).
func (st *Stack) newUDPProber(dst, src netip.Addr) (*UDPProber, error) {
	p := &UDPProber{st: st, dst: dst, src: src}
	ep, terr := st.s.NewEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, &p.udpWQ)
	if terr != nil {
		return nil, fmt.Errorf("socket: %s", terr)
	}
	p.udp = ep
	var bind tcpip.FullAddress
	if src.IsValid() {
		bind.Addr = tcpAddr(src)
	}
	if terr := ep.Bind(bind); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("bind: %s", terr)
	}
	la, _ := ep.GetLocalAddress()
	p.srcPort = la.Port
	raw, terr := st.s.NewRawEndpoint(icmp.ProtocolNumber4, ipv4.ProtocolNumber, &p.rawWQ, true)
	if terr != nil {
		ep.Close()
		return nil, fmt.Errorf("socket: %s", terr)
	}
	p.raw = raw
	return p, nil
}

// Source is the probes' source address.
func (p *UDPProber) Source() netip.Addr { return p.src }

// Close closes the sockets.
func (p *UDPProber) Close() {
	p.errq.running.close()
	p.udp.Close()
	p.raw.Close()
}

// Probe sends size bytes of UDP data to port of the destination with the
// given TTL and waits up to timeout (emulator clock) for the ICMP error
// that quotes it.
func (p *UDPProber) Probe(ctx context.Context, ttl uint8, port uint16, size int, timeout time.Duration) (ProbeReply, error) {
	clock := p.st.clock
	if terr := p.udp.SetSockOptInt(tcpip.IPv4TTLOption, int(ttl)); terr != nil {
		return ProbeReply{}, fmt.Errorf("setsockopt IP_TTL: %s", terr)
	}
	sent := clock.NowMonotonic()
	var r bytes.Reader
	r.Reset(make([]byte, size))
	if _, terr := p.udp.Write(&r, tcpip.WriteOptions{To: &tcpip.FullAddress{Addr: tcpAddr(p.dst), Port: port}}); terr != nil {
		return ProbeReply{}, fmt.Errorf("send: %s", terr)
	}
	var rep ProbeReply
	look := func() bool {
		for {
			var buf bytes.Buffer
			if _, terr := p.raw.Read(&buf, tcpip.ReadOptions{}); terr != nil {
				return false
			}
			var ok bool
			if rep, ok = p.match(buf.Bytes(), port); ok {
				rep.RTT = clock.NowMonotonic().Sub(sent)
				return true
			}
		}
	}
	ok, err := heldWait(ctx, clock, &p.errq.running, timeout, look, &p.rawWQ)
	if err != nil || !ok {
		return ProbeReply{Timeout: err == nil}, err
	}
	return rep, nil
}

// match parses an IPv4 packet read from the raw socket and reports whether
// it is an ICMP error quoting our probe to port.
func (p *UDPProber) match(pkt []byte, port uint16) (ProbeReply, bool) {
	e, ok := p.parseError(pkt)
	if !ok || e.Port != port {
		return ProbeReply{}, false
	}
	return ProbeReply{From: e.From, Type: e.Type, Code: e.Code}, true
}

// parseError parses an IPv4 packet read from the raw socket and reports
// whether it is an ICMP error quoting one of our probes (to any port).
func (p *UDPProber) parseError(pkt []byte) (ProbeError, bool) {
	ip := header.IPv4(pkt)
	if len(pkt) < header.IPv4MinimumSize || !ip.IsValid(len(pkt)) {
		return ProbeError{}, false
	}
	body := pkt[ip.HeaderLength():ip.TotalLength()]
	if len(body) < header.ICMPv4MinimumSize {
		return ProbeError{}, false
	}
	ic := header.ICMPv4(body)
	if ic.Type() != header.ICMPv4DstUnreachable && ic.Type() != header.ICMPv4TimeExceeded {
		return ProbeError{}, false
	}
	inner := body[header.ICMPv4MinimumSize:]
	iip := header.IPv4(inner)
	if len(inner) < header.IPv4MinimumSize || len(inner) < int(iip.HeaderLength())+header.UDPMinimumSize {
		return ProbeError{}, false
	}
	u := header.UDP(inner[iip.HeaderLength():])
	if iip.Protocol() != uint8(udp.ProtocolNumber) || netAddr(iip.DestinationAddress()) != p.dst ||
		u.SourcePort() != p.srcPort {
		return ProbeError{}, false
	}
	e := ProbeError{From: netAddr(ip.SourceAddress()), Type: ic.Type(), Code: ic.Code(), Port: u.DestinationPort(), TTL: ip.TTL()}
	if ic.Type() == header.ICMPv4DstUnreachable && ic.Code() == header.ICMPv4FragmentationNeeded {
		e.MTU = uint32(ic.MTU())
	}
	return e, true
}
