package uplink

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// echo is an echo request eth0 sent to a real destination, copied out of
// gVisor.
type echo struct {
	src, dst netip.Addr
	id, seq  uint16
	data     []byte            // after the ICMP header
	mac      tcpip.LinkAddress // the sender's: the reply goes to it
	quote    []byte            // its IP header and 8 bytes of ICMP, for errors
}

// pingKey names one emulated ping session.
type pingKey struct {
	src, dst netip.Addr
	id       uint16
}

// pingIdle ends a ping session's real socket after this long unused.
const pingIdle = 30 * time.Second

// pinger sends the echo requests eth0 sends to the real network through
// unprivileged ICMP sockets ("ping sockets", which Linux allows to the
// groups of net.ipv4.ping_group_range), one per emulated session, and
// turns the replies into frames for eth0. Its run goroutine owns sessions;
// requests reach it through a bounded channel, so the gateway's ICMP
// handler, inside gVisor, never waits.
type pinger struct {
	g        *gateway
	reqs     chan echo
	done     chan struct{}
	wg       sync.WaitGroup
	sessions map[pingKey]*pingSession
}

type pingSession struct {
	conn *icmp.PacketConn
	last time.Time
}

func newPinger(g *gateway) *pinger {
	p := &pinger{g: g, reqs: make(chan echo, 64), done: make(chan struct{}), sessions: map[pingKey]*pingSession{}}
	p.wg.Add(1)
	go p.run()
	return p
}

// handleICMP is the gateway's ICMP handler, called inside delivery for
// ICMP nothing else took. Echo requests to 10.0.2.2 and 10.0.2.3 are the
// gateway's own, which gVisor answers (false); one to any other address
// is copied and queued for the pinger. pkt stays the caller's.
func (g *gateway) handleICMP(id gstack.TransportEndpointID, pkt *gstack.PacketBuffer) bool {
	dst := netip.AddrFrom4(id.LocalAddress.As4())
	if dst == GatewayAddr || dst == DNSAddr {
		return false
	}
	h := header.ICMPv4(pkt.TransportHeader().Slice())
	if len(h) < header.ICMPv4MinimumSize || h.Type() != header.ICMPv4Echo {
		return true
	}
	body := gstack.PayloadSince(pkt.TransportHeader())
	defer body.Release()
	b := body.AsSlice()
	quote := append([]byte(nil), pkt.NetworkHeader().Slice()...)
	quote = append(quote, b[:header.ICMPv4MinimumSize]...)
	e := echo{src: netip.AddrFrom4(id.RemoteAddress.As4()), dst: dst, id: h.Ident(), seq: h.Sequence(),
		data: append([]byte(nil), b[header.ICMPv4MinimumSize:]...), quote: quote}
	if eth := header.Ethernet(pkt.LinkHeader().Slice()); len(eth) >= header.EthernetMinimumSize {
		e.mac = eth.SourceAddress()
	}
	select {
	case g.pings.reqs <- e:
	default: // the pinger is behind: the probe is lost, as on a busy link
	}
	return true
}

func (p *pinger) run() {
	defer p.wg.Done()
	tick := time.NewTicker(pingIdle / 2)
	defer tick.Stop()
	for {
		select {
		case e := <-p.reqs:
			p.send(e)
		case <-tick.C:
			p.expire(time.Now().Add(-pingIdle))
		case <-p.done:
			p.expire(time.Now().Add(time.Hour))
			return
		}
	}
}

// expire closes the sessions unused since before.
func (p *pinger) expire(before time.Time) {
	for k, s := range p.sessions {
		if s.last.Before(before) {
			s.conn.Close()
			delete(p.sessions, k)
		}
	}
}

func (p *pinger) close() {
	close(p.done)
	p.wg.Wait()
}

// send sends e's probe from its session's socket, opening it first.
func (p *pinger) send(e echo) {
	dst, err := p.g.realDst(e.dst)
	if err != nil {
		p.g.unreachable(e, header.ICMPv4HostUnreachable)
		return
	}
	k := pingKey{e.src, e.dst, e.id}
	s := p.sessions[k]
	if s == nil {
		if s = p.open(k, e); s == nil {
			return
		}
	}
	s.last = time.Now()
	msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: int(e.id), Seq: int(e.seq), Data: e.data}}
	b, err := msg.Marshal(nil)
	if err != nil {
		return
	}
	if _, err := s.conn.WriteTo(b, &net.UDPAddr{IP: dst.AsSlice()}); err != nil {
		switch {
		case errors.Is(err, syscall.ENETUNREACH):
			p.g.unreachable(e, header.ICMPv4NetUnreachable)
		case errors.Is(err, syscall.EHOSTUNREACH):
			p.g.unreachable(e, header.ICMPv4HostUnreachable)
		}
	}
}

// open opens a session's ICMP socket and starts reading its replies. When
// the system allows no ping socket, it says so once and answers the probe
// "Packet filtered".
func (p *pinger) open(k pingKey, e echo) *pingSession {
	c, err := icmp.ListenPacket("udp4", "0.0.0.0")
	if err != nil {
		p.g.log.oncef("ping", "ping cannot leave the emulation: %v: this system lets group %d open no ICMP socket (net.ipv4.ping_group_range); as root: sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"",
			err, syscall.Getegid())
		p.g.unreachable(e, header.ICMPv4AdminProhibited)
		return nil
	}
	_ = c.IPv4PacketConn().SetControlMessage(ipv4.FlagTTL, true)
	s := &pingSession{conn: c}
	p.sessions[k] = s
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.g.readReplies(c, k, e.mac)
	}()
	return s
}

// readReplies turns the echo replies a session's socket receives into
// frames for eth0, until the socket is closed.
func (g *gateway) readReplies(c *icmp.PacketConn, k pingKey, mac tcpip.LinkAddress) {
	pc := c.IPv4PacketConn()
	buf := make([]byte, 65535)
	for {
		n, cm, _, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		m, err := icmp.ParseMessage(1, buf[:n])
		if err != nil || m.Type != ipv4.ICMPTypeEchoReply {
			continue
		}
		body, ok := m.Body.(*icmp.Echo)
		if !ok {
			continue
		}
		ttl := uint8(64)
		if cm != nil && cm.TTL > 0 {
			ttl = uint8(cm.TTL)
		}
		msg := make([]byte, header.ICMPv4MinimumSize+len(body.Data))
		h := header.ICMPv4(msg)
		h.SetType(header.ICMPv4EchoReply)
		h.SetIdent(k.id)
		h.SetSequence(uint16(body.Seq))
		copy(msg[header.ICMPv4MinimumSize:], body.Data)
		g.sendICMP(mac, k.dst, k.src, ttl, msg)
	}
}

// unreachable answers e with a destination unreachable error from the
// gateway.
func (g *gateway) unreachable(e echo, code header.ICMPv4Code) {
	msg := make([]byte, header.ICMPv4MinimumSize+len(e.quote))
	h := header.ICMPv4(msg)
	h.SetType(header.ICMPv4DstUnreachable)
	h.SetCode(code)
	copy(msg[header.ICMPv4MinimumSize:], e.quote)
	g.sendICMP(e.mac, GatewayAddr, e.src, 64, msg)
}

// sendICMP sends an ICMP message (its checksum still zero) from src to dst
// as a frame to mac through eth0's wire.
func (g *gateway) sendICMP(mac tcpip.LinkAddress, src, dst netip.Addr, ttl uint8, msg []byte) {
	h := header.ICMPv4(msg)
	h.SetChecksum(0)
	h.SetChecksum(^checksum.Checksum(msg, 0))
	frame := make([]byte, header.EthernetMinimumSize+header.IPv4MinimumSize+len(msg))
	header.Ethernet(frame).Encode(&header.EthernetFields{SrcAddr: g.wire.LinkAddress(), DstAddr: mac, Type: header.IPv4ProtocolNumber})
	ip := header.IPv4(frame[header.EthernetMinimumSize:])
	ip.Encode(&header.IPv4Fields{
		TotalLength: uint16(header.IPv4MinimumSize + len(msg)),
		TTL:         ttl,
		Protocol:    uint8(header.ICMPv4ProtocolNumber),
		SrcAddr:     tcpip.AddrFrom4(src.As4()),
		DstAddr:     tcpip.AddrFrom4(dst.As4()),
	})
	ip.SetChecksum(^ip.CalculateChecksum())
	copy(ip[header.IPv4MinimumSize:], msg)
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(frame)})
	_ = g.wire.Transmit(pkt)
}
