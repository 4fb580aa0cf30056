package vethsim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/leakcheck"
	"github.com/nsemu/nsemu/emu/trace"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }

// --- helpers ---

func mustMAC(s string) tcpip.LinkAddress {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return tcpip.LinkAddress(m)
}

func ethFrame(dst, src tcpip.LinkAddress, typ tcpip.NetworkProtocolNumber, payload []byte) []byte {
	b := make([]byte, header.EthernetMinimumSize+len(payload))
	header.Ethernet(b).Encode(&header.EthernetFields{SrcAddr: src, DstAddr: dst, Type: typ})
	copy(b[header.EthernetMinimumSize:], payload)
	return b
}

func newPkt(frame []byte) *gstack.PacketBuffer {
	return gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(frame)})
}

func pktBytes(pkt *gstack.PacketBuffer) []byte {
	v := pkt.ToView()
	defer v.Release()
	return append([]byte(nil), v.AsSlice()...)
}

// frameRecorder is a Receiver (bridge-port mode) that keeps a copy of every
// frame and releases the packet.
type frameRecorder struct {
	mu     sync.Mutex
	frames [][]byte
}

func (r *frameRecorder) Receive(_ *End, pkt *gstack.PacketBuffer) {
	b := pktBytes(pkt)
	pkt.DecRef()
	r.mu.Lock()
	r.frames = append(r.frames, b)
	r.mu.Unlock()
}

func (r *frameRecorder) get() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.frames...)
}

func (r *frameRecorder) count() int { return len(r.get()) }

type delivered struct {
	proto   tcpip.NetworkProtocolNumber
	pktType tcpip.PacketType
	link    []byte
	data    []byte
	gso     gstack.GSOType
}

// fakeDispatcher stands in for a gVisor NIC. When gate is non-nil, every
// delivery first signals entered and then waits on gate.
type fakeDispatcher struct {
	mu      sync.Mutex
	got     []delivered
	entered chan struct{}
	gate    chan struct{}
}

func (d *fakeDispatcher) DeliverNetworkPacket(p tcpip.NetworkProtocolNumber, pkt *gstack.PacketBuffer) {
	if d.gate != nil {
		d.entered <- struct{}{}
		<-d.gate
	}
	x := delivered{
		proto:   p,
		pktType: pkt.PktType,
		link:    append([]byte(nil), pkt.LinkHeader().Slice()...),
		data:    pkt.Data().AsRange().ToSlice(),
		gso:     pkt.GSOOptions.Type,
	}
	d.mu.Lock()
	d.got = append(d.got, x)
	d.mu.Unlock()
}

func (d *fakeDispatcher) DeliverLinkPacket(tcpip.NetworkProtocolNumber, *gstack.PacketBuffer) {}

func (d *fakeDispatcher) get() []delivered {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]delivered(nil), d.got...)
}

func newTestPair(t testing.TB, cfg Config) (*End, *End) {
	t.Helper()
	if cfg.Names == [2]string{} {
		cfg.Names = [2]string{"veth0", "veth1"}
	}
	p, err := NewPair(cfg)
	if err != nil {
		t.Fatalf("NewPair: %v", err)
	}
	return p.Ends()
}

// --- names and addresses ---

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"eth0", true},
		{"veth1234567890a", true}, // 15 characters
		{"veth1234567890ab", false},
		{"a", true},
		{"br-1_x.y@z", true},
		{"", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{"a b", false},
		{" eth0", false},
		{"a\tb", false},
		{"a\nb", false},
		{"a:b", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.name), func(t *testing.T) {
			err := ValidName(tt.name)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
			}
			_, perr := NewPair(Config{Names: [2]string{tt.name, "peer0"}})
			if (perr == nil) != tt.ok {
				t.Fatalf("NewPair with %q: %v, want ok=%v", tt.name, perr, tt.ok)
			}
			p, _ := NewPair(Config{Names: [2]string{"x0", "x1"}})
			a, _ := p.Ends()
			serr := a.SetName(tt.name)
			if (serr == nil) != tt.ok {
				t.Fatalf("SetName(%q) = %v, want ok=%v", tt.name, serr, tt.ok)
			}
			if tt.ok && a.Name() != tt.name {
				t.Fatalf("Name() = %q after SetName(%q)", a.Name(), tt.name)
			}
			if !tt.ok && a.Name() != "x0" {
				t.Fatalf("a failed SetName changed the name to %q", a.Name())
			}
		})
	}
}

func TestNewPairErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad name", Config{Names: [2]string{"v0", "this-name-is-too-long"}}, "not a valid ifname"},
		{"short MAC", Config{Names: [2]string{"v0", "v1"}, MACs: [2]net.HardwareAddr{{1, 2, 3}}}, "not 6 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPair(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewPair error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Internal pairs (a bridge's link to itself) skip the name checks.
	if _, err := NewPair(Config{Names: [2]string{"br0", "br0"}, Internal: true}); err != nil {
		t.Fatalf("internal pair: %v", err)
	}
}

func TestNewPairDefaults(t *testing.T) {
	macA := net.HardwareAddr{0x02, 0, 0, 0, 0, 0xaa}
	p, err := NewPair(Config{Names: [2]string{"a0", "b0"}, Indexes: [2]int{7, 8}, MACs: [2]net.HardwareAddr{macA, nil}})
	if err != nil {
		t.Fatal(err)
	}
	a, b := p.Ends()
	if a.Peer() != b || b.Peer() != a {
		t.Fatal("ends are not each other's peers")
	}
	if a.Name() != "a0" || b.Name() != "b0" || a.Index() != 7 || b.Index() != 8 {
		t.Fatalf("names/indexes = %s/%d %s/%d", a.Name(), a.Index(), b.Name(), b.Index())
	}
	if a.MAC().String() != macA.String() || a.LinkAddress() != tcpip.LinkAddress(macA) {
		t.Fatalf("MAC = %v, want %v", a.MAC(), macA)
	}
	if len(b.MAC()) != 6 {
		t.Fatalf("random MAC = %v", b.MAC())
	}
	if a.MTU() != DefaultMTU || b.MTU() != DefaultMTU {
		t.Fatalf("MTU = %d, %d; want %d", a.MTU(), b.MTU(), DefaultMTU)
	}
	if a.IsUp() || b.IsUp() || a.Carrier() {
		t.Fatal("a new pair must be down")
	}
	if a.IsAttached() {
		t.Fatal("a new end must not be attached")
	}
	if a.GSOMaxSize() != 0 || a.SupportedGSO() != gstack.GSONotSupported {
		t.Fatal("GSO must be off by default")
	}
	a.SetGSO(true)
	if a.GSOMaxSize() == 0 || a.SupportedGSO() != gstack.HostGSOSupported {
		t.Fatal("SetGSO(true) did not enable GSO")
	}
	if err := a.SetMAC(net.HardwareAddr{0x01, 0, 0x5e, 0, 0, 1}); err == nil {
		t.Fatal("SetMAC accepted a multicast address")
	}
	if err := a.SetMAC(net.HardwareAddr{1, 2}); err == nil {
		t.Fatal("SetMAC accepted a 2-byte address")
	}
	newMAC := net.HardwareAddr{0x02, 1, 2, 3, 4, 5}
	if err := a.SetMAC(newMAC); err != nil || a.MAC().String() != newMAC.String() {
		t.Fatalf("SetMAC: %v, MAC now %v", err, a.MAC())
	}
}

func TestRandomMAC(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		m := RandomMAC()
		if len(m) != 6 {
			t.Fatalf("RandomMAC() = %v, want 6 bytes", m)
		}
		if m[0]&0x01 != 0 {
			t.Fatalf("RandomMAC() = %v is multicast", m)
		}
		if m[0]&0x02 == 0 {
			t.Fatalf("RandomMAC() = %v is not locally administered", m)
		}
		seen[m.String()] = true
	}
	if len(seen) < 190 {
		t.Fatalf("only %d distinct MACs in 200 draws", len(seen))
	}
}

// --- frames, carrier and counters (bridge-port mode) ---

func TestCarrierAndCounters(t *testing.T) {
	tests := []struct {
		name         string
		aUp, bUp     bool
		bAttached    bool // b has a receiver
		wantArrive   bool
		wantTxDrop   bool
		wantRxDrop   bool
		wantErr      error
		wantDropWhy  string
		wantDropFrom string // the end that reports the drop event
	}{
		{"both up", true, true, true, true, false, false, nil, "", ""},
		{"sender down", false, true, true, false, true, false, ErrDown, "link down", "a0"},
		{"peer down", true, false, true, false, true, false, ErrDown, "link down", "a0"},
		{"both down", false, false, true, false, true, false, ErrDown, "link down", "a0"},
		{"peer not attached", true, true, false, false, false, true, nil, "not attached", "b0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bus trace.Bus
			rec := &trace.Recorder{}
			defer bus.Attach(rec)()
			a, b := newTestPair(t, Config{Names: [2]string{"a0", "b0"}, Bus: &bus})
			a.SetUp(tt.aUp)
			b.SetUp(tt.bUp)
			if a.Carrier() != (tt.aUp && tt.bUp) || b.Carrier() != (tt.aUp && tt.bUp) {
				t.Fatalf("Carrier() = %v/%v with up=%v/%v", a.Carrier(), b.Carrier(), tt.aUp, tt.bUp)
			}
			r := &frameRecorder{}
			if tt.bAttached {
				b.SetReceiver(r)
			}
			f := ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, bytes.Repeat([]byte{0xab}, 46))
			err := a.Transmit(newPkt(f))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Transmit error = %v, want %v", err, tt.wantErr)
			}
			frames := r.get()
			if tt.wantArrive != (len(frames) == 1) {
				t.Fatalf("arrived %d frames, want arrival=%v", len(frames), tt.wantArrive)
			}
			if tt.wantArrive && !bytes.Equal(frames[0], f) {
				t.Fatalf("frame bytes changed on the way:\n got %x\nwant %x", frames[0], f)
			}
			ca, cb := a.Counters(), b.Counters()
			n := uint64(len(f))
			want := func(name string, got, want uint64) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %d, want %d", name, got, want)
				}
			}
			b2u := func(v bool) uint64 {
				if v {
					return 1
				}
				return 0
			}
			sent := !tt.wantTxDrop
			want("a.TxPackets", ca.TxPackets, b2u(sent))
			want("a.TxBytes", ca.TxBytes, b2u(sent)*n)
			want("a.TxDropped", ca.TxDropped, b2u(tt.wantTxDrop))
			want("b.RxPackets", cb.RxPackets, b2u(tt.wantArrive))
			want("b.RxBytes", cb.RxBytes, b2u(tt.wantArrive)*n)
			want("b.RxDropped", cb.RxDropped, b2u(tt.wantRxDrop))
			want("a.Rx*", ca.RxPackets+ca.RxDropped, 0)
			want("b.Tx*", cb.TxPackets+cb.TxDropped, 0)

			drops := rec.Filter(trace.Dropped)
			if tt.wantDropWhy == "" {
				if len(drops) != 0 {
					t.Fatalf("unexpected drop events: %v", drops)
				}
			} else if len(drops) != 1 || drops[0].Reason != tt.wantDropWhy || drops[0].Dev != tt.wantDropFrom || drops[0].Len != len(f) {
				t.Fatalf("drop events = %v, want one from %s with reason %q", drops, tt.wantDropFrom, tt.wantDropWhy)
			}
		})
	}
}

// Frames flow in both directions, and stop when either end goes down.
func TestUpDownToggle(t *testing.T) {
	a, b := newTestPair(t, Config{})
	ra, rb := &frameRecorder{}, &frameRecorder{}
	a.SetReceiver(ra)
	b.SetReceiver(rb)
	send := func(from, to *End) error {
		return from.Transmit(newPkt(ethFrame(to.LinkAddress(), from.LinkAddress(), header.ARPProtocolNumber, make([]byte, 28))))
	}
	steps := []struct {
		aUp, bUp bool
		want     bool
	}{
		{false, false, false}, {true, false, false}, {false, true, false}, {true, true, true}, {true, false, false}, {true, true, true},
	}
	wantA, wantB := 0, 0
	for i, s := range steps {
		a.SetUp(s.aUp)
		b.SetUp(s.bUp)
		errAB, errBA := send(a, b), send(b, a)
		if s.want {
			wantA++
			wantB++
		}
		if (errAB == nil) != s.want || (errBA == nil) != s.want {
			t.Fatalf("step %d (up %v/%v): errors %v, %v", i, s.aUp, s.bUp, errAB, errBA)
		}
		if ra.count() != wantA || rb.count() != wantB {
			t.Fatalf("step %d (up %v/%v): a got %d, b got %d; want %d, %d", i, s.aUp, s.bUp, ra.count(), rb.count(), wantA, wantB)
		}
	}
	// A detached receiver drops.
	b.SetReceiver(nil)
	if err := send(a, b); err != nil {
		t.Fatal(err)
	}
	if rb.count() != wantB || b.Counters().RxDropped != 1 {
		t.Fatalf("after SetReceiver(nil): b got %d (want %d), RxDropped %d (want 1)", rb.count(), wantB, b.Counters().RxDropped)
	}
}

// --- NIC mode ---

func TestDeliverFiltersByDestination(t *testing.T) {
	var bus trace.Bus
	rec := &trace.Recorder{Frames: true}
	defer bus.Attach(rec)()
	a, b := newTestPair(t, Config{Names: [2]string{"a0", "b0"}, Bus: &bus})
	a.SetNamespace("ns-a")
	b.SetNamespace("ns-b")
	a.SetUp(true)
	b.SetUp(true)
	d := &fakeDispatcher{}
	b.Attach(d)
	defer b.Attach(nil)
	if !b.IsAttached() {
		t.Fatal("IsAttached() = false after Attach")
	}

	tests := []struct {
		name    string
		dst     tcpip.LinkAddress
		typ     tcpip.NetworkProtocolNumber
		want    bool
		pktType tcpip.PacketType
	}{
		{"to us", b.LinkAddress(), header.IPv4ProtocolNumber, true, tcpip.PacketHost},
		{"broadcast", header.EthernetBroadcastAddress, header.ARPProtocolNumber, true, tcpip.PacketBroadcast},
		{"multicast", mustMAC("01:00:5e:00:00:01"), header.IPv4ProtocolNumber, true, tcpip.PacketMulticast},
		{"other unicast", mustMAC("02:99:99:99:99:99"), header.IPv4ProtocolNumber, false, 0},
		{"the sender", a.LinkAddress(), header.IPv4ProtocolNumber, false, 0},
	}
	for i, tt := range tests {
		payload := bytes.Repeat([]byte{byte(i + 1)}, 50)
		f := ethFrame(tt.dst, a.LinkAddress(), tt.typ, payload)
		if err := a.Transmit(newPkt(f)); err != nil {
			t.Fatalf("%s: Transmit: %v", tt.name, err)
		}
		// A marker frame that is always delivered: once it arrives, the
		// frame before it has been handled (one queue, one goroutine).
		mark := fmt.Sprintf("marker %d", i)
		marker := ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, []byte(mark))
		if err := a.Transmit(newPkt(marker)); err != nil {
			t.Fatal(err)
		}
		emutest.WaitFor(t, tt.name+": the marker frame", func() bool {
			got := d.get()
			return len(got) > 0 && string(got[len(got)-1].data) == mark
		})
		got := d.get()
		var match []delivered
		for _, x := range got {
			if bytes.Equal(x.data, payload) {
				match = append(match, x)
			}
		}
		if !tt.want {
			if len(match) != 0 {
				t.Fatalf("%s: frame delivered, a NIC must ignore it", tt.name)
			}
			continue
		}
		if len(match) != 1 {
			t.Fatalf("%s: delivered %d times, want once", tt.name, len(match))
		}
		x := match[0]
		if x.proto != tt.typ || x.pktType != tt.pktType {
			t.Fatalf("%s: delivered proto %d type %d, want %d %d", tt.name, x.proto, x.pktType, tt.typ, tt.pktType)
		}
		if !bytes.Equal(x.link, f[:header.EthernetMinimumSize]) {
			t.Fatalf("%s: link header %x, want %x", tt.name, x.link, f[:header.EthernetMinimumSize])
		}
	}
	// All 10 frames were queued and counted; the stack saw them through
	// Observe, as sent by a0 and received by b0, with their bytes.
	if c := b.Counters(); c.RxPackets != uint64(2*len(tests)) {
		t.Fatalf("b.RxPackets = %d, want %d", c.RxPackets, 2*len(tests))
	}
	sent, recv := rec.Filter(trace.FrameSent), rec.Filter(trace.FrameReceived)
	if len(sent) != 2*len(tests) || len(recv) != 2*len(tests) {
		t.Fatalf("%d sent and %d received events, want %d each", len(sent), len(recv), 2*len(tests))
	}
	if e := sent[0]; e.Dev != "a0" || e.NS != "ns-a" || e.Len != len(e.Frame) || e.Len != header.EthernetMinimumSize+50 {
		t.Fatalf("first sent event = %v (frame %d bytes)", e, len(e.Frame))
	}
	if e := recv[0]; e.Dev != "b0" || e.NS != "ns-b" || !bytes.Equal(e.Frame, sent[0].Frame) {
		t.Fatalf("first received event = %v", e)
	}
}

// A full receive queue drops and counts; the sender never blocks.
func TestQueueFullDropsWithoutBlocking(t *testing.T) {
	const qlen = 3
	var bus trace.Bus
	rec := &trace.Recorder{}
	defer bus.Attach(rec)()
	a, b := newTestPair(t, Config{QueueLen: qlen, Bus: &bus})
	a.SetUp(true)
	b.SetUp(true)
	d := &fakeDispatcher{entered: make(chan struct{}, 100), gate: make(chan struct{})}
	b.Attach(d)
	defer b.Attach(nil)

	frame := func(i int) *gstack.PacketBuffer {
		return newPkt(ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, []byte{byte(i), 0, 0, 0}))
	}
	// The first frame is taken by the receive loop, which then blocks in
	// the (stuck) stack.
	if err := a.Transmit(frame(0)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.entered:
	case <-time.After(2 * time.Second):
		t.Fatal("receive loop did not deliver the first frame")
	}
	const extra = 5
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= qlen+extra; i++ {
			_ = a.Transmit(frame(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		close(d.gate)
		t.Fatal("Transmit blocked on a full queue")
	}
	c := b.Counters()
	if c.RxPackets != 1+qlen || c.RxDropped != extra {
		t.Fatalf("b: RxPackets=%d RxDropped=%d, want %d and %d", c.RxPackets, c.RxDropped, 1+qlen, extra)
	}
	if ca := a.Counters(); ca.TxPackets != 1+qlen+extra || ca.TxDropped != 0 {
		t.Fatalf("a: TxPackets=%d TxDropped=%d, want %d and 0", ca.TxPackets, ca.TxDropped, 1+qlen+extra)
	}
	drops := rec.Filter(trace.Dropped)
	if len(drops) != extra || drops[0].Reason != "receive queue full" {
		t.Fatalf("drop events = %v, want %d for a full queue", drops, extra)
	}
	// Unblock the stack: the queued frames are delivered in order.
	close(d.gate)
	emutest.WaitFor(t, fmt.Sprintf("%d frames delivered", 1+qlen), func() bool { return len(d.get()) == 1+qlen })
	for i, x := range d.get() {
		if x.data[0] != byte(i) {
			t.Fatalf("frame %d delivered in position %d", x.data[0], i)
		}
	}
}

// Detaching an end with frames queued releases them (the leak checker in
// TestMain fails otherwise) and stops the receive goroutine.
func TestDetachDrainsQueue(t *testing.T) {
	a, b := newTestPair(t, Config{QueueLen: 8})
	a.SetUp(true)
	b.SetUp(true)
	d := &fakeDispatcher{entered: make(chan struct{}, 100), gate: make(chan struct{})}
	b.Attach(d)
	for i := 0; i < 8; i++ {
		if err := a.Transmit(newPkt(ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, []byte{byte(i)}))); err != nil {
			t.Fatal(err)
		}
	}
	<-d.entered
	detached := make(chan struct{})
	go func() { b.Attach(nil); close(detached) }()
	close(d.gate)
	select {
	case <-detached:
	case <-time.After(2 * time.Second):
		t.Fatal("Attach(nil) did not return")
	}
	b.WaitDetached()
	if b.IsAttached() {
		t.Fatal("IsAttached() = true after Attach(nil)")
	}
	if n := len(d.get()); n < 1 || n > 8 {
		t.Fatalf("delivered %d frames", n)
	}
	// After detaching, frames are dropped as "not attached".
	before := b.Counters().RxDropped
	if err := a.Transmit(newPkt(ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, []byte{1}))); err != nil {
		t.Fatal(err)
	}
	if got := b.Counters().RxDropped; got != before+1 {
		t.Fatalf("RxDropped = %d after sending to a detached end, want %d", got, before+1)
	}
}

// gVisor detaches an end (Attach(nil), then Wait) while holding its stack
// lock, and a delivery in progress may be waiting for that same lock (a TCP
// reset needs a route). Detaching must not wait for that delivery.
func TestDetachWhileDeliveryNeedsStackLock(t *testing.T) {
	a, b := newTestPair(t, Config{})
	a.SetUp(true)
	b.SetUp(true)
	var stackMu sync.RWMutex
	d := &lockingDispatcher{mu: &stackMu, entered: make(chan struct{}, 10)}
	b.Attach(d)
	stackMu.Lock() // the stack is being torn down
	for i := 0; i < 3; i++ {
		if err := a.Transmit(newPkt(ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, []byte{byte(i)}))); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-d.entered:
	case <-time.After(2 * time.Second):
		stackMu.Unlock()
		t.Fatal("no delivery started")
	}
	detached := make(chan struct{})
	go func() {
		b.Attach(nil) // as gVisor's nic.remove does, under the stack lock
		b.Wait()      // as gVisor's Stack.Wait does, under the stack lock
		close(detached)
	}()
	select {
	case <-detached:
	case <-time.After(2 * time.Second):
		stackMu.Unlock()
		<-detached
		t.Fatal("Attach(nil)/Wait blocked on a delivery that needs the stack lock")
	}
	if b.IsAttached() {
		t.Fatal("still attached")
	}
	stackMu.Unlock()
	b.WaitDetached()
	if n := d.count.Load(); n < 1 || n > 3 {
		t.Fatalf("delivered %d frames", n)
	}
}

// lockingDispatcher takes a read lock on the "stack" in every delivery, as
// gVisor's FindRoute does.
type lockingDispatcher struct {
	mu      *sync.RWMutex
	entered chan struct{}
	count   atomic.Int32
}

func (d *lockingDispatcher) DeliverNetworkPacket(tcpip.NetworkProtocolNumber, *gstack.PacketBuffer) {
	d.entered <- struct{}{}
	d.mu.RLock()
	d.count.Add(1)
	d.mu.RUnlock()
}

func (d *lockingDispatcher) DeliverLinkPacket(tcpip.NetworkProtocolNumber, *gstack.PacketBuffer) {}

// Attaching and detaching while frames arrive from another goroutine never
// leaks a frame (checked by TestMain) and every frame is counted once.
func TestAttachDetachUnderTraffic(t *testing.T) {
	a, b := newTestPair(t, Config{QueueLen: 4})
	a.SetUp(true)
	b.SetUp(true)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				_ = a.Transmit(newPkt(ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, make([]byte, 46))))
			}
		}()
	}
	d := &fakeDispatcher{}
	for i := 0; i < 300; i++ {
		b.Attach(d)
		if i%3 == 0 {
			// Part of the test: now and then the receive loop gets time
			// to deliver before the end is detached again.
			time.Sleep(100 * time.Microsecond)
		}
		b.Attach(nil)
	}
	stop.Store(true)
	wg.Wait()
	ca, cb := a.Counters(), b.Counters()
	if ca.TxPackets == 0 {
		t.Fatal("no traffic")
	}
	if cb.RxPackets+cb.RxDropped != ca.TxPackets {
		t.Fatalf("b counted %d received + %d dropped, a sent %d", cb.RxPackets, cb.RxDropped, ca.TxPackets)
	}
	if got := uint64(len(d.get())); got > cb.RxPackets {
		t.Fatalf("delivered %d frames but only %d were queued", got, cb.RxPackets)
	}
}

// --- segmentation ---

type gsoCase struct {
	name       string
	payload    int
	mtu        uint32
	mss        uint16
	ipOpts     int // bytes of IPv4 options (multiple of 4)
	tcpOpts    int // bytes of TCP options (multiple of 4)
	flags      header.TCPFlags
	wantSegs   int
	wantSegLen int // payload bytes of every segment but the last
}

var (
	srcIP = tcpip.AddrFrom4([4]byte{192, 0, 2, 1})
	dstIP = tcpip.AddrFrom4([4]byte{192, 0, 2, 2})
	macA  = mustMAC("02:00:00:00:00:0a")
	macB  = mustMAC("02:00:00:00:00:0b")
)

const (
	seq0 = 0xfffff000 // wraps around during the larger cases
	id0  = 0xfffe
)

// gsoFrame builds a large TCP/IPv4 segment as a stack hands it to a GSO
// NIC: whole headers, a partial (here: bogus) TCP checksum, and a bogus IP
// checksum, both of which Segment must recompute.
func gsoFrame(c gsoCase) []byte {
	ihl := header.IPv4MinimumSize + c.ipOpts
	thl := header.TCPMinimumSize + c.tcpOpts
	payload := make([]byte, c.payload)
	for i := range payload {
		payload[i] = byte(i*7 + i/251)
	}
	ip := make([]byte, ihl+thl+c.payload)
	header.IPv4(ip).Encode(&header.IPv4Fields{
		TotalLength: uint16(len(ip)),
		ID:          id0,
		Flags:       header.IPv4FlagDontFragment,
		TTL:         64,
		Protocol:    uint8(header.TCPProtocolNumber),
		Checksum:    0x1234,
		SrcAddr:     srcIP,
		DstAddr:     dstIP,
	})
	for i := header.IPv4MinimumSize; i < ihl; i++ {
		ip[i] = 1 // NOP options
	}
	header.IPv4(ip).SetHeaderLength(uint8(ihl))
	header.TCP(ip[ihl:]).Encode(&header.TCPFields{
		SrcPort: 40000, DstPort: 80, SeqNum: seq0, AckNum: 77,
		DataOffset: uint8(thl), Flags: c.flags, WindowSize: 512, Checksum: 0xbeef,
	})
	for i := 0; i < c.tcpOpts; i++ {
		ip[ihl+header.TCPMinimumSize+i] = 1 // NOP
	}
	copy(ip[ihl+thl:], payload)
	return ethFrame(macB, macA, header.IPv4ProtocolNumber, ip)
}

func gsoPkt(frame []byte, mss uint16) *gstack.PacketBuffer {
	pkt := newPkt(frame)
	pkt.GSOOptions = gstack.GSO{Type: gstack.GSOTCPv4, NeedsCsum: true, MSS: mss, L3HdrLen: header.IPv4MinimumSize}
	return pkt
}

// checkSegments verifies the frames Segment made from orig.
func checkSegments(t *testing.T, c gsoCase, orig []byte, segs [][]byte) {
	t.Helper()
	const eth = header.EthernetMinimumSize
	oip := header.IPv4(orig[eth:])
	ihl := int(oip.HeaderLength())
	thl := int(header.TCP(oip[ihl:]).DataOffset())
	origPayload := orig[eth+ihl+thl:]
	if len(segs) != c.wantSegs {
		t.Fatalf("got %d segments, want %d", len(segs), c.wantSegs)
	}
	var all []byte
	for i, s := range segs {
		last := i == len(segs)-1
		if len(s) > eth+int(c.mtu) {
			t.Errorf("segment %d: %d bytes, more than the MTU %d allows", i, len(s), c.mtu)
		}
		if !bytes.Equal(s[:eth], orig[:eth]) {
			t.Errorf("segment %d: Ethernet header changed", i)
		}
		ip := header.IPv4(s[eth:])
		if !ip.IsValid(len(ip)) || int(ip.TotalLength()) != len(ip) {
			t.Errorf("segment %d: bad IPv4 header (total length %d, %d bytes)", i, ip.TotalLength(), len(ip))
		}
		if !ip.IsChecksumValid() {
			t.Errorf("segment %d: bad IPv4 checksum %#x", i, ip.Checksum())
		}
		if int(ip.HeaderLength()) != ihl || !bytes.Equal(ip[header.IPv4MinimumSize:ihl], oip[header.IPv4MinimumSize:ihl]) {
			t.Errorf("segment %d: IP options changed", i)
		}
		if ip.SourceAddress() != srcIP || ip.DestinationAddress() != dstIP || ip.TTL() != 64 || ip.Flags() != header.IPv4FlagDontFragment {
			t.Errorf("segment %d: IP fields changed", i)
		}
		if want := uint16(id0 + i); ip.ID() != want {
			t.Errorf("segment %d: IP ID %#x, want %#x", i, ip.ID(), want)
		}
		tcph := header.TCP(ip[ihl:])
		payload := ip[ihl+thl:]
		// Full checksum over pseudo-header, header and payload.
		xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, srcIP, dstIP, uint16(len(tcph)))
		if checksum.Checksum(tcph, xsum) != 0xffff {
			t.Errorf("segment %d: bad TCP checksum %#x", i, tcph.Checksum())
		}
		if !tcph.IsChecksumValid(srcIP, dstIP, checksum.Checksum(payload, 0), uint16(len(payload))) {
			t.Errorf("segment %d: header.TCP.IsChecksumValid = false", i)
		}
		if want := uint32(seq0) + uint32(len(all)); tcph.SequenceNumber() != want {
			t.Errorf("segment %d: seq %#x, want %#x", i, tcph.SequenceNumber(), want)
		}
		if tcph.AckNumber() != 77 || tcph.SourcePort() != 40000 || tcph.DestinationPort() != 80 || tcph.WindowSize() != 512 {
			t.Errorf("segment %d: TCP fields changed", i)
		}
		if !bytes.Equal(tcph[header.TCPMinimumSize:thl], header.TCP(oip[ihl:])[header.TCPMinimumSize:thl]) {
			t.Errorf("segment %d: TCP options changed", i)
		}
		wantFlags := c.flags
		if !last {
			wantFlags &^= header.TCPFlagFin | header.TCPFlagPsh
		}
		if i > 0 {
			wantFlags &^= header.TCPFlagCwr
		}
		if tcph.Flags() != wantFlags {
			t.Errorf("segment %d: flags %v, want %v", i, tcph.Flags(), wantFlags)
		}
		if !last && len(payload) != c.wantSegLen {
			t.Errorf("segment %d: %d payload bytes, want %d", i, len(payload), c.wantSegLen)
		}
		if len(payload) == 0 && c.payload != 0 {
			t.Errorf("segment %d: empty", i)
		}
		all = append(all, payload...)
	}
	if !bytes.Equal(all, origPayload) {
		t.Fatalf("payload not preserved: got %d bytes, want %d", len(all), len(origPayload))
	}
}

var gsoCases = []gsoCase{
	{name: "mtu sized", payload: 5000, mtu: 1500, flags: header.TCPFlagAck | header.TCPFlagPsh | header.TCPFlagFin | header.TCPFlagCwr, wantSegs: 4, wantSegLen: 1460},
	{name: "gso mss smaller than mtu", payload: 5000, mtu: 1500, mss: 1000, flags: header.TCPFlagAck | header.TCPFlagPsh, wantSegs: 5, wantSegLen: 1000},
	{name: "gso mss larger than mtu", payload: 5000, mtu: 1500, mss: 9000, flags: header.TCPFlagAck, wantSegs: 4, wantSegLen: 1460},
	{name: "exact multiple", payload: 2 * 1460, mtu: 1500, flags: header.TCPFlagAck | header.TCPFlagFin, wantSegs: 2, wantSegLen: 1460},
	{name: "one byte over", payload: 1461, mtu: 1500, flags: header.TCPFlagAck | header.TCPFlagPsh, wantSegs: 2, wantSegLen: 1460},
	{name: "tcp options", payload: 4000, mtu: 1500, tcpOpts: 12, flags: header.TCPFlagAck | header.TCPFlagPsh, wantSegs: 3, wantSegLen: 1448},
	{name: "ip options", payload: 4000, mtu: 1500, ipOpts: 4, flags: header.TCPFlagAck, wantSegs: 3, wantSegLen: 1456},
	{name: "small mtu", payload: 3000, mtu: 576, flags: header.TCPFlagAck | header.TCPFlagFin | header.TCPFlagPsh, wantSegs: 6, wantSegLen: 536},
	{name: "jumbo", payload: 60000, mtu: 9000, flags: header.TCPFlagAck | header.TCPFlagPsh, wantSegs: 7, wantSegLen: 8960},
	{name: "fits in one", payload: 100, mtu: 1500, flags: header.TCPFlagAck | header.TCPFlagPsh | header.TCPFlagCwr, wantSegs: 1},
	{name: "no payload", payload: 0, mtu: 1500, flags: header.TCPFlagAck | header.TCPFlagFin, wantSegs: 1},
}

func TestSegment(t *testing.T) {
	for _, c := range gsoCases {
		t.Run(c.name, func(t *testing.T) {
			orig := gsoFrame(c)
			pkt := gsoPkt(orig, c.mss)
			segs := Segment(pkt, c.mtu)
			var raw [][]byte
			for _, s := range segs {
				if s.GSOOptions.Type != gstack.GSONone {
					t.Errorf("segment still marked GSO")
				}
				raw = append(raw, pktBytes(s))
				s.DecRef()
			}
			// Segment does not release its input, nor change it.
			if !bytes.Equal(pktBytes(pkt), orig) {
				t.Errorf("Segment modified its input")
			}
			pkt.DecRef()
			checkSegments(t, c, orig, raw)
		})
	}
}

// Packets Segment does not cut pass through unchanged.
func TestSegmentPassThrough(t *testing.T) {
	t.Run("not gso", func(t *testing.T) {
		f := gsoFrame(gsoCase{payload: 3000, flags: header.TCPFlagAck})
		pkt := newPkt(f)
		if NeedsSegment(pkt) {
			t.Fatal("NeedsSegment = true for a non-GSO packet")
		}
		segs := Segment(pkt, 1500)
		if len(segs) != 1 || segs[0] != pkt {
			t.Fatalf("Segment of a non-GSO packet returned %d packets", len(segs))
		}
		segs[0].DecRef() // the extra reference
		if !bytes.Equal(pktBytes(pkt), f) {
			t.Fatal("bytes changed")
		}
		pkt.DecRef()
	})
	udp := func() []byte {
		f := gsoFrame(gsoCase{payload: 3000, flags: header.TCPFlagAck})
		ip := header.IPv4(f[header.EthernetMinimumSize:])
		ip[9] = uint8(header.UDPProtocolNumber)
		return f
	}
	// An IPv6 large segment whose source address, read as an IPv4 header,
	// has protocol byte 6 (TCP): it must not be cut as IPv4.
	ipv6 := func() []byte {
		ip := make([]byte, header.IPv6MinimumSize+header.TCPMinimumSize+3000)
		header.IPv6(ip).Encode(&header.IPv6Fields{
			PayloadLength:     uint16(header.TCPMinimumSize + 3000),
			TransportProtocol: header.TCPProtocolNumber,
			HopLimit:          64,
			SrcAddr:           tcpip.AddrFrom16([16]byte{0xfd, 0x06, 15: 1}),
			DstAddr:           tcpip.AddrFrom16([16]byte{0xfd, 0x06, 15: 2}),
		})
		header.TCP(ip[header.IPv6MinimumSize:]).Encode(&header.TCPFields{SeqNum: 1, DataOffset: header.TCPMinimumSize, Flags: header.TCPFlagAck})
		return ethFrame(macB, macA, header.IPv6ProtocolNumber, ip)
	}
	tests := []struct {
		name  string
		frame []byte
		typ   gstack.GSOType
	}{
		{"udp in ipv4", udp(), gstack.GSOTCPv4},
		{"ipv6", ipv6(), gstack.GSOTCPv6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkt := newPkt(tt.frame)
			pkt.GSOOptions = gstack.GSO{Type: tt.typ, MSS: 1000}
			if !NeedsSegment(pkt) {
				t.Fatal("NeedsSegment = false for a GSO packet")
			}
			segs := Segment(pkt, 1500)
			pkt.DecRef()
			if len(segs) != 1 {
				for _, s := range segs {
					s.DecRef()
				}
				t.Fatalf("got %d packets, want the frame unchanged", len(segs))
			}
			got := pktBytes(segs[0])
			segs[0].DecRef()
			if !bytes.Equal(got, tt.frame) {
				t.Fatal("bytes changed")
			}
		})
	}
}

// Transmit carries a large segment whole, unless a sink wants real frames:
// then it cuts it into MTU-sized frames.
func TestTransmitGSO(t *testing.T) {
	c := gsoCases[0]
	tests := []struct {
		name     string
		sink     *trace.Recorder
		wantSegs int
	}{
		{"no sink", nil, 1},
		{"sink without frames", &trace.Recorder{}, 1},
		{"frame sink", &trace.Recorder{Frames: true}, c.wantSegs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bus trace.Bus
			if tt.sink != nil {
				defer bus.Attach(tt.sink)()
			}
			a, b := newTestPair(t, Config{Bus: &bus})
			a.SetUp(true)
			b.SetUp(true)
			r := &frameRecorder{}
			b.SetReceiver(r)
			orig := gsoFrame(c)
			if err := a.Transmit(gsoPkt(orig, 0)); err != nil {
				t.Fatal(err)
			}
			got := r.get()
			if len(got) != tt.wantSegs {
				t.Fatalf("peer got %d frames, want %d", len(got), tt.wantSegs)
			}
			if tt.wantSegs == 1 {
				if !bytes.Equal(got[0], orig) {
					t.Fatal("large segment changed on the way")
				}
			} else {
				checkSegments(t, c, orig, got)
			}
			if ca := a.Counters(); ca.TxPackets != uint64(tt.wantSegs) {
				t.Fatalf("TxPackets = %d, want %d", ca.TxPackets, tt.wantSegs)
			}
		})
	}
}

// A NIC that forwards (SetSegmentOnReceive) has its stack see MTU-sized
// frames; otherwise the large segment is delivered whole, no longer marked
// GSO.
func TestSegmentOnReceive(t *testing.T) {
	c := gsoCases[1]
	for _, seg := range []bool{false, true} {
		t.Run(fmt.Sprintf("segment=%v", seg), func(t *testing.T) {
			a, b := newTestPair(t, Config{MACs: [2]net.HardwareAddr{net.HardwareAddr(macA), net.HardwareAddr(macB)}})
			a.SetUp(true)
			b.SetUp(true)
			b.SetSegmentOnReceive(seg)
			d := &fakeDispatcher{}
			b.Attach(d)
			defer b.Attach(nil)
			orig := gsoFrame(c)
			if err := a.Transmit(gsoPkt(orig, c.mss)); err != nil {
				t.Fatal(err)
			}
			// A marker frame behind it on the same queue: once it is
			// delivered, every packet of the segment has been.
			marker := ethFrame(macB, macA, header.IPv4ProtocolNumber, []byte("marker"))
			if err := a.Transmit(newPkt(marker)); err != nil {
				t.Fatal(err)
			}
			want := 1
			if seg {
				want = c.wantSegs
			}
			emutest.WaitFor(t, "the marker frame", func() bool {
				got := d.get()
				return len(got) > 0 && string(got[len(got)-1].data) == "marker"
			})
			got := d.get()
			got = got[:len(got)-1]
			if len(got) != want {
				t.Fatalf("delivered %d packets, want %d", len(got), want)
			}
			var frames [][]byte
			for _, x := range got {
				if x.gso != gstack.GSONone {
					t.Fatal("delivered packet still marked GSO")
				}
				if x.proto != header.IPv4ProtocolNumber || x.pktType != tcpip.PacketHost {
					t.Fatalf("delivered proto %d type %d", x.proto, x.pktType)
				}
				frames = append(frames, append(append([]byte(nil), x.link...), x.data...))
			}
			if seg {
				checkSegments(t, c, orig, frames)
			} else if !bytes.Equal(frames[0], orig) {
				t.Fatal("large segment changed on the way")
			}
		})
	}
}

// --- an end as a NIC of a gVisor stack ---

var (
	ipA = tcpip.AddrFrom4([4]byte{192, 0, 2, 10})
	ipB = tcpip.AddrFrom4([4]byte{192, 0, 2, 20})
)

func newNetstack(t *testing.T, clk tcpip.Clock, end *End, addr tcpip.Address) *gstack.Stack {
	t.Helper()
	s := gstack.New(gstack.Options{
		NetworkProtocols:   []gstack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []gstack.TransportProtocolFactory{udp.NewProtocol, tcp.NewProtocol, icmp.NewProtocol4},
		Clock:              clk,
	})
	if err := s.CreateNIC(1, end); err != nil {
		s.Destroy()
		t.Fatalf("CreateNIC: %v", err)
	}
	if err := s.AddProtocolAddress(1, tcpip.ProtocolAddress{
		Protocol:          ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: addr, PrefixLen: 24},
	}, gstack.AddressProperties{}); err != nil {
		s.Destroy()
		t.Fatalf("AddProtocolAddress: %v", err)
	}
	subnet := tcpip.AddressWithPrefix{Address: addr, PrefixLen: 24}.Subnet()
	s.SetRouteTable([]tcpip.Route{{Destination: subnet, NIC: 1}})
	return s
}

// twoStacks connects two gVisor stacks with a pair and returns them; the
// cleanup destroys the stacks (removing the NICs, which detaches the ends)
// and closes the clock.
func twoStacks(t *testing.T, cfg Config, setup func(a, b *End)) (sa, sb *gstack.Stack, a, b *End) {
	t.Helper()
	clk := clock.New()
	cfg.Clock = clk
	a, b = newTestPair(t, cfg)
	if setup != nil {
		setup(a, b)
	}
	a.SetUp(true)
	b.SetUp(true)
	sa = newNetstack(t, clk, a, ipA)
	sb = newNetstack(t, clk, b, ipB)
	t.Cleanup(func() {
		sa.Destroy()
		sb.Destroy()
		a.WaitDetached()
		b.WaitDetached()
		clk.Close()
		if a.IsAttached() || b.IsAttached() {
			t.Error("ends still attached after the stacks were destroyed")
		}
	})
	return sa, sb, a, b
}

func TestNetstackUDP(t *testing.T) {
	sa, sb, a, b := twoStacks(t, Config{Names: [2]string{"eth0", "eth1"}}, nil)
	if !a.IsAttached() || !b.IsAttached() {
		t.Fatal("CreateNIC did not attach the ends")
	}
	srv, err := gonet.DialUDP(sb, &tcpip.FullAddress{NIC: 1, Addr: ipB, Port: 5353}, nil, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cli, err := gonet.DialUDP(sa, nil, &tcpip.FullAddress{NIC: 1, Addr: ipB, Port: 5353}, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()

	deadline := time.Now().Add(5 * time.Second)
	_ = srv.SetDeadline(deadline)
	_ = cli.SetDeadline(deadline)
	msg := []byte("hello over a veth")
	if _, err := cli.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	n, from, err := srv.ReadFrom(buf)
	if err != nil {
		t.Fatalf("server read: %v", err)
	}
	if !bytes.Equal(buf[:n], msg) {
		t.Fatalf("server got %q, want %q", buf[:n], msg)
	}
	if !strings.HasPrefix(from.String(), "192.0.2.10:") {
		t.Fatalf("datagram from %v, want 192.0.2.10", from)
	}
	reply := []byte("hello back")
	if _, err := srv.WriteTo(reply, from); err != nil {
		t.Fatal(err)
	}
	n, err = cli.Read(buf)
	if err != nil {
		t.Fatalf("client read: %v", err)
	}
	if !bytes.Equal(buf[:n], reply) {
		t.Fatalf("client got %q, want %q", buf[:n], reply)
	}
	// ARP request + reply + two datagrams went over the pair.
	ca, cb := a.Counters(), b.Counters()
	if ca.TxPackets < 2 || cb.TxPackets < 2 || ca.RxPackets != cb.TxPackets || cb.RxPackets != ca.TxPackets {
		t.Fatalf("counters: a=%+v b=%+v", ca, cb)
	}
}

// A TCP transfer works with and without GSO, whether large segments cross
// whole, are cut for a frame sink, or are cut on receive.
func TestNetstackTCP(t *testing.T) {
	tests := []struct {
		name    string
		gso     bool
		sink    *trace.Recorder
		segRx   bool
		wantBig bool // some frames on the wire exceed the MTU
	}{
		{"no gso", false, &trace.Recorder{}, false, false},
		{"gso whole", true, &trace.Recorder{}, false, true},
		{"gso frame sink", true, &trace.Recorder{Frames: true}, false, false},
		{"gso segment on receive", true, &trace.Recorder{}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bus trace.Bus
			defer bus.Attach(tt.sink)()
			sa, sb, a, _ := twoStacks(t, Config{Bus: &bus}, func(a, b *End) {
				a.SetGSO(tt.gso)
				b.SetGSO(tt.gso)
				b.SetSegmentOnReceive(tt.segRx)
			})
			ln, err := gonet.ListenTCP(sb, tcpip.FullAddress{NIC: 1, Addr: ipB, Port: 8080}, ipv4.ProtocolNumber)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			data := make([]byte, 256<<10)
			for i := range data {
				data[i] = byte(i * 31 / 7)
			}
			type result struct {
				got []byte
				err error
			}
			res := make(chan result, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					res <- result{err: err}
					return
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				got, err := io.ReadAll(c)
				res <- result{got, err}
			}()
			c, err := gonet.DialTCP(sa, tcpip.FullAddress{NIC: 1, Addr: ipB, Port: 8080}, ipv4.ProtocolNumber)
			if err != nil {
				t.Fatal(err)
			}
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := c.Write(data); err != nil {
				c.Close()
				t.Fatal(err)
			}
			c.Close()
			var r result
			select {
			case r = <-res:
			case <-time.After(15 * time.Second):
				t.Fatal("server did not finish")
			}
			if r.err != nil {
				t.Fatalf("server: %v", r.err)
			}
			if !bytes.Equal(r.got, data) {
				t.Fatalf("server got %d bytes, want %d identical", len(r.got), len(data))
			}

			maxLen := 0
			for _, e := range tt.sink.Filter(trace.FrameReceived) {
				if e.Dev == a.Peer().Name() && e.Len > maxLen {
					maxLen = e.Len
				}
				if tt.sink.Frames {
					checkWireFrame(t, e.Frame)
				}
			}
			limit := header.EthernetMinimumSize + DefaultMTU
			if big := maxLen > limit; big != tt.wantBig {
				t.Fatalf("largest frame on the wire %d bytes (MTU frame %d); want larger=%v", maxLen, limit, tt.wantBig)
			}
		})
	}
}

// checkWireFrame checks that a TCP/IPv4 frame a capture would see is real:
// within the MTU, with valid checksums.
func checkWireFrame(t *testing.T, f []byte) {
	t.Helper()
	if len(f) > header.EthernetMinimumSize+DefaultMTU {
		t.Fatalf("captured a %d-byte frame", len(f))
	}
	if header.Ethernet(f).Type() != header.IPv4ProtocolNumber {
		return
	}
	ip := header.IPv4(f[header.EthernetMinimumSize:])
	if !ip.IsChecksumValid() {
		t.Fatalf("captured frame with a bad IPv4 checksum")
	}
	if ip.TransportProtocol() != header.TCPProtocolNumber {
		return
	}
	seg := ip[ip.HeaderLength():ip.TotalLength()]
	xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, ip.SourceAddress(), ip.DestinationAddress(), uint16(len(seg)))
	if checksum.Checksum(seg, xsum) != 0xffff {
		t.Fatalf("captured TCP segment with a bad checksum (seq %d, %d bytes)", header.TCP(seg).SequenceNumber(), len(seg))
	}
}

// Removing the NIC from its stack detaches the end and stops its receive
// goroutine; frames that arrive afterwards are dropped and counted.
func TestRemoveNIC(t *testing.T) {
	clk := clock.New()
	defer clk.Close()
	a, b := newTestPair(t, Config{Clock: clk})
	a.SetUp(true)
	b.SetUp(true)
	s := newNetstack(t, clk, a, ipA)
	defer s.Destroy()
	if !a.IsAttached() {
		t.Fatal("not attached")
	}
	if err := s.RemoveNIC(1); err != nil {
		t.Fatal(err)
	}
	if a.IsAttached() {
		t.Fatal("still attached after RemoveNIC")
	}
	a.WaitDetached()
	if err := b.Transmit(newPkt(ethFrame(a.LinkAddress(), b.LinkAddress(), header.IPv4ProtocolNumber, []byte{1}))); err != nil {
		t.Fatal(err)
	}
	if got := a.Counters().RxDropped; got != 1 {
		t.Fatalf("RxDropped = %d after sending to a removed NIC, want 1", got)
	}
}

// --- benchmarks ---

// BenchmarkTransmit measures frames per second across a pair to a receiver
// that just releases them.
func BenchmarkTransmit(b *testing.B) {
	x, y := newTestPair(b, Config{})
	x.SetUp(true)
	y.SetUp(true)
	y.SetReceiver(receiverFunc(func(_ *End, pkt *gstack.PacketBuffer) { pkt.DecRef() }))
	f := ethFrame(y.LinkAddress(), x.LinkAddress(), header.IPv4ProtocolNumber, make([]byte, 1000))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		_ = x.Transmit(newPkt(f))
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "frames/s")
}

type receiverFunc func(*End, *gstack.PacketBuffer)

func (f receiverFunc) Receive(e *End, pkt *gstack.PacketBuffer) { f(e, pkt) }

// TestTransmitOwnedInline: a bridge's TransmitOwned delivers on its own
// goroutine while the peer's receive loop is idle (the frame is there when
// it returns), and keeps to the queue behind a frame the loop is still
// delivering (order kept).
func TestTransmitOwnedInline(t *testing.T) {
	a, b := newTestPair(t, Config{})
	a.SetUp(true)
	b.SetUp(true)
	d := &fakeDispatcher{}
	b.Attach(d)
	defer b.Attach(nil)
	frame := func(i byte) *gstack.PacketBuffer {
		return newPkt(ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, []byte{i, 0, 0, 0}))
	}
	if err := a.TransmitOwned(frame(1)); err != nil {
		t.Fatalf("TransmitOwned: %v", err)
	}
	if got := d.get(); len(got) != 1 || got[0].data[0] != 1 {
		t.Fatalf("after TransmitOwned returned, delivered %v, want frame 1 (inline)", got)
	}

	// The loop stuck delivering frame 2: frame 3 queues behind it.
	d.mu.Lock()
	d.entered, d.gate = make(chan struct{}, 4), make(chan struct{})
	d.mu.Unlock()
	if err := a.Transmit(frame(2)); err != nil {
		t.Fatal(err)
	}
	<-d.entered
	if err := a.TransmitOwned(frame(3)); err != nil {
		t.Fatal(err)
	}
	close(d.gate)
	emutest.WaitFor(t, "frames 2 and 3 delivered", func() bool { return len(d.get()) == 3 })
	if got := d.get(); got[1].data[0] != 2 || got[2].data[0] != 3 {
		t.Errorf("delivered %d then %d, want 2 then 3", got[1].data[0], got[2].data[0])
	}
}
