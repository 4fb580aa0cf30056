package uplink

import (
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// Drop is why a frame that came from the TAP device was dropped before
// the emulation saw it. Frames from the real network are outside input:
// each is checked whole (lengths, checksums) first, since the emulated
// stacks trust the checksums of the frames they receive (between two
// emulated veths, as between two Linux ones, the sender computed them).
type Drop uint8

// The reasons, in the order checkFrame looks.
const (
	DropNone       Drop = iota
	DropRunt            // shorter than an Ethernet header
	DropGiant           // longer than the MTU lets a frame be
	DropSource          // a multicast source MAC
	DropIPv6            // IPv6, which nsemu does not emulate
	DropEtherType       // neither IPv4, ARP nor IPv6 (VLAN tags, ...)
	DropARP             // ARP that is truncated or not Ethernet/IPv4
	DropIPLength        // IPv4 version, header or total length inconsistent
	DropIPChecksum      // bad IPv4 header checksum
	DropTransport       // TCP, UDP or ICMP header truncated or inconsistent
	DropChecksum        // bad TCP, UDP or ICMP checksum
	numDrops
)

var dropNames = [numDrops]string{
	DropNone:       "none",
	DropRunt:       "runt frame",
	DropGiant:      "frame longer than the MTU",
	DropSource:     "multicast source address",
	DropIPv6:       "IPv6 (not emulated)",
	DropEtherType:  "unsupported EtherType",
	DropARP:        "malformed ARP",
	DropIPLength:   "bad IPv4 length",
	DropIPChecksum: "bad IPv4 header checksum",
	DropTransport:  "malformed transport header",
	DropChecksum:   "bad transport checksum",
}

func (d Drop) String() string {
	if d < numDrops {
		return dropNames[d]
	}
	return "unknown"
}

// checkFrame checks a whole Ethernet frame read from the TAP device for a
// link whose MTU is mtu. It reads b only.
func checkFrame(b []byte, mtu int) Drop {
	if len(b) < header.EthernetMinimumSize {
		return DropRunt
	}
	if len(b)-header.EthernetMinimumSize > mtu {
		return DropGiant
	}
	eth := header.Ethernet(b)
	if src := eth.SourceAddress(); len(src) == 6 && src[0]&1 != 0 {
		return DropSource
	}
	payload := b[header.EthernetMinimumSize:]
	switch eth.Type() {
	case header.ARPProtocolNumber:
		if len(payload) < header.ARPSize || !header.ARP(payload).IsValid() {
			return DropARP
		}
		return DropNone
	case header.IPv4ProtocolNumber:
		return checkIPv4(payload)
	case header.IPv6ProtocolNumber:
		return DropIPv6
	}
	return DropEtherType
}

// checkIPv4 checks an IPv4 packet (with the frame's padding after it) and,
// unless it is a fragment, its TCP, UDP or ICMP header and checksum.
func checkIPv4(b []byte) Drop {
	if len(b) < header.IPv4MinimumSize {
		return DropIPLength
	}
	ip := header.IPv4(b)
	ihl := int(ip.HeaderLength())
	total := int(ip.TotalLength())
	if header.IPVersion(b) != header.IPv4Version || ihl < header.IPv4MinimumSize || total < ihl || total > len(b) {
		return DropIPLength
	}
	if checksum.Checksum(b[:ihl], 0) != 0xffff {
		return DropIPChecksum
	}
	if ip.More() || ip.FragmentOffset() != 0 {
		// The transport checksum covers the whole datagram: the stack
		// reassembles it.
		return DropNone
	}
	return checkTransport(ip, b[ihl:total])
}

// checkTransport checks the TCP, UDP or ICMP segment l4 carried by ip.
func checkTransport(ip header.IPv4, l4 []byte) Drop {
	proto := ip.TransportProtocol()
	pseudo := func() uint16 {
		return header.PseudoHeaderChecksum(proto, ip.SourceAddress(), ip.DestinationAddress(), uint16(len(l4)))
	}
	switch proto {
	case header.TCPProtocolNumber:
		if len(l4) < header.TCPMinimumSize {
			return DropTransport
		}
		if off := int(header.TCP(l4).DataOffset()); off < header.TCPMinimumSize || off > len(l4) {
			return DropTransport
		}
		return sumOK(checksum.Checksum(l4, pseudo()))
	case header.UDPProtocolNumber:
		if len(l4) < header.UDPMinimumSize {
			return DropTransport
		}
		u := header.UDP(l4)
		if int(u.Length()) < header.UDPMinimumSize || int(u.Length()) > len(l4) {
			return DropTransport
		}
		if u.Checksum() == 0 {
			return DropNone // no checksum: allowed over IPv4
		}
		l4 = l4[:u.Length()]
		return sumOK(checksum.Checksum(l4, header.PseudoHeaderChecksum(proto, ip.SourceAddress(), ip.DestinationAddress(), uint16(len(l4)))))
	case header.ICMPv4ProtocolNumber:
		if len(l4) < header.ICMPv4MinimumSize {
			return DropTransport
		}
		return sumOK(checksum.Checksum(l4, 0))
	}
	return DropNone
}

func sumOK(sum uint16) Drop {
	if sum != 0xffff {
		return DropChecksum
	}
	return DropNone
}
