// Package trace defines the one event type that every observer of the
// emulated network shares: capture, the narrated trace, step-by-step teaching
// and tests all see frames and decisions only through an Event.
//
// The package is a leaf (standard library only) so that every layer of the
// data path can emit events without import cycles.
//
// Ownership: an Event, and the Frame bytes it points to, belong to the emitter
// and are valid only for the duration of Sink.Emit. A sink that keeps anything
// must copy it (Event.Clone does).
package trace

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind says what happened.
type Kind uint8

// The kinds of events.
const (
	// FrameSent: a frame left a device (Dev) onto its wire.
	FrameSent Kind = iota + 1
	// FrameReceived: a frame arrived at a device from its wire.
	FrameReceived
	// Learned: a bridge learned MAC on Port (a new CAM entry).
	Learned
	// Moved: a bridge's CAM entry for MAC moved from OldPort to Port.
	Moved
	// Aged: a CAM entry for MAC on Port aged out.
	Aged
	// Flooded: a bridge flooded a frame to Ports (broadcast, multicast or CAM miss).
	Flooded
	// Forwarded: a bridge forwarded a frame to Port after a CAM hit.
	Forwarded
	// Dropped: a frame or packet was dropped; Reason says why.
	Dropped
	// NeighChanged: a neighbour entry Addr changed to State (MAC when known).
	NeighChanged
	// RouteDecision: a namespace chose a route for Addr; Reason describes it.
	RouteDecision
	// NATRewrite: a namespace rewrote an address; Reason describes it.
	NATRewrite
	// Queued: a namespace's device (NS/Dev) put a frame on its wire. It
	// carries no bytes, only Len and Hash (HashFrame of the frame): the
	// frame's FrameSent event, emitted when the other side takes it, has
	// them. It marks the moment of sending among the namespace's other
	// events, which narration orders by (see emu/teach).
	Queued
)

var kindNames = [...]string{
	FrameSent:     "sent",
	FrameReceived: "received",
	Learned:       "learned",
	Moved:         "moved",
	Aged:          "aged",
	Flooded:       "flooded",
	Forwarded:     "forwarded",
	Dropped:       "dropped",
	NeighChanged:  "neighbour",
	RouteDecision: "route",
	NATRewrite:    "nat",
	Queued:        "queued",
}

// String returns a short lower-case name for the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Event is one thing that happened in the emulated network.
type Event struct {
	Kind Kind
	// Time is the emulator clock's time of the event.
	Time time.Time
	// NS is the namespace where it happened ("host" for the root namespace).
	NS string
	// Dev is the device: the tap point for frame events, the bridge for
	// bridge events.
	Dev string
	// Port is the bridge port involved (learned on, forwarded to).
	Port string
	// OldPort is the port a moved CAM entry was on before.
	OldPort string
	// Ports are the ports a frame was flooded to.
	Ports []string
	// MAC is the hardware address the event is about, "aa:bb:cc:dd:ee:ff".
	MAC string
	// Addr is the IP address the event is about.
	Addr string
	// State is a neighbour state (REACHABLE, STALE, ...).
	State string
	// Reason explains a drop, a route decision or a NAT rewrite.
	Reason string
	// Frame holds the frame's bytes (from the Ethernet header) for frame
	// events when the bus wants frames. Valid only during Emit.
	Frame []byte
	// Len is the frame's length in bytes, also when Frame is nil.
	Len int
	// Bridged marks frame events at a bridge port: the frame is switched
	// there, not handled by a namespace's stack.
	Bridged bool
	// Sync marks events emitted on a goroutine nsemu owns (a veth's receive
	// loop, a bridge): a sink may block there (step-through). Events without
	// it come from inside gVisor or a caller's goroutine, and a sink must
	// never block on them.
	Sync bool
	// Seq numbers the events of a bus in the order Emit was called; Bus.Emit
	// sets it. Events on one goroutine have increasing Seqs; events of
	// different goroutines interleave in no fixed order.
	Seq uint64
	// Cause is the Seq of the event this one follows from on the same
	// goroutine, 0 when none is known: a frame's FrameReceived names its
	// FrameSent, a bridge's decision the frame it decided on.
	Cause uint64
	// Hash identifies a Queued frame: HashFrame of its bytes.
	Hash uint64
}

// HashFrame hashes the first bytes of a frame given as slices (FNV-1a over
// at most hashBytes bytes, and the length): enough to tell a frame from
// the others on the same wire at the same moment. A Queued event's Hash
// and HashFrame of the bytes of the matching FrameSent agree.
func HashFrame(n int, parts ...[]byte) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	left := hashBytes
	for _, p := range parts {
		if len(p) > left {
			p = p[:left]
		}
		for _, c := range p {
			h = (h ^ uint64(c)) * prime
		}
		left -= len(p)
		if left == 0 {
			break
		}
	}
	return (h ^ uint64(n)) * prime
}

// hashBytes is how many bytes of a frame HashFrame reads: the Ethernet,
// IPv4 and transport headers of most frames, with the IP ID and checksums
// that tell two similar packets apart.
const hashBytes = 64

// Clone returns a deep copy of e that the caller may keep.
func (e *Event) Clone() *Event {
	c := *e
	if e.Frame != nil {
		c.Frame = append([]byte(nil), e.Frame...)
	}
	if e.Ports != nil {
		c.Ports = append([]string(nil), e.Ports...)
	}
	return &c
}

// String renders the event on one line, for logs and test failures.
func (e *Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s/%s", e.Kind, e.NS, e.Dev)
	for _, kv := range [][2]string{
		{"port", e.Port}, {"old", e.OldPort}, {"ports", strings.Join(e.Ports, ",")},
		{"mac", e.MAC}, {"addr", e.Addr}, {"state", e.State}, {"reason", e.Reason},
	} {
		if kv[1] != "" {
			fmt.Fprintf(&b, " %s=%s", kv[0], kv[1])
		}
	}
	if e.Len > 0 {
		fmt.Fprintf(&b, " len=%d", e.Len)
	}
	return b.String()
}

// Sink receives events. Emit is called synchronously on the goroutine where
// the event happened (a veth's receive loop, a bridge, a stack's goroutine):
// it must not block for long, and must copy what it keeps.
type Sink interface {
	Emit(e *Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(e *Event)

// Emit implements Sink.
func (f SinkFunc) Emit(e *Event) { f(e) }

// FrameSink is implemented by sinks that need the bytes of frames (capture,
// step-through). While such a sink is attached, the data path cuts large
// segments into MTU-sized frames and fills Event.Frame.
type FrameSink interface {
	Sink
	WantsFrames() bool
}

// Bus fans events out to the attached sinks. The zero value is ready to use;
// Emit on a bus with no sinks costs one atomic load.
type Bus struct {
	// mu serialises Attach and detach, which copy the sink list (and ask
	// each sink WantsFrames under it). Emit takes no lock: a sink runs
	// with whatever locks its emitter holds — gVisor's own, for events not
	// marked Sync — so a sink must not take a lock that is held while
	// calling into gVisor, nor block on one.
	mu     sync.Mutex
	sinks  atomic.Pointer[[]*attachment]
	frames atomic.Bool
	seq    atomic.Uint64
}

// attachment is one Attach call. Detach finds it by pointer identity: sinks
// themselves need not be comparable (a SinkFunc is not), and the same sink
// attached twice is two attachments.
type attachment struct{ s Sink }

// Attach adds a sink. It returns a function that detaches it.
func (b *Bus) Attach(s Sink) (detach func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var cur []*attachment
	if p := b.sinks.Load(); p != nil {
		cur = *p
	}
	a := &attachment{s}
	next := append(append([]*attachment(nil), cur...), a)
	b.store(next)
	var once sync.Once
	return func() { once.Do(func() { b.detach(a) }) }
}

func (b *Bus) detach(a *attachment) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.sinks.Load()
	if p == nil {
		return
	}
	var next []*attachment
	for _, x := range *p {
		if x != a {
			next = append(next, x)
		}
	}
	b.store(next)
}

func (b *Bus) store(sinks []*attachment) {
	wants := false
	for _, a := range sinks {
		if fs, ok := a.s.(FrameSink); ok && fs.WantsFrames() {
			wants = true
		}
	}
	if len(sinks) == 0 {
		b.sinks.Store(nil)
	} else {
		b.sinks.Store(&sinks)
	}
	b.frames.Store(wants)
}

// Refresh asks the attached sinks again whether they want frames: a sink
// whose answer changes (a step-through turned on) calls it.
func (b *Bus) Refresh() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var cur []*attachment
	if p := b.sinks.Load(); p != nil {
		cur = *p
	}
	b.store(cur)
}

// Enabled reports whether any sink is attached. Emitters use it to skip
// building events nobody reads.
func (b *Bus) Enabled() bool {
	return b != nil && b.sinks.Load() != nil
}

// WantsFrames reports whether an attached sink needs real frames.
func (b *Bus) WantsFrames() bool {
	return b != nil && b.frames.Load()
}

// Emit numbers e (Event.Seq) and delivers it to every attached sink, in
// attach order.
func (b *Bus) Emit(e *Event) {
	if b == nil {
		return
	}
	p := b.sinks.Load()
	if p == nil {
		return
	}
	e.Seq = b.seq.Add(1)
	for _, a := range *p {
		a.s.Emit(e)
	}
}

// Recorder is a Sink that keeps a copy of every event; for tests.
type Recorder struct {
	mu     sync.Mutex
	events []*Event
	// Frames makes the recorder a FrameSink that asks for frame bytes.
	Frames bool
}

// Emit implements Sink.
func (r *Recorder) Emit(e *Event) {
	c := e.Clone()
	r.mu.Lock()
	r.events = append(r.events, c)
	r.mu.Unlock()
}

// WantsFrames implements FrameSink.
func (r *Recorder) WantsFrames() bool { return r.Frames }

// Events returns a copy of the recorded events.
func (r *Recorder) Events() []*Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Event(nil), r.events...)
}

// Reset forgets the recorded events.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
}

// Filter returns the recorded events of the given kind.
func (r *Recorder) Filter(k Kind) []*Event {
	var out []*Event
	for _, e := range r.Events() {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}
