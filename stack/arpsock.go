package stack

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// ARPSocket is arping's AF_PACKET socket: bound to one device, it sends
// ARP frames its program builds whole (any operation, sender and target)
// and receives a copy of every ARP frame the device receives, before the
// stack's ARP policy (arp.go) decides whether the stack sees it, as a
// packet socket does. One goroutine uses it at a time.
type ARPSocket struct {
	st  *Stack
	id  tcpip.NICID
	mac tcpip.LinkAddress

	// mu guards queue and queueWait; a leaf, taken on the delivery path
	// (it never waits there).
	mu    sync.Mutex
	queue []ARPFrame
	// queueWait is the number of the wait Recv is in (wakeHold.arm), 0
	// when none: a frame queued then wakes the program held.
	queueWait uint64
	// ready is signalled (never blocking) when a frame is queued.
	ready chan struct{}
	// running counts the program as running (PingOptions.Hold's meaning).
	running wakeHold
}

// ARPFrame is an ARP packet for IPv4 over Ethernet: one to send, or one
// the device received.
type ARPFrame struct {
	Op       header.ARPOp
	SHA, THA tcpip.LinkAddress
	SIP, TIP netip.Addr
	// Unicast: the frame was addressed to the device's own MAC (Linux's
	// PACKET_HOST), not broadcast or multicast. Set on received frames.
	Unicast bool
	// At is when it arrived, on the emulator clock.
	At tcpip.MonotonicTime
}

// arpQueueMax bounds a socket's queue: a frame arriving when it is full is
// dropped, as a full socket buffer drops it.
const arpQueueMax = 256

// arpTaps are the open ARP sockets of a stack. The delivery path reads the
// list without a lock; Open and Close replace it under mu.
type arpTaps struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*ARPSocket]
}

// OpenARP opens an ARP socket on device dev, which must be up. hold is
// emu.World.Hold (nil for none): the program counts as running from the
// moment a frame or a timeout wakes it until it waits again.
func (st *Stack) OpenARP(dev string, hold func() (release func())) (*ARPSocket, error) {
	n, ok := st.LookupNIC(dev)
	if !ok {
		return nil, noDevice(dev)
	}
	if n.pending || !n.Up {
		return nil, &DeviceError{Dev: dev, Err: ErrNetworkDown}
	}
	s := &ARPSocket{st: st, id: n.ID, mac: n.Link.LinkAddress(), ready: make(chan struct{}, 1)}
	s.running.start(hold)
	st.arpTaps.mu.Lock()
	defer st.arpTaps.mu.Unlock()
	var list []*ARPSocket
	if old := st.arpTaps.list.Load(); old != nil {
		list = slices.Clone(*old)
	}
	list = append(list, s)
	st.arpTaps.list.Store(&list)
	return s, nil
}

// ErrNetworkDown is a device that is down.
var ErrNetworkDown = fmt.Errorf("Network is down")

// MAC is the device's hardware address.
func (s *ARPSocket) MAC() tcpip.LinkAddress { return s.mac }

// Close stops the socket's reception.
func (s *ARPSocket) Close() {
	s.running.close()
	t := &s.st.arpTaps
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.list.Load()
	if old == nil {
		return
	}
	list := slices.DeleteFunc(slices.Clone(*old), func(x *ARPSocket) bool { return x == s })
	t.list.Store(&list)
}

// Send writes f to the link, addressed to the hardware address to. It does
// not block.
func (s *ARPSocket) Send(f ARPFrame, to tcpip.LinkAddress) error {
	b := make([]byte, header.ARPSize)
	h := header.ARP(b)
	h.SetIPv4OverEthernet()
	h.SetOp(f.Op)
	copy(h.HardwareAddressSender(), f.SHA)
	copy(h.ProtocolAddressSender(), addr4(f.SIP))
	copy(h.HardwareAddressTarget(), f.THA)
	copy(h.ProtocolAddressTarget(), addr4(f.TIP))
	if err := s.st.s.WritePacketToRemote(s.id, to, header.ARPProtocolNumber, buffer.MakeWithData(b)); err != nil {
		return fmt.Errorf("sendto: %s", err)
	}
	return nil
}

// addr4 is a's four bytes; zeros for an invalid address.
func addr4(a netip.Addr) []byte {
	if !a.Is4() {
		return make([]byte, 4)
	}
	b := a.As4()
	return b[:]
}

// Recv waits until deadline (on the emulator clock) for the next frame the
// device received. ok is false when the deadline passed first; a zero
// deadline waits without one. It returns ctx's error when ctx ends.
func (s *ARPSocket) Recv(ctx context.Context, deadline tcpip.MonotonicTime) (f ARPFrame, ok bool, err error) {
	clock := s.st.clock
	wait := s.running.arm()
	defer s.running.resume()
	expired := make(chan struct{})
	if deadline != (tcpip.MonotonicTime{}) {
		t := clock.AfterFunc(max(deadline.Sub(clock.NowMonotonic()), 0), func() {
			s.running.wake(wait)
			close(expired)
		})
		defer t.Stop()
	}
	s.setWait(wait)
	defer s.setWait(0)
	for {
		if f, ok := s.take(); ok {
			return f, true, nil
		}
		s.running.park()
		if f, ok := s.take(); ok {
			return f, true, nil
		}
		select {
		case <-s.ready:
		case <-expired:
			return ARPFrame{}, false, nil
		case <-ctx.Done():
			return ARPFrame{}, false, ctx.Err()
		}
	}
}

// setWait records the wait Recv is in, for put's wake (0: none).
func (s *ARPSocket) setWait(gen uint64) {
	s.mu.Lock()
	s.queueWait = gen
	s.mu.Unlock()
}

// take pops the oldest queued frame.
func (s *ARPSocket) take() (ARPFrame, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return ARPFrame{}, false
	}
	f := s.queue[0]
	s.queue = s.queue[1:]
	return f, true
}

// put queues a received frame and wakes the program. It runs on the
// delivery path (which the warp counts, so the program's hold is taken
// before the delivery ends) and never blocks.
func (s *ARPSocket) put(f ARPFrame) {
	s.mu.Lock()
	if len(s.queue) >= arpQueueMax {
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, f)
	gen := s.queueWait
	s.mu.Unlock()
	if gen != 0 {
		s.running.wake(gen)
	}
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// tapARP gives a copy of an ARP frame arriving on NIC id to the sockets
// open on it. pkt is borrowed.
func (st *Stack) tapARP(id tcpip.NICID, pkt *gstack.PacketBuffer) {
	list := st.arpTaps.list.Load()
	if list == nil || len(*list) == 0 {
		return
	}
	f, ok := parseARPFrame(pkt)
	if !ok {
		return
	}
	f.Unicast = pkt.PktType == tcpip.PacketHost
	f.At = st.clock.NowMonotonic()
	for _, s := range *list {
		if s.id == id {
			s.put(f)
		}
	}
}

// parseARPFrame reads an IPv4-over-Ethernet ARP packet from pkt's data.
func parseARPFrame(pkt *gstack.PacketBuffer) (ARPFrame, bool) {
	b, ok := pkt.Data().PullUp(header.ARPSize)
	if !ok {
		return ARPFrame{}, false
	}
	h := header.ARP(b)
	if !h.IsValid() {
		return ARPFrame{}, false
	}
	return ARPFrame{
		Op:  h.Op(),
		SHA: tcpip.LinkAddress(h.HardwareAddressSender()),
		THA: tcpip.LinkAddress(h.HardwareAddressTarget()),
		SIP: netip.AddrFrom4([4]byte(h.ProtocolAddressSender())),
		TIP: netip.AddrFrom4([4]byte(h.ProtocolAddressTarget())),
	}, true
}
