// Package vethsim emulates Linux veth pairs with Go channels.
//
// A Pair has two Ends. Whatever one end transmits arrives at the other, as
// with `ip link add A type veth peer name B`. An End is attached either as a
// NIC of a gVisor stack (it then implements stack.LinkEndpoint, with an
// Ethernet header) or as a port of a bridge (it then hands received frames to
// a Receiver).
//
// Frames travel as *stack.PacketBuffer whose payload is the whole Ethernet
// frame. Ownership: Transmit and Receiver.Receive take ownership of the packet
// (one reference), which is released exactly once on every path (delivery,
// drop, shutdown drain).
//
// Nothing here blocks inside gVisor: WritePackets copies the frame once (the
// one copy where a frame crosses goroutines) and queues it without blocking;
// a full queue drops the frame and counts it, as a real NIC does. Each
// NIC-attached end has one receive goroutine that takes queued frames in
// batches (see Queue) and delivers them to its stack; detaching the end
// (removing its NIC) stops it, and WaitDetached waits for it.
package vethsim

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// DefaultMTU is the MTU of a new end, as on Linux.
const DefaultMTU = 1500

// DefaultQueueLen is the length of an end's receive queue (Linux's
// txqueuelen for a veth is 1000).
const DefaultQueueLen = 1000

// MaxNameLen is the longest interface name Linux accepts (IFNAMSIZ-1).
const MaxNameLen = 15

// gsoMaxSize is the largest segment an end accepts from its stack when GSO is
// on. It keeps the IPv4 total length within 16 bits.
const gsoMaxSize = 65000

// ValidName checks an interface name by Linux's rules.
func ValidName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("%q not a valid ifname", name)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%q not a valid ifname: longer than %d characters", name, MaxNameLen)
	case strings.ContainsAny(name, "/: \t\n"):
		return fmt.Errorf("%q not a valid ifname", name)
	}
	return nil
}

// RandomMAC returns a random, locally administered, unicast MAC address.
func RandomMAC() net.HardwareAddr {
	m := make(net.HardwareAddr, 6)
	if _, err := rand.Read(m); err != nil {
		panic(fmt.Sprintf("vethsim: reading random bytes: %v", err))
	}
	m[0] = (m[0] &^ 0x01) | 0x02
	return m
}

// Counters are an end's statistics, as `ip -s link` shows them.
type Counters struct {
	RxPackets, RxBytes, RxDropped uint64
	TxPackets, TxBytes, TxDropped uint64
}

// cacheLine is the padding that keeps fields written by different
// goroutines off each other's cache lines.
const cacheLine = 64

// counters are written per frame: rx by whoever sends to the end (its
// peer's sender), tx by whoever sends from it. Each group has a cache line
// of its own, away from the read-mostly fields of End that the other side
// reads per frame (up, mtu, receiver): false sharing there costs a cache
// miss per frame.
type counters struct {
	_                             [cacheLine]byte
	rxPackets, rxBytes, rxDropped atomic.Uint64
	_                             [cacheLine - 24]byte
	txPackets, txBytes, txDropped atomic.Uint64
	_                             [cacheLine - 24]byte
}

// Receiver takes frames that arrive at an end attached as a bridge port.
// Receive takes ownership of pkt and must not block.
type Receiver interface {
	Receive(port *End, pkt *stack.PacketBuffer)
}

// Pair is a veth pair.
type Pair struct {
	ends [2]End
}

// Config sets up a new pair.
type Config struct {
	// Names of the two ends.
	Names [2]string
	// Indexes are the ends' ifindexes.
	Indexes [2]int
	// MACs of the two ends; random when nil.
	MACs [2]net.HardwareAddr
	// MTU of both ends; DefaultMTU when 0.
	MTU uint32
	// QueueLen is each end's receive queue length; DefaultQueueLen when 0.
	QueueLen int
	// Bus receives the ends' frame events; may be nil.
	Bus *trace.Bus
	// Clock gives event times; may be nil.
	Clock tcpip.Clock
	// Busy counts frames queued or being delivered, world-wide: the
	// emulator fast-forwards its clock only when nothing is in flight. May
	// be nil.
	Busy *atomic.Int64
	// HopDelay, when not 0, is each frame's time on the wire: it arrives
	// at the peer that long after it was sent, on Clock (required then).
	// Purely emulated time models latency this way (emu.HopDelay).
	HopDelay time.Duration
	// Hops holds the frames on their way when HopDelay is set.
	Hops *Hops
	// Internal pairs (a bridge's link to its own L3 interface) skip the name
	// checks: the second end is never shown as a device. The two ends may
	// share a name (they may live in different namespaces); the world
	// checks names per namespace.
	Internal bool
}

// NewPair makes a veth pair. Both ends start down and unattached.
func NewPair(cfg Config) (*Pair, error) {
	p := &Pair{}
	for i := range p.ends {
		if err := ValidName(cfg.Names[i]); err != nil && !cfg.Internal {
			return nil, err
		}
	}
	mtu := cfg.MTU
	if mtu == 0 {
		mtu = DefaultMTU
	}
	qlen := cfg.QueueLen
	if qlen <= 0 {
		qlen = DefaultQueueLen
	}
	for i := range p.ends {
		e := &p.ends[i]
		e.peer = &p.ends[1-i]
		e.name.Store(&cfg.Names[i])
		mac := cfg.MACs[i]
		if mac == nil {
			mac = RandomMAC()
		} else if len(mac) != 6 {
			return nil, fmt.Errorf("MAC %q for %q is not 6 bytes", mac, cfg.Names[i])
		}
		e.mac.Store(tcpip.LinkAddress(mac))
		e.mtu.Store(mtu)
		e.index = cfg.Indexes[i]
		e.hidden = cfg.Internal && i == 1
		e.qlen = qlen
		e.bus = cfg.Bus
		e.clock = cfg.Clock
		e.busy = cfg.Busy
		if cfg.Clock != nil && cfg.HopDelay > 0 && cfg.Hops != nil {
			e.hop, e.hops = cfg.HopDelay, cfg.Hops
		}
		ns := ""
		e.ns.Store(&ns)
	}
	return p, nil
}

// Ends returns the two ends.
func (p *Pair) Ends() (*End, *End) { return &p.ends[0], &p.ends[1] }

// End is one end of a veth pair.
type End struct {
	peer  *End
	index int
	// hidden ends (the bridge side of a bridge's link to its own L3
	// interface) are not tap points.
	hidden bool
	qlen   int
	bus    *trace.Bus
	clock  tcpip.Clock
	busy   *atomic.Int64
	// hop and hops: Config.HopDelay and Config.Hops.
	hop  time.Duration
	hops *Hops

	name atomic.Pointer[string]
	ns   atomic.Pointer[string]
	mac  atomic.Value // tcpip.LinkAddress
	mtu  atomic.Uint32
	up   atomic.Bool
	// off holds the ethtool features (Offloads' bits, offload.go).
	off atomic.Uint32
	// segRx cuts large segments before delivery (the stack forwards).
	segRx atomic.Bool
	// rxVerify turns RX checksum offload off while the receive loop
	// delivers a frame whose checksum is not to be trusted (deliver).
	rxVerify atomic.Bool

	c counters

	// mu guards dispatcher, rxDone and onClose, and serialises Attach.
	// gVisor's stack lock is ordered above it (gVisor calls Attach and
	// Close holding that lock), and it is ordered above the receive
	// queue's lock (Attach closes the queue under mu). It is never held
	// while calling into gVisor, a Receiver or the onClose action.
	mu sync.Mutex
	// NIC mode. rxq is the receive queue while attached (nil otherwise);
	// it is swapped and closed under mu, and read without it by senders.
	dispatcher stack.NetworkDispatcher
	rxq        atomic.Pointer[Queue[*stack.PacketBuffer]]
	rxDone     chan struct{}
	rxWG       sync.WaitGroup
	// rx is the receive queue with its dispatcher, for TransmitOwned's
	// inline delivery (set with rxq).
	rx atomic.Pointer[rxPath]
	// rxMu is held by whoever delivers frames into the dispatcher: the
	// receive loop for each batch, or a bridge delivering inline
	// (deliverInline, which only tries it). It keeps frames in order.
	// Nothing waits for it but the receive loop.
	rxMu sync.Mutex
	// Port mode.
	receiver atomic.Pointer[receiverBox]
	onClose  func()

	// qdisc, when set, takes every frame Transmit sends (SetQdisc).
	qdisc atomic.Pointer[qdiscBox]
}

type receiverBox struct{ r Receiver }

// rxPath is an attached end's receive queue and the dispatcher its loop
// delivers to.
type rxPath struct {
	q *Queue[*stack.PacketBuffer]
	d stack.NetworkDispatcher
}

type qdiscBox struct{ q Qdisc }

var _ stack.LinkEndpoint = (*End)(nil)
var _ stack.GSOEndpoint = (*End)(nil)

// Name returns the end's interface name.
func (e *End) Name() string { return *e.name.Load() }

// SetName renames the end.
func (e *End) SetName(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	e.name.Store(&name)
	return nil
}

// Namespace returns the name of the namespace the end is in, for events.
func (e *End) Namespace() string { return *e.ns.Load() }

// SetNamespace records the namespace the end is in, for events.
func (e *End) SetNamespace(ns string) { e.ns.Store(&ns) }

// Index returns the end's ifindex.
func (e *End) Index() int { return e.index }

// SetIndex changes the ifindex (a move to another namespace may renumber).
func (e *End) SetIndex(i int) { e.index = i }

// Peer returns the other end.
func (e *End) Peer() *End { return e.peer }

// MAC returns the end's hardware address.
func (e *End) MAC() net.HardwareAddr {
	return net.HardwareAddr(e.mac.Load().(tcpip.LinkAddress))
}

// SetMAC changes the end's hardware address.
func (e *End) SetMAC(m net.HardwareAddr) error {
	if len(m) != 6 {
		return fmt.Errorf("invalid address %q", m)
	}
	if m[0]&1 != 0 {
		return fmt.Errorf("cannot assign multicast address %s", m)
	}
	e.mac.Store(tcpip.LinkAddress(m))
	return nil
}

// IsUp reports the end's administrative state.
func (e *End) IsUp() bool { return e.up.Load() }

// SetUp sets the end's administrative state.
func (e *End) SetUp(up bool) { e.up.Store(up) }

// Carrier reports whether frames can flow: both ends are up.
func (e *End) Carrier() bool { return e.up.Load() && e.peer.up.Load() }

// SetSegmentOnReceive makes the end cut large segments into MTU-sized
// frames before its stack sees them. A namespace that forwards sets it, as
// Linux re-segments GRO packets it routes.
func (e *End) SetSegmentOnReceive(on bool) { e.segRx.Store(on) }

// Counters returns a snapshot of the end's statistics.
func (e *End) Counters() Counters {
	return Counters{
		RxPackets: e.c.rxPackets.Load(), RxBytes: e.c.rxBytes.Load(), RxDropped: e.c.rxDropped.Load(),
		TxPackets: e.c.txPackets.Load(), TxBytes: e.c.txBytes.Load(), TxDropped: e.c.txDropped.Load(),
	}
}

// SetReceiver attaches the end as a bridge port: frames that arrive are
// handed to r. A nil r detaches it (arriving frames are dropped).
func (e *End) SetReceiver(r Receiver) {
	if r == nil {
		e.receiver.Store(nil)
		return
	}
	e.receiver.Store(&receiverBox{r})
}

// AddBusy adds d to a busy counter that may be nil.
func AddBusy(c *atomic.Int64, d int64) {
	if c != nil {
		c.Add(d)
	}
}

// ErrDown is returned by Transmit when the link has no carrier.
var ErrDown = errors.New("link has no carrier")

// Transmit sends a whole Ethernet frame out of the end, to its peer, through
// the end's qdisc if it has one. It takes ownership of pkt and never blocks.
// It is how a bridge sends out of a port.
func (e *End) Transmit(pkt *stack.PacketBuffer) error {
	if !e.Carrier() {
		e.dropNoCarrier(pkt)
		return ErrDown
	}
	if qb := e.qdisc.Load(); qb != nil {
		qb.q.Enqueue(pkt)
		return nil
	}
	e.xmit(pkt)
	return nil
}

// TransmitOwned is Transmit for a caller on a goroutine nsemu owns that is
// inside no stack: a bridge's. When the peer is attached to a stack and
// its receive loop has nothing to deliver, the frame is delivered on the
// caller's goroutine, sparing the hand-off to that loop and its wake-up
// (most of a hop's latency), unless the frame is observed. A stack answers inside delivery (ARP, echo,
// TCP's ACKs), so the caller must hold no lock a stack's sending path may
// want: the answer reaches the caller's own queue, never the caller.
func (e *End) TransmitOwned(pkt *stack.PacketBuffer) error {
	if !e.Carrier() {
		e.dropNoCarrier(pkt)
		return ErrDown
	}
	if qb := e.qdisc.Load(); qb != nil {
		qb.q.Enqueue(pkt)
		return nil
	}
	if e.bus.WantsFrames() && pkt.GSOOptions.Type != stack.GSONone {
		e.xmit(pkt)
		return nil
	}
	e.emitQueued(pkt)
	n := uint64(pkt.Size())
	e.c.txPackets.Add(1)
	e.c.txBytes.Add(n)
	if !e.peer.deliverInline(pkt, n) {
		e.peer.arrive(pkt, n)
	}
	return nil
}

// deliverInline delivers a frame of n bytes that came off the wire at e on
// the caller's goroutine, and reports whether it did: only when e is
// attached to a stack and its receive loop is idle with an empty queue (an
// earlier frame still queued must go first). It releases pkt when it
// delivers it.
func (e *End) deliverInline(pkt *stack.PacketBuffer, n uint64) bool {
	if e.receiver.Load() != nil || e.bus.Enabled() {
		// Observed frames keep to the receive loops: a sink may block
		// on their events (step-through, a web page catching up), and
		// one frame so held must not hold the bridge, and every frame
		// behind it, too.
		return false
	}
	p := e.rx.Load()
	if p == nil || !e.rxMu.TryLock() {
		return false
	}
	defer e.rxMu.Unlock()
	if e.rxq.Load() != p.q || p.q.Len() != 0 {
		return false
	}
	e.c.rxPackets.Add(1)
	e.c.rxBytes.Add(n)
	e.rxOne(p.d, pkt)
	pkt.DecRef()
	return true
}

// Xmit sends a frame to the peer now, past the end's qdisc: it is how a
// qdisc hands on a frame when the frame may leave. It takes ownership of pkt
// and never blocks; without carrier the frame is dropped and counted.
func (e *End) Xmit(pkt *stack.PacketBuffer) {
	if !e.Carrier() {
		e.dropNoCarrier(pkt)
		return
	}
	e.xmit(pkt)
}

// DropFrame releases a frame the end's qdisc refused (a netem loss, a full
// queue), with a Dropped event that says why. The qdisc counts it; the end's
// counters do not, as Linux counts qdisc drops apart from the device's.
func (e *End) DropFrame(pkt *stack.PacketBuffer, reason string) {
	e.emitDrop(pkt, reason)
	pkt.DecRef()
}

// Qdisc is an egress queueing discipline on an end, as `tc qdisc add dev
// NAME root ...` attaches one: Transmit hands it every frame, and it hands
// each on with Xmit when (and if) the frame may leave.
type Qdisc interface {
	// Enqueue takes ownership of pkt, a whole Ethernet frame, and never
	// blocks: a frame it does not keep goes to DropFrame.
	Enqueue(pkt *stack.PacketBuffer)
}

// SetQdisc attaches q to the end's egress (nil detaches) and returns the
// qdisc it replaces. Frames the old one holds stay its own to release.
func (e *End) SetQdisc(q Qdisc) Qdisc {
	var nb *qdiscBox
	if q != nil {
		nb = &qdiscBox{q}
	}
	if old := e.qdisc.Swap(nb); old != nil {
		return old.q
	}
	return nil
}

func (e *End) dropNoCarrier(pkt *stack.PacketBuffer) {
	e.c.txDropped.Add(1)
	e.emitDrop(pkt, "link down")
	pkt.DecRef()
}

// xmit sends pkt on, cut into real frames when an observer wants them.
func (e *End) xmit(pkt *stack.PacketBuffer) {
	if e.mustCut(pkt) {
		for _, seg := range segment(pkt, e.MTU()) {
			e.transmitOne(seg)
		}
		pkt.DecRef()
		return
	}
	e.transmitOne(pkt)
}

func (e *End) transmitOne(pkt *stack.PacketBuffer) {
	e.emitQueued(pkt)
	n := uint64(pkt.Size())
	e.c.txPackets.Add(1)
	e.c.txBytes.Add(n)
	if e.hop > 0 {
		e.sendDelayed(pkt, n)
		return
	}
	e.peer.arrive(pkt, n)
}

// sendDelayed lets pkt arrive at the peer after the hop delay. Frames sent
// at one moment arrive in the order they were sent: the clock fires timers
// of one deadline in the order they were armed.
func (e *End) sendDelayed(pkt *stack.PacketBuffer, n uint64) {
	e.hops.After(e.clock, e.hop, pkt, func(pkt *stack.PacketBuffer) { e.peer.arrive(pkt, n) })
}

// arrive queues a frame of n bytes that came off the wire at e.
func (e *End) arrive(pkt *stack.PacketBuffer, n uint64) {
	if rb := e.receiver.Load(); rb != nil {
		e.c.rxPackets.Add(1)
		e.c.rxBytes.Add(n)
		rb.r.Receive(e, pkt)
		return
	}
	// The receive queue is closed (under its own lock) before its receive
	// loop is told to stop, so a frame either lands in a queue that the
	// loop still drains, or is refused here: none is ever left behind.
	reason := "not attached"
	if q := e.rxq.Load(); q != nil {
		AddBusy(e.busy, 1)
		// Counted before the Put: once queued, the frame may be delivered
		// (and answered) before this goroutine runs on, and the counters
		// must not say less than what was delivered.
		e.c.rxPackets.Add(1)
		e.c.rxBytes.Add(n)
		err := q.Put(pkt)
		if err == nil {
			return // pkt belongs to the receive loop now: do not touch it.
		}
		e.c.rxPackets.Add(^uint64(0))
		e.c.rxBytes.Add(^(n - 1))
		AddBusy(e.busy, -1)
		if err == ErrQueueFull {
			reason = "receive queue full"
		}
	}
	e.c.rxDropped.Add(1)
	e.emitDrop(pkt, reason)
	pkt.DecRef()
}

// Observe emits the events of a frame's hop from e's peer to e: sent by the
// peer, received by e. Consumers call it from their own goroutine before they
// handle the frame, so a sink that blocks (step-through) never blocks gVisor.
func (e *End) Observe(pkt *stack.PacketBuffer) { e.ObserveNote(pkt, "") }

// ObserveNote is Observe with the receiver's decision about the frame in
// words (a bridge's "CAM hit, forwarded to ..."), carried in the received
// event's Reason. Ends of an internal pair (a bridge's link to its own L3
// interface) are not tap points: their side of the hop is not emitted. It
// returns the Seq of the last event it emitted (0 for none): the Cause of
// what the consumer then does with the frame.
func (e *End) ObserveNote(pkt *stack.PacketBuffer, note string) (seq uint64) {
	if !e.bus.Enabled() {
		return 0
	}
	ev := trace.Event{Time: e.now(), Len: pkt.Size(), Sync: true}
	var view *buffer.View
	if e.bus.WantsFrames() {
		view = pkt.ToView()
		ev.Frame = view.AsSlice()
	}
	arrived := ev.Time
	if !e.peer.hidden {
		ev.Kind, ev.NS, ev.Dev = trace.FrameSent, e.peer.Namespace(), e.peer.Name()
		if e.peer.hop > 0 {
			// It left a hop delay before it arrived (it is observed at
			// once: the clock does not move while a frame is queued).
			ev.Time = arrived.Add(-e.peer.hop)
		}
		ev.Bridged = e.peer.receiver.Load() != nil
		if e.hidden {
			// The bridge's own interface sent it: the bridge's decision
			// belongs to that (only) tap point.
			ev.Reason = note
		}
		e.bus.Emit(&ev)
		seq = ev.Seq
	}
	if !e.hidden {
		ev.Kind, ev.NS, ev.Dev = trace.FrameReceived, e.Namespace(), e.Name()
		ev.Time = arrived
		ev.Bridged = e.receiver.Load() != nil
		ev.Reason = note
		ev.Cause = seq
		e.bus.Emit(&ev)
		seq = ev.Seq
	}
	if view != nil {
		view.Release()
	}
	return seq
}

func (e *End) emitDrop(pkt *stack.PacketBuffer, reason string) {
	if !e.bus.Enabled() {
		return
	}
	e.bus.Emit(&trace.Event{Kind: trace.Dropped, Time: e.now(), NS: e.Namespace(), Dev: e.Name(), Reason: reason, Len: pkt.Size()})
}

func (e *End) now() (t time.Time) {
	if e.clock != nil {
		return e.clock.Now()
	}
	return t
}

// --- stack.LinkEndpoint: the end as a NIC of a gVisor stack. ---

// Attach implements stack.LinkEndpoint. Attaching starts the receive
// goroutine; attaching nil stops it and drops what is queued.
//
// Attach does not wait for the old receive goroutine: gVisor calls Attach(nil)
// (and then Wait) with its stack lock held, and a delivery in progress may
// need that lock (a TCP reset, an ICMP reply), so waiting would deadlock. The
// old goroutine ends as soon as that delivery returns, releasing what is still
// queued; WaitDetached waits for it.
func (e *End) Attach(d stack.NetworkDispatcher) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rxDone != nil {
		// Closing the queue first means no frame lands in it after this:
		// the old goroutine, told to stop, drains it completely.
		e.rxq.Swap(nil).Close()
		close(e.rxDone)
		e.rxDone = nil
	}
	e.dispatcher = d
	if d == nil {
		return
	}
	q := NewQueue[*stack.PacketBuffer](e.qlen)
	done := make(chan struct{})
	e.rx.Store(&rxPath{q: q, d: d})
	e.rxq.Store(q)
	e.rxDone = done
	e.rxWG.Add(1)
	go e.rxLoop(d, q, done)
}

// rxLoop delivers the frames queued to e, a batch at a time, until done is
// closed; it then releases what is left.
func (e *End) rxLoop(d stack.NetworkDispatcher, q *Queue[*stack.PacketBuffer], done chan struct{}) {
	defer e.rxWG.Done()
	var batch []*stack.PacketBuffer
	for {
		select {
		case <-q.Ready():
			// Taken and delivered under rxMu: no inline delivery comes
			// between a batch taken and its delivery.
			e.rxMu.Lock()
			batch = q.Take(batch[:0])
			stopped := false
			for _, pkt := range batch {
				if !stopped {
					select {
					case <-done:
						// Detached mid-batch: release the rest unseen.
						stopped = true
					default:
						e.rxOne(d, pkt)
					}
				}
				pkt.DecRef()
			}
			e.rxMu.Unlock()
			AddBusy(e.busy, -int64(len(batch)))
			clear(batch)
			if stopped {
				e.drain(q)
				return
			}
		case <-done:
			e.drain(q)
			return
		}
	}
}

// rxOne delivers one frame to the stack; the caller keeps its reference.
func (e *End) rxOne(d stack.NetworkDispatcher, pkt *stack.PacketBuffer) {
	e.Observe(pkt)
	if NeedsSegment(pkt) && (e.segRx.Load() || e.rxCsumOff()) {
		for _, seg := range segment(pkt, e.MTU()) {
			e.deliver(d, seg)
			seg.DecRef()
		}
		return
	}
	e.deliver(d, pkt)
}

// drain releases the frames left in a closed queue.
func (e *End) drain(q *Queue[*stack.PacketBuffer]) {
	rest := q.Take(nil)
	for _, pkt := range rest {
		pkt.DecRef()
	}
	AddBusy(e.busy, -int64(len(rest)))
}

// deliver hands a frame to the stack, filtering by destination MAC as a NIC
// does.
func (e *End) deliver(d stack.NetworkDispatcher, pkt *stack.PacketBuffer) {
	hdr, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize)
	if !ok {
		e.c.rxDropped.Add(1)
		return
	}
	eth := header.Ethernet(hdr)
	dst := eth.DestinationAddress()
	switch {
	case dst == header.EthernetBroadcastAddress:
		pkt.PktType = tcpip.PacketBroadcast
	case header.IsMulticastEthernetAddress(dst):
		pkt.PktType = tcpip.PacketMulticast
	case dst == e.mac.Load().(tcpip.LinkAddress):
		pkt.PktType = tcpip.PacketHost
	default:
		// Not for us: a NIC outside promiscuous mode ignores it.
		return
	}
	// A large segment delivered whole: the receiving stack trusts its
	// checksum (RX offload) and sees an ordinary packet. A frame a qdisc
	// corrupted is not trusted: the stack checks it, and drops it as Linux
	// does.
	verify := UntrustedChecksum(pkt)
	pkt.GSOOptions = stack.GSO{}
	if verify {
		e.rxVerify.Store(true)
		defer e.rxVerify.Store(false)
	}
	d.DeliverNetworkPacket(eth.Type(), pkt)
}

// MarkUntrustedChecksum marks a frame whose bytes changed on the way (a
// netem corruption): the receiving stack must check its checksums, not
// trust them as it trusts a veth's frames (RX checksum offload). The mark
// (a checksum still to do on a frame that is not a large segment) travels
// with the frame across bridges.
func MarkUntrustedChecksum(pkt *stack.PacketBuffer) {
	pkt.GSOOptions = stack.GSO{Type: stack.GSONone, NeedsCsum: true}
}

// UntrustedChecksum reports whether pkt carries MarkUntrustedChecksum's
// mark.
func UntrustedChecksum(pkt *stack.PacketBuffer) bool {
	return pkt.GSOOptions.Type == stack.GSONone && pkt.GSOOptions.NeedsCsum
}

// IsAttached implements stack.LinkEndpoint.
func (e *End) IsAttached() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dispatcher != nil
}

// MTU implements stack.LinkEndpoint: the IP MTU.
func (e *End) MTU() uint32 { return e.mtu.Load() }

// SetMTU implements stack.LinkEndpoint.
func (e *End) SetMTU(mtu uint32) { e.mtu.Store(mtu) }

// MaxHeaderLength implements stack.LinkEndpoint.
func (e *End) MaxHeaderLength() uint16 { return header.EthernetMinimumSize }

// LinkAddress implements stack.LinkEndpoint.
func (e *End) LinkAddress() tcpip.LinkAddress { return e.mac.Load().(tcpip.LinkAddress) }

// SetLinkAddress implements stack.LinkEndpoint.
func (e *End) SetLinkAddress(a tcpip.LinkAddress) { e.mac.Store(a) }

// Capabilities implements stack.LinkEndpoint. Checksums are computed by the
// sending stack (frames on the wire are valid, as a capture shows them) and
// trusted by the receiving one, as between two Linux veths.
//
// While the receive loop delivers a frame marked MarkUntrustedChecksum, the
// RX offload is off: gVisor's NIC reads it for that frame, on that
// goroutine (the only one that delivers the end's frames), and nothing else
// reads that capability.
func (e *End) Capabilities() stack.LinkEndpointCapabilities {
	if e.rxVerify.Load() || e.rxCsumOff() {
		return stack.CapabilityResolutionRequired
	}
	return stack.CapabilityResolutionRequired | stack.CapabilityRXChecksumOffload
}

// GSOMaxSize implements stack.GSOEndpoint.
func (e *End) GSOMaxSize() uint32 {
	if e.stackGSO() {
		return gsoMaxSize
	}
	return 0
}

// SupportedGSO implements stack.GSOEndpoint.
func (e *End) SupportedGSO() stack.SupportedGSO {
	if e.stackGSO() {
		return stack.HostGSOSupported
	}
	return stack.GSONotSupported
}

// Wait implements stack.LinkEndpoint. It does not block: gVisor calls it with
// its stack lock held, which a delivery in progress may need (see Attach).
// Use WaitDetached, outside gVisor, to wait for the receive goroutines.
func (e *End) Wait() {}

// WaitDetached waits until no receive goroutine of e runs, after the end was
// detached (Attach(nil), or its NIC removed from its stack). Every frame
// queued to it has then been released. Call it outside gVisor, never while
// holding a lock that delivering a frame to a stack may take.
func (e *End) WaitDetached() { e.rxWG.Wait() }

// ARPHardwareType implements stack.LinkEndpoint.
func (e *End) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareEther }

// wireCopy is the copy of a frame that crosses the wire: the sender's
// buffers stay the sender's (TCP keeps them to retransmit; the receiver
// may rewrite headers in place). A frame that fits a pooled chunk is
// copied into one, the headers and the data together: with real frames
// (GSO off) it is one pool allocation per frame instead of one per part,
// and no reference counting of the sender's chunks. Larger segments are
// copied chunk by chunk.
func wireCopy(pkt *stack.PacketBuffer) buffer.Buffer {
	if pkt.Size() <= buffer.MaxChunkSize {
		return buffer.MakeWithView(pkt.ToView())
	}
	payload := pkt.ToBuffer()
	defer payload.Release()
	return payload.DeepClone()
}

// AddHeader implements stack.LinkEndpoint.
func (e *End) AddHeader(pkt *stack.PacketBuffer) {
	eth := header.Ethernet(pkt.LinkHeader().Push(header.EthernetMinimumSize))
	src := pkt.EgressRoute.LocalLinkAddress
	if src == "" {
		src = e.LinkAddress()
	}
	eth.Encode(&header.EthernetFields{
		SrcAddr: src,
		DstAddr: pkt.EgressRoute.RemoteLinkAddress,
		Type:    pkt.NetworkProtocolNumber,
	})
}

// ParseHeader implements stack.LinkEndpoint.
func (e *End) ParseHeader(pkt *stack.PacketBuffer) bool {
	_, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize)
	return ok
}

// Close implements stack.LinkEndpoint: the stack removed the NIC.
func (e *End) Close() {
	e.mu.Lock()
	f := e.onClose
	e.onClose = nil
	e.mu.Unlock()
	if f != nil {
		f()
	}
}

// SetOnCloseAction implements stack.LinkEndpoint.
func (e *End) SetOnCloseAction(f func()) {
	e.mu.Lock()
	e.onClose = f
	e.mu.Unlock()
}

// WritePackets implements stack.LinkEndpoint. Each frame is copied once into
// a fresh packet (the stack may reuse its buffers) and sent to the peer
// without blocking.
func (e *End) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	n := 0
	for _, pkt := range pkts.AsSlice() {
		if !e.Carrier() {
			e.c.txDropped.Add(1)
			continue
		}
		wire := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: wireCopy(pkt)})
		wire.GSOOptions = pkt.GSOOptions
		wire.NetworkProtocolNumber = pkt.NetworkProtocolNumber
		_ = e.Transmit(wire)
		n++
	}
	return n, nil
}
