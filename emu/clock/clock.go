// Package clock provides the one clock that every stack and bridge of an
// emulated world shares. It implements gVisor's tcpip.Clock.
//
// Time is virtual: it normally follows the host's monotonic clock, but it can
// be paused (the teaching mode pauses it while the learner reads, so no ARP
// retry or ping timeout fires behind their back), advanced instantly (a step
// that only waits costs no wall time), or driven entirely by hand (tests).
//
// Timers run their function in a goroutine of their own, as time.AfterFunc
// does. One goroutine per clock waits for the next deadline; Close stops it.
package clock

import (
	"container/heap"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Clock is a pausable, advanceable tcpip.Clock.
type Clock struct {
	// mu guards offset, paused, pausedAt, timers, seq and closed. It is a
	// leaf: nothing called with it held takes another lock or calls out.
	// Timer functions run outside it, in goroutines of their own (fire),
	// so a timer function may take any lock or re-arm its timer, and any
	// caller may use the clock while holding its own locks (gVisor does).
	mu sync.Mutex
	// epoch is the wall time at virtual 0.
	epoch time.Time
	// realStart is the host monotonic reading at virtual 0 (real mode).
	realStart time.Time
	// manual clocks move only with Advance.
	manual bool
	// driven clocks fire their timers only through FireNext, one at a
	// time, never by themselves nor all at once in Advance (NewDriven).
	driven bool
	// offset is added to the real elapsed time (Advance, pauses).
	offset time.Duration
	// pausedAt is the virtual time frozen by Pause, valid while paused.
	paused   bool
	pausedAt time.Duration

	timers timerHeap
	seq    uint64
	kick   chan struct{}
	done   chan struct{}
	closed bool
	wg     sync.WaitGroup

	running atomic.Int64
	// jumped sums the jumps of Advance and FireNext, in nanoseconds
	// (Jumped).
	jumped atomic.Int64
}

var _ tcpip.Clock = (*Clock)(nil)

// New returns a clock that follows real time from now on.
func New() *Clock { return newClock(false) }

// NewManual returns a clock that stands still until Advance moves it. Its
// wall time starts at a fixed date so that test output is reproducible.
func NewManual() *Clock { return newClock(true) }

// NewDriven returns a clock of purely emulated time for reproducible runs:
// it stands still, starts at the same fixed date as NewManual, and fires
// its timers only when its owner calls FireNext — one timer at a time, in
// the order of their deadlines and then of their arming, so that what
// each timer sets off can finish before the next one starts. Advance moves
// its time without firing anything.
func NewDriven() *Clock {
	c := newClock(true)
	c.mu.Lock()
	c.driven = true
	c.mu.Unlock()
	return c
}

// Driven reports whether the clock is a NewDriven one.
func (c *Clock) Driven() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.driven
}

func newClock(manual bool) *Clock {
	c := &Clock{
		epoch:     time.Now(),
		realStart: time.Now(),
		manual:    manual,
		kick:      make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	if manual {
		c.epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	c.wg.Add(1)
	go c.run()
	return c
}

// elapsedLocked returns the virtual time since the clock started. c.mu
// must be held.
func (c *Clock) elapsedLocked() time.Duration {
	if c.paused {
		return c.pausedAt
	}
	if c.manual {
		return c.offset
	}
	return time.Since(c.realStart) + c.offset
}

// Elapsed returns the virtual time since the clock was made.
func (c *Clock) Elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.elapsedLocked()
}

// Now implements tcpip.Clock.
func (c *Clock) Now() time.Time {
	return c.epoch.Add(c.Elapsed())
}

// NowMonotonic implements tcpip.Clock.
func (c *Clock) NowMonotonic() tcpip.MonotonicTime {
	return tcpip.MonotonicTime{}.Add(c.Elapsed())
}

// Pause freezes virtual time. Timers do not fire while paused.
func (c *Clock) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		c.pausedAt = c.elapsedLocked()
		c.paused = true
	}
}

// Resume lets virtual time run again from where Pause froze it.
func (c *Clock) Resume() {
	c.mu.Lock()
	if c.paused {
		c.paused = false
		if !c.manual {
			c.offset = c.pausedAt - time.Since(c.realStart)
		}
	}
	c.mu.Unlock()
	c.wake()
}

// Paused reports whether the clock is paused.
func (c *Clock) Paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

// Advance moves virtual time forward by d at once and fires the timers that
// fall due (each in its own goroutine). It works while paused too.
func (c *Clock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	if c.paused {
		c.pausedAt += d
	}
	c.offset += d
	c.jumped.Add(int64(d))
	var due []func()
	if !c.driven {
		due = c.popDueLocked()
	}
	c.mu.Unlock()
	c.fire(due)
	c.wake()
}

// FireNext fires the earliest pending timer alone (in a goroutine of its
// own, as every timer), first moving time forward to its deadline when
// that is later than now. It reports whether it fired one: a paused or
// closed clock, or one with no timer, fires nothing. Timers that share a
// deadline fire in the order they were armed.
func (c *Clock) FireNext() bool {
	c.mu.Lock()
	if c.paused || c.closed || len(c.timers) == 0 {
		c.mu.Unlock()
		return false
	}
	t := heap.Pop(&c.timers).(*timer)
	t.index = -1
	t.fired = true
	if now := c.elapsedLocked(); t.deadline > now {
		c.offset += t.deadline - now
		c.jumped.Add(int64(t.deadline - now))
	}
	f := t.f
	c.mu.Unlock()
	c.fire([]func(){f})
	return true
}

// NextDeadline returns how long until the earliest pending timer fires, and
// false when no timer is pending.
func (c *Clock) NextDeadline() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return 0, false
	}
	return c.timers[0].deadline - c.elapsedLocked(), true
}

// Close stops the clock's goroutine. Pending timers never fire.
func (c *Clock) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	// Mark the dropped timers as not pending, so a later Stop or Reset does
	// not index the emptied heap.
	for _, t := range c.timers {
		t.index = -1
	}
	c.timers = nil
	close(c.done)
	c.mu.Unlock()
	c.wg.Wait()
}

func (c *Clock) wake() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// popDueLocked removes and returns the functions of every timer due now;
// the caller runs them with fire, after releasing c.mu. c.mu must be held.
func (c *Clock) popDueLocked() []func() {
	now := c.elapsedLocked()
	var due []func()
	for len(c.timers) > 0 && c.timers[0].deadline <= now {
		t := heap.Pop(&c.timers).(*timer)
		t.index = -1
		t.fired = true
		due = append(due, t.f)
	}
	return due
}

func (c *Clock) fire(due []func()) {
	for _, f := range due {
		c.running.Add(1)
		go func() {
			defer c.running.Add(-1)
			f()
		}()
	}
}

// Jumped returns how far the clock has jumped ahead in all (Advance,
// FireNext), not counting the time it followed the wall clock or stood
// paused: two readings tell whether a jump came between them, whatever the
// machine's load made of the wall time in between.
func (c *Clock) Jumped() time.Duration { return time.Duration(c.jumped.Load()) }

// Running returns the number of timer functions running now.
func (c *Clock) Running() int64 { return c.running.Load() }

// Pending returns the number of armed timers: a test's signal that a timer
// was armed, or has not fired (a timer fires only once it leaves the
// pending set, which Advance and the clock's goroutine do under the lock).
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

func (c *Clock) run() {
	defer c.wg.Done()
	wait := time.NewTimer(time.Hour)
	defer wait.Stop()
	for {
		c.mu.Lock()
		var due []func()
		if !c.paused && !c.driven {
			due = c.popDueLocked()
		}
		next := time.Duration(-1)
		if !c.paused && !c.manual && len(c.timers) > 0 {
			// Time moved on since popDueLocked read it: the next timer may
			// be due already. Wake at once then; a negative wait would
			// mean "no timer" and leave it unfired until some kick.
			next = max(c.timers[0].deadline-c.elapsedLocked(), 0)
		}
		c.mu.Unlock()
		c.fire(due)

		if next >= 0 {
			wait.Reset(next)
		}
		select {
		case <-c.done:
			return
		case <-c.kick:
		case <-wait.C:
		}
		if next >= 0 && !wait.Stop() {
			select {
			case <-wait.C:
			default:
			}
		}
	}
}

// AfterFunc implements tcpip.Clock.
func (c *Clock) AfterFunc(d time.Duration, f func()) tcpip.Timer {
	t := &timer{c: c, f: f, index: -1}
	t.Reset(d)
	return t
}

type timer struct {
	c        *Clock
	f        func()
	deadline time.Duration
	seq      uint64
	index    int
	fired    bool
}

// Stop implements tcpip.Timer.
func (t *timer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	t.index = -1
	return true
}

// Reset implements tcpip.Timer.
func (t *timer) Reset(d time.Duration) {
	c := t.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if d < 0 {
		d = 0
	}
	if t.index >= 0 {
		heap.Remove(&c.timers, t.index)
	}
	t.deadline = c.elapsedLocked() + d
	c.seq++
	t.seq = c.seq
	t.fired = false
	heap.Push(&c.timers, t)
	c.mu.Unlock()
	c.wake()
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].deadline != h[j].deadline {
		return h[i].deadline < h[j].deadline
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return t
}
