package stack

import "sync"

// wakeHold counts a program that waits for answers (ping) as work in
// progress while it runs: from its start, and from each wake-up, until it
// blocks again.
//
// The warp (emu.World.Warp) jumps the clock when no frame is in flight, no
// timer function runs and no program is awake. A program woken by a frame's
// delivery or by a timer is runnable then, but nothing else counts it: the
// delivery and the timer are over, and under load the program may wait a
// while for a thread. A jump in that gap lands in what it measures (a
// reply read 1 s late reads as time=1000 ms; a probe sent after a jump
// to the neighbour's 5 s timer makes "time 6001ms"). So the waker takes
// the hold in its own counted context, and the program lets it go only
// when it blocks (park) or ends (close).
type wakeHold struct {
	hold func() (release func())
	// mu guards the fields below; a leaf.
	mu sync.Mutex
	// gen numbers the waits: a wake from an earlier one (its timer
	// firing as it ended) takes no hold.
	gen     uint64
	release func()
	closed  bool
}

// start counts the program as running; hold is emu.World.Awake, or nil for
// a program nothing needs to count.
func (h *wakeHold) start(hold func() (release func())) {
	h.hold = hold
	h.resume()
}

// arm starts a wait and returns its number, for wake.
func (h *wakeHold) arm() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gen++
	return h.gen
}

// wake counts the program as running again, if gen is its current wait.
// The caller must be counted itself (a frame's delivery, a timer
// function), so that the count never drops to zero in between.
func (h *wakeHold) wake(gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if gen == h.gen {
		h.takeLocked()
	}
}

// park lets the hold go: the program is about to block in its wait.
func (h *wakeHold) park() {
	h.mu.Lock()
	r := h.release
	h.release = nil
	h.mu.Unlock()
	if r != nil {
		r()
	}
}

// resume ends the current wait: the program runs, held.
func (h *wakeHold) resume() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gen++
	h.takeLocked()
}

// close lets the hold go for good.
func (h *wakeHold) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.park()
}

func (h *wakeHold) takeLocked() {
	if h.release == nil && !h.closed && h.hold != nil {
		h.release = h.hold()
	}
}
