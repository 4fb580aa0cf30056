package emu

// Purely emulated time (Options.EmulatedTime, nsemu --seed): the run
// repeats byte for byte.
//
// Two things make a run differ from the last one besides random draws:
// wall time leaking into the clock, and the Go scheduler choosing which of
// two goroutines goes first. Emulated time removes both:
//
//   - The clock is a driven one (clock.NewDriven): it never follows wall
//     time. One goroutine, the driver, moves it, and only when the whole
//     process is quiescent — no frame queued or being delivered (busy),
//     no timer function running, and no goroutine running or runnable
//     but the driver itself (the Go runtime's scheduler metrics). Every
//     goroutine of the world is then blocked on something that only the
//     clock can release.
//   - The driver then fires exactly one timer (the earliest; ties in the
//     order they were armed) and waits for quiescence again before the
//     next. Whatever a timer sets off — a frame's delivery, the stack's
//     answer, a program printing its reply — runs to its end alone, so
//     the order of everything observable is a function of the script and
//     the seed.
//   - A frame's hop over a veth pair is itself a timer: the frame arrives
//     HopDelay after it was sent (vethsim.Config.HopDelay). Time thus
//     advances only by timers and this modelled latency, and a ping's
//     round trip is a fixed figure (four hops through a bridge).
//
// A goroutine blocked in a system call (writing a file of the real
// machine) is not seen by the runtime's metrics as running: nsemu's own
// output goes through an in-memory writer (SerialWriter) for that reason.

import (
	"io"
	"runtime/metrics"
	"sync"
	"time"
)

// HopDelay is the modelled latency of one hop of a frame (a veth pair, a
// bridge's link to its own interface) on purely emulated time: 20 µs, so a
// ping through a bridge (four hops) takes 0.080 ms, about a Linux veth's.
const HopDelay = 20 * time.Microsecond

// Settling: the driver looks at the world every settlePoll, and takes it
// as quiescent after settleLooks quiet looks in a row (the scheduler's
// counts are approximate: a goroutine being handed from one thread to
// another may be missed by one look, not by several).
const (
	settlePoll  = 20 * time.Microsecond
	settleLooks = 3
	// heldPoll is how often a driver whose time is held (the shell's
	// prompt) looks again.
	heldPoll = 2 * time.Millisecond
)

// driver is the goroutine that moves purely emulated time.
type driver struct {
	// mu guards waiters and holds; a leaf.
	mu sync.Mutex
	// waiters are Settle calls waiting for the next quiescent moment.
	waiters []chan struct{}
	// holds counts HoldTime calls in effect.
	holds int
	// hooks run at each quiescent moment (OnQuiescent).
	hooks []*func()

	stop chan struct{}
	done chan struct{}
	// samples is the driver's reusable metrics read.
	samples []metrics.Sample
}

// EmulatedTime reports whether the world runs on purely emulated time
// (Options.EmulatedTime).
func (w *World) EmulatedTime() bool { return w.drv != nil }

// Settle waits until every goroutine of the world (but the caller) is
// blocked, with no frame in flight and no timer running: what earlier
// commands set off has finished, or waits for the clock. On purely
// emulated time a command is started only then (the shell calls it
// before each), so that what a background job prints when it starts
// comes before what the next command prints. Otherwise it returns at once.
func (w *World) Settle() {
	d := w.drv
	if d == nil {
		return
	}
	ch := make(chan struct{})
	d.mu.Lock()
	d.waiters = append(d.waiters, ch)
	d.mu.Unlock()
	select {
	case <-ch:
	case <-d.done:
	}
}

// HoldTime stops purely emulated time until the returned function is
// called: the shell holds it while it waits at the prompt, so that what
// the world does does not depend on how long the learner takes to type.
// Calls nest. On other clocks it does nothing.
func (w *World) HoldTime() (release func()) {
	d := w.drv
	if d == nil {
		return func() {}
	}
	d.mu.Lock()
	d.holds++
	d.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			d.holds--
			d.mu.Unlock()
		})
	}
}

// OnQuiescent has f called at each moment purely emulated time finds the
// world quiescent, before the clock moves or a command starts: what the
// last timer (or command) set off has all happened. The narrator tells its
// lines then, so its batches are the same on every run. f runs on the
// driver's goroutine and must not block, nor call Settle. It returns the
// function that ends the calls. On other clocks f is never called.
func (w *World) OnQuiescent(f func()) (remove func()) {
	d := w.drv
	if d == nil {
		return func() {}
	}
	p := &f
	d.mu.Lock()
	d.hooks = append(d.hooks, p)
	d.mu.Unlock()
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		for i, x := range d.hooks {
			if x == p {
				d.hooks = append(d.hooks[:i:i], d.hooks[i+1:]...)
				return
			}
		}
	}
}

func (w *World) startDriver() {
	w.drv = &driver{
		stop: make(chan struct{}),
		done: make(chan struct{}),
		samples: []metrics.Sample{
			{Name: "/sched/goroutines/running:goroutines"},
			{Name: "/sched/goroutines/runnable:goroutines"},
		},
	}
	go w.drive()
}

// stopDriver stops the driver and waits for it.
func (w *World) stopDriver() {
	if w.drv == nil {
		return
	}
	select {
	case <-w.drv.stop:
	default:
		close(w.drv.stop)
	}
	<-w.drv.done
}

// drive is the driver's loop: at each quiescent moment, it answers the
// Settle calls waiting, or else fires the clock's next timer.
func (w *World) drive() {
	d := w.drv
	defer close(d.done)
	for {
		if !w.waitQuiescent() {
			return
		}
		d.mu.Lock()
		waiters, held, hooks := d.waiters, d.holds > 0, d.hooks
		d.waiters = nil
		d.mu.Unlock()
		for _, f := range hooks {
			(*f)()
		}
		if len(waiters) > 0 {
			for _, ch := range waiters {
				close(ch)
			}
			continue
		}
		if held || !w.clock.FireNext() {
			if !w.pause(heldPoll) {
				return
			}
		}
	}
}

// waitQuiescent waits for settleLooks quiet looks in a row; false when
// the driver is stopped.
func (w *World) waitQuiescent() bool {
	for quiet := 0; quiet < settleLooks; {
		if !w.pause(settlePoll) {
			return false
		}
		if w.quiescent() {
			quiet++
		} else {
			quiet = 0
		}
	}
	return true
}

// pause sleeps d of wall time; false when the driver is stopped.
func (w *World) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.drv.stop:
		return false
	case <-t.C:
		return true
	}
}

// quiescent is one look: nothing in flight, no timer function running, no
// goroutine running or waiting to run but the driver.
func (w *World) quiescent() bool {
	if !w.Idle() {
		return false
	}
	s := w.drv.samples
	metrics.Read(s)
	running, runnable := s[0].Value.Uint64(), s[1].Value.Uint64()
	return running <= 1 && runnable == 0
}

// SerialWriter is an io.Writer that never blocks in a system call: it
// copies what it is given and a goroutine of its own writes it to the
// underlying writer, in order. On purely emulated time, nsemu's transcript
// goes through one: a command blocked writing to a terminal or a pipe would
// look, to the driver, as if it were waiting for the clock. The writers of
// one NewSerialWriters call share the goroutine and its queue, so that
// what goes to standard output and to standard error keeps its order when
// both lead to one file (2>&1). Close (any of them) flushes and stops it.
type SerialWriter struct {
	q   *serialQueue
	out io.Writer
}

// serialQueue is the queue and goroutine SerialWriters share.
type serialQueue struct {
	// mu guards chunks and closed; a leaf.
	mu     sync.Mutex
	cond   *sync.Cond
	chunks []serialChunk
	closed bool
	done   chan struct{}
}

type serialChunk struct {
	out io.Writer
	b   []byte
}

// NewSerialWriters starts SerialWriters onto each of outs, sharing one
// queue.
func NewSerialWriters(outs ...io.Writer) []*SerialWriter {
	q := &serialQueue{done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	go q.loop()
	ws := make([]*SerialWriter, len(outs))
	for i, out := range outs {
		ws[i] = &SerialWriter{q: q, out: out}
	}
	return ws
}

// Write implements io.Writer: it copies p and returns at once.
func (s *SerialWriter) Write(p []byte) (int, error) {
	q := s.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, io.ErrClosedPipe
	}
	if n := len(q.chunks); n > 0 && q.chunks[n-1].out == s.out {
		q.chunks[n-1].b = append(q.chunks[n-1].b, p...)
	} else {
		q.chunks = append(q.chunks, serialChunk{out: s.out, b: append([]byte(nil), p...)})
	}
	q.cond.Signal()
	return len(p), nil
}

func (q *serialQueue) loop() {
	defer close(q.done)
	for {
		q.mu.Lock()
		for len(q.chunks) == 0 && !q.closed {
			q.cond.Wait()
		}
		chunks, closed := q.chunks, q.closed
		q.chunks = nil
		q.mu.Unlock()
		for _, c := range chunks {
			_, _ = c.out.Write(c.b)
		}
		if closed && len(chunks) == 0 {
			return
		}
	}
}

// Close writes what is left and stops the writers' goroutine.
func (s *SerialWriter) Close() error {
	q := s.q
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
	<-q.done
	return nil
}
