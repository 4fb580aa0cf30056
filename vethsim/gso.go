package vethsim

import (
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// NeedsSegment reports whether pkt is a large segment (or carries a partial
// checksum) that must go through Segment before it is real, on-wire frames.
func NeedsSegment(pkt *stack.PacketBuffer) bool {
	return pkt.GSOOptions.Type != stack.GSONone
}

// Segment cuts a wire packet carrying one large TCP/IPv4 segment (host GSO,
// with a partial checksum) into MTU-sized Ethernet frames with complete
// checksums, as a NIC's TSO would. It does not release pkt; the caller owns
// the returned packets. A packet that is not GSO is returned as is, with one
// more reference.
func Segment(pkt *stack.PacketBuffer, mtu uint32) []*stack.PacketBuffer {
	return segment(pkt, mtu)
}

func segment(pkt *stack.PacketBuffer, mtu uint32) []*stack.PacketBuffer {
	if pkt.GSOOptions.Type == stack.GSONone {
		return []*stack.PacketBuffer{pkt.IncRef()}
	}
	view := pkt.ToView()
	defer view.Release()
	frame := view.AsSlice()
	const ethLen = header.EthernetMinimumSize
	if len(frame) < ethLen+header.IPv4MinimumSize {
		return nil
	}
	ip := header.IPv4(frame[ethLen:])
	ihl := int(ip.HeaderLength())
	// Only TCP over IPv4 is cut; anything else (an IPv6 large segment, whose
	// bytes read as an IPv4 header would be garbage) passes unchanged.
	if header.Ethernet(frame).Type() != header.IPv4ProtocolNumber || header.IPVersion(ip) != header.IPv4Version ||
		ihl < header.IPv4MinimumSize || ip.Protocol() != uint8(header.TCPProtocolNumber) || len(ip) < ihl+header.TCPMinimumSize {
		// Not something we segment: pass it with its bytes unchanged.
		return []*stack.PacketBuffer{newWire(frame)}
	}
	tcp := header.TCP(ip[ihl:])
	thl := int(tcp.DataOffset())
	if thl < header.TCPMinimumSize || ihl+thl > len(ip) {
		return []*stack.PacketBuffer{newWire(frame)}
	}
	total := int(ip.TotalLength())
	if total > len(ip) || total < ihl+thl {
		total = len(ip)
	}
	payload := ip[ihl+thl : total]
	mss := int(mtu) - ihl - thl
	if m := int(pkt.GSOOptions.MSS); m > 0 && m < mss {
		mss = m
	}
	if mss <= 0 {
		mss = len(payload)
	}
	hdrLen := ethLen + ihl + thl
	var out []*stack.PacketBuffer
	seq := tcp.SequenceNumber()
	flags := tcp.Flags()
	id := ip.ID()
	for off := 0; off < len(payload) || off == 0; off += mss {
		end := off + mss
		if end > len(payload) {
			end = len(payload)
		}
		seg := make([]byte, hdrLen+end-off)
		copy(seg, frame[:hdrLen])
		copy(seg[hdrLen:], payload[off:end])
		sip := header.IPv4(seg[ethLen:])
		sip.SetTotalLength(uint16(ihl + thl + end - off))
		sip.SetID(id)
		id++
		sip.SetChecksum(0)
		sip.SetChecksum(^sip.CalculateChecksum())
		stcp := header.TCP(sip[ihl:])
		stcp.SetSequenceNumber(seq + uint32(off))
		f := flags
		if end < len(payload) {
			f &^= header.TCPFlagFin | header.TCPFlagPsh
		}
		if off > 0 {
			f &^= header.TCPFlagCwr
		}
		stcp.SetFlags(uint8(f))
		stcp.SetChecksum(0)
		xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, sip.SourceAddress(), sip.DestinationAddress(), uint16(thl+end-off))
		xsum = checksum.Checksum(sip[ihl:], xsum)
		stcp.SetChecksum(^xsum)
		out = append(out, newWire(seg))
		if end == len(payload) {
			break
		}
	}
	return out
}

func newWire(b []byte) *stack.PacketBuffer {
	return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
}
