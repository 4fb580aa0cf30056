// Package emu is the emulated world: named network namespaces (the host's
// root namespace first), their devices (loopback, veth pairs, bridges), and
// the operations the tutorials perform with ip, brctl, sysctl and iptables.
// It is the documented Go API for building hermetic multi-host networks in
// tests, without root:
//
//	w := emu.New(emu.Options{})
//	defer w.Close()
//	ns1, _ := w.AddNamespace("ns1")
//	...
//	reply, err := ns1.Ping(ctx, netip.MustParseAddr("192.168.28.2"), time.Second)
//
// Errors use the words of the real tools (`Cannot find device "veth9"`,
// `RTNETLINK answers: File exists`). A failed operation leaves the world as
// it was.
package emu

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/link/loopback"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/vxlan"
	l2switch "github.com/nsemu/nsemu/switch"
	"github.com/nsemu/nsemu/vethsim"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// HostName is the name events give the host's root namespace.
const HostName = "host"

// Errors in the real tools' words.
var (
	ErrExists      = errors.New("RTNETLINK answers: File exists")
	ErrInvalid     = errors.New("RTNETLINK answers: Invalid argument")
	ErrNotSupp     = errors.New("RTNETLINK answers: Operation not supported")
	ErrNoNamespace = errors.New("No such file or directory")
)

// DeviceNotFound is `Cannot find device "NAME"`.
type DeviceNotFound struct{ Name string }

func (e *DeviceNotFound) Error() string { return fmt.Sprintf("Cannot find device %q", e.Name) }

// NamespaceNotFound is what `ip netns exec` says of a missing namespace.
type NamespaceNotFound struct{ Name string }

func (e *NamespaceNotFound) Error() string {
	return fmt.Sprintf("Cannot open network namespace %q: No such file or directory", e.Name)
}

// Options configure a world.
type Options struct {
	// Clock to use; a new real-time clock when nil. The world closes it.
	Clock *clock.Clock
	// GSO lets TCP segments up to 64 KB cross veth pairs whole when no
	// observer needs real frames. On by default; set NoGSO to turn it off.
	NoGSO bool
	// Seed, when not 0, seeds every random choice of the world: MACs,
	// the stacks' draws (ephemeral ports, ICMP ids, TCP initial sequence
	// numbers, NUD jitter), Docker's container ids, names and veth names,
	// DNS query ids, netem's losses, jitter, duplicates, reordering and
	// corruption. Each user draws a source of its own from it, in the
	// order they are made, so the same script with the same seed makes the
	// same choices. 0 picks a random seed. (For a run that repeats byte
	// for byte, add EmulatedTime.)
	Seed uint64
	// Realtime keeps the clock on wall time: Warp does nothing, so a
	// 5-second sleep takes 5 seconds (nsemu shell; nsemu run --realtime).
	Realtime bool
	// EmulatedTime runs the world on purely emulated time (nsemu --seed):
	// the clock starts at a fixed date and moves only by timers and a
	// modelled latency per frame hop (HopDelay), one timer at a time while
	// every goroutine of the world waits (see emulated.go). With a Seed,
	// the same script then gives the same transcript, narration and
	// capture on every run and every machine. Clock must be nil; Realtime
	// is ignored.
	EmulatedTime bool
}

// World is an emulated set of network namespaces.
type World struct {
	clock *clock.Clock
	bus   *trace.Bus
	gso   bool
	// realtime: Warp does nothing (Options.Realtime, SetRealtime).
	realtime atomic.Bool

	// busy counts frames in flight (queued or being delivered).
	busy atomic.Int64
	// awake counts the programs Warp waits for (Awake).
	awake atomic.Int64
	// exposer publishes ports on the real machine (expose.go).
	exposer atomic.Pointer[exposerBox]
	// resolvConf is the machine's /etc/resolv.conf, nil when it has none
	// (resolvconf.go).
	resolvConf atomic.Pointer[string]
	// warp state: see Warp. warpMu stands apart from the locks below: it
	// is held only to start or stop the warp goroutine, and Close and
	// Warp's stop function wait for that goroutine while holding it, which
	// is safe because the goroutine takes no lock but the clock's.
	warpMu   sync.Mutex
	warpRefs int
	warpStop chan struct{}
	warpDone chan struct{}

	// topo serialises topology changes (a veth pair spans two namespaces):
	// every device's name, master, namespace and up flag change under it.
	//
	// Lock order: topo is ordered above mu and above every Namespace.mu;
	// mu and a Namespace.mu are never held together, nor two namespaces'
	// mu at once, and neither is held while calling out. Below them come
	// the locks of the stacks, bridges, veth ends and the clock: nothing
	// called with one of those held takes a lock of the world. Docker's
	// engines (emu/docker) change the topology holding their own lock,
	// which is ordered above topo.
	//
	// Nothing a frame's delivery or a trace sink does takes topo (a sink
	// may take mu or a Namespace.mu: the step-through reads the tables),
	// so a topology change may, holding topo alone, wait for a bridge's
	// goroutine (Bridge.AddPort, Bridge.Stop) or an end's receive loop
	// (End.WaitDetached). Destroy hooks run before topo is taken, so they
	// may change the topology.
	topo sync.Mutex

	// mu guards ns, nextIndex, closed and hidden.
	mu        sync.Mutex
	host      *Namespace
	ns        map[string]*Namespace
	nextIndex int
	closed    bool

	// attached holds other packages' state of this world (Attach).
	attached sync.Map

	// hidden are the live hidden namespaces (anon.go).
	hidden map[*Namespace]struct{}

	// rngMu guards rng, the source every NewRand draws its seed from. It
	// is a leaf.
	rngMu sync.Mutex
	rng   *rand.Rand
	// autohandle is the last qdisc handle the kernel picked (qdisc.go);
	// under mu.
	autohandle uint32

	// seeded: Options.Seed was given, so every random choice comes from it.
	seeded bool
	// drv moves purely emulated time (emulated.go); nil otherwise.
	drv *driver
	// hop is each frame hop's modelled latency on purely emulated time
	// (0: none), and hops the frames on their way, released if the world
	// closes before they arrive.
	hop  time.Duration
	hops *vethsim.Hops
}

// New makes a world with the host's root namespace in it.
func New(opts Options) *World {
	c := opts.Clock
	switch {
	case opts.EmulatedTime:
		c = clock.NewDriven()
	case c == nil:
		c = clock.New()
	}
	seed := opts.Seed
	seeded := seed != 0
	if seed == 0 {
		seed = rand.Uint64()
	}
	w := &World{clock: c, bus: &trace.Bus{}, gso: !opts.NoGSO, ns: map[string]*Namespace{}, hidden: map[*Namespace]struct{}{}, nextIndex: 2,
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), autohandle: 0x80000000}
	w.seeded = seeded
	w.realtime.Store(opts.Realtime && !opts.EmulatedTime)
	if opts.EmulatedTime {
		w.hop, w.hops = HopDelay, &vethsim.Hops{}
		w.startDriver()
	}
	h, err := w.newNamespace(HostName, true)
	if err != nil {
		panic(fmt.Sprintf("emu: making the host namespace: %v", err))
	}
	w.host = h
	// A machine's lo is up from boot (a new namespace's is down).
	if err := h.SetLinkUp("lo", true); err != nil {
		panic(fmt.Sprintf("emu: bringing the host's lo up: %v", err))
	}
	return w
}

// Attach returns the value kept on the world under key, storing what
// make returns if there is none yet. Other packages keep their state of a
// world on it this way (the emulated file system: vfs.For), rather than
// in maps keyed by worlds. key should be a value of an unexported type of
// the calling package.
func (w *World) Attach(key any, make func() any) any {
	if v, ok := w.attached.Load(key); ok {
		return v
	}
	v, _ := w.attached.LoadOrStore(key, make())
	return v
}

// NewRand returns a random source of its own, seeded from the world's
// (Options.Seed): one per user of randomness (a netem qdisc), so that what
// one draws does not depend on what the others do.
func (w *World) NewRand() *rand.Rand {
	w.rngMu.Lock()
	a, b := w.rng.Uint64(), w.rng.Uint64()
	w.rngMu.Unlock()
	return rand.New(rand.NewPCG(a, b))
}

// NewMAC returns a locally administered unicast MAC address drawn from
// the world's seed: random from run to run unless Options.Seed is set, as
// Linux picks a veth's or a bridge's.
func (w *World) NewMAC() net.HardwareAddr {
	w.rngMu.Lock()
	v := w.rng.Uint64()
	w.rngMu.Unlock()
	m := make(net.HardwareAddr, 6)
	for i := range m {
		m[i] = byte(v >> (8 * i))
	}
	m[0] = (m[0] &^ 0x01) | 0x02
	return m
}

// Uint64 draws a number from the world's seed, for a random choice that
// is not worth a source of its own (NewRand): a DNS query's id.
func (w *World) Uint64() uint64 {
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return w.rng.Uint64()
}

// SeededCPUs is the number of CPUs a seeded world's machine has.
const SeededCPUs = 2

// NumCPU is the number of CPUs of the emulated machine (a veth's queues):
// the real machine's, or SeededCPUs when Options.Seed is set, so that a
// seeded run prints the same on every machine.
func (w *World) NumCPU() int {
	if w.seeded {
		return SeededCPUs
	}
	return runtime.NumCPU()
}

// SetRealtime turns real time on or off (see Options.Realtime); it
// affects the waits that start afterwards.
func (w *World) SetRealtime(on bool) { w.realtime.Store(on) }

// Realtime reports whether the world runs in real time.
func (w *World) Realtime() bool { return w.realtime.Load() }

// Clock returns the world's clock.
func (w *World) Clock() *clock.Clock { return w.clock }

// Bus returns the world's event bus: attach a trace.Sink to observe frames,
// CAM updates, neighbour changes, routes and NAT.
func (w *World) Bus() *trace.Bus { return w.bus }

// Host returns the host's root namespace.
func (w *World) Host() *Namespace { return w.host }

// Close tears the world down: every bridge, stack and goroutine stops.
func (w *World) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	all := []*Namespace{w.host}
	for _, n := range w.ns {
		all = append(all, n)
	}
	w.mu.Unlock()
	for _, n := range all {
		n.destroy()
	}
	for _, n := range w.hiddenNamespaces() {
		_ = w.DelHiddenNamespace(n)
	}
	w.warpMu.Lock()
	if w.warpStop != nil {
		close(w.warpStop)
		<-w.warpDone
		w.warpStop = nil
	}
	w.warpMu.Unlock()
	w.stopDriver()
	w.clock.Close()
	// The clock dropped the hop timers of frames still on their way.
	w.hops.Release()
}

// Idle reports whether no frame is in flight, no timer function runs and
// no work is held (Hold).
func (w *World) Idle() bool {
	return w.busy.Load() == 0 && w.clock.Running() == 0
}

// warpable reports whether Warp may jump: the world is idle and no
// program is awake.
func (w *World) warpable() bool {
	return w.Idle() && w.awake.Load() == 0
}

// Hold counts work in progress that Warp must wait for, besides frames in
// flight and timers: a command blocked writing its output into a pipe
// whose reader has not caught up. Call the returned function when it is
// done.
//
// On purely emulated time it holds nothing: the clock moves only when
// every goroutine waits anyway, and a hold would keep it from ever moving
// (a writer parked on a full pipe whose reader waits for the clock).
func (w *World) Hold() (release func()) {
	if w.drv != nil {
		return func() {}
	}
	w.busy.Add(1)
	var once sync.Once
	return func() { once.Do(func() { w.busy.Add(-1) }) }
}

// Awake counts a program as running, for Warp only: the clock must not
// jump while a program woken by an answer has not read it yet, or
// prepares its next probe (stack.PingOptions.Hold). Unlike Hold, it does
// not make the world busy: the narration waits for the world to be idle
// before a program prints, and the program printing is this one. Call the
// returned function when the program blocks again.
//
// On purely emulated time it holds nothing, as Hold.
func (w *World) Awake() (release func()) {
	if w.drv != nil {
		return func() {}
	}
	w.awake.Add(1)
	var once sync.Once
	return func() { once.Do(func() { w.awake.Add(-1) }) }
}

// warpTick is how often the warp loop looks at the world; warpQuiet is how
// many quiet looks in a row make it jump.
const (
	warpTick  = 200 * time.Microsecond
	warpQuiet = 3
)

// Warp lets the clock jump ahead while the world is idle: when no frame is
// in flight and no timer runs, virtual time moves at once to the next timer
// (an ARP retry, a ping timeout, a sleep's end). A step that only waits then
// costs no wall time. Call the returned function to stop; calls nest.
//
// In real time (Options.Realtime, SetRealtime) it does nothing, nor on
// purely emulated time, whose clock always moves that way.
func (w *World) Warp() (stop func()) {
	if w.realtime.Load() || w.drv != nil {
		return func() {}
	}
	w.warpMu.Lock()
	defer w.warpMu.Unlock()
	w.warpRefs++
	if w.warpRefs == 1 && w.warpStop == nil {
		w.warpStop = make(chan struct{})
		w.warpDone = make(chan struct{})
		go w.warpLoop(w.warpStop, w.warpDone)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			w.warpMu.Lock()
			defer w.warpMu.Unlock()
			w.warpRefs--
			if w.warpRefs == 0 && w.warpStop != nil {
				close(w.warpStop)
				<-w.warpDone
				w.warpStop = nil
			}
		})
	}
}

func (w *World) warpLoop(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(warpTick)
	defer t.Stop()
	quiet := 0
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if !w.warpable() || w.clock.Paused() {
			quiet = 0
			continue
		}
		quiet++
		if quiet < warpQuiet {
			continue
		}
		quiet = 0
		if d, ok := w.clock.NextDeadline(); ok && d > 0 {
			w.clock.Advance(d)
		}
	}
}

func (w *World) newNamespace(name string, root bool) (*Namespace, error) {
	loLink := qdisc.NewEgress(loopback.New())
	if w.hop > 0 {
		loLink.SetHop(w.clock, w.hop, w.hops)
	}
	cfg := stack.Config{Name: name, Clock: w.clock, Bus: w.bus, Loopback: loLink, Busy: &w.busy}
	if w.seeded {
		cfg.Seed = [4]uint64{w.Uint64(), w.Uint64(), w.Uint64(), w.Uint64()}
	}
	st, err := stack.New(cfg)
	if err != nil {
		return nil, err
	}
	n := &Namespace{w: w, name: name, root: root, st: st, lo: loLink, devs: map[string]*Device{}, created: nsSeq.Add(1)}
	lo := &Device{Kind: KindLoopback, ns: n, index: 1}
	lo.name = "lo"
	n.devs["lo"] = lo
	n.initConfLocked(lo)
	st.SetOnChange(n.stackChanged)
	return n, nil
}

// AddNamespace creates a named namespace (`ip netns add NAME`) with only a
// loopback device, down.
func (w *World) AddNamespace(name string) (*Namespace, error) {
	if name == "" || name == "." || name == ".." || len(name) > 255 || containsSlash(name) {
		return nil, fmt.Errorf("Invalid netns name %q", name)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.ns[name]; ok {
		return nil, fmt.Errorf("Cannot create namespace file \"/run/netns/%s\": File exists", name)
	}
	n, err := w.newNamespace(name, false)
	if err != nil {
		return nil, err
	}
	w.ns[name] = n
	return n, nil
}

func containsSlash(s string) bool {
	for _, c := range s {
		if c == '/' {
			return true
		}
	}
	return false
}

// DelNamespace deletes a named namespace (`ip netns del NAME`). Its veth
// ends are destroyed with their pairs and its bridges are deleted.
func (w *World) DelNamespace(name string) error {
	w.mu.Lock()
	n, ok := w.ns[name]
	if !ok {
		w.mu.Unlock()
		return fmt.Errorf("Cannot remove namespace file \"/run/netns/%s\": No such file or directory", name)
	}
	delete(w.ns, name)
	w.mu.Unlock()
	n.destroy()
	return nil
}

// Namespace returns a named namespace; "" and HostName name the root one
// (unless a namespace was created with that name).
func (w *World) Namespace(name string) (*Namespace, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n, ok := w.ns[name]; ok {
		return n, nil
	}
	if name == "" || name == HostName {
		return w.host, nil
	}
	return nil, &NamespaceNotFound{Name: name}
}

// Namespaces lists the named namespaces, newest first (as `ip netns list`).
func (w *World) Namespaces() []*Namespace {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]*Namespace, 0, len(w.ns))
	for _, n := range w.ns {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].created > out[j].created })
	return out
}

func (w *World) allocIndex() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := w.nextIndex
	w.nextIndex++
	return i
}

// Kind is a device's type.
type Kind int

// Device kinds.
const (
	KindLoopback Kind = iota
	KindVeth
	KindBridge
	// KindEther is a physical-like Ethernet device ("eth0") whose wire
	// leads out of the namespace's world: an uplink (AddEther).
	KindEther
	// KindVxlan is a VXLAN device (AddVxlan).
	KindVxlan
)

func (k Kind) String() string {
	return [...]string{"loopback", "veth", "bridge", "ether", "vxlan"}[k]
}

// Device is a network device in a namespace. Its name, namespace, master
// and up flag change only under the World's topo lock.
type Device struct {
	Kind  Kind
	name  string
	index int
	ns    *Namespace
	// end is the veth end (KindVeth, and KindEther's side of its wire);
	// peer the device of the other end (both are made and deleted
	// together; nil for KindEther, whose other end is no device).
	end  *vethsim.End
	peer *Device
	// br is the bridge (KindBridge).
	br *l2switch.Bridge
	// vx is a VXLAN device's data path (KindVxlan); end is then its
	// device end.
	vx *vxlan.Device
	// master is the bridge a veth end is enslaved to.
	master *Device
	up     bool
	// qd is the root qdisc tc attached, nil for the default one; it is
	// swapped under the World's topo lock and read without it (qdisc.go).
	qd atomic.Pointer[rootQdisc]
	// activated: the device has been up since it was made (or moved, or
	// its qdisc deleted while down), so its default qdisc is noqueue
	// rather than noop.
	activated atomic.Bool
}

// Name returns the device's name.
func (d *Device) Name() string { return d.name }

// Index returns the device's ifindex.
func (d *Device) Index() int { return d.index }

// Namespace returns the namespace the device is in.
func (d *Device) Namespace() *Namespace { return d.ns }

// Master returns the bridge the device is enslaved to, or nil.
func (d *Device) Master() *Device { return d.master }

// IsUp reports the administrative state.
func (d *Device) IsUp() bool { return d.up }

// End returns the veth end of a veth device, or an Ethernet device's
// side of its wire.
func (d *Device) End() *vethsim.End { return d.end }

// Bridge returns the bridge of a bridge device.
func (d *Device) Bridge() *l2switch.Bridge { return d.br }

// PeerIndex returns the ifindex of a veth's peer (the N of "eth0@ifN"),
// or 0.
func (d *Device) PeerIndex() int {
	if d.Kind != KindVeth || d.end == nil {
		return 0
	}
	return d.end.Peer().Index()
}

// MAC returns the device's hardware address.
func (d *Device) MAC() net.HardwareAddr {
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		return d.end.MAC()
	case KindBridge:
		return d.br.MAC()
	}
	return net.HardwareAddr{0, 0, 0, 0, 0, 0}
}

// MTU returns the device's MTU.
func (d *Device) MTU() uint32 {
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		return d.end.MTU()
	case KindBridge:
		return d.br.Self().MTU()
	}
	return 65536
}

// Carrier reports whether the link has carrier: a veth whose peer is up, an
// Ethernet device whose wire is live, a bridge with a forwarding port, lo
// when up.
func (d *Device) Carrier() bool {
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		return d.end.Peer().IsUp()
	case KindBridge:
		for _, p := range d.br.Ports() {
			if p.State == "forwarding" {
				return true
			}
		}
		return false
	}
	return true
}

// OperState is the device's operational state as `ip link` shows it: UP,
// DOWN, LOWERLAYERDOWN (a veth whose peer is down) or UNKNOWN (lo).
func (d *Device) OperState() string {
	switch {
	case !d.up:
		return "DOWN"
	case d.Kind == KindLoopback, d.Kind == KindVxlan:
		return "UNKNOWN"
	case d.Kind == KindVeth && !d.Carrier():
		return "LOWERLAYERDOWN"
	case !d.Carrier():
		return "DOWN"
	}
	return "UP"
}

// Counters returns the device's statistics; lo's come from its NIC.
func (d *Device) Counters() vethsim.Counters {
	switch d.Kind {
	case KindVeth, KindEther:
		return d.end.Counters()
	case KindVxlan:
		c := d.end.Counters()
		rx, tx := d.vx.Drops()
		c.RxDropped += rx
		c.TxDropped += tx
		return c
	case KindBridge:
		return d.br.Self().Counters()
	}
	st := d.ns.Stack()
	nic, ok := st.LookupNIC(d.Name())
	if !ok {
		return vethsim.Counters{}
	}
	info, ok := st.Gstack().NICInfo()[nic.ID]
	if !ok {
		return vethsim.Counters{}
	}
	s := info.Stats
	return vethsim.Counters{
		RxPackets: s.Rx.Packets.Value(), RxBytes: s.Rx.Bytes.Value(),
		TxPackets: s.Tx.Packets.Value(), TxBytes: s.Tx.Bytes.Value(),
	}
}

// Interface flags, as linux/if.h numbers them.
const (
	IffUp        = 0x1
	IffBroadcast = 0x2
	IffLoopback  = 0x8
	IffRunning   = 0x40
	IffMulticast = 0x1000
)

// Flags are the device's flags as SIOCGIFFLAGS reports them (Iff...).
func (d *Device) Flags() int {
	f := 0
	if d.Kind == KindLoopback {
		f |= IffLoopback
	} else {
		f |= IffBroadcast | IffMulticast
	}
	if d.IsUp() {
		f |= IffUp
		if d.Carrier() {
			f |= IffRunning
		}
	}
	return f
}

// isL3 reports whether the device is a NIC of its namespace's stack.
func (d *Device) isL3() bool { return d.master == nil }

// link returns the link endpoint the device has in its stack.
func (d *Device) link() stack.Link {
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		return d.end
	case KindBridge:
		return d.br.Self()
	}
	return nil
}

// Addrs returns the device's addresses.
func (d *Device) Addrs() []netip.Prefix {
	n, ok := d.ns.st.LookupNIC(d.name)
	if !ok {
		return nil
	}
	return n.Addrs
}
