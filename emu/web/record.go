package web

import (
	"time"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/teach"
	"github.com/nsemu/nsemu/emu/trace"
)

// record is what the page gets of an event: a frame to animate, or a
// line of the timeline (--explain's narration).
type record struct {
	// Seq is the bus's number of the event.
	Seq int64 `json:"seq"`
	// T is the emulated time since the view started, in seconds.
	T    float64 `json:"t"`
	Kind string  `json:"kind,omitempty"`
	// Cat is a timeline line's category (--explain's: arp, icmp, tcp,
	// udp, dns, cam, route, nat, drop); "" for a frame to animate.
	Cat string `json:"cat,omitempty"`
	// Subject and Text are the narrated line's two columns.
	Subject string   `json:"subject,omitempty"`
	Text    string   `json:"text,omitempty"`
	NS      string   `json:"ns,omitempty"`
	Dev     string   `json:"dev,omitempty"`
	Ports   []string `json:"ports,omitempty"`
	Bridged bool     `json:"bridged,omitempty"`
	// Proto colours a frame: arp, icmp, tcp, udp, dns, ipv6, other.
	Proto string `json:"proto,omitempty"`
	// Bcast marks a broadcast or multicast frame.
	Bcast bool `json:"bcast,omitempty"`
	// Frame says the event carries a frame; FrameSeq is the event whose
	// frame a page can open (/api/frame?seq=FrameSeq).
	Frame    bool  `json:"frame,omitempty"`
	FrameSeq int64 `json:"frameSeq,omitempty"`
	Len      int   `json:"len,omitempty"`
}

// makeRecord describes an event for the animation.
func makeRecord(e *trace.Event, start time.Time) record {
	r := record{
		Seq: int64(e.Seq), T: since(e.Time, start), Kind: e.Kind.String(),
		NS: e.NS, Dev: e.Dev, Ports: e.Ports, Bridged: e.Bridged, Len: e.Len,
	}
	if (e.Kind == trace.FrameSent || e.Kind == trace.FrameReceived) && len(e.Frame) >= 14 {
		r.Frame, r.FrameSeq = true, r.Seq
		r.Proto = capture.Protocol(e.Frame)
		r.Bcast = e.Frame[0]&1 == 1
	}
	return r
}

// lineRecord is a timeline line, in the narrator's words.
func lineRecord(l teach.Line, start time.Time) record {
	return record{
		Seq: int64(l.Seq), T: since(l.Time, start), Cat: l.Cat, Subject: l.Subject, Text: l.Text,
		NS: l.NS, Dev: l.Dev, FrameSeq: int64(l.Frame),
	}
}

func since(t, start time.Time) float64 {
	if t.IsZero() || t.Before(start) {
		return 0
	}
	return t.Sub(start).Seconds()
}

// wanted reports whether a page animates the record: a frame arriving
// somewhere, or leaving a namespace. A frame leaving a bridge port is the
// same frame the other end receives: it is left out.
func (r record) wanted() bool {
	return r.Frame && (r.Kind == trace.FrameReceived.String() || !r.Bridged)
}
