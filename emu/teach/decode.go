package teach

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// frameInfo is what narration says about a frame, and what it needs to know
// of it to follow a conversation.
type frameInfo struct {
	// cat is the narration category: arp, icmp, tcp, udp or dns; "" for a
	// frame it does not describe (IPv6, an unknown ethertype).
	cat string
	// text describes the frame: "ICMP echo request 10.0.0.1 → 10.0.0.2 id
	// 7 seq 1", "ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)"; brief,
	// when set, is what a bridge's line says of it (the bridge says
	// broadcast itself).
	text, brief string
	// ipID and proto tell one IPv4 packet from another on its way (a
	// router keeps them, NAT or not).
	ipID  uint16
	proto uint8
	// src and dst are the IPv4 addresses; for ARP, the sender's and the
	// target's protocol addresses.
	src, dst netip.Addr
	// arpAsk is set for an ARP request, arpRefresh for a unicast one (a
	// neighbour in PROBE checks its entry), arpReply for a reply.
	arpAsk, arpRefresh, arpReply bool
	// request marks a packet that asks for an answer (an echo request, a
	// TCP SYN, a UDP datagram but a DNS answer): a host with no route back
	// loses the answer.
	request bool
	// seg is set for TCP.
	seg *segment
}

// segment is what the TCP narration follows of a segment.
type segment struct {
	flow               flowKey
	syn, ack, fin, rst bool
	seq, ackNum        uint32
	payload            int
	srcPort, dstPort   uint16
}

// flowKey names one direction of a TCP connection.
type flowKey struct {
	src, dst netip.AddrPort
}

// decoder decodes frames for narration; it reuses its layers, so it is not
// safe for concurrent use.
type decoder struct {
	eth    layers.Ethernet
	arp    layers.ARP
	ip     layers.IPv4
	icmp   layers.ICMPv4
	tcp    layers.TCP
	udp    layers.UDP
	dns    layers.DNS
	pay    gopacket.Payload
	parser *gopacket.DecodingLayerParser
	found  []gopacket.LayerType
}

// decoders are reused by decodeFrame: a decoder's layers are large.
var decoders = sync.Pool{New: func() any { return newDecoder() }}

// decodeFrame decodes one frame with a pooled decoder; it is safe for
// concurrent use (Explain's callers run on many goroutines).
func decodeFrame(frame []byte) frameInfo {
	d := decoders.Get().(*decoder)
	defer decoders.Put(d)
	return d.decode(frame)
}

func newDecoder() *decoder {
	d := &decoder{}
	d.parser = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet,
		&d.eth, &d.arp, &d.ip, &d.icmp, &d.tcp, &d.udp, &d.dns, &d.pay)
	d.parser.IgnoreUnsupported = true
	return d
}

// bridgeText is what a bridge's line says of the frame.
func (fi frameInfo) bridgeText() string {
	if fi.brief != "" {
		return fi.brief
	}
	return fi.text
}

// decode describes frame; the zero frameInfo when it is not narrated.
func (d *decoder) decode(frame []byte) frameInfo {
	if len(frame) == 0 {
		return frameInfo{}
	}
	d.found = d.found[:0]
	_ = d.parser.DecodeLayers(frame, &d.found) // a truncated tail still tells what it can
	has := func(t gopacket.LayerType) bool {
		for _, f := range d.found {
			if f == t {
				return true
			}
		}
		return false
	}
	switch {
	case has(layers.LayerTypeARP):
		return d.describeARP(frame)
	case !has(layers.LayerTypeIPv4):
		return frameInfo{}
	}
	src, _ := netip.AddrFromSlice(d.ip.SrcIP.To4())
	dst, _ := netip.AddrFromSlice(d.ip.DstIP.To4())
	fi := frameInfo{src: src, dst: dst, ipID: d.ip.Id, proto: uint8(d.ip.Protocol)}
	switch {
	case has(layers.LayerTypeICMPv4):
		d.describeICMP(&fi)
	case has(layers.LayerTypeTCP):
		d.describeTCP(&fi)
	case has(layers.LayerTypeDNS):
		d.describeDNS(&fi)
	case has(layers.LayerTypeUDP):
		fi.cat, fi.request = "udp", true
		fi.text = fmt.Sprintf("UDP %s:%d → %s:%d, %d bytes", src, d.udp.SrcPort, dst, d.udp.DstPort, len(d.udp.Payload))
		describeVXLAN(&fi, d.udp.Payload)
	default:
		fi.cat = "icmp" // the IP layer's own words, with the pings
		fi.text = fmt.Sprintf("IP protocol %d %s → %s", d.ip.Protocol, src, dst)
	}
	return fi
}

func (d *decoder) describeARP(frame []byte) frameInfo {
	spa, _ := netip.AddrFromSlice(d.arp.SourceProtAddress)
	tpa, _ := netip.AddrFromSlice(d.arp.DstProtAddress)
	fi := frameInfo{cat: "arp", src: spa, dst: tpa}
	switch d.arp.Operation {
	case layers.ARPRequest:
		ask := fmt.Sprintf("ARP who-has %s tell %s", tpa, spa)
		fi.text, fi.brief = ask+" (broadcast)", ask
		if !(frame[0] == 0xff && frame[1] == 0xff) {
			fi.text, fi.brief = ask+" (unicast: refreshing the entry)", ""
			fi.arpRefresh = true
		}
		fi.arpAsk = true
	case layers.ARPReply:
		fi.arpReply = true
		fi.text = fmt.Sprintf("ARP reply %s is-at %s", spa, net.HardwareAddr(d.arp.SourceHwAddress))
	default:
		fi.text = fmt.Sprintf("ARP operation %d", d.arp.Operation)
	}
	return fi
}

func (d *decoder) describeICMP(fi *frameInfo) {
	fi.cat = "icmp"
	ic := &d.icmp
	ends := fmt.Sprintf("%s → %s", fi.src, fi.dst)
	switch ic.TypeCode.Type() {
	case layers.ICMPv4TypeEchoRequest:
		fi.request = true
		fi.text = fmt.Sprintf("ICMP echo request %s id %d seq %d", ends, ic.Id, ic.Seq)
	case layers.ICMPv4TypeEchoReply:
		fi.text = fmt.Sprintf("ICMP echo reply %s id %d seq %d", ends, ic.Id, ic.Seq)
	case layers.ICMPv4TypeDestinationUnreachable:
		fi.text = fmt.Sprintf("ICMP %s unreachable %s%s", unreachName(ic.TypeCode.Code()), ends, quoted(ic.Payload))
	case layers.ICMPv4TypeTimeExceeded:
		fi.text = fmt.Sprintf("ICMP time exceeded %s%s", ends, quoted(ic.Payload))
	default:
		fi.text = fmt.Sprintf("ICMP type %d code %d %s", ic.TypeCode.Type(), ic.TypeCode.Code(), ends)
	}
}

// unreachName names a destination unreachable code as tcpdump does.
func unreachName(code uint8) string {
	switch code {
	case layers.ICMPv4CodeNet:
		return "net"
	case layers.ICMPv4CodeHost:
		return "host"
	case layers.ICMPv4CodeProtocol:
		return "protocol"
	case layers.ICMPv4CodePort:
		return "port"
	case layers.ICMPv4CodeFragmentationNeeded:
		return "fragmentation needed"
	case layers.ICMPv4CodeNetAdminProhibited, layers.ICMPv4CodeHostAdminProhibited, layers.ICMPv4CodeCommAdminProhibited:
		return "administratively prohibited"
	}
	return fmt.Sprintf("code %d", code)
}

// quoted describes what an ICMP error answers, from the IP header and first
// 8 bytes it quotes: ", about ICMP echo request 10.0.0.1 → 10.0.0.9 id 7 seq
// 1".
func quoted(b []byte) string {
	if len(b) < 20 || b[0]>>4 != 4 {
		return ""
	}
	ihl := int(b[0]&0x0f) * 4
	src, _ := netip.AddrFromSlice(b[12:16])
	dst, _ := netip.AddrFromSlice(b[16:20])
	if ihl < 20 || len(b) < ihl+8 {
		return fmt.Sprintf(", about a packet %s → %s", src, dst)
	}
	l4 := b[ihl:]
	sport, dport := binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4])
	switch b[9] {
	case 1:
		id, seq := binary.BigEndian.Uint16(l4[4:6]), binary.BigEndian.Uint16(l4[6:8])
		if l4[0] == 8 {
			return fmt.Sprintf(", about ICMP echo request %s → %s id %d seq %d", src, dst, id, seq)
		}
		return fmt.Sprintf(", about ICMP type %d %s → %s", l4[0], src, dst)
	case 6:
		return fmt.Sprintf(", about TCP %s:%d → %s:%d", src, sport, dst, dport)
	case 17:
		return fmt.Sprintf(", about UDP %s:%d → %s:%d", src, sport, dst, dport)
	}
	return fmt.Sprintf(", about a packet %s → %s", src, dst)
}

func (d *decoder) describeTCP(fi *frameInfo) {
	t := &d.tcp
	fi.cat = "tcp"
	s := &segment{syn: t.SYN, ack: t.ACK, fin: t.FIN, rst: t.RST, seq: t.Seq, ackNum: t.Ack,
		payload: len(t.Payload), srcPort: uint16(t.SrcPort), dstPort: uint16(t.DstPort)}
	s.flow = flowKey{netip.AddrPortFrom(fi.src, s.srcPort), netip.AddrPortFrom(fi.dst, s.dstPort)}
	fi.seg = s
	fi.request = t.SYN && !t.ACK
	fi.text = fmt.Sprintf("TCP %s %s → %s%s", tcpFlags(s), s.flow.src, s.flow.dst, tcpNote(s))
}

// tcpFlags names a segment by its flags: SYN, SYN-ACK, ACK, FIN, RST, PSH…
func tcpFlags(s *segment) string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{s.syn, "SYN"}, {s.fin, "FIN"}, {s.rst, "RST"}, {s.ack, "ACK"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	if len(f) == 0 {
		return "(no flags)"
	}
	return strings.Join(f, "-")
}

// tcpNote says what a segment does in plain words.
func tcpNote(s *segment) string {
	data := ""
	if s.payload > 0 {
		data = fmt.Sprintf(", %d bytes of data", s.payload)
	}
	switch {
	case s.syn && !s.ack:
		return " (opens a connection)"
	case s.syn:
		return " (accepts the connection)"
	case s.rst:
		return " (resets the connection)"
	case s.fin:
		return data + " (closes its side)"
	}
	return data
}

func (d *decoder) describeDNS(fi *frameInfo) {
	m := &d.dns
	fi.cat = "dns"
	fi.request = !m.QR
	q := "?"
	if len(m.Questions) > 0 {
		q = fmt.Sprintf("%s %s", m.Questions[0].Type, m.Questions[0].Name)
	}
	ends := fmt.Sprintf("%s:%d → %s:%d", fi.src, d.udp.SrcPort, fi.dst, d.udp.DstPort)
	if !m.QR {
		fi.text = fmt.Sprintf("DNS query %s? id %d %s", q, m.ID, ends)
		return
	}
	var ans []string
	for _, a := range m.Answers {
		switch {
		case a.IP != nil:
			ans = append(ans, a.IP.String())
		case a.CNAME != nil:
			ans = append(ans, "CNAME "+string(a.CNAME))
		}
	}
	what := strings.Join(ans, ", ")
	switch {
	case m.ResponseCode != layers.DNSResponseCodeNoErr:
		what = m.ResponseCode.String()
	case len(ans) == 0:
		what = "no address"
	}
	fi.text = fmt.Sprintf("DNS answer %s: %s id %d %s", q, what, m.ID, ends)
}

// describeVXLAN tells what a VXLAN datagram carries (RFC 7348: the I flag
// alone in the first word, the VNI, then a whole Ethernet frame), on any
// port (flannel's 8472 as well as 4789), with the inner frame's category,
// so that --explain=icmp follows a ping across an overlay. A payload that
// is not exactly such a header, or whose inner frame says nothing, leaves
// the UDP words alone.
func describeVXLAN(fi *frameInfo, payload []byte) {
	const hdr, eth = 8, 14
	if len(payload) < hdr+eth || binary.BigEndian.Uint32(payload) != 0x08000000 || payload[7] != 0 {
		return
	}
	inner := decodeFrame(payload[hdr:])
	if inner.cat == "" {
		return
	}
	vni := binary.BigEndian.Uint32(payload[4:]) >> 8
	fi.text = strings.Replace(fi.text, fmt.Sprintf("%d bytes", len(payload)), fmt.Sprintf("VXLAN id %d: %s", vni, inner.text), 1)
	fi.cat, fi.request = inner.cat, inner.request
}
