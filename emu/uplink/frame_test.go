package uplink

import (
	"encoding/binary"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

var (
	testSrcMAC = tcpip.LinkAddress("\x02\x00\x00\x00\x00\x01")
	testDstMAC = tcpip.LinkAddress("\x02\x00\x00\x00\x00\x02")
	testSrcIP  = tcpip.AddrFrom4([4]byte{192, 0, 2, 1})
	testDstIP  = tcpip.AddrFrom4([4]byte{192, 0, 2, 2})
)

// ethFrame is an Ethernet frame of type typ around payload.
func ethFrame(src, dst tcpip.LinkAddress, typ tcpip.NetworkProtocolNumber, payload []byte) []byte {
	b := make([]byte, header.EthernetMinimumSize+len(payload))
	header.Ethernet(b).Encode(&header.EthernetFields{SrcAddr: src, DstAddr: dst, Type: typ})
	copy(b[header.EthernetMinimumSize:], payload)
	return b
}

// ipFrame is an Ethernet frame carrying an IPv4 packet of protocol proto
// from src to dst around l4, whose checksum it fills in (at the offset
// each protocol has it).
func ipFrame(src, dst tcpip.Address, proto tcpip.TransportProtocolNumber, l4 []byte) []byte {
	l4 = append([]byte(nil), l4...)
	switch proto {
	case header.TCPProtocolNumber:
		binary.BigEndian.PutUint16(l4[16:], 0)
		x := header.PseudoHeaderChecksum(proto, src, dst, uint16(len(l4)))
		binary.BigEndian.PutUint16(l4[16:], ^checksum.Checksum(l4, x))
	case header.UDPProtocolNumber:
		binary.BigEndian.PutUint16(l4[6:], 0)
		x := header.PseudoHeaderChecksum(proto, src, dst, uint16(len(l4)))
		binary.BigEndian.PutUint16(l4[6:], ^checksum.Checksum(l4, x))
	case header.ICMPv4ProtocolNumber:
		binary.BigEndian.PutUint16(l4[2:], 0)
		binary.BigEndian.PutUint16(l4[2:], ^checksum.Checksum(l4, 0))
	}
	ip := make([]byte, header.IPv4MinimumSize+len(l4))
	h := header.IPv4(ip)
	h.Encode(&header.IPv4Fields{TotalLength: uint16(len(ip)), TTL: 64, Protocol: uint8(proto), SrcAddr: src, DstAddr: dst})
	h.SetChecksum(^h.CalculateChecksum())
	copy(ip[header.IPv4MinimumSize:], l4)
	return ethFrame(testSrcMAC, testDstMAC, header.IPv4ProtocolNumber, ip)
}

func echoRequest(id, seq uint16, data string) []byte {
	b := make([]byte, header.ICMPv4MinimumSize+len(data))
	h := header.ICMPv4(b)
	h.SetType(header.ICMPv4Echo)
	h.SetIdent(id)
	h.SetSequence(seq)
	copy(b[header.ICMPv4MinimumSize:], data)
	return b
}

func udpDatagram(sport, dport uint16, data string) []byte {
	b := make([]byte, header.UDPMinimumSize+len(data))
	header.UDP(b).Encode(&header.UDPFields{SrcPort: sport, DstPort: dport, Length: uint16(len(b))})
	copy(b[header.UDPMinimumSize:], data)
	return b
}

func tcpSegment(sport, dport uint16) []byte {
	b := make([]byte, header.TCPMinimumSize)
	header.TCP(b).Encode(&header.TCPFields{SrcPort: sport, DstPort: dport, SeqNum: 1, DataOffset: header.TCPMinimumSize, Flags: header.TCPFlagSyn, WindowSize: 65535})
	return b
}

func arpRequest(sender, target tcpip.Address) []byte {
	b := make([]byte, header.ARPSize)
	a := header.ARP(b)
	a.SetIPv4OverEthernet()
	a.SetOp(header.ARPRequest)
	copy(a.HardwareAddressSender(), testSrcMAC)
	copy(a.ProtocolAddressSender(), sender.AsSlice())
	copy(a.ProtocolAddressTarget(), target.AsSlice())
	return ethFrame(testSrcMAC, header.EthernetBroadcastAddress, header.ARPProtocolNumber, b)
}

// mutate returns a copy of b changed by f.
func mutate(b []byte, f func([]byte)) []byte {
	c := append([]byte(nil), b...)
	f(c)
	return c
}

const eth = header.EthernetMinimumSize

var frameCases = []struct {
	name  string
	frame []byte
	want  Drop
}{
	{"ARP request", arpRequest(testSrcIP, testDstIP), DropNone},
	{"ICMP echo", ipFrame(testSrcIP, testDstIP, header.ICMPv4ProtocolNumber, echoRequest(7, 1, "abcdefgh")), DropNone},
	{"UDP", ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1000, 53, "query")), DropNone},
	{"TCP SYN", ipFrame(testSrcIP, testDstIP, header.TCPProtocolNumber, tcpSegment(1000, 80)), DropNone},
	{"padded to 60 bytes", append(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "")), make([]byte, 18)...), DropNone},
	{"UDP without checksum", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1000, 53, "q")), func(b []byte) {
		b[eth+20+6], b[eth+20+7] = 0, 0
	}), DropNone},
	{"a later fragment", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1000, 53, "garbage")), func(b []byte) {
		ip := header.IPv4(b[eth:])
		ip.SetFlagsFragmentOffset(0, 8)
		ip.SetChecksum(0)
		ip.SetChecksum(^ip.CalculateChecksum())
		b[eth+25] ^= 0xff // not a UDP header at all
	}), DropNone},
	{"empty", nil, DropRunt},
	{"runt", make([]byte, 13), DropRunt},
	{"giant", ethFrame(testSrcMAC, testDstMAC, header.IPv4ProtocolNumber, make([]byte, 1501)), DropGiant},
	{"multicast source", ethFrame(tcpip.LinkAddress("\x01\x00\x5e\x00\x00\x01"), testDstMAC, header.ARPProtocolNumber, make([]byte, 28)), DropSource},
	{"IPv6", ethFrame(testSrcMAC, testDstMAC, header.IPv6ProtocolNumber, make([]byte, 40)), DropIPv6},
	{"VLAN tag", ethFrame(testSrcMAC, testDstMAC, 0x8100, make([]byte, 46)), DropEtherType},
	{"unknown EtherType", ethFrame(testSrcMAC, testDstMAC, 0x88b5, make([]byte, 46)), DropEtherType},
	{"short ARP", arpRequest(testSrcIP, testDstIP)[:eth+20], DropARP},
	{"ARP for IPv6", mutate(arpRequest(testSrcIP, testDstIP), func(b []byte) { b[eth+2] = 0x86; b[eth+3] = 0xdd }), DropARP},
	{"short IPv4", ethFrame(testSrcMAC, testDstMAC, header.IPv4ProtocolNumber, make([]byte, 19)), DropIPLength},
	{"IPv4 version 6", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "")), func(b []byte) { b[eth] = 0x65 }), DropIPLength},
	{"IPv4 header length 4", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "")), func(b []byte) { b[eth] = 0x41 }), DropIPLength},
	{"total length past the frame", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "")), func(b []byte) {
		binary.BigEndian.PutUint16(b[eth+2:], 200)
	}), DropIPLength},
	{"bad IPv4 checksum", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "")), func(b []byte) { b[eth+10] ^= 1 }), DropIPChecksum},
	{"short TCP", ipFrame(testSrcIP, testDstIP, header.TCPProtocolNumber, tcpSegment(1, 2)[:19]), DropTransport},
	{"TCP data offset past the end", mutate(ipFrame(testSrcIP, testDstIP, header.TCPProtocolNumber, tcpSegment(1, 2)), func(b []byte) { b[eth+20+12] = 0xf0 }), DropTransport},
	{"UDP length past the end", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "x")), func(b []byte) { b[eth+20+5] = 100 }), DropTransport},
	{"short ICMP", ipFrame(testSrcIP, testDstIP, header.ICMPv4ProtocolNumber, []byte{8, 0, 0, 0}), DropTransport},
	{"bad TCP checksum", mutate(ipFrame(testSrcIP, testDstIP, header.TCPProtocolNumber, tcpSegment(1, 2)), func(b []byte) { b[eth+20+4] ^= 1 }), DropChecksum},
	{"bad UDP checksum", mutate(ipFrame(testSrcIP, testDstIP, header.UDPProtocolNumber, udpDatagram(1, 2, "data")), func(b []byte) { b[len(b)-1] ^= 1 }), DropChecksum},
	{"bad ICMP checksum", mutate(ipFrame(testSrcIP, testDstIP, header.ICMPv4ProtocolNumber, echoRequest(1, 1, "ping")), func(b []byte) { b[len(b)-1] ^= 1 }), DropChecksum},
}

func TestCheckFrame(t *testing.T) {
	for _, c := range frameCases {
		if got := checkFrame(c.frame, 1500); got != c.want {
			t.Errorf("%s: checkFrame = %v, want %v", c.name, got, c.want)
		}
	}
}

// FuzzCheckFrame checks that no frame crashes the check, and that a frame
// it accepts is one gVisor's own parsers accept too.
func FuzzCheckFrame(f *testing.F) {
	for _, c := range frameCases {
		f.Add(c.frame)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkFrame(b, 1500) != DropNone {
			return
		}
		e := header.Ethernet(b)
		if e.Type() != header.IPv4ProtocolNumber {
			return
		}
		ip := header.IPv4(b[eth:])
		if !ip.IsValid(len(b) - eth) {
			t.Fatalf("accepted an IPv4 packet gVisor finds invalid: % x", b)
		}
	})
}
