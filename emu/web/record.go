package web

import (
	"time"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/teach"
	"github.com/nsemu/nsemu/emu/trace"
)

// record is an event as the page gets it: what to animate and, for the
// timeline, the narrated line in --explain's words.
type record struct {
	Seq int64 `json:"seq"`
	// T is the emulated time since the view started, in seconds.
	T    float64 `json:"t"`
	Kind string  `json:"kind"`
	// Cat is the timeline's filter: arp, cam, route, nat, drop (as
	// --explain), frame for other frames a namespace sent or received,
	// "" for what only animates (frames at bridge ports).
	Cat string `json:"cat,omitempty"`
	// Subject and Text are the narrated line's two columns.
	Subject string   `json:"subject,omitempty"`
	Text    string   `json:"text,omitempty"`
	NS      string   `json:"ns,omitempty"`
	Dev     string   `json:"dev,omitempty"`
	Port    string   `json:"port,omitempty"`
	Ports   []string `json:"ports,omitempty"`
	MAC     string   `json:"mac,omitempty"`
	Addr    string   `json:"addr,omitempty"`
	Bridged bool     `json:"bridged,omitempty"`
	// Proto colours a frame: arp, icmp, tcp, udp, dns, ipv6, other.
	Proto string `json:"proto,omitempty"`
	// Bcast marks a broadcast or multicast frame.
	Bcast bool `json:"bcast,omitempty"`
	// Frame says the frame's bytes are kept: /api/frame?seq=Seq.
	Frame bool `json:"frame,omitempty"`
	Len   int  `json:"len,omitempty"`
}

// makeRecord describes e. Narration comes from emu/teach, frame summaries
// from capture: the page says what --explain and tcpdump say.
func makeRecord(seq int64, e *trace.Event, start time.Time) record {
	r := record{
		Seq: seq, T: e.Time.Sub(start).Seconds(), Kind: e.Kind.String(),
		NS: e.NS, Dev: e.Dev, Port: e.Port, Ports: e.Ports, MAC: e.MAC, Addr: e.Addr,
		Bridged: e.Bridged, Len: e.Len,
	}
	if r.T < 0 {
		r.T = 0
	}
	cat, text := teach.Explain(e)
	isFrame := e.Kind == trace.FrameSent || e.Kind == trace.FrameReceived
	if isFrame && len(e.Frame) >= 14 {
		r.Frame = true
		r.Proto = capture.Protocol(e.Frame)
		r.Bcast = e.Frame[0]&1 == 1
		if text == "" && !e.Bridged {
			cat, text = "frame", arrow(e)+" "+capture.Summary(e.Frame, false)
		}
	}
	if text != "" {
		r.Cat, r.Subject, r.Text = cat, teach.Subject(e), text
	}
	return r
}

func arrow(e *trace.Event) string {
	if e.Kind == trace.FrameReceived {
		return "←"
	}
	return "→"
}

// wanted reports whether a page needs the record: a timeline line, or a
// frame arriving somewhere (what the page animates). A frame leaving a
// bridge port is the same frame the other end receives: it is left out.
func (r record) wanted() bool {
	return r.Cat != "" || r.Kind == trace.FrameReceived.String()
}
