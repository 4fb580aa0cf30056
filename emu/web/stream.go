package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Stream pacing: records go out in batches at most every batchEvery (a
// batch carries at most maxAnimated frames that only animate).
const (
	batchEvery = 40 * time.Millisecond
	statsEvery = time.Second
)

// hello is the first message of a stream: the timeline so far and the
// current state.
type hello struct {
	History  []record  `json:"history"`
	Topology int64     `json:"topology"`
	Step     stepState `json:"step"`
	Stats    stats     `json:"stats"`
}

// stats are the view's drop counters, shown on the page.
type stats struct {
	// Dropped events: the sink's queue was full.
	Dropped int64 `json:"dropped"`
	// PageDropped records: this page's stream fell behind.
	PageDropped int64 `json:"pageDropped"`
	// NotAnimated frames: sampled out of busy moments.
	NotAnimated int64 `json:"notAnimated"`
	// Evicted frames can no longer be opened.
	Evicted int64 `json:"evicted"`
	// NotCaptured frames are not in the capture (it is full).
	NotCaptured int64 `json:"notCaptured"`
	// NotNarrated events: the narrator fell behind.
	NotNarrated int64 `json:"notNarrated"`
}

// sse writes Server-Sent Events.
type sse struct {
	w   http.ResponseWriter
	fl  http.Flusher
	err error
}

func (s *sse) send(event string, v any) {
	if s.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, b); err != nil {
		s.err = err
		return
	}
	s.fl.Flush()
}

// handleEvents streams the view to one page until it goes (its
// connection closes: the stream is unsubscribed) or the server closes.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "web view: streaming unsupported", http.StatusInternalServerError)
		return
	}
	ctx, cancel := s.ctxDone(r)
	defer cancel()
	c, history := s.hub.subscribe()
	defer s.hub.unsubscribe(c)
	s.topo.kick() // a fresh reading: readings pause while no one looks
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	out := &sse{w: w, fl: fl}
	st := &streamState{topo: s.topo.Version(), step: s.step.current()}
	out.send("hello", hello{History: history, Topology: st.topo, Step: st.step, Stats: s.stats(st)})
	st.stepJSON, _ = json.Marshal(st.step)
	tick := time.NewTicker(statsEvery)
	defer tick.Stop()
	for out.err == nil {
		select {
		case <-ctx.Done():
			return
		case <-c.wake:
		case <-tick.C:
			out.send("stats", s.stats(st))
			continue
		}
		s.flushStream(out, c, st)
		select {
		case <-ctx.Done():
			return
		case <-time.After(batchEvery):
		}
	}
}

// streamState is what one stream has sent.
type streamState struct {
	topo        int64
	step        stepState
	stepJSON    []byte
	pageDropped int64
	notAnimated int64
}

// flushStream sends what changed since the last batch: records, the
// topology's version, the stepper.
func (s *Server) flushStream(out *sse, c *client, st *streamState) {
	recs, dropped, notAnimated := c.take()
	st.pageDropped, st.notAnimated = dropped, notAnimated
	if len(recs) > 0 {
		out.send("records", recs)
	}
	if v := s.topo.Version(); v != st.topo {
		st.topo = v
		out.send("topology", map[string]int64{"version": v})
	}
	step := s.step.current()
	if b, _ := json.Marshal(step); !bytes.Equal(b, st.stepJSON) {
		st.step, st.stepJSON = step, b
		out.send("step", step)
	}
}

func (s *Server) stats(st *streamState) stats {
	evicted, skipped := s.hub.store.counts()
	return stats{
		Dropped: s.hub.dropped.Load(), PageDropped: st.pageDropped, NotAnimated: st.notAnimated,
		Evicted: evicted, NotCaptured: skipped, NotNarrated: s.hub.narr.Dropped(),
	}
}
