package vethsim

import (
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// emitQueued marks the moment a namespace's device puts a frame on its
// wire (trace.Queued), on the sender's goroutine, before the frame is
// queued at the peer. The peer's side reports the frame itself (FrameSent,
// FrameReceived) when it takes it, maybe much later and after other events
// of the sender: narration matches the two by wire and Hash to tell what
// the sender did in which order.
//
// A bridge's port and the bridge's side of its own interface do not mark:
// the bridge's Forwarded and Flooded events are its sending moments. It
// costs one atomic load when nobody watches; it never blocks.
func (e *End) emitQueued(pkt *stack.PacketBuffer) {
	if e.hidden || !e.bus.Enabled() || e.receiver.Load() != nil {
		return
	}
	ev := trace.Event{Kind: trace.Queued, Time: e.now(), NS: e.Namespace(), Dev: e.Name(), Len: pkt.Size()}
	if e.bus.WantsFrames() {
		size := pkt.Data().Size()
		if head, ok := pkt.Data().PullUp(min(size, 64)); ok {
			ev.Hash = trace.HashFrame(pkt.Size(), head)
		}
	}
	e.bus.Emit(&ev)
}
