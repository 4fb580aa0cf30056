package vxlan

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/vethsim"
)

// Config is a VXLAN device's configuration, as `ip link add NAME type
// vxlan ...` gives it.
type Config struct {
	VNI uint32
	// Port is the UDP port the device receives on and sends to
	// (dstport).
	Port uint16
	// Local is the source address of the datagrams (unset: the route's).
	Local netip.Addr
	// Remote is the default destination (a unicast VTEP), Group a
	// multicast one; at most one is set. Either becomes the all-zeros
	// FDB entry.
	Remote, Group netip.Addr
	// Dev is the lower device (dev DEV): the group's interface.
	Dev string
	// Learning: the source MACs of received frames are learned.
	Learning bool
	// TTL of the datagrams; 0 is "auto" (the namespace's default, 1 to
	// a group).
	TTL uint8
	// Ageing of learned entries; DefaultAgeing when 0.
	Ageing time.Duration
}

// queueLen bounds the frames waiting to be encapsulated (a device's
// txqueuelen).
const queueLen = 1000

// Device is a VXLAN device's data path: the Receiver of its wire end (see
// the package doc). Start and Stop follow the device's up state: the
// socket and the sender run only while it is up, as in Linux (vxlan_open
// binds the port).
type Device struct {
	cfg   Config
	wire  *vethsim.End
	fdb   *FDB
	st    *gstack.Stack
	ns    string
	socks *Sockets
	bus   *trace.Bus
	clock tcpip.Clock
	busy  *atomic.Int64

	// mu guards sock, stop and the sender's start and end; q is swapped
	// under it and read without it by Receive.
	mu   sync.Mutex
	sock *Socket
	stop chan struct{}
	wg   sync.WaitGroup
	q    atomic.Pointer[vethsim.Queue[*gstack.PacketBuffer]]
	up   atomic.Bool

	// tx is the sender goroutine's raw endpoint (encap.go), made on
	// first use; only that goroutine (and Stop, after it ended) uses it.
	tx tcpip.Endpoint
	// txLocal is the address tx is bound to (local), when it could be.
	txLocal tcpip.Address

	rxDrops [numDrops]atomic.Uint64
	// txDropped: frames no remote took (no FDB entry), too large for the
	// device, refused by the stack, or beyond the queue.
	txDropped atomic.Uint64
}

// Env is what a device needs of its namespace.
type Env struct {
	Stack *gstack.Stack
	NS    string
	Socks *Sockets
	Bus   *trace.Bus
	Clock tcpip.Clock
	Busy  *atomic.Int64
}

// New makes the data path of a VXLAN device whose wire end is wire (up,
// unattached). Its FDB starts with the default remote or group (through
// the lower device, when there is one), as Linux's does.
func New(cfg Config, wire *vethsim.End, env Env) *Device {
	d := &Device{cfg: cfg, wire: wire, st: env.Stack, ns: env.NS, socks: env.Socks, bus: env.Bus, clock: env.Clock, busy: env.Busy}
	d.fdb = newFDB(cfg.Ageing, d.now)
	switch {
	case cfg.Remote.IsValid():
		_ = d.fdb.Update(OpAdd, zeroMAC, Remote{IP: cfg.Remote, Via: cfg.Dev})
	case cfg.Group.IsValid():
		_ = d.fdb.Update(OpAdd, zeroMAC, Remote{IP: cfg.Group, Via: cfg.Dev})
	}
	wire.SetReceiver(d)
	return d
}

func (d *Device) now() time.Time {
	if d.clock == nil {
		return time.Now()
	}
	return d.clock.Now()
}

// Config returns the device's configuration.
func (d *Device) Config() Config { return d.cfg }

// FDB returns the device's forwarding database.
func (d *Device) FDB() *FDB { return d.fdb }

// Start brings the device's data path up: it takes the socket for its port
// (ErrPortInUse when another socket has it) and starts the sender.
func (d *Device) Start() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sock != nil {
		return nil
	}
	s, err := d.socks.open(d.st, d.ns, d.bus, d.cfg.Port)
	if err != nil {
		return err
	}
	d.sock = s
	s.bind(d.cfg.VNI, d)
	d.joinGroup(true)
	q := vethsim.NewQueue[*gstack.PacketBuffer](queueLen)
	d.stop = make(chan struct{})
	d.q.Store(q)
	d.up.Store(true)
	d.wg.Add(1)
	go d.sendLoop(q, d.stop)
	return nil
}

// Stop takes the data path down: the sender ends (what it holds is
// dropped), the socket is released, learned entries are forgotten.
func (d *Device) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sock == nil {
		return
	}
	d.up.Store(false)
	d.q.Swap(nil).Close()
	close(d.stop)
	d.wg.Wait()
	d.sock.bind(d.cfg.VNI, nil)
	d.joinGroup(false)
	d.socks.release(d.sock)
	d.sock = nil
	if d.tx != nil {
		d.tx.Close()
		d.tx, d.txLocal = nil, tcpip.Address{}
	}
	d.fdb.Flush()
}

// joinGroup joins (or leaves) the device's multicast group on its lower
// device, so the group's datagrams reach the socket.
func (d *Device) joinGroup(join bool) {
	if !d.cfg.Group.IsValid() {
		return
	}
	for id, info := range d.st.NICInfo() {
		if info.Name != d.cfg.Dev {
			continue
		}
		a := tcpip.AddrFromSlice(d.cfg.Group.AsSlice())
		if join {
			_ = d.st.JoinGroup(ipv4.ProtocolNumber, id, a)
		} else {
			_ = d.st.LeaveGroup(ipv4.ProtocolNumber, id, a)
		}
	}
}

// Receive implements vethsim.Receiver: the device sent pkt. It takes
// ownership and never blocks: the frame waits for the sender goroutine.
func (d *Device) Receive(_ *vethsim.End, pkt *gstack.PacketBuffer) {
	q := d.q.Load()
	if q == nil {
		d.txDropped.Add(1)
		pkt.DecRef()
		return
	}
	vethsim.AddBusy(d.busy, 1)
	if err := q.Put(pkt); err != nil {
		vethsim.AddBusy(d.busy, -1)
		d.txDropped.Add(1)
		pkt.DecRef()
	}
}

// sendLoop encapsulates the device's frames until stop closes, then
// releases what is left.
func (d *Device) sendLoop(q *vethsim.Queue[*gstack.PacketBuffer], stop chan struct{}) {
	defer d.wg.Done()
	var batch []*gstack.PacketBuffer
	for {
		select {
		case <-q.Ready():
		case <-stop:
			for _, pkt := range q.Take(nil) {
				pkt.DecRef()
				vethsim.AddBusy(d.busy, -1)
			}
			return
		}
		batch = q.Take(batch[:0])
		for _, pkt := range batch {
			d.wire.Observe(pkt) // the device's tap point: the frame leaves
			d.send(pkt)
			pkt.DecRef()
			vethsim.AddBusy(d.busy, -1)
		}
		clear(batch)
	}
}

// send encapsulates one frame (cut to the MTU first if it is a large
// segment that crossed a bridge whole); the caller keeps its reference.
func (d *Device) send(pkt *gstack.PacketBuffer) {
	if !vethsim.NeedsSegment(pkt) {
		d.sendOne(pkt)
		return
	}
	for _, seg := range vethsim.Segment(pkt, d.wire.Peer().MTU()) {
		d.sendOne(seg)
		seg.DecRef()
	}
}

// receive takes a decapsulated frame from src: it learns the frame's
// source and sends it into the wire, to the device. It copies inner.
func (d *Device) receive(inner []byte, src netip.Addr) {
	if !d.up.Load() {
		d.rxDrop(DropDown, len(inner))
		return
	}
	mac := net.HardwareAddr(inner[6:12])
	if slices.Equal(mac, d.wire.Peer().MAC()) {
		d.rxDrop(DropOwnMAC, len(inner))
		return
	}
	if d.cfg.Learning {
		d.fdb.Learn(mac, src)
	}
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(inner)})
	_ = d.wire.Transmit(pkt) // takes pkt; the device down drops and counts it
}

// rxDrop counts a datagram for the device that it did not take, and says
// so on the bus.
func (d *Device) rxDrop(r Drop, n int) {
	d.rxDrops[r].Add(1)
	if !d.bus.Enabled() {
		return
	}
	peer := d.wire.Peer()
	d.bus.Emit(&trace.Event{Kind: trace.Dropped, Time: d.now(), NS: peer.Namespace(), Dev: peer.Name(), Len: n,
		Reason: fmt.Sprintf("VXLAN id %d: %s", d.cfg.VNI, r)})
}

// Drops returns the device's own drops: received (rx, by reason summed)
// and to send (tx).
func (d *Device) Drops() (rx, tx uint64) {
	for i := range d.rxDrops {
		rx += d.rxDrops[i].Load()
	}
	return rx, d.txDropped.Load()
}

// Close stops the device for good and detaches its wire.
func (d *Device) Close() {
	d.Stop()
	d.wire.SetReceiver(nil)
}
