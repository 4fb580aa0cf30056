package web

import (
	"bytes"
	"strings"
	"sync"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/trace"
)

// Bounds of the store. The capture keeps the first maxCapture bytes (a
// learner's run is far smaller); the frames a page can open are the last
// maxFrames.
const (
	maxFrames     = 50000
	maxFrameBytes = 64 << 20
	maxCapture    = 256 << 20
	maxNATRows    = 64
)

// stored is a frame a page can open: its record, bytes and the decisions
// behind it.
type stored struct {
	rec      record
	frame    []byte
	decision string
}

// store keeps what the view shows after the fact: recent frames, the
// capture so far (pcapng, in memory), and the NAT rewrites each namespace
// made. Only the hub's goroutine adds; handlers read.
type store struct {
	dec capture.Decisions

	// mu guards the frames and nat; it is a leaf.
	mu      sync.Mutex
	frames  map[int64]*stored
	order   []int64 // frame seqs, oldest first
	bytes   int
	evicted int64
	nat     map[string][]*natRow // by namespace name

	// pmu guards the capture: its writer and buffer. It is a leaf.
	pmu     sync.Mutex
	pbuf    bytes.Buffer
	pw      *capture.Writer
	skipped int64 // frames not captured because the capture is full
}

// natRow is a NAT rewrite a namespace made, with how often and when last.
type natRow struct {
	What  string  `json:"what"`
	Count int     `json:"count"`
	Last  float64 `json:"last"`
}

func newStore() *store {
	s := &store{frames: map[int64]*stored{}, nat: map[string][]*natRow{}}
	pw, err := capture.NewWriter(&s.pbuf, "nsemu web view")
	if err == nil {
		s.pw = pw
	}
	return s
}

// add keeps what e brings: a route or NAT decision for the frames that
// follow, a frame's bytes and story, a NAT rewrite.
func (s *store) add(e *trace.Event, r record) {
	if e.Kind == trace.NATRewrite {
		s.addNAT(e.NS, e.Reason, r.T)
	}
	if s.dec.Note(e) || !r.Frame {
		return
	}
	decision := s.dec.Comment(e)
	s.capture(e, decision)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames[r.Seq] = &stored{rec: r, frame: e.Frame, decision: decision}
	s.order = append(s.order, r.Seq)
	s.bytes += len(e.Frame)
	for len(s.order) > maxFrames || s.bytes > maxFrameBytes {
		old := s.order[0]
		s.order = s.order[1:]
		s.bytes -= len(s.frames[old].frame)
		delete(s.frames, old)
		s.evicted++
	}
}

func (s *store) capture(e *trace.Event, comment string) {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.pw == nil || s.pbuf.Len() > maxCapture {
		s.skipped++
		return
	}
	_ = s.pw.WritePacket(capture.TapName(e.NS, e.Dev), e.Time, capture.Dir(e), e.Frame, comment)
}

func (s *store) addNAT(ns, what string, t float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := s.nat[ns]
	for _, r := range rows {
		if r.What == what {
			r.Count++
			r.Last = t
			return
		}
	}
	if len(rows) >= maxNATRows {
		rows = rows[1:]
	}
	s.nat[ns] = append(rows, &natRow{What: what, Count: 1, Last: t})
}

// frame returns a kept frame.
func (s *store) frame(seq int64) (stored, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.frames[seq]
	if !ok {
		return stored{}, false
	}
	return *f, true
}

// natRows returns a copy of a namespace's NAT rewrites.
func (s *store) natRows(ns string) []natRow {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]natRow, 0, len(s.nat[ns]))
	for _, r := range s.nat[ns] {
		out = append(out, *r)
	}
	return out
}

// captureBytes returns the capture so far, a complete pcapng file.
func (s *store) captureBytes() ([]byte, error) {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.pw == nil {
		return nil, errNoCapture
	}
	if err := s.pw.Flush(); err != nil {
		return nil, err
	}
	return bytes.Clone(s.pbuf.Bytes()), nil
}

// counts returns how many frames the store let go: evicted from the
// frames a page can open, and left out of the capture.
func (s *store) counts() (evicted, skipped int64) {
	s.mu.Lock()
	evicted = s.evicted
	s.mu.Unlock()
	s.pmu.Lock()
	skipped = s.skipped
	s.pmu.Unlock()
	return evicted, skipped
}

// decisionLines splits a capture comment into its decisions.
func decisionLines(c string) []string {
	if c == "" {
		return nil
	}
	return strings.Split(c, "; ")
}
