package web

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/teach"
	"github.com/nsemu/nsemu/emu/trace"
)

// Bounds of what the view keeps. Past them it drops and counts, as a NIC
// does: the data path never waits for the view.
const (
	// maxQueued is how many events the sink holds for its goroutine (one
	// broadcast among 10 000 namespaces makes 40 000).
	maxQueued = 65536
	// maxHistory is how many timeline records a newly opened page gets.
	maxHistory = 2000
	// maxClientQueue is how many records a page's stream holds before it
	// drops (a page that does not read).
	maxClientQueue = 16384
	// maxAnimated is how many frames that only animate a page's stream
	// holds at once: past it, they are counted, not sent (the page draws
	// a sample of a busy link, not every segment of a transfer).
	maxAnimated = 150
)

// hub is the web view's trace.Sink. Emit copies the event into a bounded
// queue (it runs on the data path, perhaps inside gVisor with its locks
// held, so it takes one leaf lock for a moment and never waits); a
// goroutine of its own turns events into records (what the page animates),
// keeps frames and the capture (store), and hands records to the pages'
// streams. The timeline's lines are --explain's: a teach.Narrator of the
// same bus tells them (OnLine), and the hub passes them on as records too.
type hub struct {
	w     *emu.World
	start time.Time // emulated time the view started: records' t are from it
	store *store

	seen    atomic.Int64  // events seen, dropped ones included
	last    atomic.Uint64 // the bus's number (Seq) of the last event seen
	dropped atomic.Int64  // events dropped because the queue was full
	handled atomic.Int64  // events the goroutine has handled

	// qmu guards queue, lines, closed and flushClosed; it is a leaf (Emit holds it
	// alone, OnLine under the narrator's lock).
	qmu    sync.Mutex
	queue  []*trace.Event
	lines  []teach.Line
	closed bool
	// flushClosed: flushReq is closed (close); under qmu, so that
	// tellNow never sends on it then.
	flushClosed bool
	wake        chan struct{}
	done        chan struct{}
	detach      func()

	// narr tells the timeline; flushReq asks flusher to make it tell now
	// (the world paused mid-exchange never goes idle).
	narr       *teach.Narrator
	narrDetach func()
	flushReq   chan struct{}
	flushDone  chan struct{}

	// cmu guards clients and history. It is taken by the goroutine and
	// by the streams, never by Emit. A client's mu is ordered below it.
	cmu     sync.Mutex
	clients map[*client]struct{}
	history []record
}

func newHub(w *emu.World) *hub {
	h := &hub{
		w: w, start: w.Clock().Now(), store: newStore(),
		wake: make(chan struct{}, 1), done: make(chan struct{}),
		flushReq: make(chan struct{}, 1), flushDone: make(chan struct{}),
		clients: map[*client]struct{}{},
	}
	cats, _ := teach.ParseCategories("")
	h.narr = teach.NewWorldNarrator(w, io.Discard, cats)
	h.narr.OnLine = h.addLine
	go h.run()
	go h.flusher()
	h.detach = w.Bus().Attach(h)
	h.narrDetach = w.Bus().Attach(h.narr)
	return h
}

// addLine is the narrator's OnLine: it queues a told line for the
// goroutine. It never blocks.
func (h *hub) addLine(l teach.Line) {
	h.qmu.Lock()
	defer h.qmu.Unlock()
	if h.closed || len(h.lines) >= maxQueued {
		return
	}
	h.lines = append(h.lines, l)
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// tellNow asks the narrator to tell what it has (a pause: the world will
// not go idle until the learner goes on).
func (h *hub) tellNow() {
	h.qmu.Lock()
	defer h.qmu.Unlock()
	if h.flushClosed {
		return // the view closed while a pause was on its way
	}
	select {
	case h.flushReq <- struct{}{}:
	default:
	}
}

func (h *hub) flusher() {
	defer close(h.flushDone)
	for range h.flushReq {
		h.narr.Flush()
	}
}

// WantsFrames implements trace.FrameSink: the view narrates ARP, decodes
// frames and keeps the capture, so it needs their bytes.
func (h *hub) WantsFrames() bool { return true }

// Emit implements trace.Sink. It copies e, or counts it dropped when the
// queue is full; it never blocks.
func (h *hub) Emit(e *trace.Event) {
	h.seen.Add(1)
	h.last.Store(e.Seq)
	h.qmu.Lock()
	if h.closed || len(h.queue) >= maxQueued {
		h.qmu.Unlock()
		h.dropped.Add(1)
		return
	}
	h.queue = append(h.queue, e.Clone())
	// Under qmu: close closes wake under it too.
	select {
	case h.wake <- struct{}{}:
	default:
	}
	h.qmu.Unlock()
}

// close detaches the sink and the narrator, and stops their goroutines
// once they have handled what is queued.
func (h *hub) close() {
	h.detach()
	h.narrDetach()
	h.qmu.Lock()
	h.flushClosed = true
	close(h.flushReq)
	h.qmu.Unlock()
	<-h.flushDone
	h.narr.Close() // its last lines come through addLine
	h.qmu.Lock()
	if h.closed {
		h.qmu.Unlock()
		return
	}
	h.closed = true
	close(h.wake)
	h.qmu.Unlock()
	<-h.done
}

func (h *hub) run() {
	defer close(h.done)
	for range h.wake {
		for {
			h.qmu.Lock()
			batch, lines := h.queue, h.lines
			h.queue, h.lines = nil, nil
			h.qmu.Unlock()
			if len(batch) == 0 && len(lines) == 0 {
				break
			}
			// Events first: the frames the lines tell of are kept then.
			for _, e := range batch {
				h.handle(e)
				h.handled.Add(1)
			}
			for _, l := range lines {
				h.handleLine(l)
			}
		}
	}
}

// handle turns one event into a record, keeps what the view keeps, and
// passes the record on when the page animates it.
func (h *hub) handle(e *trace.Event) {
	r := makeRecord(e, h.start)
	h.store.add(e, r)
	if r.wanted() {
		h.publish(r)
	}
}

// handleLine passes a told line on as a timeline record.
func (h *hub) handleLine(l teach.Line) {
	r := lineRecord(l, h.start)
	if f, ok := h.store.frame(r.FrameSeq); ok {
		r.Proto, r.Bcast = f.rec.Proto, f.rec.Bcast
	}
	h.publish(r)
}

// publish hands a record to every stream, and keeps timeline records for
// the pages opened later.
func (h *hub) publish(r record) {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	if r.Cat != "" {
		if len(h.history) >= maxHistory {
			h.history = append(h.history[:0:0], h.history[maxHistory/4:]...)
		}
		h.history = append(h.history, r)
	}
	for c := range h.clients {
		c.push(r)
	}
}

// idle reports whether every event seen so far is handled or dropped.
func (h *hub) idle() bool {
	return h.handled.Load()+h.dropped.Load() == h.seen.Load()
}

// subscribe registers a page's stream and returns it with the timeline so
// far.
func (h *hub) subscribe() (*client, []record) {
	c := &client{wake: make(chan struct{}, 1)}
	h.cmu.Lock()
	defer h.cmu.Unlock()
	h.clients[c] = struct{}{}
	return c, append(make([]record, 0, len(h.history)), h.history...)
}

// unsubscribe forgets a page's stream (the tab was closed).
func (h *hub) unsubscribe(c *client) {
	h.cmu.Lock()
	delete(h.clients, c)
	h.cmu.Unlock()
}

func (h *hub) clientCount() int {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	return len(h.clients)
}

// notify tells every stream that something other than records changed
// (the topology, the stepper): each looks at the current state when it
// wakes.
func (h *hub) notify() {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	for c := range h.clients {
		c.signal()
	}
}

// client is one page's stream: records waiting to be sent, bounded.
type client struct {
	// mu guards the fields below.
	mu          sync.Mutex
	recs        []record
	anim        int   // records in recs that only animate
	dropped     int64 // records dropped: the queue was full
	notAnimated int64 // animation records left out: enough were queued
	wake        chan struct{}
}

func (c *client) push(r record) {
	c.mu.Lock()
	switch {
	case r.Cat == "" && c.anim >= maxAnimated:
		c.notAnimated++
	case len(c.recs) >= maxClientQueue:
		c.dropped++
	default:
		c.recs = append(c.recs, r)
		if r.Cat == "" {
			c.anim++
		}
	}
	c.mu.Unlock()
	c.signal()
}

func (c *client) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// take returns the records waiting, and how many were dropped and left
// unanimated in all.
func (c *client) take() (recs []record, dropped, notAnimated int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	recs = c.recs
	c.recs, c.anim = nil, 0
	return recs, c.dropped, c.notAnimated
}
