package stack

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// TCPProber sends TCP SYN probes with a chosen TTL, as traceroute -T does:
// a raw TCP socket sends each SYN (from a fresh ephemeral port, which a
// bound TCP socket holds while the probe is out) and sees the
// destination's answer, a SYN-ACK from an open port or a RST from a closed
// one (the namespace itself answers a SYN-ACK with a RST, as Linux does,
// no socket being there); a raw ICMP socket reads the errors quoting a
// probe. One goroutine uses it at a time.
type TCPProber struct {
	st    *Stack
	dst   netip.Addr
	src   netip.Addr
	port  uint16
	raw   tcpip.Endpoint
	rawWQ waiter.Queue
	icmp  tcpip.Endpoint
	icWQ  waiter.Queue
	// tsVal is the SYNs' timestamp option, one per run as traceroute's.
	tsVal uint32
	// running counts the program as running (SetHold).
	running wakeHold
}

// NewTCPProber opens the sockets for SYN probes to port of dst, from the
// address the route picks.
func (st *Stack) NewTCPProber(dst netip.Addr, port uint16) (*TCPProber, error) {
	if !dst.Is4() {
		return nil, fmt.Errorf("%s: only IPv4 is emulated", dst)
	}
	r, err := st.RouteGet(dst)
	if err != nil {
		return nil, err
	}
	p := &TCPProber{st: st, dst: dst, src: r.Src, port: port, tsVal: st.s.InsecureRNG().Uint32()}
	raw, terr := st.s.NewRawEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &p.rawWQ, true)
	if terr != nil {
		return nil, fmt.Errorf("socket: %s", terr)
	}
	p.raw = raw
	if terr := raw.Bind(tcpip.FullAddress{Addr: tcpAddr(r.Src)}); terr != nil {
		raw.Close()
		return nil, fmt.Errorf("bind: %s", terr)
	}
	ic, terr := st.s.NewRawEndpoint(icmp.ProtocolNumber4, ipv4.ProtocolNumber, &p.icWQ, true)
	if terr != nil {
		raw.Close()
		return nil, fmt.Errorf("socket: %s", terr)
	}
	p.icmp = ic
	return p, nil
}

// Close closes the sockets.
func (p *TCPProber) Close() {
	p.running.close()
	p.raw.Close()
	p.icmp.Close()
}

// Probe sends a SYN with the given TTL and waits up to timeout (emulator
// clock) for what answers it: the destination's TCP segment (Type and
// Code zero, TCP set) or an ICMP error quoting the SYN.
func (p *TCPProber) Probe(ctx context.Context, ttl uint8, timeout time.Duration) (ProbeReply, error) {
	clock := p.st.clock
	hold, sport, err := p.reservePort()
	if err != nil {
		return ProbeReply{}, err
	}
	defer hold.Close()
	if terr := p.raw.SetSockOptInt(tcpip.IPv4TTLOption, int(ttl)); terr != nil {
		return ProbeReply{}, fmt.Errorf("setsockopt IP_TTL: %s", terr)
	}
	seq := p.st.s.InsecureRNG().Uint32()
	sent := clock.NowMonotonic()
	var r bytes.Reader
	r.Reset(p.syn(sport, seq))
	if _, terr := p.raw.Write(&r, tcpip.WriteOptions{To: &tcpip.FullAddress{Addr: tcpAddr(p.dst)}}); terr != nil {
		return ProbeReply{}, fmt.Errorf("send: %s", terr)
	}
	var rep ProbeReply
	look := func() bool {
		var ok bool
		rep, ok = p.poll(sport, seq)
		return ok
	}
	ok, err := heldWait(ctx, clock, &p.running, timeout, look, &p.rawWQ, &p.icWQ)
	if err != nil || !ok {
		return ProbeReply{Timeout: err == nil}, err
	}
	rep.RTT = clock.NowMonotonic().Sub(sent)
	return rep, nil
}

// SetHold counts the prober's program as running (PingOptions.Hold's
// meaning) from now, and from each wake-up of Probe until it blocks
// again or the prober closes (heldWait).
func (p *TCPProber) SetHold(hold func() (release func())) { p.running.start(hold) }

// reservePort binds a TCP socket to a fresh ephemeral port of the source
// address, so that no connection of the namespace takes it while the
// probe is out. The socket neither listens nor connects: a SYN-ACK for it
// finds no one and is answered with a RST.
func (p *TCPProber) reservePort() (tcpip.Endpoint, uint16, error) {
	var wq waiter.Queue
	ep, terr := p.st.s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return nil, 0, fmt.Errorf("socket: %s", terr)
	}
	if terr := ep.Bind(tcpip.FullAddress{Addr: tcpAddr(p.src)}); terr != nil {
		ep.Close()
		return nil, 0, fmt.Errorf("bind: %s", terr)
	}
	la, _ := ep.GetLocalAddress()
	return ep, la.Port, nil
}

// syn builds the SYN traceroute 2.1 sends: window 5840, options MSS 1460,
// SACK permitted, timestamps, NOP, window scale 2 (a 60-byte packet).
func (p *TCPProber) syn(sport uint16, seq uint32) []byte {
	b := make([]byte, header.TCPMinimumSize+20)
	h := header.TCP(b)
	h.Encode(&header.TCPFields{SrcPort: sport, DstPort: p.port, SeqNum: seq, DataOffset: uint8(len(b)), Flags: header.TCPFlagSyn, WindowSize: 5840})
	opts := b[header.TCPMinimumSize:]
	copy(opts, []byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10})
	binary.BigEndian.PutUint32(opts[8:], p.tsVal)
	copy(opts[16:], []byte{1, 3, 3, 2})
	xsum := header.PseudoHeaderChecksum(tcp.ProtocolNumber, tcpAddr(p.src), tcpAddr(p.dst), uint16(len(b)))
	h.SetChecksum(^checksum.Checksum(b, xsum))
	return b
}

// poll reads what the sockets hold and reports the first answer to the
// SYN from sport with sequence seq.
func (p *TCPProber) poll(sport uint16, seq uint32) (ProbeReply, bool) {
	for {
		var buf bytes.Buffer
		if _, terr := p.raw.Read(&buf, tcpip.ReadOptions{}); terr != nil {
			break
		}
		if rep, ok := p.matchTCP(buf.Bytes(), sport, seq); ok {
			return rep, true
		}
	}
	for {
		var buf bytes.Buffer
		if _, terr := p.icmp.Read(&buf, tcpip.ReadOptions{}); terr != nil {
			return ProbeReply{}, false
		}
		if rep, ok := p.matchICMP(buf.Bytes(), sport); ok {
			return rep, true
		}
	}
}

// matchTCP: a segment from the destination's port to sport that
// acknowledges the SYN.
func (p *TCPProber) matchTCP(pkt []byte, sport uint16, seq uint32) (ProbeReply, bool) {
	ip := header.IPv4(pkt)
	if len(pkt) < header.IPv4MinimumSize || !ip.IsValid(len(pkt)) || len(pkt) < int(ip.HeaderLength())+header.TCPMinimumSize {
		return ProbeReply{}, false
	}
	t := header.TCP(pkt[ip.HeaderLength():])
	if netAddr(ip.SourceAddress()) != p.dst || t.SourcePort() != p.port || t.DestinationPort() != sport ||
		t.Flags()&header.TCPFlagAck == 0 || t.AckNumber() != seq+1 {
		return ProbeReply{}, false
	}
	return ProbeReply{From: p.dst, TCP: t.Flags()}, true
}

// matchICMP: an ICMP error quoting a TCP segment from sport to the
// destination's port.
func (p *TCPProber) matchICMP(pkt []byte, sport uint16) (ProbeReply, bool) {
	ip := header.IPv4(pkt)
	if len(pkt) < header.IPv4MinimumSize || !ip.IsValid(len(pkt)) {
		return ProbeReply{}, false
	}
	body := pkt[ip.HeaderLength():ip.TotalLength()]
	if len(body) < header.ICMPv4MinimumSize {
		return ProbeReply{}, false
	}
	ic := header.ICMPv4(body)
	if ic.Type() != header.ICMPv4DstUnreachable && ic.Type() != header.ICMPv4TimeExceeded {
		return ProbeReply{}, false
	}
	inner := body[header.ICMPv4MinimumSize:]
	iip := header.IPv4(inner)
	if len(inner) < header.IPv4MinimumSize || len(inner) < int(iip.HeaderLength())+4 {
		return ProbeReply{}, false
	}
	ports := inner[iip.HeaderLength():]
	if iip.Protocol() != uint8(tcp.ProtocolNumber) || netAddr(iip.DestinationAddress()) != p.dst ||
		binary.BigEndian.Uint16(ports) != sport || binary.BigEndian.Uint16(ports[2:]) != p.port {
		return ProbeReply{}, false
	}
	return ProbeReply{From: netAddr(ip.SourceAddress()), Type: ic.Type(), Code: ic.Code()}, true
}
