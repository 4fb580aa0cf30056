package teach

import (
	"net"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0b}
	ipA  = net.IP{10, 0, 0, 1}
	ipB  = net.IP{10, 0, 0, 2}
)

// frame serialises layers after an Ethernet header from macA to dst.
func frame(t *testing.T, dst net.HardwareAddr, typ layers.EthernetType, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: dst, EthernetType: typ}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	for _, l := range ls {
		if n, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok {
			for _, m := range ls {
				if ip, ok := m.(*layers.IPv4); ok {
					_ = n.SetNetworkLayerForChecksum(ip)
				}
			}
		}
	}
	if err := gopacket.SerializeLayers(buf, opts, append([]gopacket.SerializableLayer{eth}, ls...)...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ip4(proto layers.IPProtocol, src, dst net.IP) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 7, Protocol: proto, SrcIP: src, DstIP: dst}
}

// quotedIP is the IP header and first 8 bytes an ICMP error quotes.
func quotedIP(t *testing.T, proto layers.IPProtocol, l4 gopacket.SerializableLayer) gopacket.Payload {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	ip := ip4(proto, ipA, net.IP{192, 0, 2, 9})
	if u, ok := l4.(*layers.UDP); ok {
		_ = u.SetNetworkLayerForChecksum(ip)
	}
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, l4); err != nil {
		t.Fatal(err)
	}
	return gopacket.Payload(buf.Bytes()[:28])
}

func TestDecodeWording(t *testing.T) {
	bcast := net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	arp := func(op uint16, dst net.HardwareAddr) []byte {
		return frame(t, dst, layers.EthernetTypeARP, &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
			HwAddressSize: 6, ProtAddressSize: 4, Operation: op, SourceHwAddress: macA, SourceProtAddress: ipA,
			DstHwAddress: make([]byte, 6), DstProtAddress: ipB})
	}
	icmp := func(tc layers.ICMPv4TypeCode, payload gopacket.Payload) []byte {
		return frame(t, macB, layers.EthernetTypeIPv4, ip4(layers.IPProtocolICMPv4, ipA, ipB),
			&layers.ICMPv4{TypeCode: tc, Id: 7, Seq: 3}, payload)
	}
	tcp := func(seg *layers.TCP, data string) []byte {
		seg.SrcPort, seg.DstPort, seg.Window = 40000, 80, 1000
		return frame(t, macB, layers.EthernetTypeIPv4, ip4(layers.IPProtocolTCP, ipA, ipB), seg, gopacket.Payload(data))
	}
	udp := func(sport, dport layers.UDPPort, l gopacket.SerializableLayer) []byte {
		return frame(t, macB, layers.EthernetTypeIPv4, ip4(layers.IPProtocolUDP, ipA, ipB), &layers.UDP{SrcPort: sport, DstPort: dport}, l)
	}
	q := layers.DNSQuestion{Name: []byte("web"), Type: layers.DNSTypeA, Class: layers.DNSClassIN}
	for _, c := range []struct {
		name, cat, want string
		frame           []byte
	}{
		{"arp request", "arp", "ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)", arp(layers.ARPRequest, bcast)},
		{"arp refresh", "arp", "ARP who-has 10.0.0.2 tell 10.0.0.1 (unicast: refreshing the entry)", arp(layers.ARPRequest, macB)},
		{"arp reply", "arp", "ARP reply 10.0.0.1 is-at 02:00:00:00:00:0a", arp(layers.ARPReply, macB)},
		{"echo request", "icmp", "ICMP echo request 10.0.0.1 → 10.0.0.2 id 7 seq 3",
			icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), nil)},
		{"echo reply", "icmp", "ICMP echo reply 10.0.0.1 → 10.0.0.2 id 7 seq 3",
			icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoReply, 0), nil)},
		{"host unreachable", "icmp", "ICMP host unreachable 10.0.0.1 → 10.0.0.2, about ICMP echo request 10.0.0.1 → 192.0.2.9 id 5 seq 1",
			icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodeHost),
				quotedIP(t, layers.IPProtocolICMPv4, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 5, Seq: 1}))},
		{"time exceeded", "icmp", "ICMP time exceeded 10.0.0.1 → 10.0.0.2, about UDP 10.0.0.1:33434 → 192.0.2.9:33435",
			icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeTimeExceeded, 0),
				quotedIP(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: 33434, DstPort: 33435}))},
		{"port unreachable", "icmp", "ICMP port unreachable 10.0.0.1 → 10.0.0.2, about UDP 10.0.0.1:33434 → 192.0.2.9:33435",
			icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort),
				quotedIP(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: 33434, DstPort: 33435}))},
		{"syn", "tcp", "TCP SYN 10.0.0.1:40000 → 10.0.0.2:80 (opens a connection)", tcp(&layers.TCP{SYN: true}, "")},
		{"syn-ack", "tcp", "TCP SYN-ACK 10.0.0.1:40000 → 10.0.0.2:80 (accepts the connection)", tcp(&layers.TCP{SYN: true, ACK: true}, "")},
		{"data", "tcp", "TCP ACK 10.0.0.1:40000 → 10.0.0.2:80, 5 bytes of data", tcp(&layers.TCP{ACK: true, PSH: true}, "hello")},
		{"fin", "tcp", "TCP FIN-ACK 10.0.0.1:40000 → 10.0.0.2:80 (closes its side)", tcp(&layers.TCP{FIN: true, ACK: true}, "")},
		{"rst", "tcp", "TCP RST-ACK 10.0.0.1:40000 → 10.0.0.2:80 (resets the connection)", tcp(&layers.TCP{RST: true, ACK: true}, "")},
		{"udp", "udp", "UDP 10.0.0.1:5000 → 10.0.0.2:6000, 3 bytes", udp(5000, 6000, gopacket.Payload("abc"))},
		{"vxlan", "icmp", "UDP 10.0.0.1:40000 → 10.0.0.2:4789, VXLAN id 42: ICMP echo request 10.0.0.1 → 10.0.0.2 id 7 seq 3",
			udp(40000, 4789, gopacket.Payload(append([]byte{0x08, 0, 0, 0, 0, 0, 42, 0},
				icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), nil)...)))},
		{"not vxlan: a reserved bit", "udp", "UDP 10.0.0.1:40000 → 10.0.0.2:4789, 68 bytes",
			udp(40000, 4789, gopacket.Payload(append([]byte{0x08, 0, 0, 0, 0, 0, 42, 1},
				icmp(layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), nil)...)))},
		{"dns query", "dns", "DNS query A web? id 42 10.0.0.1:40000 → 10.0.0.2:53",
			udp(40000, 53, &layers.DNS{ID: 42, RD: true, Questions: []layers.DNSQuestion{q}})},
		{"dns answer", "dns", "DNS answer A web: 172.18.0.2, 172.18.0.3 id 42 10.0.0.1:53 → 10.0.0.2:40000",
			udp(53, 40000, &layers.DNS{ID: 42, QR: true, Questions: []layers.DNSQuestion{q}, Answers: []layers.DNSResourceRecord{
				{Name: []byte("web"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 600, IP: net.IP{172, 18, 0, 2}},
				{Name: []byte("web"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 600, IP: net.IP{172, 18, 0, 3}}}})},
		{"dns nxdomain", "dns", "DNS answer A web: Non-Existent Domain id 42 10.0.0.1:53 → 10.0.0.2:40000",
			udp(53, 40000, &layers.DNS{ID: 42, QR: true, ResponseCode: layers.DNSResponseCodeNXDomain, Questions: []layers.DNSQuestion{q}})},
	} {
		t.Run(c.name, func(t *testing.T) {
			fi := newDecoder().decode(c.frame)
			if fi.cat != c.cat || fi.text != c.want {
				t.Errorf("decode = %q %q,\n      want %q %q", fi.cat, fi.text, c.cat, c.want)
			}
		})
	}
}

// TestDecodeNothing: what narration does not describe decodes to nothing,
// and broken frames do not panic.
func TestDecodeNothing(t *testing.T) {
	for _, f := range [][]byte{nil, {1, 2, 3}, make([]byte, 14), frame(t, macB, layers.EthernetTypeIPv6)} {
		if fi := newDecoder().decode(f); fi.cat != "" {
			t.Errorf("decode(%x) = %+v, want nothing", f, fi)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06})
	f.Add(make([]byte, 60))
	f.Fuzz(func(t *testing.T, b []byte) {
		fi := newDecoder().decode(b)
		_ = fi.bridgeText()
	})
}
