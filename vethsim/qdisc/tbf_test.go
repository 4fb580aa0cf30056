package qdisc

import (
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/emutest"
)

// mbit1 is tbf rate 1mbit burst 10k limit 20000, as tc sends it.
var mbit1 = TBFParams{Rate: RateSpec{Rate: 125000, LinkLayer: LinkLayerEthernet}, Limit: 20000, Burst: 10240}

func TestTBFSendsTheBurstThenAtTheRate(t *testing.T) {
	l, c := newFakeLink(t)
	q, err := NewTBF(l, c, mbit1)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for i := range 31 {
		q.Enqueue(frame(byte(i), 1000))
	}
	// 10 frames of 1000 bytes fit the 10 240-byte bucket; 20 more fill the
	// 20 000-byte queue; the 31st is dropped.
	if n := len(l.sent()); n != 10 {
		t.Fatalf("%d frames left at once, want the burst's 10", n)
	}
	if d := l.dropped(); len(d) != 1 || d[0] != "tbf queue full (limit 20000 bytes)" {
		t.Fatalf("drops %q", d)
	}
	// A frame costs 8 ms at 1 Mbit/s; 1.92 ms of tokens are left.
	advance(t, c, 6080*time.Microsecond)
	emutest.WaitFor(t, "the 11th frame", func() bool { return len(l.sent()) == 11 })
	for range 19 {
		advance(t, c, 8*time.Millisecond)
	}
	emutest.WaitFor(t, "30 frames", func() bool { return len(l.sent()) == 30 })
	got := l.sent()
	if got[29].at != 6080*time.Microsecond+19*8*time.Millisecond {
		t.Errorf("the last frame left at %v", got[29].at)
	}
	st := q.Stats()
	if st.Packets != 30 || st.Bytes != 30000 || st.Drops != 1 || st.Overlimits == 0 || st.Qlen != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestTBFDropsFramesLargerThanTheBurst(t *testing.T) {
	l, c := newFakeLink(t)
	q, err := NewTBF(l, c, mbit1)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	q.Enqueue(frame(1, 10241))
	if d := l.dropped(); len(d) != 1 {
		t.Fatalf("drops %q, want the frame larger than the burst", d)
	}
}

func TestTBFRefusesAPeakRateNotAboveTheRate(t *testing.T) {
	l, c := newFakeLink(t)
	p := mbit1
	p.PeakRate, p.PBurst = RateSpec{Rate: 125000}, 1500
	if _, err := NewTBF(l, c, p); err != ErrInvalid {
		t.Fatalf("NewTBF with peakrate = rate: %v, want ErrInvalid", err)
	}
}

// gsoFrame is one large TCP/IPv4 segment of payload bytes, as a stack with
// GSO hands it to its NIC.
func gsoFrame(payload int) *stack.PacketBuffer {
	b := make([]byte, header.EthernetMinimumSize+header.IPv4MinimumSize+header.TCPMinimumSize+payload)
	header.Ethernet(b).Encode(&header.EthernetFields{Type: header.IPv4ProtocolNumber})
	ip := header.IPv4(b[header.EthernetMinimumSize:])
	ip.Encode(&header.IPv4Fields{
		TotalLength: uint16(len(ip)), TTL: 64, Protocol: uint8(header.TCPProtocolNumber),
		SrcAddr: tcpip.AddrFrom4([4]byte{10, 0, 0, 1}), DstAddr: tcpip.AddrFrom4([4]byte{10, 0, 0, 2}),
	})
	header.TCP(ip[header.IPv4MinimumSize:]).Encode(&header.TCPFields{DataOffset: header.TCPMinimumSize, Flags: header.TCPFlagAck})
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	pkt.GSOOptions = stack.GSO{Type: stack.GSOTCPv4, NeedsCsum: true, MSS: 1448, L3HdrLen: header.IPv4MinimumSize}
	return pkt
}

// TestLargeSegmentsAreCutIntoFrames: a 10 000-byte segment through a
// delaying netem leaves as the 7 frames a NIC would send.
func TestLargeSegmentsAreCutIntoFrames(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Latency: ms(5)})
	q.Enqueue(gsoFrame(10000))
	if st := q.Stats(); st.Qlen != 7 {
		t.Fatalf("held %d frames, want 7", st.Qlen)
	}
	advance(t, c, 5*time.Millisecond)
	emutest.WaitFor(t, "7 frames", func() bool { return len(l.sent()) == 7 })
	for i, s := range l.sent() {
		if len(s.frame) > 1514 {
			t.Errorf("frame %d is %d bytes", i, len(s.frame))
		}
	}
}
