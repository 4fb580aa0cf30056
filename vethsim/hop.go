package vethsim

import (
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Hops holds the frames on their way across a pair with a hop delay
// (Config.HopDelay): a frame waits for its arrival in a clock timer, and a
// world that closes drops its clock's timers, so it releases what is still
// on the way with Release. Its lock is a leaf.
type Hops struct {
	mu     sync.Mutex
	frames map[*stack.PacketBuffer]struct{}
	closed bool
}

// After has arrive(pkt) called d from now on clock, taking ownership of
// pkt: arrive then owns it. If the set is released first, pkt is released
// instead.
func (h *Hops) After(clock tcpip.Clock, d time.Duration, pkt *stack.PacketBuffer, arrive func(*stack.PacketBuffer)) {
	if !h.put(pkt) {
		pkt.DecRef()
		return
	}
	clock.AfterFunc(d, func() {
		if h.take(pkt) {
			arrive(pkt)
		}
	})
}

// put records a frame that set off; false when the set is released (the
// caller drops the frame).
func (h *Hops) put(pkt *stack.PacketBuffer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	if h.frames == nil {
		h.frames = map[*stack.PacketBuffer]struct{}{}
	}
	h.frames[pkt] = struct{}{}
	return true
}

// take removes a frame that arrived; false when Release took it first.
func (h *Hops) take(pkt *stack.PacketBuffer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.frames[pkt]; !ok {
		return false
	}
	delete(h.frames, pkt)
	return true
}

// Release drops every frame still on its way, and any sent later. It is
// safe on a nil *Hops.
func (h *Hops) Release() {
	if h == nil {
		return
	}
	h.mu.Lock()
	rest := h.frames
	h.frames, h.closed = nil, true
	h.mu.Unlock()
	for pkt := range rest {
		pkt.DecRef()
	}
}
