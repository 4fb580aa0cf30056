package tcpdump

import (
	"sync/atomic"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/trace"
)

var _ trace.FrameSink = (*sink)(nil)

// sink hands the matching frames of one device (or of every device of
// the namespace, for "any") to tcpdump's goroutine. It never blocks the
// data path: a full buffer counts the frame as dropped, as the kernel's
// does.
type sink struct {
	ns, dev  string
	filter   *capture.Filter
	ch       chan *trace.Event
	received atomic.Int64
	dropped  atomic.Int64
}

func newSink(ns, dev string, filter *capture.Filter) *sink {
	return &sink{ns: ns, dev: dev, filter: filter, ch: make(chan *trace.Event, 4096)}
}

// WantsFrames implements trace.FrameSink: tcpdump needs the bytes.
func (s *sink) WantsFrames() bool { return true }

// Emit implements trace.Sink. It copies the events it keeps.
func (s *sink) Emit(e *trace.Event) {
	if e.Kind != trace.FrameSent && e.Kind != trace.FrameReceived {
		return
	}
	if e.NS != s.ns || (s.dev != "any" && e.Dev != s.dev) || e.Frame == nil {
		return
	}
	if !s.filter.Match(e.Frame) {
		return
	}
	s.received.Add(1)
	select {
	case s.ch <- e.Clone():
	default:
		s.dropped.Add(1)
	}
}
