package emu

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/trace"
)

// TestEmulatedTimeRTTs: on purely emulated time a ping's round trip is the
// modelled latency — four hops through a bridge, plus four for the ARP
// exchange of the first — the clock starts at a fixed date, and two
// seeded worlds give the devices the same MACs.
func TestEmulatedTimeRTTs(t *testing.T) {
	var macs [2]string
	for i := range macs {
		w := New(Options{Seed: 7, EmulatedTime: true})
		if got, want := w.Clock().Now(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Fatalf("the clock starts at %v, want %v", got, want)
		}
		ns1, ns2 := twoOnBridge(t, w)
		for j, want := range []time.Duration{8 * HopDelay, 4 * HopDelay, 4 * HopDelay} {
			r, err := ns1.Ping(context.Background(), netip.MustParseAddr("192.168.28.2"), time.Second)
			if err != nil {
				t.Fatalf("ping %d: %v", j+1, err)
			}
			if r.RTT != want {
				t.Errorf("ping %d: RTT %v, want %v", j+1, r.RTT, want)
			}
		}
		a, _ := ns1.Link("veth1")
		b, _ := ns2.Link("veth2")
		macs[i] = a.MAC().String() + " " + b.MAC().String()
		w.Close()
	}
	if macs[0] != macs[1] {
		t.Errorf("two worlds of seed 7 have MACs %s and %s", macs[0], macs[1])
	}
}

// TestEmulatedTimeStampsFrames: a frame's sent event carries the moment
// it left, its received event the moment it arrived, a hop later.
func TestEmulatedTimeStampsFrames(t *testing.T) {
	w := New(Options{Seed: 7, EmulatedTime: true})
	defer w.Close()
	rec := &trace.Recorder{}
	defer w.Bus().Attach(rec)()
	ns1, _ := twoOnBridge(t, w)
	start := w.Clock().Now()
	if _, err := ns1.Ping(context.Background(), netip.MustParseAddr("192.168.28.2"), time.Second); err != nil {
		t.Fatal(err)
	}
	var sent, got []time.Duration
	for _, e := range rec.Events() {
		switch {
		case e.Kind == trace.FrameSent && e.NS == "ns1" && e.Dev == "veth1":
			sent = append(sent, e.Time.Sub(start))
		case e.Kind == trace.FrameReceived && e.NS == HostName && e.Dev == "veth1-br":
			got = append(got, e.Time.Sub(start))
		}
	}
	// The ARP request, then the echo request once the ARP reply came
	// back (four hops: through the bridge and back).
	want := []time.Duration{0, 4 * HopDelay}
	if fmt.Sprint(sent) != fmt.Sprint(want) {
		t.Errorf("ns1's veth1 sent at %v, want %v", sent, want)
	}
	if fmt.Sprint(got) != fmt.Sprint([]time.Duration{HopDelay, 5 * HopDelay}) {
		t.Errorf("the bridge port received at %v, want a hop after each", got)
	}
}

// TestSettleWaitsForRunningGoroutines: Settle returns only once the other
// goroutines are blocked: work started before it has finished.
func TestSettleWaitsForRunningGoroutines(t *testing.T) {
	w := New(Options{EmulatedTime: true})
	defer w.Close()
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 2_000_000 {
			n.Add(1)
		}
	}()
	w.Settle()
	if got := n.Load(); got != 2_000_000 {
		t.Fatalf("Settle returned while a goroutine was running (%d of 2000000 steps done)", got)
	}
	<-done
}

// TestHoldTime: while time is held (the shell's prompt), no timer fires;
// once released, it does.
func TestHoldTime(t *testing.T) {
	w := New(Options{EmulatedTime: true})
	defer w.Close()
	release := w.HoldTime()
	var fired atomic.Bool
	tm := w.Clock().AfterFunc(time.Second, func() { fired.Store(true) })
	defer tm.Stop()
	// Each Settle is a quiescent moment at which the driver, were time
	// not held, would fire the timer.
	for range 3 {
		w.Settle()
	}
	if fired.Load() || w.Clock().Elapsed() != 0 {
		t.Fatalf("a timer fired while time was held (at %v)", w.Clock().Elapsed())
	}
	release()
	emutest.WaitFor(t, "the timer to fire once time is released", fired.Load)
	if got := w.Clock().Elapsed(); got != time.Second {
		t.Fatalf("the timer fired at %v, want 1s", got)
	}
}

// TestOnQuiescent: the hook runs at the driver's quiescent moments, and
// no more once removed; on other clocks never.
func TestOnQuiescent(t *testing.T) {
	w := New(Options{EmulatedTime: true})
	defer w.Close()
	var calls atomic.Int64
	remove := w.OnQuiescent(func() { calls.Add(1) })
	w.Settle()
	if calls.Load() == 0 {
		t.Fatal("the hook did not run before Settle returned")
	}
	remove()
	w.Settle()
	n := calls.Load()
	w.Settle()
	if calls.Load() != n {
		t.Fatal("the hook ran after it was removed")
	}
	real := New(Options{})
	defer real.Close()
	real.OnQuiescent(func() { t.Error("a hook ran on a clock that is not emulated") })()
	real.Settle()
}

// TestSerialWriters: what goes to two writers of one queue comes out in
// the order written, by the time Close returns.
func TestSerialWriters(t *testing.T) {
	var out bytes.Buffer
	ws := NewSerialWriters(&out, &out)
	for i := range 100 {
		ws[i%2].Write([]byte{byte('a' + i%26)})
	}
	ws[1].Close()
	var want bytes.Buffer
	for i := range 100 {
		want.WriteByte(byte('a' + i%26))
	}
	if out.String() != want.String() {
		t.Fatalf("got %q, want %q", out.String(), want.String())
	}
	if _, err := ws[0].Write([]byte("x")); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}
