package emu

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/stack/vxlan"
)

// buildOverlay makes two hosts on an underlay veth (192.168.50.1 and .2),
// each with a VXLAN device vx0 (VNI 42, port 4789) whose remote is the
// other host, addressed 10.42.0.1 and 10.42.0.2: a routed overlay.
func buildOverlay(t testing.TB, w *World, learning bool) (a, b *Namespace) {
	t.Helper()
	a, err := w.AddNamespace("node1")
	must(t, err)
	b, err = w.AddNamespace("node2")
	must(t, err)
	_, _, err = a.AddVeth("eth0", "eth0", b)
	must(t, err)
	for i, n := range []*Namespace{a, b} {
		must(t, n.AddAddr("eth0", pfx([]string{"192.168.50.1/24", "192.168.50.2/24"}[i])))
		must(t, n.SetLinkUp("eth0", true))
		cfg := VxlanConfig{Config: vxlan.Config{VNI: 42, Port: vxlan.IANAPort, Dev: "eth0", Learning: learning,
			Remote: addr([]string{"192.168.50.2", "192.168.50.1"}[i])}}
		d, err := n.AddVxlan("vx0", cfg)
		must(t, err)
		if d.MTU() != 1450 {
			t.Fatalf("vx0's MTU = %d, want 1450 (eth0's 1500 - 50)", d.MTU())
		}
		must(t, n.AddAddr("vx0", pfx([]string{"10.42.0.1/24", "10.42.0.2/24"}[i])))
		must(t, n.SetLinkUp("vx0", true))
	}
	return a, b
}

func TestVxlanRoutedPing(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	a, b := buildOverlay(t, w, true)
	defer w.Warp()() // after the build: gVisor's conntrack reaper races a clock that jumps while tables are installed
	if _, err := ping(t, a, "10.42.0.2"); err != nil {
		t.Fatalf("ping 10.42.0.2 from node1 over vx0: %v", err)
	}
	d, _ := b.Link("vx0")
	macA, _ := a.Link("vx0")
	var learned bool
	for _, e := range d.Vxlan().FDB().Entries() {
		if e.MAC.String() == macA.MAC().String() && !e.Static && e.Remotes[0].IP == addr("192.168.50.1") {
			learned = true
		}
	}
	if !learned {
		t.Errorf("node2's vx0 did not learn node1's vx0 MAC %s behind 192.168.50.1: %+v", macA.MAC(), d.Vxlan().FDB().Entries())
	}
	if c := d.Counters(); c.RxPackets == 0 {
		t.Errorf("node2's vx0 counters show nothing received: %+v", c)
	}
}

func TestVxlanErrors(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	a, _ := buildOverlay(t, w, false)
	_, err := a.AddVxlan("vx1", VxlanConfig{Config: vxlan.Config{VNI: 42, Port: vxlan.IANAPort}})
	if !errors.Is(err, ErrVNIExists) {
		t.Errorf("a second VNI 42 on port 4789: %v, want %v", err, ErrVNIExists)
	}
	_, err = a.AddVxlan("vx1", VxlanConfig{Config: vxlan.Config{VNI: 1, Port: vxlan.IANAPort, Dev: "nosuch"}})
	var dnf *DeviceNotFound
	if !errors.As(err, &dnf) {
		t.Errorf("dev nosuch: %v, want Cannot find device", err)
	}
	// A second device on the port shares the socket; with another VNI it
	// comes up.
	_, err = a.AddVxlan("vx1", VxlanConfig{Config: vxlan.Config{VNI: 43, Port: vxlan.IANAPort}})
	must(t, err)
	must(t, a.SetLinkUp("vx1", true))
	// Another socket on the port keeps a device on it from coming up.
	c, err := a.ListenUDP(netip.MustParseAddrPort("0.0.0.0:8472"))
	must(t, err)
	defer c.Close()
	_, err = a.AddVxlan("vx2", VxlanConfig{Config: vxlan.Config{VNI: 44, Port: vxlan.KernelPort}})
	must(t, err)
	if err := a.SetLinkUp("vx2", true); err == nil || err.Error() != "RTNETLINK answers: Address already in use" {
		t.Errorf("vx2 up with port 8472 taken: %v", err)
	}
	if d, _ := a.Link("vx2"); d.IsUp() {
		t.Errorf("vx2 is up after its port was refused")
	}
	if err := a.MoveLink("vx1", w.Host()); !errors.Is(err, ErrMoveVxlan) {
		t.Errorf("moving vx1: %v", err)
	}
	must(t, a.DelLink("vx1"))
	must(t, a.DelLink("vx0"))
}

func TestVxlanDecapDrops(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	a, b := buildOverlay(t, w, false)
	defer w.Warp()()
	if _, err := ping(t, a, "10.42.0.2"); err != nil {
		t.Fatalf("ping over vx0: %v", err)
	}
	c, err := a.DialUDP(netip.MustParseAddrPort("192.168.50.2:4789"))
	must(t, err)
	defer c.Close()
	good := make([]byte, vxlan.HeaderLen+60)
	vxlan.PutHeader(good, 42)
	copy(good[vxlan.HeaderLen:], net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	unknown := append([]byte(nil), good...)
	vxlan.PutHeader(unknown, 77)
	noI := append([]byte(nil), good...)
	noI[0] = 0
	for _, p := range [][]byte{{1, 2, 3}, noI, unknown, good[:vxlan.HeaderLen+5]} {
		if _, err := c.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	s := b.vxSocks.Lookup(vxlan.IANAPort)
	want := map[vxlan.Drop]uint64{vxlan.DropShort: 1, vxlan.DropNoVNIFlag: 1, vxlan.DropUnknownVNI: 1}
	emutest.WaitFor(t, "three datagrams dropped by the socket", func() bool { return len(s.Dropped()) == 3 })
	for d, n := range want {
		if got := s.Dropped()[d]; got != n {
			t.Errorf("socket drops %q = %d, want %d", d, got, n)
		}
	}
	dev, _ := b.Link("vx0")
	emutest.WaitFor(t, "vx0 counting the short inner frame as dropped", func() bool { return dev.Counters().RxDropped == 1 })
}

// TestVxlanGroup: two hosts whose VXLAN devices flood to a multicast
// group (group 239.1.1.1 dev eth0) find each other without a remote.
func TestVxlanGroup(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	a, err := w.AddNamespace("node1")
	must(t, err)
	b, err := w.AddNamespace("node2")
	must(t, err)
	_, _, err = a.AddVeth("eth0", "eth0", b)
	must(t, err)
	for i, n := range []*Namespace{a, b} {
		must(t, n.AddAddr("eth0", pfx([]string{"192.168.50.1/24", "192.168.50.2/24"}[i])))
		must(t, n.SetLinkUp("eth0", true))
		_, err := n.AddVxlan("vx0", VxlanConfig{Config: vxlan.Config{VNI: 7, Port: vxlan.IANAPort, Dev: "eth0",
			Group: addr("239.1.1.1"), Learning: true}})
		must(t, err)
		must(t, n.AddAddr("vx0", pfx([]string{"10.7.0.1/24", "10.7.0.2/24"}[i])))
		must(t, n.SetLinkUp("vx0", true))
	}
	defer w.Warp()()
	if _, err := ping(t, a, "10.7.0.2"); err != nil {
		t.Fatalf("ping 10.7.0.2 over a multicast-flooding vx0: %v", err)
	}
}

// BenchmarkVxlanTCP streams TCP between two hosts over their VXLAN devices
// (routed, MTU 1450: every segment is encapsulated and sent as a UDP
// datagram of the underlay), and reports Gbit/s.
func BenchmarkVxlanTCP(b *testing.B) {
	w := New(Options{})
	defer w.Close()
	a, c := buildOverlay(b, w, false)
	benchTCPTo(b, a, c, "10.42.0.2")
}

// TestVxlanCircularRoute: a remote reached through the VXLAN device itself
// (an address of the overlay) would wrap each frame again without end;
// the frame is dropped and counted, as Linux drops a circular route.
func TestVxlanCircularRoute(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("node1")
	must(t, err)
	_, err = n.AddVxlan("vx0", VxlanConfig{Config: vxlan.Config{VNI: 1, Port: vxlan.IANAPort, Remote: addr("10.42.0.2")}})
	must(t, err)
	must(t, n.AddAddr("vx0", pfx("10.42.0.1/24")))
	must(t, n.SetLinkUp("vx0", true))
	defer w.Warp()()
	if _, err := n.Ping(context.Background(), addr("10.42.0.2"), time.Second); err == nil {
		t.Fatal("ping through a circular overlay got a reply")
	}
	d, _ := n.Link("vx0")
	if c := d.Counters(); c.TxDropped == 0 || c.TxPackets > 10 {
		t.Errorf("vx0 counters %+v: want the ARP requests dropped, not sent round", c)
	}
}
