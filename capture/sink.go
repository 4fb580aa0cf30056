package capture

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu/trace"
)

// Sink is a trace.Sink that writes every frame event to a pcapng Writer:
// one interface per tap point ("NAMESPACE/DEVICE"), outbound for
// FrameSent, inbound for FrameReceived. The decision behind a frame becomes
// its packet comment (see Decisions).
//
// Emit never waits for the file: it copies the frame into a bounded queue
// (MaxQueued bytes) that the sink's own goroutine writes out. When the
// writer falls behind and the queue is full, frames are dropped and counted
// (Dropped), as tcpdump counts what its buffer could not hold. Close drains
// the queue and stops the goroutine.
type Sink struct {
	w    *Writer
	only map[string]bool
	dec  Decisions

	// mu guards seen, err, the queue and its accounting. It is never
	// held with the Writer's lock, nor with dec's.
	mu      sync.Mutex
	seen    map[string]bool // the tap points frames were seen at
	err     error
	queue   []record
	queued  int // bytes in queue
	dropped uint64
	closed  bool
	wake    chan struct{} // one token: the queue has records
	done    chan struct{} // the writer goroutine has ended
}

// MaxQueued bounds the bytes of frames a Sink holds for its writer.
const MaxQueued = 16 << 20

// record is a frame waiting for the writer.
type record struct {
	tap     string
	ts      time.Time
	dir     Direction
	frame   []byte
	comment string
}

// NewSink captures to w. only restricts the tap points ("ns1/veth-1"); empty
// means all.
func NewSink(w *Writer, only []string) *Sink {
	s := &Sink{w: w, seen: map[string]bool{},
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	if len(only) > 0 {
		s.only = map[string]bool{}
		for _, o := range only {
			s.only[o] = true
		}
	}
	go s.writeLoop()
	return s
}

// enqueue copies a frame for the writer, or counts it dropped.
func (s *Sink) enqueue(r record) {
	s.mu.Lock()
	if s.closed || s.queued+len(r.frame) > MaxQueued {
		s.dropped++
		s.mu.Unlock()
		return
	}
	r.frame = append([]byte(nil), r.frame...)
	s.queue = append(s.queue, r)
	s.queued += len(r.frame)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// writeLoop writes what Emit queued, until Close.
func (s *Sink) writeLoop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		batch, closed := s.queue, s.closed
		s.queue, s.queued = nil, 0
		s.mu.Unlock()
		for _, r := range batch {
			if err := s.w.WritePacket(r.tap, r.ts, r.dir, r.frame, r.comment); err != nil {
				s.fail(err)
			}
		}
		if closed && len(batch) == 0 {
			return
		}
		if len(batch) == 0 {
			<-s.wake
		}
	}
}

func (s *Sink) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = fmt.Errorf("writing capture: %w", err)
	}
}

// Close stops taking frames, writes those queued and stops the writer
// goroutine. The Writer stays open. Close is idempotent.
func (s *Sink) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	<-s.done
}

// Dropped counts the frames the queue could not hold.
func (s *Sink) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// WantsFrames implements trace.FrameSink: captures need the real bytes.
func (s *Sink) WantsFrames() bool { return true }

// Err returns the first write error.
func (s *Sink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Seen lists the tap points frames were seen at (with --capture, those
// left out too), sorted.
func (s *Sink) Seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for t := range s.seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// TapName names a tap point as the capture does.
func TapName(ns, dev string) string { return ns + "/" + dev }

// Emit implements trace.Sink.
func (s *Sink) Emit(e *trace.Event) {
	if s.dec.Note(e) || e.Frame == nil {
		return
	}
	if e.Kind != trace.FrameSent && e.Kind != trace.FrameReceived {
		return
	}
	comment := s.dec.Comment(e)
	tap := TapName(e.NS, e.Dev)
	s.mu.Lock()
	s.seen[tap] = true
	s.mu.Unlock()
	if s.only != nil && !s.only[tap] {
		return
	}
	s.enqueue(record{tap: tap, ts: e.Time, dir: Dir(e), frame: e.Frame, comment: comment})
}

// Dir is a frame event's direction at its tap point: out for FrameSent, in
// for FrameReceived.
func Dir(e *trace.Event) Direction {
	if e.Kind == trace.FrameSent {
		return DirOut
	}
	return DirIn
}

// Decisions turns the events that explain a frame into its comment: the
// receiver's decision that the event carries (a bridge's "CAM hit for …,
// forwarded to …"), and the route and NAT decisions a namespace made for
// the destination of the next frame it sends there. The zero value is ready
// to use; it is safe for concurrent use and keeps at most a few decisions
// per namespace.
type Decisions struct {
	// mu guards notes; it is a leaf.
	mu    sync.Mutex
	notes map[string][]note // by namespace
}

type note struct {
	dst  netip.Addr
	text string
}

const maxNotes = 16

// Note remembers e if it is a route or NAT decision, and reports whether it
// was one.
func (d *Decisions) Note(e *trace.Event) bool {
	if e.Kind != trace.RouteDecision && e.Kind != trace.NATRewrite {
		return false
	}
	a, err := netip.ParseAddr(e.Addr)
	if err != nil {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.notes == nil {
		d.notes = map[string][]note{}
	}
	ns := d.notes[e.NS]
	if len(ns) >= maxNotes {
		ns = ns[1:]
	}
	d.notes[e.NS] = append(ns, note{dst: a, text: e.NS + ": " + e.Reason})
	return true
}

// Comment returns the decisions behind a frame event, joined with "; ".
// The route and NAT decisions it uses are forgotten: they belong to this
// frame.
func (d *Decisions) Comment(e *trace.Event) string {
	var comments []string
	if e.Reason != "" {
		comments = append(comments, e.Reason)
	}
	if e.Kind == trace.FrameSent {
		if c := d.take(e.NS, e.Frame); c != "" {
			comments = append(comments, c)
		}
	}
	return strings.Join(comments, "; ")
}

// take returns (and forgets) the decisions made in ns for the destination
// of an IPv4 frame.
func (d *Decisions) take(ns string, frame []byte) string {
	if len(frame) < 34 || frame[12] != 0x08 || frame[13] != 0x00 {
		return ""
	}
	dst := netip.AddrFrom4([4]byte(frame[30:34]))
	d.mu.Lock()
	defer d.mu.Unlock()
	var texts []string
	kept := d.notes[ns][:0]
	for _, n := range d.notes[ns] {
		if n.dst == dst {
			texts = append(texts, n.text)
		} else {
			kept = append(kept, n)
		}
	}
	if d.notes != nil {
		d.notes[ns] = kept
	}
	return strings.Join(texts, "; ")
}
