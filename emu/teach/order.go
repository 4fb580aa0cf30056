package teach

import (
	"container/heap"
	"slices"
	"time"

	"github.com/nsemu/nsemu/emu/trace"
)

// Why lines need ordering, and how.
//
// Events reach the narrator from many goroutines at once: each bridge's,
// each device's receive loop, the programs' goroutines, gVisor's timers.
// Their arrival order respects cause and effect (an event is emitted before
// what it causes), but among events that do not cause each other it is a
// race: after a bridge floods an ARP request, the three namespaces that get
// it narrate in whatever order their goroutines run. So the narrator keeps
// the events of a batch — everything up to a moment the world is idle, when
// no frame is in flight — and prints them in an order that depends only on
// what happened, not on the race:
//
//   - Each event belongs to a lane, a place that does one thing at a time:
//     a namespace (its stack's events, and the frames it receives), or a
//     bridge (the frames it takes and its decisions). Within a lane,
//     arrival order is the order things happened there.
//   - Frames link lanes: the moment a namespace's device sends a frame
//     (trace.Queued) comes before the frame's arrival at the other end;
//     a bridge's decision to forward or flood comes before the frame's
//     arrival at each port's other end. The two are matched by wire and by
//     the frame's hash, first come first matched (a wire keeps its order).
//   - An event's origin is the lane whose doing it follows from: a linked
//     frame's origin, else its lane predecessor's, else its own lane. Its
//     depth counts the frames between it and the batch's start: its lane
//     predecessor's depth, or one more than a linked frame's.
//   - Among the events whose predecessors are printed, the next is the one
//     of least origin, then depth, then lane name, then arrival in its
//     lane: two exchanges that a race started together are told one after
//     the other; a flood is told port by port, then what each namespace
//     did with it.
//
// A namespace that does two things at once (a program sending while a
// frame is delivered) can still race within its lane; nsemu's scenarios
// do one thing at a time, and the golden tests check that their
// narrations repeat.

// rec is one event the narrator keeps, and its place in the order.
type rec struct {
	e    *trace.Event
	wall time.Time // when it arrived, on the wall clock
	// jumped is the world clock's Jumped as it arrived (noJumps without
	// a world).
	jumped time.Duration
	idx    int // arrival in the batch
	lane   string
	// hash is trace.HashFrame of a frame event's bytes (0 otherwise).
	hash uint64
	// sent is, for a Queued mark, the FrameSent it announced; quiet marks
	// a FrameSent told at its mark instead.
	sent  *rec
	quiet bool
	// prev is the lane predecessor; links the frames that lead here.
	prev   *rec
	links  []*rec
	depth  int
	origin string
	// succ and waits drive the ordering.
	succ  []*rec
	waits int
}

// isBridgeEvent reports whether e is a bridge's decision (emitted by the
// bridge's goroutine, Dev the bridge).
func isBridgeEvent(e *trace.Event) bool {
	switch e.Kind {
	case trace.Learned, trace.Moved, trace.Aged, trace.Flooded, trace.Forwarded:
		return true
	case trace.Dropped:
		return e.Port != ""
	}
	return false
}

// order returns batch (in arrival order) in the narration's order.
func order(batch []*rec) []*rec {
	bySeq := make(map[uint64]*rec, len(batch))
	caused := map[uint64][]*rec{}
	for i, r := range batch {
		r.idx = i
		bySeq[r.e.Seq] = r
		if r.e.Cause != 0 {
			caused[r.e.Cause] = append(caused[r.e.Cause], r)
		}
	}
	for _, r := range batch {
		r.lane = laneOf(r, caused)
	}
	last := map[string]*rec{}
	for _, r := range batch {
		r.prev = last[r.lane]
		last[r.lane] = r
	}
	linkFrames(batch, bySeq)
	for _, r := range batch {
		r.origin = r.lane
		if r.prev != nil {
			r.depth, r.origin = r.prev.depth, r.prev.origin
		}
		for i, l := range r.links {
			r.depth = max(r.depth, l.depth+1)
			if i == 0 || l.origin < r.origin {
				r.origin = l.origin
			}
		}
	}
	return kahn(batch)
}

// laneOf names the lane of r: "ns1" for a namespace, "bridge host/vbridge"
// for a bridge.
func laneOf(r *rec, caused map[uint64][]*rec) string {
	e := r.e
	bridgeOf := func(seq uint64) (string, bool) {
		for _, c := range caused[seq] {
			if isBridgeEvent(c.e) {
				return "bridge " + c.e.NS + "/" + c.e.Dev, true
			}
		}
		return "", false
	}
	switch {
	case isBridgeEvent(e):
		return "bridge " + e.NS + "/" + e.Dev
	case e.Kind == trace.FrameReceived && e.Bridged:
		if l, ok := bridgeOf(e.Seq); ok {
			return l
		}
		return "port " + e.NS + "/" + e.Dev
	case e.Kind == trace.FrameSent:
		// The receiving side emitted it: its lane.
		for _, c := range caused[e.Seq] {
			if c.e.Kind == trace.FrameReceived {
				if c.e.Bridged {
					if l, ok := bridgeOf(c.e.Seq); ok {
						return l
					}
					return "port " + c.e.NS + "/" + c.e.Dev
				}
				return c.e.NS
			}
		}
		if l, ok := bridgeOf(e.Seq); ok {
			return l // the bridge's own interface: only the bridge side
		}
	}
	return e.NS
}

// linkFrames links each frame's arrival to its sending: a Queued mark to
// the FrameSent it announced, a bridge's decision to the frames it put on
// its ports.
func linkFrames(batch []*rec, bySeq map[uint64]*rec) {
	marks := map[string][]*rec{}   // Queued marks waiting, by sending device
	bridged := map[string][]*rec{} // bridge decisions waiting, by port
	for _, r := range batch {
		e := r.e
		switch {
		case e.Kind == trace.Queued:
			k := e.NS + "/" + e.Dev
			marks[k] = append(marks[k], r)
		case e.Kind == trace.Forwarded:
			k := e.NS + "/" + e.Port
			bridged[k] = append(bridged[k], r)
		case e.Kind == trace.Flooded:
			for _, p := range e.Ports {
				k := e.NS + "/" + p
				bridged[k] = append(bridged[k], r)
			}
		case e.Kind == trace.FrameSent && !e.Bridged:
			if m := take(marks, e.NS+"/"+e.Dev, r.hash, func(m *rec) uint64 { return m.e.Hash }); m != nil {
				m.sent, r.quiet = r, true
				r.links = append(r.links, m)
			}
		case e.Kind == trace.FrameSent || (e.Kind == trace.FrameReceived && e.Cause == 0 && !e.Bridged):
			// Sent by a bridge port, or received from the bridge's own
			// side (which does not emit its sending).
			hashOf := func(d *rec) uint64 {
				if c := bySeq[d.e.Cause]; c != nil {
					return c.hash
				}
				return 0
			}
			if d := take(bridged, e.NS+"/"+e.Dev, r.hash, hashOf); d != nil {
				r.links = append(r.links, d)
			}
		}
	}
}

// take removes and returns the first rec of q[k] whose hash is h (or
// unknown: 0).
func take(q map[string][]*rec, k string, h uint64, hashOf func(*rec) uint64) *rec {
	list := q[k]
	for i, c := range list {
		if ch := hashOf(c); ch == 0 || h == 0 || ch == h {
			q[k] = slices.Delete(list, i, i+1)
			return c
		}
	}
	return nil
}

// kahn sorts the batch topologically, least (origin, depth, lane,
// arrival) first.
func kahn(batch []*rec) []*rec {
	for _, r := range batch {
		r.succ, r.waits = r.succ[:0], 0
	}
	for _, r := range batch {
		if r.prev != nil {
			r.prev.succ = append(r.prev.succ, r)
			r.waits++
		}
		for _, l := range r.links {
			l.succ = append(l.succ, r)
			r.waits++
		}
	}
	var ready recHeap
	for _, r := range batch {
		if r.waits == 0 {
			ready = append(ready, r)
		}
	}
	heap.Init(&ready)
	out := make([]*rec, 0, len(batch))
	for ready.Len() > 0 {
		r := heap.Pop(&ready).(*rec)
		out = append(out, r)
		for _, s := range r.succ {
			if s.waits--; s.waits == 0 {
				heap.Push(&ready, s)
			}
		}
	}
	return out
}

// recHeap orders ready events by origin, depth, lane, then arrival.
type recHeap []*rec

func (h recHeap) Len() int { return len(h) }
func (h recHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.origin != b.origin {
		return a.origin < b.origin
	}
	if a.depth != b.depth {
		return a.depth < b.depth
	}
	if a.lane != b.lane {
		return a.lane < b.lane
	}
	return a.idx < b.idx
}
func (h recHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *recHeap) Push(x any)   { *h = append(*h, x.(*rec)) }
func (h *recHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}
