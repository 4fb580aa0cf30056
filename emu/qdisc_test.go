package emu

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// delay is netem delay d, as tc sends it.
func delay(d time.Duration) *qdisc.NetemParams {
	return &qdisc.NetemParams{Limit: 1000, Latency: uint32(d.Nanoseconds() >> qdisc.TickShift)}
}

// tbf1mbit is tbf rate 1mbit burst 10k latency 10ms, as tc sends it.
var tbf1mbit = &qdisc.TBFParams{Rate: qdisc.RateSpec{Rate: 125000, LinkLayer: qdisc.LinkLayerEthernet}, Limit: 11490, Burst: 10240}

// TestQdiscRequestsAsTheKernelAnswers replays tc requests whose answers
// were recorded on Linux 6.18 (the tc package's testdata holds the
// recordings of the command lines).
func TestQdiscRequestsAsTheKernelAnswers(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	h := w.Host()
	if _, _, err := h.AddVeth("va", "vb", nil); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		r    QdiscRequest
		err  string
		kind string
		hdl  uint32
	}{
		{"del with none", QdiscRequest{Op: QdiscDelete, Root: true}, "Error: Cannot delete qdisc with handle of zero.", "noop", 0},
		{"change with none", QdiscRequest{Op: QdiscChange, Root: true, Kind: "netem", Netem: delay(time.Millisecond)}, "Error: Qdisc not found. To create specify NLM_F_CREATE flag.", "noop", 0},
		{"unknown kind", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "foo"}, "Error: Specified qdisc kind is unknown.", "noop", 0},
		{"add", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(time.Millisecond)}, "", "netem", 0x80010000},
		{"add again", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(time.Millisecond)}, "Error: Exclusivity flag on, cannot modify.", "netem", 0x80010000},
		{"add a handle", QdiscRequest{Op: QdiscAdd, Root: true, Handle: 0x10000, Kind: "netem", Netem: delay(time.Millisecond)}, "Error: NLM_F_REPLACE needed to override.", "netem", 0x80010000},
		{"change in place", QdiscRequest{Op: QdiscChange, Root: true, Kind: "netem", Netem: delay(2 * time.Millisecond)}, "", "netem", 0x80010000},
		{"change to tbf grafts", QdiscRequest{Op: QdiscChange, Root: true, Kind: "tbf", TBF: tbf1mbit}, "", "tbf", 0x80020000},
		{"del the wrong kind", QdiscRequest{Op: QdiscDelete, Root: true, Kind: "netem"}, "Error: Invalid qdisc name: must match existing qdisc.", "tbf", 0x80020000},
		{"del the wrong handle", QdiscRequest{Op: QdiscDelete, Root: true, Handle: 0x70000}, "Error: Invalid handle.", "tbf", 0x80020000},
		{"replace with a handle", QdiscRequest{Op: QdiscReplace, Root: true, Handle: 0x10000, Kind: "tbf", TBF: tbf1mbit}, "", "tbf", 0x10000},
		{"replace in place", QdiscRequest{Op: QdiscReplace, Root: true, Kind: "tbf", TBF: tbf1mbit}, "", "tbf", 0x10000},
		{"change by handle, other kind", QdiscRequest{Op: QdiscChange, Root: true, Handle: 0x10000, Kind: "netem", Netem: delay(time.Millisecond)}, "Error: Invalid qdisc name: must match existing qdisc.", "tbf", 0x10000},
		{"handle without root", QdiscRequest{Op: QdiscAdd, Handle: 0x20000, Kind: "tbf", TBF: tbf1mbit}, "Error: Specified qdisc not found.", "tbf", 0x10000},
		{"del by handle alone", QdiscRequest{Op: QdiscDelete, Handle: 0x10000}, "Error: Classid cannot be zero.", "tbf", 0x10000},
		{"del", QdiscRequest{Op: QdiscDelete, Root: true}, "", "noop", 0},
	}
	for _, s := range steps {
		err := h.ModifyQdisc("va", s.r)
		if got := errString(err); got != s.err {
			t.Fatalf("%s: error %q, want %q", s.name, got, s.err)
		}
		d, _ := h.Link("va")
		if q := d.Qdisc(); q.Kind != s.kind || q.Handle != s.hdl {
			t.Fatalf("%s: qdisc %s %x:, want %s %x:", s.name, q.Kind, q.Handle>>16, s.kind, s.hdl>>16)
		}
	}
	if err := h.ModifyQdisc("nosuch", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "tbf", TBF: tbf1mbit}); errString(err) != `Cannot find device "nosuch"` {
		t.Errorf("a missing device: %v", err)
	}
	corrupt := &qdisc.NetemParams{Limit: 1000, Corrupt: &qdisc.NetemProb{Probability: 1}}
	if err := h.ModifyQdisc("lo", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: corrupt}); !strings.Contains(errString(err), "not emulated") {
		t.Errorf("corrupt on lo: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDefaultQdiscFollowsTheDevice: noop until the device is first up,
// noqueue from then on, noop again after a move to another namespace.
func TestDefaultQdiscFollowsTheDevice(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	h := w.Host()
	ns, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.AddVeth("va", "vb", nil); err != nil {
		t.Fatal(err)
	}
	kind := func() string {
		d, err := h.Link("va")
		if err != nil {
			d, _ = ns.Link("va")
		}
		return d.Qdisc().Kind
	}
	for _, step := range []struct {
		do   func() error
		want string
	}{
		{func() error { return nil }, "noop"},
		{func() error { return h.SetLinkUp("va", true) }, "noqueue"},
		{func() error { return h.SetLinkUp("va", false) }, "noqueue"},
		{func() error { return h.MoveLink("va", ns) }, "noop"},
	} {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		if got := kind(); got != step.want {
			t.Fatalf("qdisc %s, want %s", got, step.want)
		}
	}
}

// TestNetemDelaysPingOnTheEmulatedClock: 50 ms on ns1's egress and 30 ms
// on ns2's make an 80 ms round trip, while the world warps over the wait.
func TestNetemDelaysPingOnTheEmulatedClock(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	ns1, ns2 := twoOnBridge(t, w)
	for _, q := range []struct {
		ns  *Namespace
		dev string
		d   time.Duration
	}{{ns1, "veth1", 50 * time.Millisecond}, {ns2, "veth2", 30 * time.Millisecond}} {
		if err := q.ns.ModifyQdisc(q.dev, QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(q.d)}); err != nil {
			t.Fatal(err)
		}
	}
	stop := w.Warp()
	defer stop()
	ctx := context.Background()
	dst := netip.MustParseAddr("192.168.28.2")
	// The first probe also waits for ARP, which crosses both delays too.
	if _, err := ns1.Ping(ctx, dst, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 3 {
		r, err := ns1.Ping(ctx, dst, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if r.RTT < 80*time.Millisecond || r.RTT > 90*time.Millisecond { // the emulated clock runs with wall time too, under load
			t.Errorf("RTT %v, want 80 ms (50 + 30)", r.RTT)
		}
	}
	t.Logf("3 pings of 80 ms: %v of wall time", time.Since(start))
	d, _ := ns1.Link("veth1")
	if st := d.Qdisc().Stats; st.Packets < 4 || st.Qlen != 0 {
		t.Errorf("veth1's netem: %+v", st)
	}
}

// TestHeldFramesAreReleasedWhenTheDeviceGoes: frames netem holds for a
// minute are released (the leak check would catch them) when the veth is
// deleted, and no timer stays armed.
func TestHeldFramesAreReleasedWhenTheDeviceGoes(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	ns1, _ := twoOnBridge(t, w)
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _ = ns1.Ping(ctx, netip.MustParseAddr("192.168.28.2"), 50*time.Millisecond)
	d, _ := ns1.Link("veth1")
	if st := d.Qdisc().Stats; st.Qlen == 0 {
		t.Fatalf("netem holds nothing: %+v", st)
	}
	if err := ns1.DelLink("veth1"); err != nil {
		t.Fatal(err)
	}
	if d.qd.Load() != nil {
		t.Errorf("the deleted device kept its qdisc")
	}
}

// TestTCPThroughNetemAndTBF moves 2 MB over a lossy, delaying, rate-limited
// path with large segments on: every byte arrives, in order.
func TestTCPThroughNetemAndTBF(t *testing.T) {
	w := New(Options{Seed: 7})
	defer w.Close()
	ns1, ns2 := twoOnBridge(t, w)
	p := delay(2 * time.Millisecond)
	p.Loss = 1 << 26 // 1.6%
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: p}); err != nil {
		t.Fatal(err)
	}
	fast := *tbf1mbit
	fast.Rate.Rate, fast.Burst, fast.Limit = 100e6, 200000, 1<<20
	if err := ns2.ModifyQdisc("veth2", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "tbf", TBF: &fast}); err != nil {
		t.Fatal(err)
	}
	stop := w.Warp()
	defer stop()
	sent, got := transfer(t, ns1, ns2, 2<<20)
	if sent != got {
		t.Fatalf("the data arrived changed")
	}
	d, _ := ns1.Link("veth1")
	st := d.Qdisc().Stats
	t.Logf("netem: %+v", st)
	if st.Drops == 0 {
		t.Errorf("no frame lost at 1.6%% loss")
	}
}

// TestCorruptedFramesAreCaughtByChecksums: netem corrupt damages frames,
// which the receiving stack checks (as Linux's does) rather than trusts:
// TCP retransmits what was damaged, and the data arrives intact.
func TestCorruptedFramesAreCaughtByChecksums(t *testing.T) {
	w := New(Options{Seed: 3})
	defer w.Close()
	ns1, ns2 := twoOnBridge(t, w)
	for _, q := range []struct {
		ns  *Namespace
		dev string
	}{{ns1, "veth1"}, {ns2, "veth2"}} {
		p := &qdisc.NetemParams{Limit: 1000, Corrupt: &qdisc.NetemProb{Probability: 1 << 28}} // 6%
		if err := q.ns.ModifyQdisc(q.dev, QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: p}); err != nil {
			t.Fatal(err)
		}
	}
	stop := w.Warp()
	defer stop()
	sent, got := transfer(t, ns1, ns2, 1<<20)
	if sent != got {
		t.Fatalf("corrupted data reached the application")
	}
}

// frameTimes is a trace sink that keeps when echo requests were seen.
type frameTimes struct {
	mu   sync.Mutex
	seen []trace.Event
}

func (f *frameTimes) WantsFrames() bool { return true }

func (f *frameTimes) Emit(e *trace.Event) {
	// An ICMP echo request: IPv4 protocol 1, ICMP type 8.
	if e.Kind != trace.FrameSent || len(e.Frame) < 35 || e.Frame[23] != 1 || e.Frame[34] != 8 {
		return
	}
	f.mu.Lock()
	f.seen = append(f.seen, *e.Clone())
	f.mu.Unlock()
}

// TestObserversSeeAHeldFrameWhenItLeaves: the capture and --explain see
// the echo request leave ns1's veth1 when netem lets it go, 100 ms after
// the ping sent it, not when it was queued.
func TestObserversSeeAHeldFrameWhenItLeaves(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	ns1, _ := twoOnBridge(t, w)
	dst := netip.MustParseAddr("192.168.28.2")
	stop := w.Warp()
	defer stop()
	if _, err := ns1.Ping(context.Background(), dst, 5*time.Second); err != nil { // ARP
		t.Fatal(err)
	}
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(100 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	sink := &frameTimes{}
	detach := w.Bus().Attach(sink)
	defer detach()
	sentAt := w.Clock().Now()
	if _, err := ns1.Ping(context.Background(), dst, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	var left time.Time
	for _, e := range sink.seen {
		if e.NS == "ns1" && e.Dev == "veth1" {
			left = e.Time
		}
	}
	if left.IsZero() {
		t.Fatalf("no echo request seen leaving ns1/veth1: %v", sink.seen)
	}
	if d := left.Sub(sentAt); d < 100*time.Millisecond || d > 110*time.Millisecond { // the clock also runs with wall time
		t.Errorf("the echo request was seen leaving %v after ping sent it, want 100 ms", d)
	}
}

// TestNetemOnLoopback: delay on lo delays both the request and the reply
// (they both leave through lo), and the delayed reply, handed on by the
// timer, comes back through the same qdisc without a deadlock.
func TestNetemOnLoopback(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	h := w.Host()
	if err := h.SetLinkUp("lo", true); err != nil {
		t.Fatal(err)
	}
	if err := h.ModifyQdisc("lo", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(100 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	stop := w.Warp()
	defer stop()
	r, err := h.Ping(context.Background(), netip.MustParseAddr("127.0.0.1"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.RTT < 200*time.Millisecond || r.RTT > 210*time.Millisecond { // the clock also runs with wall time
		t.Errorf("RTT %v, want 200 ms", r.RTT)
	}
	d, _ := h.Link("lo")
	if st := d.Qdisc().Stats; st.Packets != 2 || st.Bytes != 2*98 {
		t.Errorf("lo's netem: %+v, want 2 frames of 98 bytes (with lo's Ethernet header)", st)
	}
}

// TestLoopbackQdiscGoesWithTheNamespace: frames lo's netem holds are
// released when the namespace is deleted (the leak check would catch
// them), and no timer stays armed.
func TestLoopbackQdiscGoesWithTheNamespace(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	ns, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.SetLinkUp("lo", true); err != nil {
		t.Fatal(err)
	}
	if err := ns.ModifyQdisc("lo", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, _ = ns.Ping(ctx, netip.MustParseAddr("127.0.0.1"), 20*time.Millisecond)
	d, _ := ns.Link("lo")
	if d.Qdisc().Stats.Qlen == 0 {
		t.Fatalf("lo's netem holds nothing")
	}
	if err := w.DelNamespace("ns1"); err != nil {
		t.Fatal(err)
	}
	if d.qd.Load() != nil {
		t.Errorf("lo kept its qdisc after the namespace went")
	}
}

// BenchmarkTCPThroughNetem is BenchmarkTCPThroughput's transfer with a
// netem on each end that holds nothing back (no delay: what a qdisc on the
// path costs, large segments cut into frames included) and one that
// delays each frame 1 ms (the clock warps over the waits).
func BenchmarkTCPThroughNetem(b *testing.B) {
	for _, d := range []time.Duration{0, time.Millisecond} {
		b.Run(d.String(), func(b *testing.B) {
			w := New(Options{})
			defer w.Close()
			a, c := twoOnBridge(b, w)
			for _, q := range []struct {
				ns  *Namespace
				dev string
			}{{a, "veth1"}, {c, "veth2"}} {
				if err := q.ns.ModifyQdisc(q.dev, QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(d)}); err != nil {
					b.Fatal(err)
				}
			}
			stop := w.Warp()
			defer stop()
			benchTCP(b, a, c)
		})
	}
}

// TestHeldFramesAreReleasedWhenTheQdiscGoes: tc qdisc del and a replace
// by another kind drop what the old qdisc holds (the leak check would
// catch a frame kept), and frames then flow without delay.
func TestHeldFramesAreReleasedWhenTheQdiscGoes(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	ns1, _ := twoOnBridge(t, w)
	dst := netip.MustParseAddr("192.168.28.2")
	stop := w.Warp()
	defer stop()
	if _, err := ns1.Ping(context.Background(), dst, 5*time.Second); err != nil { // ARP
		t.Fatal(err)
	}
	hold := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, _ = ns1.Ping(ctx, dst, 20*time.Millisecond)
		if d, _ := ns1.Link("veth1"); d.Qdisc().Stats.Qlen == 0 {
			t.Fatalf("netem holds nothing")
		}
	}
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hold()
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscReplace, Root: true, Kind: "tbf", TBF: tbf1mbit}); err != nil {
		t.Fatal(err)
	}
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscReplace, Root: true, Kind: "netem", Netem: delay(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hold()
	if err := ns1.ModifyQdisc("veth1", QdiscRequest{Op: QdiscDelete, Root: true}); err != nil {
		t.Fatal(err)
	}
	if r, err := ns1.Ping(context.Background(), dst, 5*time.Second); err != nil || r.RTT > 10*time.Millisecond {
		t.Errorf("after tc qdisc del: %v %v", r.RTT, err)
	}
}

// TestEtherDeviceDefaultsToFqCodel: an Ethernet device (the uplink's
// eth0) has fq_codel once up, as a physical NIC does, takes a netem like
// any device, and gets fq_codel back when it goes.
func TestEtherDeviceDefaultsToFqCodel(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	h := w.Host()
	d, _, err := h.AddEther("eth0", EtherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		do   func() error
		want string
	}{
		{func() error { return nil }, "noop"},
		{func() error { return h.SetLinkUp("eth0", true) }, "fq_codel"},
		{func() error {
			return h.ModifyQdisc("eth0", QdiscRequest{Op: QdiscAdd, Root: true, Kind: "netem", Netem: delay(time.Millisecond)})
		}, "netem"},
		{func() error { return h.ModifyQdisc("eth0", QdiscRequest{Op: QdiscDelete, Root: true}) }, "fq_codel"},
	} {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		if got := d.Qdisc().Kind; got != step.want {
			t.Fatalf("qdisc %s, want %s", got, step.want)
		}
	}
}
