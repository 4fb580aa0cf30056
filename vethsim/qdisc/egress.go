package qdisc

import (
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/nested"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/vethsim"
)

// Egress gives a link endpoint that has no egress of its own (gVisor's
// loopback, lo) a place for a qdisc: with one attached, WritePackets
// hands it each packet, and the packet goes through the endpoint when the
// qdisc lets it; without one, packets go through at once, as before.
//
// In the qdisc a packet is a frame, with the Ethernet header Linux's lo
// has (its counters count it; its EtherType carries the protocol).
type Egress struct {
	nested.Endpoint
	qd atomic.Pointer[egressQdisc]
	// hop, when set (SetHop), delays every packet sent without a qdisc.
	hop atomic.Pointer[egressHop]
}

type egressHop struct {
	clock tcpip.Clock
	d     time.Duration
	hops  *vethsim.Hops
}

// SetHop makes every packet sent through lo (without a qdisc) arrive d
// later on clock, as a veth's frames do on purely emulated time
// (vethsim.Config.HopDelay): two TCP endpoints on lo then never answer
// each other inside the call that sends, which would leave the order of
// their timers to the scheduler. hops holds the packets on their way.
func (e *Egress) SetHop(clock tcpip.Clock, d time.Duration, hops *vethsim.Hops) {
	e.hop.Store(&egressHop{clock: clock, d: d, hops: hops})
}

type egressQdisc struct{ q vethsim.Qdisc }

var _ stack.LinkEndpoint = (*Egress)(nil)
var _ Link = (*Egress)(nil)

// NewEgress wraps ep.
func NewEgress(ep stack.LinkEndpoint) *Egress {
	e := &Egress{}
	e.Endpoint.Init(ep, e)
	return e
}

// SetQdisc attaches q (nil detaches) and returns the one it replaces, as
// vethsim.End.SetQdisc does.
func (e *Egress) SetQdisc(q vethsim.Qdisc) vethsim.Qdisc {
	var nb *egressQdisc
	if q != nil {
		nb = &egressQdisc{q}
	}
	if old := e.qd.Swap(nb); old != nil {
		return old.q
	}
	return nil
}

// WritePackets implements stack.LinkEndpoint. With a qdisc, each packet
// is copied into a frame of its own (the stack keeps its buffers) and
// enqueued; it never blocks.
func (e *Egress) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	qb := e.qd.Load()
	if qb == nil {
		if h := e.hop.Load(); h != nil {
			return e.writeDelayed(h, pkts)
		}
		return e.Endpoint.WritePackets(pkts)
	}
	for _, pkt := range pkts.AsSlice() {
		payload := pkt.ToBuffer()
		b := make([]byte, header.EthernetMinimumSize, header.EthernetMinimumSize+int(payload.Size()))
		header.Ethernet(b).Encode(&header.EthernetFields{Type: pkt.NetworkProtocolNumber})
		b = append(b, payload.Flatten()...)
		payload.Release()
		qb.q.Enqueue(stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)}))
	}
	return pkts.Len(), nil
}

// writeDelayed copies each packet (the stack keeps its buffers) and sends
// it through the wrapped endpoint after the hop delay.
func (e *Egress) writeDelayed(h *egressHop, pkts stack.PacketBufferList) (int, tcpip.Error) {
	for _, pkt := range pkts.AsSlice() {
		payload := pkt.ToBuffer()
		cp := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: payload.DeepClone()})
		payload.Release()
		cp.NetworkProtocolNumber = pkt.NetworkProtocolNumber
		h.hops.After(h.clock, h.d, cp, func(cp *stack.PacketBuffer) {
			var l stack.PacketBufferList
			l.PushBack(cp)
			_, _ = e.Endpoint.WritePackets(l)
			cp.DecRef()
		})
	}
	return pkts.Len(), nil
}

// Xmit implements Link: the frame, without its header, goes through the
// wrapped endpoint now.
func (e *Egress) Xmit(pkt *stack.PacketBuffer) {
	v := pkt.ToView()
	b := v.AsSlice()
	if len(b) >= header.EthernetMinimumSize {
		inner := stack.NewPacketBuffer(stack.PacketBufferOptions{
			Payload: buffer.MakeWithData(append([]byte(nil), b[header.EthernetMinimumSize:]...)),
		})
		inner.NetworkProtocolNumber = header.Ethernet(b).Type()
		var l stack.PacketBufferList
		l.PushBack(inner)
		_, _ = e.Endpoint.WritePackets(l)
		inner.DecRef()
	}
	v.Release()
	pkt.DecRef()
}

// DropFrame implements Link: lo's frames are not traced, only released.
func (e *Egress) DropFrame(pkt *stack.PacketBuffer, _ string) { pkt.DecRef() }
