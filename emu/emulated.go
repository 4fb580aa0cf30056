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
//   - A frame's hop over a veth pair (and a packet's over lo) is itself
//     a timer: the frame arrives HopDelay after it was sent
//     (vethsim.Config.HopDelay, qdisc.Egress.SetHop). Time thus advances
//     only by timers and this modelled latency, and a ping's round trip
//     is a fixed figure (four hops through a bridge).
//   - Within one moment, what a timer sets off may still run on several
//     goroutines (a frame's delivery, gVisor's TCP processor, the program
//     it wakes). nsemu --seed runs Go code on one thread (GOMAXPROCS 1),
//     so that they take turns in the order the runtime readies them; a
//     Go program using the API does the same for runs that repeat
//     exactly.
//
// A goroutine blocked in a system call (writing a file of the real
// machine) is not seen by the runtime's metrics as running: nsemu's own
// output goes through an in-memory writer (SerialWriter) for that reason,
// and the driver waits a while longer when a goroutine is in one (see
// waitQuiescent).

import (
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
	// syscallGrace and syscallAdopt: see waitQuiescent.
	syscallGrace = 5 * time.Millisecond
	syscallAdopt = 100 * time.Millisecond
)

// driver is the goroutine that moves purely emulated time.
type driver struct {
	// mu guards waiters, holds and hooks; a leaf.
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
	// baseNonGo is how many goroutines stay in system calls for good, and
	// extraSince when the looks last began to find more (waitQuiescent);
	// the driver's own.
	baseNonGo  uint64
	extraSince time.Time
	// pipes are the pipes commands are blocked reading (WatchReads).
	pipes pipeWatch
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
			{Name: "/sched/goroutines/not-in-go:goroutines"},
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
//
// A goroutine in a system call is neither running nor runnable to the
// scheduler's counts: a command writing a file of the real machine would
// look idle. So a look with more goroutines in system calls than the
// process has for good (the signal loop; a reader of the terminal) counts
// as quiet only once that has lasted syscallGrace; one that lasts
// syscallAdopt is taken as a goroutine that waits there for good.
func (w *World) waitQuiescent() bool {
	d := w.drv
	for quiet := 0; quiet < settleLooks; {
		if !w.pause(settlePoll) {
			return false
		}
		ok, nonGo := w.quiescent()
		if nonGo <= d.baseNonGo {
			d.baseNonGo, d.extraSince = nonGo, time.Time{}
		} else if d.extraSince.IsZero() {
			d.extraSince = time.Now()
		} else if time.Since(d.extraSince) >= syscallAdopt {
			d.baseNonGo = nonGo
		}
		switch {
		case !ok:
			quiet = 0
		case nonGo <= d.baseNonGo || time.Since(d.extraSince) >= syscallGrace:
			quiet++
		default:
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
// goroutine running or waiting to run but the driver, no command blocked
// on a pipe that has something for it (WatchReads). nonGo is the number
// of goroutines in system calls.
func (w *World) quiescent() (ok bool, nonGo uint64) {
	s := w.drv.samples
	metrics.Read(s)
	running, runnable := s[0].Value.Uint64(), s[1].Value.Uint64()
	ok = w.Idle() && running <= 1 && runnable == 0 && !w.drv.pipes.anyReady()
	return ok, s[2].Value.Uint64()
}
