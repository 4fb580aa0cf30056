// Package teach turns the emulator's events into teaching: a narrated trace
// (one plain-language line per frame at each hop, per bridge decision,
// neighbour change, route and NAT decision, and the reason wherever a
// packet is lost) and, in step.go, step-by-step execution that pauses
// before every event.
package teach

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/trace"
)

// Categories of narration, as --explain=arp,icmp,... selects.
var Categories = []string{"arp", "icmp", "tcp", "udp", "dns", "cam", "route", "nat", "drop"}

// ParseCategories parses "arp,cam" (empty or "all" means every category).
func ParseCategories(s string) (map[string]bool, error) {
	out := map[string]bool{}
	if s == "" || s == "all" {
		for _, c := range Categories {
			out[c] = true
		}
		return out, nil
	}
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		ok := false
		for _, k := range Categories {
			if c == k {
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown --explain category %q (want some of %s)", c, strings.Join(Categories, ","))
		}
		out[c] = true
	}
	return out, nil
}

// Narrator is a trace.Sink that tells what happens, one line per event it
// explains, in an order that follows cause and effect and repeats from run
// to run (see order.go).
//
// It never blocks the data path: Emit copies the event (and at most
// keepBytes of its frame) into a bounded queue — beyond maxQueued events
// it counts and drops them — and the narrator's own goroutine, or Flush,
// orders and writes them. A world narrator (NewWorldNarrator) writes a
// batch once the world is idle (no frame in flight, no timer running), so
// that a batch holds whole exchanges; one without a world writes what came
// whenever its goroutine wakes.
type Narrator struct {
	cats    map[string]bool
	world   *emu.World
	dropped atomic.Int64

	// OnLine, when set, gets every line as it is told, with the event it
	// tells (the web view's timeline). It runs on the goroutine that tells
	// (the narrator's, or Flush's caller) with the narrator's lock held:
	// it must not block. Set it before attaching the narrator.
	OnLine func(Line)

	// qmu guards queue and closed. Emit takes only qmu, for a moment: it
	// may run inside gVisor, with its locks held.
	qmu    sync.Mutex
	queue  []*rec
	closed bool
	wake   chan struct{}
	done   chan struct{}

	// wmu makes taking a batch off the queue and telling it one step, so
	// that the goroutine and Flush never reorder lines; it guards story.
	// It is ordered above qmu and held across the writes to w and the
	// world's locks (routes, for the reply-has-no-route-back check).
	wmu   sync.Mutex
	w     io.Writer
	story *story

	// emulated: the world runs on purely emulated time; the narrator then
	// tells a batch at each of its quiescent moments (unhook ends that),
	// never at moments the wall clock picks, so the lines come out the
	// same on every run.
	emulated bool
	unhook   func()
}

// Line is a told line with what it tells, for OnLine.
type Line struct {
	Cat, Subject, Text string
	// Seq is the bus's number of the event the line tells (0 for what is
	// owed at the end); NS, Dev and Time are that event's.
	Seq     uint64
	NS, Dev string
	Time    time.Time
	// Frame is the Seq of the event whose frame the line describes (0
	// when none).
	Frame uint64
}

// Limits of the narrator's queue.
const (
	// maxQueued events wait at most; more are dropped and counted.
	maxQueued = 1 << 15
	// forceBatch events make a batch even if the world is not idle (a
	// bulk transfer): the order within it may then vary.
	forceBatch = 1 << 13
	// keepBytes of a frame are kept: every header, and a DNS message.
	keepBytes = 600
	// idleLooks in a row, idleTick apart, make the world idle.
	idleLooks = 3
	idleTick  = 200 * time.Microsecond
	// flushWait bounds how long Flush waits for the world to be idle;
	// it looks every flushPoll. The world is busy then with what the
	// program's output may follow from (a flood's last branch on a loaded
	// machine): the wait ends as soon as it is done.
	flushWait = 50 * time.Millisecond
	flushPoll = 20 * time.Microsecond
	// idleGap is the jump of the emulated clock between two events that
	// cuts a batch (see splitAtGaps): a program's or protocol's timers
	// wait 200 ms and more.
	idleGap = time.Millisecond
)

// NewNarrator narrates the given categories to w.
func NewNarrator(w io.Writer, cats map[string]bool) *Narrator {
	return NewWorldNarrator(nil, w, cats)
}

// NewWorldNarrator narrates world's events in the given categories to w: it
// orders each batch of events at the moments world is idle, and reads the
// world's routes to tell when a reply has no route back.
func NewWorldNarrator(world *emu.World, w io.Writer, cats map[string]bool) *Narrator {
	n := &Narrator{cats: cats, world: world, w: w, wake: make(chan struct{}, 1), done: make(chan struct{}),
		story: newStory(world, cats), unhook: func() {}}
	if world != nil && world.EmulatedTime() {
		n.emulated = true
		n.unhook = world.OnQuiescent(n.tell)
	}
	go n.run()
	return n
}

// run writes the batches until Close. A world that never goes idle (a
// transfer still running) does not keep it from closing: Close writes
// what is left.
func (n *Narrator) run() {
	defer close(n.done)
	for range n.wake {
		for !n.tryBatch() && !n.isClosed() {
			time.Sleep(idleTick)
		}
	}
}

func (n *Narrator) isClosed() bool {
	n.qmu.Lock()
	defer n.qmu.Unlock()
	return n.closed
}

// tryBatch writes the queued events as a batch if the world is idle (or
// the queue long); it reports false when it should look again.
func (n *Narrator) tryBatch() bool {
	if n.queued() == 0 || n.emulated {
		// On emulated time the world's quiescent moments tell (tell).
		return true
	}
	if n.world != nil && n.queued() < forceBatch && !n.idle(idleLooks) {
		return false
	}
	n.Flush()
	return true
}

// idle reports whether the world is idle for looks looks in a row.
func (n *Narrator) idle(looks int) bool {
	for i := 0; i < looks; i++ {
		if !n.world.Idle() {
			return false
		}
		if i < looks-1 {
			time.Sleep(idleTick)
		}
	}
	return true
}

func (n *Narrator) queued() int {
	n.qmu.Lock()
	defer n.qmu.Unlock()
	return len(n.queue)
}

// Flush writes the events queued so far, in the caller's goroutine, once
// the world is idle (waiting at most flushWait). The shell calls it before
// printing a command's output, so that narration and output interleave in
// the order things happened. It must not be called on the data path.
//
// It waits no longer than it must: the clock may jump ahead while the world
// is idle (emu.World.Warp), and the caller — a program printing — is not
// part of the world's idleness.
func (n *Narrator) Flush() {
	switch {
	case n.emulated:
		// Purely emulated time: the next quiescent moment, when the
		// driver has told what led here (tell).
		n.world.Settle()
	case n.world != nil:
		deadline := time.Now().Add(flushWait)
		for n.queued() > 0 && !n.world.Idle() && time.Now().Before(deadline) {
			time.Sleep(flushPoll)
		}
	}
	n.tell()
}

// tell writes the events queued so far, at once.
func (n *Narrator) tell() {
	n.wmu.Lock()
	defer n.wmu.Unlock()
	n.qmu.Lock()
	batch := n.queue
	n.queue = nil
	n.qmu.Unlock()
	if len(batch) > 0 && n.world != nil {
		// The clock must not jump ahead while the lines are written: the
		// program about to print waits for them.
		defer n.world.Hold()()
	}
	n.story.onLine = n.OnLine
	sortDeletions(batch)
	for _, part := range splitAtGaps(batch) {
		for _, l := range n.story.tell(order(part)) {
			io.WriteString(n.w, l)
		}
	}
}

// sortDeletions puts each run of neighbour deletions of one device (a
// device or a namespace going away) in the order of their addresses:
// gVisor removes them walking a map, in an order that changes from run to
// run.
func sortDeletions(batch []*rec) {
	deletion := func(r *rec) bool { return r.e.Kind == trace.NeighChanged && r.e.State == "DELETED" }
	for i := 0; i < len(batch); {
		j := i + 1
		for j < len(batch) && deletion(batch[i]) && deletion(batch[j]) && batch[j].e.NS == batch[i].e.NS && batch[j].e.Dev == batch[i].e.Dev {
			j++
		}
		if j-i > 1 {
			slices.SortStableFunc(batch[i:j], func(a, b *rec) int { return compareAddrs(a.e.Addr, b.e.Addr) })
		}
		i = j
	}
}

// compareAddrs orders two addresses in text, as numbers when both parse.
func compareAddrs(a, b string) int {
	x, errx := netip.ParseAddr(a)
	y, erry := netip.ParseAddr(b)
	if errx != nil || erry != nil {
		return strings.Compare(a, b)
	}
	return x.Compare(y)
}

// noJumps marks a rec whose narrator has no world, hence no clock to ask.
const noJumps = time.Duration(-1)

// splitAtGaps cuts a batch (in arrival order) where the emulated clock
// jumped ahead between two events (emu.World.Warp, while the world was
// idle): an exchange that a timer started after the world went quiet (a
// ping's next probe) is a batch of its own, whether or not the narrator saw
// the quiet moment. A gap the wall clock took too (a goroutine that a
// loaded machine did not run for a while) is no cut: frames were in flight.
//
// With a world, the clock's own count of its jumps tells (Clock.Jumped,
// read as each event arrives). Without one, the event's time against the
// wall clock's at its arrival does; a goroutine held up between stamping
// an event and handing it over then looks like a jump.
func splitAtGaps(batch []*rec) [][]*rec {
	var parts [][]*rec
	start := 0
	for i := 1; i < len(batch); i++ {
		a, b := batch[i-1], batch[i]
		jump := b.e.Time.Sub(a.e.Time) - b.wall.Sub(a.wall)
		if a.jumped != noJumps {
			jump = b.jumped - a.jumped
		}
		if jump >= idleGap {
			parts = append(parts, batch[start:i])
			start = i
		}
	}
	if start < len(batch) {
		parts = append(parts, batch[start:])
	}
	return parts
}

// Dropped returns how many events were dropped because the queue was full.
func (n *Narrator) Dropped() int64 { return n.dropped.Load() }

// WantsFrames implements trace.FrameSink: the lines describe frames.
func (n *Narrator) WantsFrames() bool { return true }

// Close writes out the events still queued, what the narration still owes
// (the data of TCP connections still open), and how many events it
// dropped; it stops the goroutine.
func (n *Narrator) Close() {
	n.qmu.Lock()
	if n.closed {
		n.qmu.Unlock()
		return
	}
	n.closed = true
	close(n.wake)
	n.qmu.Unlock()
	<-n.done
	n.Flush()
	n.unhook()
	n.wmu.Lock()
	defer n.wmu.Unlock()
	n.story.onLine = n.OnLine
	for _, l := range n.story.finish() {
		io.WriteString(n.w, l)
	}
	if d := n.dropped.Load(); d > 0 {
		fmt.Fprintf(n.w, "(narration: %d events dropped: the narrator fell behind)\n", d)
	}
}

// Emit implements trace.Sink: it copies e into the queue, never blocking.
func (n *Narrator) Emit(e *trace.Event) {
	if !n.keeps(e) {
		return
	}
	r := &rec{e: clip(e), wall: time.Now(), jumped: noJumps}
	if n.world != nil {
		r.jumped = n.world.Clock().Jumped()
	}
	if e.Frame != nil {
		r.hash = trace.HashFrame(e.Len, e.Frame)
	}
	n.qmu.Lock()
	defer n.qmu.Unlock()
	if n.closed || len(n.queue) >= maxQueued {
		n.dropped.Add(1)
		return
	}
	n.queue = append(n.queue, r)
	if len(n.queue) == 1 || len(n.queue) == forceBatch {
		select {
		case n.wake <- struct{}{}:
		default:
		}
	}
}

// keeps reports whether e may be told or orders what is: every kind but
// those the narration does not know.
func (n *Narrator) keeps(e *trace.Event) bool {
	return e.Kind >= trace.FrameSent && e.Kind <= trace.Queued
}

// clip copies e, keeping at most keepBytes of its frame.
func clip(e *trace.Event) *trace.Event {
	c := *e
	if e.Frame != nil {
		c.Frame = append([]byte(nil), e.Frame[:min(len(e.Frame), keepBytes)]...)
	}
	if e.Ports != nil {
		c.Ports = append([]string(nil), e.Ports...)
	}
	return &c
}

// Subject is the narrated line's first column: "ns1 veth-1" for a device,
// "vbridge" for a bridge of the host ("ns9 br0" elsewhere), "ns1" for a
// namespace.
func Subject(e *trace.Event) string {
	switch e.Kind {
	case trace.Learned, trace.Moved, trace.Aged, trace.Flooded, trace.Forwarded:
		if e.NS == "host" {
			return e.Dev
		}
		return e.NS + " " + e.Dev
	case trace.FrameSent, trace.FrameReceived, trace.Queued:
		return e.NS + " " + e.Dev
	case trace.Dropped:
		if e.Dev != "" && e.Port == "" {
			return e.NS + " " + e.Dev
		}
		if e.Port != "" {
			return e.Dev
		}
	}
	return e.NS
}

// Explain returns the category of an event and its plain-language
// description on its own ("" when it is not narrated): a frame as seen at
// its tap point, a bridge's decision without the frame it decided on.
// The Narrator tells more, from the events around it.
func Explain(e *trace.Event) (cat, text string) {
	switch e.Kind {
	case trace.FrameSent, trace.FrameReceived:
		if e.Bridged {
			return "", ""
		}
		fi := decodeFrame(e.Frame)
		if fi.cat == "" {
			return "", ""
		}
		return fi.cat, arrow(e.Kind) + " " + fi.text
	case trace.Learned:
		return "cam", fmt.Sprintf("learns %s on %s (new entry)", e.MAC, e.Port)
	case trace.Moved:
		return "cam", fmt.Sprintf("moves %s from %s to %s", e.MAC, e.OldPort, e.Port)
	case trace.Aged:
		return "cam", fmt.Sprintf("forgets %s on %s (aged out)", e.MAC, e.Port)
	case trace.Flooded:
		return "cam", floodText(e, "")
	case trace.Forwarded:
		return "cam", forwardText(e, "")
	case trace.NeighChanged:
		return "arp", neighText(e, 0)
	case trace.RouteDecision:
		return "route", e.Reason
	case trace.NATRewrite:
		return "nat", e.Reason
	case trace.Dropped:
		return "drop", dropText(e)
	}
	return "", ""
}

func arrow(k trace.Kind) string {
	if k == trace.FrameReceived {
		return "←"
	}
	return "→"
}
