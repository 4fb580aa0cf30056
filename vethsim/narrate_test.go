package vethsim

import (
	"bytes"
	"testing"

	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/trace"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// TestQueuedMark: a device that sends marks the moment (trace.Queued, on the
// sender's side) with the frame's hash, which matches the hash of the
// frame's FrameSent that the receiving side emits; its FrameReceived names
// that FrameSent as its Cause. A bridge's port does not mark.
func TestQueuedMark(t *testing.T) {
	var bus trace.Bus
	rec := &trace.Recorder{Frames: true}
	defer bus.Attach(rec)()
	a, b := newTestPair(t, Config{Names: [2]string{"a0", "b0"}, Bus: &bus})
	a.SetUp(true)
	b.SetUp(true)
	d := &fakeDispatcher{}
	b.Attach(d)
	defer b.Attach(nil)
	f := ethFrame(b.LinkAddress(), a.LinkAddress(), header.IPv4ProtocolNumber, bytes.Repeat([]byte{7}, 80))
	if err := a.Transmit(newPkt(f)); err != nil {
		t.Fatal(err)
	}
	emutest.WaitFor(t, "the frame delivered", func() bool { return len(d.get()) == 1 })
	q, s, r := rec.Filter(trace.Queued), rec.Filter(trace.FrameSent), rec.Filter(trace.FrameReceived)
	if len(q) != 1 || len(s) != 1 || len(r) != 1 {
		t.Fatalf("events: %d queued, %d sent, %d received; want 1 each", len(q), len(s), len(r))
	}
	if q[0].Dev != "a0" || q[0].Hash == 0 || q[0].Hash != trace.HashFrame(s[0].Len, s[0].Frame) {
		t.Errorf("mark %v (hash %x), sent frame hash %x", q[0], q[0].Hash, trace.HashFrame(s[0].Len, s[0].Frame))
	}
	if q[0].Seq >= s[0].Seq || r[0].Cause != s[0].Seq {
		t.Errorf("seqs: mark %d, sent %d, received %d caused by %d", q[0].Seq, s[0].Seq, r[0].Seq, r[0].Cause)
	}

	// A bridge port (an end with a Receiver) does not mark.
	rec.Reset()
	c, e := newTestPair(t, Config{Names: [2]string{"c0", "e0"}, Bus: &bus})
	c.SetUp(true)
	e.SetUp(true)
	c.SetReceiver(&frameRecorder{})
	e.SetReceiver(&frameRecorder{})
	if err := c.Transmit(newPkt(f)); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Filter(trace.Queued)); n != 0 {
		t.Errorf("a bridge port marked %d frames", n)
	}
}
