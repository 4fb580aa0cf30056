package capture

import (
	"fmt"
	"net"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// Layer is one protocol layer of a decoded frame, as Wireshark's packet
// tree shows it: a title line and its fields.
type Layer struct {
	// Name is the protocol: "Ethernet II", "ARP", "IPv4", "ICMP", "TCP",
	// "UDP", "DNS", "Data".
	Name string `json:"name"`
	// Summary is the layer's title line ("Internet Protocol Version 4,
	// Src: 192.168.28.1, Dst: 192.168.28.2").
	Summary string `json:"summary"`
	// Fields are the layer's fields in header order.
	Fields []Field `json:"fields"`
}

// Field is one field of a Layer.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Protocol classifies an Ethernet frame by what a learner would call it:
// "arp", "icmp", "dns" (UDP or TCP port 53), "tcp", "udp", "ipv6" or
// "other". It reads the headers in place and allocates nothing.
func Protocol(frame []byte) string {
	if len(frame) < 14 {
		return "other"
	}
	switch uint16(frame[12])<<8 | uint16(frame[13]) {
	case 0x0806:
		return "arp"
	case 0x86dd:
		return "ipv6"
	case 0x0800:
	default:
		return "other"
	}
	ip := frame[14:]
	if len(ip) < 20 {
		return "other"
	}
	var l4 []byte
	if ihl := int(ip[0]&0x0f) * 4; ihl >= 20 && ihl <= len(ip) {
		l4 = ip[ihl:]
	}
	switch ip[9] {
	case 1:
		return "icmp"
	case 6, 17:
		if len(l4) >= 4 && (uint16(l4[0])<<8|uint16(l4[1]) == 53 || uint16(l4[2])<<8|uint16(l4[3]) == 53) {
			return "dns"
		}
		if ip[9] == 6 {
			return "tcp"
		}
		return "udp"
	}
	return "other"
}

// Dissect decodes an Ethernet frame into its layers, outermost first. A
// layer that does not decode ends the list with a "Malformed" layer
// saying why.
func Dissect(frame []byte) []Layer {
	pkt := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.DecodeOptions{NoCopy: true})
	var out []Layer
	for _, l := range pkt.Layers() {
		if d, ok := dissectors[l.LayerType()]; ok {
			out = append(out, d(l))
			continue
		}
		if l.LayerType() == gopacket.LayerTypePayload && len(l.LayerContents()) > 0 {
			out = append(out, dataLayer(l.LayerContents()))
		}
	}
	if el := pkt.ErrorLayer(); el != nil {
		out = append(out, Layer{Name: "Malformed", Summary: "Malformed packet: " + el.Error().Error()})
	}
	return out
}

var dissectors = map[gopacket.LayerType]func(gopacket.Layer) Layer{
	layers.LayerTypeEthernet: dissectEthernet,
	layers.LayerTypeARP:      dissectARP,
	layers.LayerTypeIPv4:     dissectIPv4,
	layers.LayerTypeICMPv4:   dissectICMP,
	layers.LayerTypeTCP:      dissectTCP,
	layers.LayerTypeUDP:      dissectUDP,
	layers.LayerTypeDNS:      dissectDNS,
}

func fields(kv ...string) []Field {
	out := make([]Field, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Field{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func macName(m net.HardwareAddr) string {
	if m.String() == "ff:ff:ff:ff:ff:ff" {
		return "Broadcast (ff:ff:ff:ff:ff:ff)"
	}
	return m.String()
}

func dissectEthernet(l gopacket.Layer) Layer {
	e := l.(*layers.Ethernet)
	return Layer{
		Name:    "Ethernet II",
		Summary: fmt.Sprintf("Ethernet II, Src: %s, Dst: %s", e.SrcMAC, macName(e.DstMAC)),
		Fields: fields("Destination", macName(e.DstMAC), "Source", e.SrcMAC.String(),
			"Type", fmt.Sprintf("%s (0x%04x)", etherName(e.EthernetType), uint16(e.EthernetType))),
	}
}

func dissectARP(l gopacket.Layer) Layer {
	a := l.(*layers.ARP)
	op := fmt.Sprintf("unknown (%d)", a.Operation)
	switch a.Operation {
	case layers.ARPRequest:
		op = "request (1)"
	case layers.ARPReply:
		op = "reply (2)"
	}
	return Layer{
		Name:    "ARP",
		Summary: fmt.Sprintf("Address Resolution Protocol (%s)", strings.Fields(op)[0]),
		Fields: fields("Hardware type", fmt.Sprintf("%s (%d)", a.AddrType, a.AddrType),
			"Protocol type", fmt.Sprintf("%s (0x%04x)", etherName(a.Protocol), uint16(a.Protocol)),
			"Hardware size", fmt.Sprint(a.HwAddressSize), "Protocol size", fmt.Sprint(a.ProtAddressSize),
			"Opcode", op,
			"Sender MAC address", net.HardwareAddr(a.SourceHwAddress).String(),
			"Sender IP address", net.IP(a.SourceProtAddress).String(),
			"Target MAC address", net.HardwareAddr(a.DstHwAddress).String(),
			"Target IP address", net.IP(a.DstProtAddress).String()),
	}
}

func dissectIPv4(l gopacket.Layer) Layer {
	ip := l.(*layers.IPv4)
	return Layer{
		Name:    "IPv4",
		Summary: fmt.Sprintf("Internet Protocol Version 4, Src: %s, Dst: %s", ip.SrcIP, ip.DstIP),
		Fields: fields("Version", fmt.Sprint(ip.Version),
			"Header Length", fmt.Sprintf("%d bytes (%d)", int(ip.IHL)*4, ip.IHL),
			"Differentiated Services Field", fmt.Sprintf("0x%02x", ip.TOS),
			"Total Length", fmt.Sprint(ip.Length),
			"Identification", fmt.Sprintf("0x%04x (%d)", ip.Id, ip.Id),
			"Flags", ipFlags(ip.Flags),
			"Fragment Offset", fmt.Sprint(ip.FragOffset),
			"Time to Live", fmt.Sprint(ip.TTL),
			"Protocol", fmt.Sprintf("%s (%d)", ip.Protocol, uint8(ip.Protocol)),
			"Header Checksum", fmt.Sprintf("0x%04x", ip.Checksum),
			"Source Address", ip.SrcIP.String(),
			"Destination Address", ip.DstIP.String()),
	}
}

func ipFlags(f layers.IPv4Flag) string {
	var names []string
	if f&layers.IPv4DontFragment != 0 {
		names = append(names, "Don't fragment")
	}
	if f&layers.IPv4MoreFragments != 0 {
		names = append(names, "More fragments")
	}
	if len(names) == 0 {
		return fmt.Sprintf("0x%x", uint8(f))
	}
	return fmt.Sprintf("0x%x, %s", uint8(f), strings.Join(names, ", "))
}

func dissectICMP(l gopacket.Layer) Layer {
	ic := l.(*layers.ICMPv4)
	f := fields("Type", fmt.Sprintf("%d (%s)", ic.TypeCode.Type(), icmpTypeName(ic.TypeCode)),
		"Code", fmt.Sprint(ic.TypeCode.Code()),
		"Checksum", fmt.Sprintf("0x%04x", ic.Checksum))
	switch ic.TypeCode.Type() {
	case layers.ICMPv4TypeEchoRequest, layers.ICMPv4TypeEchoReply:
		f = append(f, fields("Identifier", fmt.Sprintf("%d (0x%04x)", ic.Id, ic.Id), "Sequence Number", fmt.Sprint(ic.Seq))...)
	}
	return Layer{Name: "ICMP", Summary: "Internet Control Message Protocol", Fields: f}
}

func icmpTypeName(tc layers.ICMPv4TypeCode) string {
	switch tc.Type() {
	case layers.ICMPv4TypeEchoRequest:
		return "Echo (ping) request"
	case layers.ICMPv4TypeEchoReply:
		return "Echo (ping) reply"
	case layers.ICMPv4TypeDestinationUnreachable:
		return "Destination unreachable: " + unreachName(tc.Code())
	case layers.ICMPv4TypeTimeExceeded:
		return "Time-to-live exceeded"
	}
	return tc.String()
}

func dissectTCP(l gopacket.Layer) Layer {
	t := l.(*layers.TCP)
	return Layer{
		Name: "TCP",
		Summary: fmt.Sprintf("Transmission Control Protocol, Src Port: %d, Dst Port: %d, Seq: %d, Len: %d",
			t.SrcPort, t.DstPort, t.Seq, len(t.Payload)),
		Fields: fields("Source Port", fmt.Sprint(uint16(t.SrcPort)), "Destination Port", fmt.Sprint(uint16(t.DstPort)),
			"Sequence Number", fmt.Sprint(t.Seq), "Acknowledgment Number", fmt.Sprint(t.Ack),
			"Header Length", fmt.Sprintf("%d bytes", int(t.DataOffset)*4),
			"Flags", fmt.Sprintf("[%s]", tcpFlags(t)),
			"Window", fmt.Sprint(t.Window), "Checksum", fmt.Sprintf("0x%04x", t.Checksum),
			"Payload", fmt.Sprintf("%d bytes", len(t.Payload))),
	}
}

func dissectUDP(l gopacket.Layer) Layer {
	u := l.(*layers.UDP)
	return Layer{
		Name:    "UDP",
		Summary: fmt.Sprintf("User Datagram Protocol, Src Port: %d, Dst Port: %d", u.SrcPort, u.DstPort),
		Fields: fields("Source Port", fmt.Sprint(uint16(u.SrcPort)), "Destination Port", fmt.Sprint(uint16(u.DstPort)),
			"Length", fmt.Sprint(u.Length), "Checksum", fmt.Sprintf("0x%04x", u.Checksum)),
	}
}

func dissectDNS(l gopacket.Layer) Layer {
	d := l.(*layers.DNS)
	kind := "query"
	if d.QR {
		kind = "response"
	}
	f := fields("Transaction ID", fmt.Sprintf("0x%04x", d.ID),
		"Flags", fmt.Sprintf("standard %s, rcode %s", kind, d.ResponseCode),
		"Questions", fmt.Sprint(len(d.Questions)), "Answer RRs", fmt.Sprint(len(d.Answers)))
	for _, q := range d.Questions {
		f = append(f, Field{Name: "Query", Value: fmt.Sprintf("%s: type %s, class %s", q.Name, q.Type, q.Class)})
	}
	for _, a := range d.Answers {
		v := fmt.Sprintf("%s: type %s, class %s, ttl %d", a.Name, a.Type, a.Class, a.TTL)
		if a.IP != nil {
			v += ", addr " + a.IP.String()
		}
		f = append(f, Field{Name: "Answer", Value: v})
	}
	return Layer{Name: "DNS", Summary: fmt.Sprintf("Domain Name System (%s)", kind), Fields: f}
}

func dataLayer(b []byte) Layer {
	n := min(len(b), 32)
	v := fmt.Sprintf("%x", b[:n])
	if n < len(b) {
		v += "…"
	}
	return Layer{Name: "Data", Summary: fmt.Sprintf("Data (%d bytes)", len(b)), Fields: fields("Data", v)}
}
