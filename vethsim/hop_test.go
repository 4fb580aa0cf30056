package vethsim

import (
	"bytes"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/emutest"
)

// TestHopDelay: with a hop delay, a frame arrives only when the clock
// reaches its send time plus the delay, and frames sent together arrive
// in the order they were sent.
func TestHopDelay(t *testing.T) {
	c := clock.NewDriven()
	defer c.Close()
	hops := &Hops{}
	defer hops.Release()
	a, b := newTestPair(t, Config{Clock: c, HopDelay: 20 * time.Microsecond, Hops: hops})
	a.SetUp(true)
	b.SetUp(true)
	r := &frameRecorder{}
	b.SetReceiver(r)
	for i := range 3 {
		f := ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, bytes.Repeat([]byte{byte(i)}, 46))
		if err := a.Transmit(newPkt(f)); err != nil {
			t.Fatalf("Transmit %d: %v", i, err)
		}
	}
	if n := r.count(); n != 0 {
		t.Fatalf("%d frames arrived before the clock moved", n)
	}
	if c.Pending() != 3 {
		t.Fatalf("%d hop timers pending, want 3", c.Pending())
	}
	for i := range 3 {
		if !c.FireNext() {
			t.Fatalf("FireNext %d = false", i)
		}
		emutest.WaitFor(t, "the frame to arrive", func() bool { return r.count() == i+1 })
		if got := r.get()[i][header.EthernetMinimumSize]; got != byte(i) {
			t.Fatalf("frame %d arrived as frame %d", got, i)
		}
	}
	if got := c.Elapsed(); got != 20*time.Microsecond {
		t.Fatalf("the frames arrived at %v, want 20µs", got)
	}
}

// TestHopsRelease: frames still on their way when the world closes are
// released (the leak checker of TestMain would catch one that is not), and
// a frame sent afterwards is dropped at once.
func TestHopsRelease(t *testing.T) {
	c := clock.NewDriven()
	hops := &Hops{}
	a, b := newTestPair(t, Config{Clock: c, HopDelay: time.Millisecond, Hops: hops})
	a.SetUp(true)
	b.SetUp(true)
	r := &frameRecorder{}
	b.SetReceiver(r)
	f := ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, make([]byte, 46))
	if err := a.Transmit(newPkt(f)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	hops.Release()
	if err := a.Transmit(newPkt(f)); err != nil {
		t.Fatal(err)
	}
	if n := r.count(); n != 0 {
		t.Fatalf("%d frames arrived after the release", n)
	}
}
