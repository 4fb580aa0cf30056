// Package l2switch emulates a Linux bridge: a learning switch with a CAM
// table (the forwarding database), flooding, ageing, local entries, port
// states, and the bridge's own L3 "self" interface.
//
// The folder is switch/ but the package is l2switch: switch is a Go keyword.
//
// One goroutine per bridge owns the CAM. Ports are vethsim ends; frames that
// arrive at a port are queued (without blocking: a full queue drops and
// counts) to that goroutine, which takes them in batches, learns, looks up,
// and transmits out of the egress ports. Every decision is emitted as a
// trace.Event from that goroutine, never from inside gVisor; events are only
// built while a sink is attached, so an unobserved bridge allocates nothing
// per frame.
//
// Ownership: Receive takes one reference on the packet; the bridge releases
// it on every path (forward, flood, drop, shutdown drain). Flooding copies
// the frame once per extra egress port.
package l2switch

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/vethsim"
)

// DefaultAgeing is Linux's default bridge ageing time.
const DefaultAgeing = 300 * time.Second

// DefaultQueueLen is the bridge's input queue length.
const DefaultQueueLen = 4096

// sweepInterval is how often aged entries are removed (and reported).
const sweepInterval = time.Second

// Entry is one row of the forwarding database, as `brctl showmacs` and
// `bridge fdb` show it.
type Entry struct {
	MAC net.HardwareAddr
	// Port is the name of the port the MAC was learned on (the bridge's own
	// name for its self interface).
	Port string
	// Local entries are the bridge's and its ports' own addresses; they never
	// age.
	Local bool
	// Age is the time since the MAC was last seen (0 for local entries).
	Age time.Duration
}

// PortInfo describes a port.
type PortInfo struct {
	Name  string
	Index int
	// State is "forwarding" when the port carries frames, else "disabled".
	State string
}

// Stats counts what the bridge did.
type Stats struct {
	Forwarded, Flooded, Dropped uint64
}

// Config sets up a bridge.
type Config struct {
	Name string
	// Namespace is the name of the namespace owning the bridge, for events.
	Namespace string
	// MAC of the bridge's self interface; random when nil.
	MAC net.HardwareAddr
	// Index is the self interface's ifindex.
	Index int
	// Bus receives the bridge's events; may be nil.
	Bus *trace.Bus
	// Clock drives ageing and event times; required.
	Clock tcpip.Clock
	// QueueLen of the input queue; DefaultQueueLen when 0.
	QueueLen int
	// HopDelay and Hops model the latency of the bridge's link to its own
	// interface (see vethsim.Config.HopDelay); SelfMAC is the MAC of the
	// link's bridge side, which no frame shows (random when nil).
	HopDelay time.Duration
	Hops     *vethsim.Hops
	SelfMAC  net.HardwareAddr
	// Busy counts frames in flight world-wide (see vethsim.Config.Busy);
	// may be nil.
	Busy *atomic.Int64
}

// item is a queued frame with its Ethernet addresses, read by Receive in
// the sender's goroutine, where the frame's bytes are still in the cache:
// the bridge goroutine then switches it without touching them.
type item struct {
	port     *vethsim.End
	pkt      *stack.PacketBuffer
	dst, src macKey
	// runt frames are too short for an Ethernet header.
	runt bool
}

type entry struct {
	port  *vethsim.End
	local bool
	// seen is when the MAC was last seen (nanoseconds on the clock's
	// monotonic scale); atomic, so that snapshots read it from any goroutine.
	seen atomic.Int64
}

func monoNS(t tcpip.MonotonicTime) int64 { return int64(t.Sub(tcpip.MonotonicTime{})) }

func (en *entry) lastSeen() tcpip.MonotonicTime {
	return tcpip.MonotonicTime{}.Add(time.Duration(en.seen.Load()))
}

func (en *entry) touch(now tcpip.MonotonicTime) { en.seen.Store(monoNS(now)) }

// snapEntry is a CAM row as published for readers outside the goroutine.
type snapEntry struct {
	mac   macKey
	port  *vethsim.End
	local bool
	en    *entry
}

// macKey is a MAC address as a CAM key: the six bytes, big-endian, in a
// uint64. A frame's addresses are looked up without building a string.
type macKey uint64

func keyOf(b []byte) macKey {
	_ = b[5]
	return macKey(b[0])<<40 | macKey(b[1])<<32 | macKey(b[2])<<24 | macKey(b[3])<<16 | macKey(b[4])<<8 | macKey(b[5])
}

func keyOfLink(a tcpip.LinkAddress) macKey {
	var b [6]byte
	copy(b[:], a)
	return keyOf(b[:])
}

// multicast reports whether the group bit is set (broadcast included).
func (k macKey) multicast() bool { return k&(1<<40) != 0 }

// MAC returns the address as net.HardwareAddr.
func (k macKey) MAC() net.HardwareAddr {
	return net.HardwareAddr{byte(k >> 40), byte(k >> 32), byte(k >> 24), byte(k >> 16), byte(k >> 8), byte(k)}
}

func (k macKey) String() string { return k.MAC().String() }

// Bridge is a learning bridge.
type Bridge struct {
	name  string
	ns    atomic.Pointer[string]
	bus   *trace.Bus
	clock tcpip.Clock
	busy  *atomic.Int64

	self    *vethsim.End // the bridge's internal port
	selfNIC *vethsim.End // the bridge's L3 interface, a NIC of its namespace
	// in is the input queue. Stop closes it before draining it, so no
	// frame is queued after the drain (and leaked).
	in *vethsim.Queue[item]
	// ctl runs functions on the bridge goroutine (do). That goroutine is
	// the CAM's lock: do waits for it, so the callers of do (AddPort,
	// RemovePort, FlushFDB, Stop; emu calls them holding World.topo) are
	// ordered above everything the goroutine may wait for: the
	// br_netfilter hook (its namespace's iptables), the trace sinks (a
	// step-through pause holds the goroutine until a key comes), and
	// briefly mirrorMu and the ports' queues. None of those may call do,
	// nor take a lock held around do; readers outside use the mirror.
	ctl      chan func()
	tick     chan struct{}
	done     chan struct{}
	wg       sync.WaitGroup
	stopOnce sync.Once
	timer    tcpip.Timer

	up     atomic.Bool
	ageing atomic.Int64

	// The counters the bridge goroutine bumps per frame live on a cache
	// line of their own, away from the fields senders read in Receive.
	_                           [64]byte
	forwarded, flooded, dropped atomic.Uint64
	_                           [64 - 24]byte

	// mirror is what readers outside the bridge goroutine see (Ports,
	// HasPort, FDB): the ports and the CAM rows, updated by the goroutine
	// one change at a time. Ages are read live from the entries.
	// mirrorMu is a leaf: it is held only to copy rows in or out, never
	// while calling out, so a reader never waits for the goroutine.
	mirrorMu    sync.RWMutex
	mirrorPorts portSet
	mirrorCAM   map[macKey]snapEntry
	// netfilter, when set, is consulted for frames switched between two
	// ports (br_netfilter); see SetNetfilter.
	netfilter atomic.Pointer[Netfilter]

	// Owned by the bridge goroutine. member indexes ports once there are
	// too many to scan per frame.
	ports portSet
	cam   map[macKey]*entry
	// byPort indexes cam by port, so that removing a port does not scan
	// the table (camPut, camMove, camDel keep it).
	byPort map[*vethsim.End]map[macKey]struct{}
	// outs is flood's scratch list of egress ports.
	outs []*vethsim.End
	// cause is the Seq of the event of the frame being switched, the
	// Cause of the events about it (trace.Event.Cause); 0 between frames.
	// The bridge goroutine only.
	cause uint64
}

// New makes a bridge, down, with no ports, and starts its goroutine.
func New(cfg Config) (*Bridge, error) {
	if err := vethsim.ValidName(cfg.Name); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		return nil, errors.New("l2switch: a clock is required")
	}
	qlen := cfg.QueueLen
	if qlen <= 0 {
		qlen = DefaultQueueLen
	}
	pair, err := vethsim.NewPair(vethsim.Config{
		Names:    [2]string{cfg.Name, cfg.Name},
		Indexes:  [2]int{cfg.Index, 0},
		MACs:     [2]net.HardwareAddr{cfg.MAC, cfg.SelfMAC},
		Bus:      cfg.Bus,
		Clock:    cfg.Clock,
		Busy:     cfg.Busy,
		HopDelay: cfg.HopDelay,
		Hops:     cfg.Hops,
		Internal: true,
	})
	if err != nil {
		return nil, err
	}
	b := &Bridge{
		name:   cfg.Name,
		bus:    cfg.Bus,
		clock:  cfg.Clock,
		busy:   cfg.Busy,
		in:     vethsim.NewQueue[item](qlen),
		ctl:    make(chan func()),
		tick:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		cam:    make(map[macKey]*entry),
		byPort: make(map[*vethsim.End]map[macKey]struct{}),
	}
	b.selfNIC, b.self = pair.Ends()
	b.SetNamespace(cfg.Namespace)
	b.self.SetUp(true)
	b.self.SetReceiver(b)
	b.ageing.Store(int64(DefaultAgeing))
	b.ports.add(b.self)
	selfKey := keyOfLink(b.selfNIC.LinkAddress())
	b.camPut(selfKey, &entry{port: b.self, local: true})
	b.mirrorCAM = map[macKey]snapEntry{}
	b.mirrorSet(selfKey, b.cam[selfKey])
	// Arm the sweep timer before the goroutine that re-arms it starts, so
	// that b.timer is never read before it is written.
	b.timer = b.clock.AfterFunc(sweepInterval, b.onTick)
	b.wg.Add(1)
	go b.run()
	return b, nil
}

func (b *Bridge) onTick() {
	select {
	case b.tick <- struct{}{}:
	default:
	}
}

// Name returns the bridge's name.
func (b *Bridge) Name() string { return b.selfNIC.Name() }

// SetName renames the bridge (its self interface).
func (b *Bridge) SetName(name string) error { return b.selfNIC.SetName(name) }

// SetNamespace records the owning namespace's name, for events.
func (b *Bridge) SetNamespace(ns string) {
	b.ns.Store(&ns)
	if b.selfNIC != nil {
		b.selfNIC.SetNamespace(ns)
		b.self.SetNamespace(ns)
	}
}

// Self returns the bridge's L3 interface: a link endpoint to add as a NIC of
// the owning namespace's stack, so the bridge can have addresses.
func (b *Bridge) Self() *vethsim.End { return b.selfNIC }

// MAC returns the bridge's own address.
func (b *Bridge) MAC() net.HardwareAddr { return b.selfNIC.MAC() }

// SetUp sets the bridge's administrative state. A bridge that is down
// forwards nothing.
func (b *Bridge) SetUp(up bool) {
	b.up.Store(up)
	b.selfNIC.SetUp(up)
}

// IsUp reports the bridge's administrative state.
func (b *Bridge) IsUp() bool { return b.up.Load() }

// Ageing returns the ageing time.
func (b *Bridge) Ageing() time.Duration { return time.Duration(b.ageing.Load()) }

// SetAgeing sets the ageing time. As on Linux, 0 makes learned entries
// expire at once (the bridge then behaves as a hub).
func (b *Bridge) SetAgeing(d time.Duration) { b.ageing.Store(int64(d)) }

// Stats returns the bridge's counters.
func (b *Bridge) Stats() Stats {
	return Stats{Forwarded: b.forwarded.Load(), Flooded: b.flooded.Load(), Dropped: b.dropped.Load()}
}

// ErrStopped is returned by operations on a stopped bridge.
var ErrStopped = errors.New("bridge is deleted")

// do runs f on the bridge goroutine and waits for it.
func (b *Bridge) do(f func()) error {
	ran := make(chan struct{})
	select {
	case b.ctl <- func() { f(); close(ran) }:
		<-ran
		return nil
	case <-b.done:
		return ErrStopped
	}
}

// AddPort enslaves a vethsim end: frames arriving at it are switched by the
// bridge, and its MAC becomes a local entry.
func (b *Bridge) AddPort(p *vethsim.End) error {
	var err error
	if e := b.do(func() {
		if !b.ports.add(p) {
			err = fmt.Errorf("device %q is already a member of a bridge", p.Name())
			return
		}
		k := keyOfLink(p.LinkAddress())
		b.camPut(k, &entry{port: p, local: true})
		p.SetReceiver(b)
		b.mirrorSet(k, b.cam[k])
		b.mirrorMu.Lock()
		b.mirrorPorts.add(p)
		b.mirrorMu.Unlock()
	}); e != nil {
		return e
	}
	return err
}

// RemovePort releases a port and forgets every entry learned on it.
func (b *Bridge) RemovePort(p *vethsim.End) error {
	var err error
	if e := b.do(func() {
		if p == b.self || !b.ports.remove(p) {
			err = fmt.Errorf("device %q is not a slave of %q", p.Name(), b.Name())
			return
		}
		p.SetReceiver(nil)
		for mac := range b.byPort[p] {
			b.camDel(mac)
			b.mirrorDel(mac)
		}
		b.mirrorMu.Lock()
		b.mirrorPorts.remove(p)
		b.mirrorMu.Unlock()
	}); e != nil {
		return e
	}
	return err
}

// Ports lists the enslaved ports (not the self interface), in the order they
// were added. It reads the mirror: it never waits for the bridge's
// goroutine (a step-through may hold that goroutine on an event).
func (b *Bridge) Ports() []PortInfo {
	b.mirrorMu.RLock()
	ports := b.mirrorPorts.all()
	b.mirrorMu.RUnlock()
	var out []PortInfo
	for _, p := range ports {
		st := "disabled"
		if p.Carrier() {
			st = "forwarding"
		}
		out = append(out, PortInfo{Name: p.Name(), Index: p.Index(), State: st})
	}
	return out
}

// HasPort reports whether p is enslaved to this bridge.
func (b *Bridge) HasPort(p *vethsim.End) bool {
	b.mirrorMu.RLock()
	defer b.mirrorMu.RUnlock()
	return b.mirrorPorts.has(p)
}

// mirrorSet records a CAM row for readers; bridge goroutine only.
func (b *Bridge) mirrorSet(mac macKey, en *entry) {
	b.mirrorMu.Lock()
	b.mirrorCAM[mac] = snapEntry{mac: mac, port: en.port, local: en.local, en: en}
	b.mirrorMu.Unlock()
}

// mirrorDel forgets a CAM row for readers; bridge goroutine only.
func (b *Bridge) mirrorDel(mac macKey) {
	b.mirrorMu.Lock()
	delete(b.mirrorCAM, mac)
	b.mirrorMu.Unlock()
}

// FDB returns a snapshot of the forwarding database, sorted by port then
// MAC, without expired entries. Like Ports, it never waits for the
// bridge's goroutine.
func (b *Bridge) FDB() []Entry {
	now := b.clock.NowMonotonic()
	ageing := b.Ageing()
	var out []Entry
	b.mirrorMu.RLock()
	for _, r := range b.mirrorCAM {
		age := time.Duration(0)
		if !r.local {
			age = now.Sub(r.en.lastSeen())
			if age >= ageing {
				continue
			}
		}
		out = append(out, Entry{MAC: r.mac.MAC(), Port: b.portName(r.port), Local: r.local, Age: age})
	}
	b.mirrorMu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Port != out[j].Port {
			return out[i].Port < out[j].Port
		}
		return out[i].MAC.String() < out[j].MAC.String()
	})
	return out
}

// FlushFDB forgets every learned (non-local) entry.
func (b *Bridge) FlushFDB() {
	_ = b.do(func() {
		for mac, en := range b.cam {
			if !en.local {
				b.camDel(mac)
				b.mirrorDel(mac)
			}
		}
	})
}

// Stop stops the bridge's goroutine and releases queued frames. Ports are
// released.
func (b *Bridge) Stop() {
	b.stopOnce.Do(func() {
		_ = b.do(func() {
			for _, p := range b.ports.all() {
				p.SetReceiver(nil)
			}
			b.ports.clear()
			b.mirrorMu.Lock()
			b.mirrorPorts.clear()
			b.mirrorCAM = map[macKey]snapEntry{}
			b.mirrorMu.Unlock()
		})
		// Closed first: a Receive racing with Stop either queues before
		// the drain below or releases its frame itself.
		b.in.Close()
		close(b.done)
		b.wg.Wait()
		// Only now: until the goroutine is gone, a sweep may re-arm it.
		b.timer.Stop()
		rest := b.in.Take(nil)
		for _, it := range rest {
			it.pkt.DecRef()
		}
		vethsim.AddBusy(b.busy, -int64(len(rest)))
	})
}

// Receive implements vethsim.Receiver: it queues a frame that arrived at a
// port. It never blocks.
func (b *Bridge) Receive(port *vethsim.End, pkt *stack.PacketBuffer) {
	it := item{port: port, pkt: pkt, runt: true}
	if hdr, ok := pkt.Data().PullUp(header.EthernetMinimumSize); ok {
		it.dst, it.src, it.runt = keyOf(hdr[0:6]), keyOf(hdr[6:12]), false
	}
	vethsim.AddBusy(b.busy, 1)
	err := b.in.Put(it)
	if err == nil {
		return
	}
	vethsim.AddBusy(b.busy, -1)
	if err == vethsim.ErrQueueFull {
		b.dropped.Add(1)
		if b.bus.Enabled() {
			// Not on the bridge goroutine (possibly inside gVisor): no Sync.
			b.bus.Emit(&trace.Event{Kind: trace.Dropped, Time: b.clock.Now(), NS: *b.ns.Load(), Dev: b.Name(),
				Port: port.Name(), Reason: "bridge input queue full", Len: pkt.Size()})
		}
	}
	// Else the bridge is stopped: the frame goes nowhere.
	pkt.DecRef()
}

func (b *Bridge) run() {
	defer b.wg.Done()
	var batch []item
	for {
		select {
		case <-b.in.Ready():
			batch = b.in.Take(batch[:0])
			b.handleBatch(batch)
			vethsim.AddBusy(b.busy, -int64(len(batch)))
			clear(batch)
		case f := <-b.ctl:
			f()
		case <-b.tick:
			b.sweep()
			b.timer.Reset(sweepInterval)
		case <-b.done:
			return
		}
	}
}

// handleBatch switches a batch of frames, in order. The clock and the
// ageing time are read once per batch: a batch is handled in microseconds
// of real time, and the clock cannot jump while frames are in flight.
func (b *Bridge) handleBatch(batch []item) {
	now := b.clock.NowMonotonic()
	ageing := b.Ageing()
	for i := range batch {
		b.handle(&batch[i], now, ageing)
	}
}

func (b *Bridge) portName(p *vethsim.End) string {
	if p == b.self {
		return b.Name()
	}
	return p.Name()
}

func (b *Bridge) emit(ev trace.Event) {
	if !b.bus.Enabled() {
		return
	}
	ev.Time = b.clock.Now()
	ev.NS = *b.ns.Load()
	ev.Dev = b.Name()
	ev.Sync = true
	ev.Cause = b.cause
	b.bus.Emit(&ev)
}

// camPut adds or replaces the entry of a MAC. The bridge goroutine only.
func (b *Bridge) camPut(k macKey, en *entry) {
	b.camDel(k)
	b.cam[k] = en
	b.index(k, en.port)
}

// camMove gives the entry of a MAC another port. The bridge goroutine only.
func (b *Bridge) camMove(k macKey, en *entry, to *vethsim.End) {
	if en.port == to {
		return
	}
	b.unindex(k, en.port)
	en.port = to
	b.index(k, to)
}

// camDel forgets a MAC. The bridge goroutine only.
func (b *Bridge) camDel(k macKey) {
	if en, ok := b.cam[k]; ok {
		b.unindex(k, en.port)
		delete(b.cam, k)
	}
}

func (b *Bridge) index(k macKey, p *vethsim.End) {
	m := b.byPort[p]
	if m == nil {
		m = map[macKey]struct{}{}
		b.byPort[p] = m
	}
	m[k] = struct{}{}
}

func (b *Bridge) unindex(k macKey, p *vethsim.End) {
	if m := b.byPort[p]; m != nil {
		delete(m, k)
		if len(m) == 0 {
			delete(b.byPort, p)
		}
	}
}

func (b *Bridge) sweep() {
	b.cause = 0
	now := b.clock.NowMonotonic()
	ageing := b.Ageing()
	for mac, en := range b.cam {
		if !en.local && now.Sub(en.lastSeen()) >= ageing {
			b.camDel(mac)
			b.mirrorDel(mac)
			if b.bus.Enabled() {
				b.emit(trace.Event{Kind: trace.Aged, MAC: mac.String(), Port: b.portName(en.port)})
			}
		}
	}
}

// drop counts and releases a frame that goes nowhere.
func (b *Bridge) drop(in *vethsim.End, pkt *stack.PacketBuffer, reason string) {
	b.dropped.Add(1)
	if b.bus.Enabled() {
		b.emit(trace.Event{Kind: trace.Dropped, Port: b.portName(in), Reason: reason, Len: pkt.Size()})
	}
	pkt.DecRef()
}

// Netfilter decides whether a frame switched from port in to port out may
// go on (br_netfilter: the owning namespace's iptables). It runs on the
// bridge goroutine and must not keep pkt.
type Netfilter func(pkt *stack.PacketBuffer, in, out *vethsim.End) bool

// HasNetfilter reports whether the br_netfilter hook is installed.
func (b *Bridge) HasNetfilter() bool { return b.netfilter.Load() != nil }

// SetNetfilter installs (or, with nil, removes) the br_netfilter hook.
func (b *Bridge) SetNetfilter(f Netfilter) {
	if f == nil {
		b.netfilter.Store(nil)
		return
	}
	b.netfilter.Store(&f)
}

// verdict is what the bridge decided for a frame, before acting on it.
type verdict struct {
	// drop is the reason to drop, "" otherwise; early drops happen before
	// learning.
	drop  string
	early bool
	// out is the egress port of a CAM hit; nil with no drop means flood.
	out *vethsim.End
}

// decide looks a frame up without changing anything. For a flood it leaves
// the egress ports in b.outs.
func (b *Bridge) decide(it *item, now tcpip.MonotonicTime, ageing time.Duration) verdict {
	in := it.port
	switch {
	case !b.up.Load():
		return verdict{drop: "bridge is down", early: true}
	case !b.isPort(in):
		return verdict{drop: "port left the bridge", early: true}
	case in != b.self && !in.Carrier():
		// As Ports reports it: a port whose end or peer is down is
		// disabled, also for frames queued before it went down.
		return verdict{drop: "port is disabled", early: true}
	case it.runt:
		return verdict{drop: "runt frame", early: true}
	case it.src.multicast():
		return verdict{drop: "multicast source address", early: true}
	}
	if !it.dst.multicast() {
		if en, ok := b.cam[it.dst]; ok && (en.local || now.Sub(en.lastSeen()) < ageing) {
			out := en.port
			if en.local {
				// Frames for the bridge's or a port's own address are for the
				// bridge's namespace: they go up through the self interface.
				out = b.self
			}
			switch {
			case out == in:
				return verdict{drop: "destination is on the ingress port"}
			case !out.Carrier():
				// Linux forwards only to ports in the forwarding state; the
				// frame is not flooded either.
				return verdict{drop: "egress port is disabled"}
			}
			if nf := b.netfilter.Load(); nf != nil && in != b.self && out != b.self && !(*nf)(it.pkt, in, out) {
				return verdict{drop: "iptables dropped it (bridge-nf-call-iptables)"}
			}
			return verdict{out: out}
		}
	}
	outs := b.outs[:0]
	for _, p := range b.ports.list {
		if p != nil && p != in && p.Carrier() {
			outs = append(outs, p)
		}
	}
	b.outs = outs
	return verdict{}
}

// note is the decision in words, for the frame's capture comment:
// "vbridge: CAM miss for 3a:…, flooded to veth-2-br, veth-3-br".
func (b *Bridge) note(it *item, v verdict) string {
	name := b.Name()
	switch {
	case v.drop != "":
		return name + ": dropped, " + v.drop
	case v.out != nil:
		return fmt.Sprintf("%s: CAM hit for %s, forwarded to %s", name, it.dst, b.portName(v.out))
	}
	why := "CAM miss for " + it.dst.String()
	if it.dst.multicast() {
		why = "broadcast"
		if it.dst.String() != "ff:ff:ff:ff:ff:ff" {
			why = "multicast"
		}
	}
	names := make([]string, len(b.outs))
	for i, p := range b.outs {
		names[i] = b.portName(p)
	}
	if len(names) == 0 {
		return fmt.Sprintf("%s: %s, no port to flood to", name, why)
	}
	return fmt.Sprintf("%s: %s, flooded to %s", name, why, strings.Join(names, ", "))
}

// handle switches one frame; it owns pkt.
func (b *Bridge) handle(it *item, now tcpip.MonotonicTime, ageing time.Duration) {
	in, pkt := it.port, it.pkt
	b.cause = 0
	v := b.decide(it, now, ageing)
	if b.bus.Enabled() {
		note := ""
		if b.bus.WantsFrames() {
			note = b.note(it, v)
		}
		b.cause = in.ObserveNote(pkt, note)
	}
	if v.early {
		b.drop(in, pkt, v.drop)
		return
	}
	src := it.src
	if en, ok := b.cam[src]; !ok || (!en.local && now.Sub(en.lastSeen()) >= ageing) {
		if ok {
			// Expired: reuse the entry.
			b.camMove(src, en, in)
			en.touch(now)
		} else {
			en = &entry{port: in}
			en.touch(now)
			b.camPut(src, en)
		}
		b.mirrorSet(src, en)
		if b.bus.Enabled() {
			b.emit(trace.Event{Kind: trace.Learned, MAC: src.String(), Port: b.portName(in)})
		}
	} else if !en.local {
		if en.port != in {
			if b.bus.Enabled() {
				b.emit(trace.Event{Kind: trace.Moved, MAC: src.String(), Port: b.portName(in), OldPort: b.portName(en.port)})
			}
			b.camMove(src, en, in)
			b.mirrorSet(src, en)
		}
		en.touch(now)
	}
	switch {
	case v.drop != "":
		b.drop(in, pkt, v.drop)
	case v.out != nil:
		b.forwarded.Add(1)
		if b.bus.Enabled() {
			b.emit(trace.Event{Kind: trace.Forwarded, MAC: it.dst.String(), Port: b.portName(v.out)})
		}
		// On the bridge's goroutine, inside no stack: the port's peer may
		// take the frame here.
		_ = v.out.TransmitOwned(pkt)
	default:
		b.flood(pkt, it.dst)
	}
}

// isPort reports whether p is (still) a port: scanning a few ports is
// cheaper than a map lookup, a bridge with hundreds of ports is not.
func (b *Bridge) isPort(p *vethsim.End) bool {
	return b.ports.has(p)
}

// flood sends a frame to the ports decide left in b.outs.
func (b *Bridge) flood(pkt *stack.PacketBuffer, dst macKey) {
	outs := b.outs
	b.flooded.Add(1)
	if b.bus.Enabled() {
		names := make([]string, len(outs))
		for i, p := range outs {
			names[i] = b.portName(p)
		}
		b.emit(trace.Event{Kind: trace.Flooded, MAC: dst.String(), Ports: names, Len: pkt.Size()})
	}
	if len(outs) == 0 {
		pkt.DecRef()
	} else {
		// Delivered here where the ports' peers are idle: a broadcast to
		// thousands of namespaces costs no wake-up of each one's loop.
		for _, p := range outs[:len(outs)-1] {
			_ = p.TransmitOwned(copyPacket(pkt))
		}
		_ = outs[len(outs)-1].TransmitOwned(pkt)
	}
	clear(outs)
	b.outs = outs[:0]
}

// copyPacket makes an independent wire packet with the same bytes: each
// receiving stack may modify its frame (TTL, NAT).
func copyPacket(pkt *stack.PacketBuffer) *stack.PacketBuffer {
	b := pkt.ToBuffer()
	c := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: b.DeepClone()})
	b.Release()
	c.GSOOptions = pkt.GSOOptions
	return c
}
