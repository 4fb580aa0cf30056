package stack

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/header/parse"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// Policy routing. gVisor routes by one table, the destination only: the
// stack installs main's routes first and the other tables' after them
// (syncRoutesLocked), so a packet reaches FORWARD (or, sent by the
// namespace, OUTPUT) with gVisor's choice. There the stack's hook asks the
// rules; when they pick a route of another table, gVisor's copy is dropped
// and a copy of the packet goes to the divert goroutine, which passes a
// forwarded one through FORWARD again with the chosen output device (the
// user's rules see it as Linux would) and sends it by that route
// (POSTROUTING and NAT, then the nexthop). The hand-off is needed because
// the hook runs under gVisor's iptables lock, which sending takes again.
// The namespace's own packets carry the source the rules' route picked
// already (Stack.source).

// divertQueueLen bounds the packets waiting for the divert goroutine; a
// packet beyond it is dropped and counted, as a full device queue drops.
const divertQueueLen = 256

// diverted is a packet waiting to be sent by a policy route.
type diverted struct {
	ip  []byte // the IPv4 packet (a forwarded one's TTL decremented)
	in  string // the input device; "" for the namespace's own packet
	via Route
	gso gstack.GSO // a large TCP segment's offload (the namespace's own)
}

// diverter is the stack's divert goroutine and its queue.
type diverter struct {
	mu      sync.Mutex // guards q, started, closed
	q       chan diverted
	started bool
	closed  bool
	done    chan struct{}
	dropped uint64
	// inFlight holds the copies passing FORWARD again, so that the
	// Forward hook lets them through (keyed by packet).
	inFlight sync.Map
}

// policyForward is the Forward hook's policy decision for a packet from in
// that gVisor routes out of out: diverted is true when the rules decided
// otherwise (the packet is then dropped here, and sent by their route, or
// refused by a rule or route type).
func (st *Stack) policyForward(v *view, pkt *gstack.PacketBuffer, ip header.IPv4, in, out string) (netfilter.Verdict, bool) {
	if _, again := st.div.inFlight.Load(pkt); again {
		return netfilter.Continue, false
	}
	f := Flow{Dst: netAddr(ip.DestinationAddress()), Src: netAddr(ip.SourceAddress()), IIF: in, Mark: pkt.Mark}
	r, err := v.walk(f, in)
	if err != nil {
		st.emitRoute(f.Dst, fmt.Sprintf("policy rule (%s)", routeKind(r)), err.Error())
		return netfilter.Drop, true
	}
	if r.Type == "local" || tableOf(r) == TableMain {
		return netfilter.Continue, false
	}
	if r.Gateway.IsValid() && v.local[r.Gateway] != nil {
		r.Gateway = netip.Addr{}
	}
	st.divert(pkt, in, r)
	return netfilter.Drop, true
}

// output is the stack's OUTPUT hook: a packet the namespace sends that the
// rules route by another table than main goes by that table's route.
func (st *Stack) output(pkt *gstack.PacketBuffer, out string) netfilter.Verdict {
	v := st.view.Load()
	if !v.policy {
		return netfilter.Continue
	}
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return netfilter.Continue
	}
	f := Flow{Dst: netAddr(ip.DestinationAddress()), Src: netAddr(ip.SourceAddress()), Mark: pkt.Mark}
	if f.Dst.IsMulticast() || f.Dst == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return netfilter.Continue
	}
	r, err := v.walk(f, "lo")
	switch {
	case err != nil:
		st.emitRoute(f.Dst, fmt.Sprintf("policy rule (%s)", routeKind(r)), err.Error())
		return netfilter.Drop
	case r.Type == "local" || r.Type == "broadcast" || tableOf(r) == TableMain:
		return netfilter.Continue
	}
	if r.Gateway.IsValid() && v.local[r.Gateway] != nil {
		r.Gateway = netip.Addr{}
	}
	st.divert(pkt, "", r)
	return netfilter.Drop
}

// routeKind names what refused a lookup.
func routeKind(r Route) string {
	if r.Type == "" {
		return "no route"
	}
	return r.Type
}

// divert queues a copy of pkt's IPv4 packet, its TTL decremented, to be
// sent by route r. pkt is borrowed. It never blocks: a full queue drops
// the packet.
func (st *Stack) divert(pkt *gstack.PacketBuffer, in string, r Route) {
	buf := gstack.BufferSince(pkt.NetworkHeader())
	b := buf.Flatten()
	buf.Release()
	h := header.IPv4(b)
	if len(b) < header.IPv4MinimumSize || int(h.TotalLength()) > len(b) {
		return
	}
	b = b[:h.TotalLength()]
	if in != "" {
		h.SetTTL(h.TTL() - 1)
		h.SetChecksum(0)
		h.SetChecksum(^h.CalculateChecksum())
	}
	d := &st.div
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	if !d.started {
		d.q, d.done, d.started = make(chan diverted, divertQueueLen), make(chan struct{}), true
		go st.divertLoop(d.q, d.done)
	}
	// Told before the hand-off: once queued, the divert goroutine may
	// send it (its neighbour's events, the frame) before this one runs on,
	// and the route comes first.
	if st.bus.Enabled() {
		st.emitRoute(netAddr(h.DestinationAddress()), fmt.Sprintf("policy routing: table %d: %s", tableOf(r), describeRoute(r)), "")
	}
	select {
	case d.q <- diverted{ip: b, in: in, via: r, gso: pkt.GSOOptions}:
		addBusy(st.busy, 1)
	default:
		d.dropped++
		if st.bus.Enabled() {
			st.emit(trace.Event{Kind: trace.Dropped, Dev: in, Addr: h.DestinationAddress().String(),
				Reason: "policy routing queue full: drops the packet"})
		}
		return
	}
}

// divertLoop sends the diverted packets until q is closed.
func (st *Stack) divertLoop(q chan diverted, done chan struct{}) {
	defer close(done)
	for d := range q {
		st.sendDiverted(d)
		addBusy(st.busy, -1)
	}
}

// sendDiverted passes a diverted packet through FORWARD with its new
// output device, then sends it to the route's next hop.
func (st *Stack) sendDiverted(d diverted) {
	if d.in != "" && !st.forwardAgain(d) {
		return
	}
	nic, ok := st.nicID(d.via.Dev)
	if !ok {
		return
	}
	next := d.via.Gateway
	if !next.IsValid() {
		next = netAddr(header.IPv4(d.ip).DestinationAddress())
	}
	r, err := st.s.FindRoute(nic, tcpip.Address{}, tcpAddr(next), ipv4.ProtocolNumber, false)
	if err != nil {
		return
	}
	defer r.Release()
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{
		ReserveHeaderBytes: int(r.MaxHeaderLength()),
		Payload:            buffer.MakeWithData(d.ip),
	})
	defer pkt.DecRef()
	pkt.NetworkPacketInfo.IsForwardedPacket = d.in != ""
	pkt.GSOOptions = d.gso
	_ = r.WriteHeaderIncludedPacket(pkt)
}

// forwardAgain runs the user's FORWARD chain on a diverted packet, as
// leaving by its new device.
func (st *Stack) forwardAgain(d diverted) bool {
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(d.ip)})
	defer pkt.DecRef()
	pkt.NetworkProtocolNumber = ipv4.ProtocolNumber
	if !parse.IPv4(pkt) {
		return false
	}
	switch pkt.TransportProtocolNumber {
	case header.TCPProtocolNumber:
		parse.TCP(pkt)
	case header.UDPProtocolNumber:
		parse.UDP(pkt)
	case header.ICMPv4ProtocolNumber:
		parse.ICMPv4(pkt)
	}
	st.div.inFlight.Store(pkt, struct{}{})
	defer st.div.inFlight.Delete(pkt)
	return st.s.IPTables().CheckForward(pkt, d.in, d.via.Dev)
}

// nicID returns a device's NIC ID.
func (st *Stack) nicID(name string) (tcpip.NICID, bool) {
	n := st.view.Load().nics[name]
	if n == nil {
		return 0, false
	}
	return n.id, true
}

// stopDivert ends the divert goroutine and waits for it.
func (st *Stack) stopDivert() {
	d := &st.div
	d.mu.Lock()
	d.closed = true
	started := d.started
	if started {
		close(d.q)
	}
	d.mu.Unlock()
	if started {
		<-d.done
	}
}

// addBusy counts frames in flight for the world's clock (nil: no count).
func addBusy(c *atomic.Int64, d int64) {
	if c != nil {
		c.Add(d)
	}
}
