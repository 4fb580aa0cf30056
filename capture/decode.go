package capture

import (
	"fmt"
	"net"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// Summary renders an Ethernet frame as tcpdump's one-line summary (without
// the timestamp). With ether, the link-level header is shown as with
// tcpdump -e.
func Summary(frame []byte, ether bool) string {
	pkt := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	eth, _ := pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	if eth == nil {
		return fmt.Sprintf("[|ether] length %d", len(frame))
	}
	body := summaryL3(pkt, eth)
	if ether {
		body = fmt.Sprintf("%s > %s, ethertype %s (0x%04x), length %d: %s", eth.SrcMAC, eth.DstMAC, etherName(eth.EthernetType), uint16(eth.EthernetType), len(frame), stripProto(body, eth.EthernetType))
	}
	if _, inner, ok := tunnel(pkt); ok {
		// tcpdump prints the carried frame on a line of its own.
		body += "\n" + Summary(inner, ether)
	}
	return body
}

// The UDP ports tcpdump decodes as tunnels: VXLAN's (RFC 7348) and OTV's,
// which is the port flannel and Linux's default VXLAN use.
const (
	vxlanPort = 4789
	otvPort   = 8472
)

// tunnel reads a VXLAN (or OTV) header on a UDP datagram to or from its
// port, as tcpdump does: its words and the carried frame; ok is false when
// the datagram is no tunnel or too short to carry a frame.
func tunnel(pkt gopacket.Packet) (text string, inner []byte, ok bool) {
	udp, _ := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
	if udp == nil {
		return "", nil, false
	}
	b := udp.Payload
	isPort := func(p layers.UDPPort) bool { return udp.SrcPort == p || udp.DstPort == p }
	name := ""
	switch {
	case isPort(vxlanPort):
		name = "VXLAN"
	case isPort(otvPort):
		name = "OTV"
	default:
		return "", nil, false
	}
	if len(b) < 8 {
		return name + " (invalid)", nil, false
	}
	flag := "."
	if b[0]&0x08 != 0 {
		flag = "I"
	}
	text = fmt.Sprintf("%s, flags [%s] (0x%02x), vni %d", name, flag, b[0], uint32(b[4])<<16|uint32(b[5])<<8|uint32(b[6]))
	if name == "OTV" {
		text = fmt.Sprintf("OTV, flags [%s] (0x%02x), overlay %d, instance %d", flag, b[0],
			uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3]), uint32(b[4])<<16|uint32(b[5])<<8|uint32(b[6]))
	}
	return text, b[8:], len(b) > 8
}

func etherName(t layers.EthernetType) string {
	switch t {
	case layers.EthernetTypeIPv4:
		return "IPv4"
	case layers.EthernetTypeARP:
		return "ARP"
	case layers.EthernetTypeIPv6:
		return "IPv6"
	}
	return "Unknown"
}

// stripProto removes the "IP "/"ARP, " prefix that tcpdump omits with -e.
func stripProto(s string, t layers.EthernetType) string {
	switch t {
	case layers.EthernetTypeIPv4:
		return strings.TrimPrefix(s, "IP ")
	case layers.EthernetTypeARP:
		return strings.TrimPrefix(s, "ARP, ")
	case layers.EthernetTypeIPv6:
		return strings.TrimPrefix(s, "IP6 ")
	}
	return s
}

func summaryL3(pkt gopacket.Packet, eth *layers.Ethernet) string {
	switch eth.EthernetType {
	case layers.EthernetTypeARP:
		arp, _ := pkt.Layer(layers.LayerTypeARP).(*layers.ARP)
		if arp == nil {
			return "ARP, [|arp]"
		}
		spa, tpa := net.IP(arp.SourceProtAddress), net.IP(arp.DstProtAddress)
		switch arp.Operation {
		case layers.ARPRequest:
			return fmt.Sprintf("ARP, Request who-has %s tell %s, length 28", tpa, spa)
		case layers.ARPReply:
			return fmt.Sprintf("ARP, Reply %s is-at %s, length 28", spa, net.HardwareAddr(arp.SourceHwAddress))
		}
		return fmt.Sprintf("ARP, Unknown operation %d, length 28", arp.Operation)
	case layers.EthernetTypeIPv4:
		ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip == nil {
			return "IP [|ip]"
		}
		return "IP " + summaryIPv4(pkt, ip)
	case layers.EthernetTypeIPv6:
		return "IP6 (not decoded)"
	}
	return fmt.Sprintf("ethertype Unknown (0x%04x), length %d", uint16(eth.EthernetType), len(pkt.Data()))
}

func summaryIPv4(pkt gopacket.Packet, ip *layers.IPv4) string {
	src, dst := ip.SrcIP.String(), ip.DstIP.String()
	switch ip.Protocol {
	case layers.IPProtocolICMPv4:
		ic, _ := pkt.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
		if ic == nil {
			return fmt.Sprintf("%s > %s: ICMP [|icmp]", src, dst)
		}
		n := len(ic.Contents) + len(ic.Payload)
		switch ic.TypeCode.Type() {
		case layers.ICMPv4TypeEchoRequest:
			return fmt.Sprintf("%s > %s: ICMP echo request, id %d, seq %d, length %d", src, dst, ic.Id, ic.Seq, n)
		case layers.ICMPv4TypeEchoReply:
			return fmt.Sprintf("%s > %s: ICMP echo reply, id %d, seq %d, length %d", src, dst, ic.Id, ic.Seq, n)
		case layers.ICMPv4TypeDestinationUnreachable:
			return fmt.Sprintf("%s > %s: ICMP %s unreachable, length %d", src, dst, unreachName(ic.TypeCode.Code()), n)
		case layers.ICMPv4TypeTimeExceeded:
			return fmt.Sprintf("%s > %s: ICMP time exceeded in-transit, length %d", src, dst, n)
		}
		return fmt.Sprintf("%s > %s: ICMP type-#%d, length %d", src, dst, ic.TypeCode.Type(), n)
	case layers.IPProtocolTCP:
		tcp, _ := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if tcp == nil {
			return fmt.Sprintf("%s > %s: tcp [|tcp]", src, dst)
		}
		return fmt.Sprintf("%s.%d > %s.%d: Flags [%s], %s, length %d", src, tcp.SrcPort, dst, tcp.DstPort, tcpFlags(tcp), tcpSeq(tcp), len(tcp.Payload))
	case layers.IPProtocolUDP:
		udp, _ := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if udp == nil {
			return fmt.Sprintf("%s > %s: udp [|udp]", src, dst)
		}
		if udp.SrcPort == 53 || udp.DstPort == 53 {
			if dns, ok := pkt.Layer(layers.LayerTypeDNS).(*layers.DNS); ok {
				return fmt.Sprintf("%s.%d > %s.%d: %s", src, udp.SrcPort, dst, udp.DstPort, dnsSummary(dns, len(udp.Payload)))
			}
		}
		if t, _, _ := tunnel(pkt); t != "" {
			return fmt.Sprintf("%s.%d > %s.%d: %s", src, udp.SrcPort, dst, udp.DstPort, t)
		}
		return fmt.Sprintf("%s.%d > %s.%d: UDP, length %d", src, udp.SrcPort, dst, udp.DstPort, len(udp.Payload))
	}
	return fmt.Sprintf("%s > %s: ip-proto-%d %d", src, dst, ip.Protocol, len(ip.Payload))
}

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
	}
	return fmt.Sprintf("code %d", code)
}

func tcpFlags(t *layers.TCP) string {
	var b strings.Builder
	if t.SYN {
		b.WriteByte('S')
	}
	if t.FIN {
		b.WriteByte('F')
	}
	if t.RST {
		b.WriteByte('R')
	}
	if t.PSH {
		b.WriteByte('P')
	}
	if t.ACK {
		b.WriteByte('.')
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

func tcpSeq(t *layers.TCP) string {
	var parts []string
	n := uint32(len(t.Payload))
	switch {
	case n > 0:
		parts = append(parts, fmt.Sprintf("seq %d:%d", t.Seq, t.Seq+n))
	case t.SYN || t.FIN || t.RST:
		parts = append(parts, fmt.Sprintf("seq %d", t.Seq))
	}
	if t.ACK {
		parts = append(parts, fmt.Sprintf("ack %d", t.Ack))
	}
	parts = append(parts, fmt.Sprintf("win %d", t.Window))
	return strings.Join(parts, ", ")
}

func dnsSummary(d *layers.DNS, n int) string {
	var q string
	if len(d.Questions) > 0 {
		q = fmt.Sprintf("%s? %s.", d.Questions[0].Type, d.Questions[0].Name)
	}
	if !d.QR {
		return fmt.Sprintf("%d+ %s (%d)", d.ID, q, n)
	}
	var ans []string
	for _, a := range d.Answers {
		if a.IP != nil {
			ans = append(ans, fmt.Sprintf("%s %s", a.Type, a.IP))
		}
	}
	rc := ""
	if d.ResponseCode != layers.DNSResponseCodeNoErr {
		rc = " " + d.ResponseCode.String()
	}
	return fmt.Sprintf("%d%s %d/0/0 %s (%d)", d.ID, rc, len(d.Answers), strings.Join(ans, ", "), n)
}
