package capture

import (
	"strings"
	"testing"

	"github.com/google/gopacket/layers"
)

func dnsQuery(t *testing.T) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ip1, DstIP: ip2}
	udp := &layers.UDP{SrcPort: 40000, DstPort: 53}
	udp.SetNetworkLayerForChecksum(ip)
	return mustSerialize(t,
		&layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv4}, ip, udp,
		&layers.DNS{ID: 0x1234, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{{Name: []byte("web"), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}})
}

func tcpSyn(t *testing.T) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: ip1, DstIP: ip2}
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: 100, SYN: true, Window: 64240}
	tcp.SetNetworkLayerForChecksum(ip)
	return mustSerialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv4}, ip, tcp)
}

func TestProtocol(t *testing.T) {
	cases := []struct {
		name  string
		frame []byte
		want  string
	}{
		{"arp", arpRequest(t), "arp"},
		{"icmp", echo(t), "icmp"},
		{"dns", dnsQuery(t), "dns"},
		{"tcp", tcpSyn(t), "tcp"},
		{"short", []byte{1, 2}, "other"},
		{"truncated ip", append(echo(t)[:14:14], 0x45), "other"},
	}
	for _, c := range cases {
		if got := Protocol(c.frame); got != c.want {
			t.Errorf("Protocol(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

// layerText renders a dissection as lines, for comparison.
func layerText(ls []Layer) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Summary + "\n")
		for _, f := range l.Fields {
			b.WriteString("    " + f.Name + ": " + f.Value + "\n")
		}
	}
	return b.String()
}

func TestDissect(t *testing.T) {
	cases := []struct {
		name  string
		frame []byte
		want  []string
	}{
		{"arp", arpRequest(t), []string{
			"Ethernet II, Src: 3a:00:00:00:00:01, Dst: Broadcast (ff:ff:ff:ff:ff:ff)",
			"Type: ARP (0x0806)",
			"Address Resolution Protocol (request)",
			"Opcode: request (1)",
			"Sender IP address: 192.168.28.1",
			"Target IP address: 192.168.28.2",
		}},
		{"icmp", echo(t), []string{
			"Internet Protocol Version 4, Src: 192.168.28.1, Dst: 192.168.28.2",
			"Time to Live: 64",
			"Protocol: ICMPv4 (1)",
			"Type: 8 (Echo (ping) request)",
			"Identifier: 7 (0x0007)",
			"Sequence Number: 1",
			"Data (56 bytes)",
		}},
		{"dns", dnsQuery(t), []string{
			"User Datagram Protocol, Src Port: 40000, Dst Port: 53",
			"Domain Name System (query)",
			"Transaction ID: 0x1234",
			"Query: web: type A, class IN",
		}},
		{"tcp", tcpSyn(t), []string{
			"Transmission Control Protocol, Src Port: 40000, Dst Port: 80, Seq: 100, Len: 0",
			"Flags: [S]",
		}},
		{"garbage", []byte{1, 2, 3}, []string{"Malformed packet"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := layerText(Dissect(c.frame))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("no %q in:\n%s", w, got)
				}
			}
		})
	}
}

// FuzzDissect: no frame may panic the dissector or the classifier.
func FuzzDissect(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 14))
	f.Add([]byte(string(make([]byte, 12)) + "\x08\x00\x4f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Dissect(b)
		_ = Protocol(b)
	})
}
