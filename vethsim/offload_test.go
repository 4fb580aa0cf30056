package vethsim

import (
	"net"
	"testing"

	"github.com/nsemu/nsemu/emu/emutest"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// TestOffloadsTSO: with TSO off (or tx checksumming off, which TSO needs)
// the end cuts a large segment into real frames before the wire.
func TestOffloadsTSO(t *testing.T) {
	c := gsoCases[0]
	for _, tt := range []struct {
		name     string
		off      Offloads
		wantSegs int
	}{
		{"tso on", Offloads{TSO: true, GSO: true}, 1},
		{"tso off", Offloads{GSO: true}, c.wantSegs},
		{"tx off", Offloads{TSO: true, GSO: true, TxCsumOff: true}, c.wantSegs},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newTestPair(t, Config{})
			a.SetUp(true)
			b.SetUp(true)
			active := a.SetOffloads(tt.off)
			if active.TSO != (tt.wantSegs == 1) {
				t.Errorf("SetOffloads(%+v): active TSO %v", tt.off, active.TSO)
			}
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
			if tt.wantSegs > 1 {
				checkSegments(t, c, orig, got)
			}
		})
	}
}

// TestOffloadsGSO: the stack is offered large segments only with GSO on.
func TestOffloadsGSO(t *testing.T) {
	a, _ := newTestPair(t, Config{})
	if a.GSOMaxSize() != 0 || a.SupportedGSO() != gstack.GSONotSupported {
		t.Errorf("a new end offers GSO: %d %v", a.GSOMaxSize(), a.SupportedGSO())
	}
	a.SetGSO(true)
	if a.GSOMaxSize() == 0 || a.SupportedGSO() != gstack.HostGSOSupported {
		t.Errorf("SetGSO(true): %d %v", a.GSOMaxSize(), a.SupportedGSO())
	}
	w, _ := a.Offloads()
	w.GSO = false
	a.SetOffloads(w)
	if a.GSOMaxSize() != 0 {
		t.Errorf("gso off: GSOMaxSize %d", a.GSOMaxSize())
	}
}

// TestOffloadsRxCsum: with rx checksumming off the stack is not told the
// checksums are checked, and a large segment is delivered as real frames
// (whose checksums it can check).
func TestOffloadsRxCsum(t *testing.T) {
	c := gsoCases[1]
	a, b := newTestPair(t, Config{MACs: [2]net.HardwareAddr{net.HardwareAddr(macA), net.HardwareAddr(macB)}})
	a.SetUp(true)
	b.SetUp(true)
	b.SetOffloads(Offloads{TSO: true, RxCsumOff: true})
	if b.Capabilities()&gstack.CapabilityRXChecksumOffload != 0 {
		t.Fatal("rx off: the stack is still told checksums are checked")
	}
	d := &fakeDispatcher{}
	b.Attach(d)
	defer b.Attach(nil)
	if err := a.Transmit(gsoPkt(gsoFrame(c), c.mss)); err != nil {
		t.Fatal(err)
	}
	emutest.WaitFor(t, "the segment's frames", func() bool { return len(d.get()) == c.wantSegs })
}
