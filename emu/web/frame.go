package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/teach"
	"github.com/nsemu/nsemu/emu/trace"
)

var errNoCapture = errors.New("web view: no capture")

// frameStory is what /api/frame serves: a frame's record, its decoded
// layers and the decisions behind it.
type frameStory struct {
	record
	// Summary is tcpdump -e's line for the frame.
	Summary string          `json:"summary"`
	Layers  []capture.Layer `json:"layers"`
	// Decision lists why the frame went where it did: the bridge's CAM
	// decision, the namespace's route and NAT decisions, and for ARP what
	// the protocol does.
	Decision []string `json:"decision"`
}

func (s *Server) handleFrame(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("seq")
	seq, err := strconv.ParseInt(q, 10, 64)
	if err != nil || seq <= 0 {
		http.Error(w, fmt.Sprintf("web view: /api/frame needs ?seq=N (a positive number), not %q", q), http.StatusBadRequest)
		return
	}
	f, ok := s.hub.store.frame(seq)
	if !ok {
		http.Error(w, fmt.Sprintf("web view: no frame %d (not a frame, or no longer kept)", seq), http.StatusNotFound)
		return
	}
	e := &trace.Event{Kind: kindOf(f.rec.Kind), NS: f.rec.NS, Dev: f.rec.Dev, Bridged: f.rec.Bridged, Frame: f.frame}
	f.rec.Cat, f.rec.Text = teach.Explain(e)
	if f.rec.Text != "" {
		f.rec.Subject = teach.Subject(e)
	}
	story := frameStory{
		record:   f.rec,
		Summary:  capture.Summary(f.frame, true),
		Layers:   capture.Dissect(f.frame),
		Decision: append(decisionLines(f.decision), arpWhy(f.rec, f.frame)...),
	}
	if story.Decision == nil {
		story.Decision = []string{}
	}
	writeJSON(w, story)
}

func kindOf(name string) trace.Kind {
	if name == trace.FrameSent.String() {
		return trace.FrameSent
	}
	return trace.FrameReceived
}

// arpWhy says what ARP is doing with a frame, in a learner's words.
func arpWhy(r record, f []byte) []string {
	if len(f) < 42 || f[12] != 0x08 || f[13] != 0x06 {
		return nil
	}
	op := int(f[20])<<8 | int(f[21])
	spa, tpa := net.IP(f[28:32]), net.IP(f[38:42])
	switch {
	case op == 1 && f[0] == 0xff:
		return []string{fmt.Sprintf("%s has no neighbour entry for %s: it asks every host on the link (a broadcast the bridge floods)", spa, tpa)}
	case op == 1:
		return []string{fmt.Sprintf("%s checks that %s is still at the address it has (a unicast probe)", spa, tpa)}
	case op == 2:
		return []string{fmt.Sprintf("%s owns that address and answers the asker %s directly (a unicast the bridge forwards)", spa, tpa)}
	}
	return nil
}

func (s *Server) handleCapture(w http.ResponseWriter, r *http.Request) {
	b, err := s.hub.store.captureBytes()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-pcapng")
	w.Header().Set("Content-Disposition", `attachment; filename="nsemu.pcapng"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
