package capture

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/nsemu/nsemu/emu/trace"
)

// Sink is a trace.Sink that writes every frame event to a pcapng Writer:
// one interface per tap point ("NAMESPACE/DEVICE"), outbound for
// FrameSent, inbound for FrameReceived. The decision behind a frame becomes
// its packet comment (see Decisions).
type Sink struct {
	w    *Writer
	only map[string]bool
	dec  Decisions

	// mu guards err. It is never held with the Writer's lock.
	mu  sync.Mutex
	err error
}

// NewSink captures to w. only restricts the tap points ("ns1/veth-1"); empty
// means all.
func NewSink(w *Writer, only []string) *Sink {
	s := &Sink{w: w}
	if len(only) > 0 {
		s.only = map[string]bool{}
		for _, o := range only {
			s.only[o] = true
		}
	}
	return s
}

// WantsFrames implements trace.FrameSink: captures need the real bytes.
func (s *Sink) WantsFrames() bool { return true }

// Err returns the first write error.
func (s *Sink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
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
	if s.only != nil && !s.only[tap] {
		return
	}
	if err := s.w.WritePacket(tap, e.Time, Dir(e), e.Frame, comment); err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = fmt.Errorf("writing capture: %w", err)
		}
		s.mu.Unlock()
	}
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
