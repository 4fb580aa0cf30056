package clock

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/leakcheck"
	"go.uber.org/goleak"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }

// idle waits until no timer function runs. Advance starts the function of
// every timer it makes due before it returns, so once idle, every timer an
// Advance fired has run: a test can then check that one did not fire, or
// fired only once.
func idle(t *testing.T, c *Clock) {
	t.Helper()
	emutest.WaitFor(t, "the clock's timer functions to return", func() bool { return c.Running() == 0 })
}

// mustPend fails the test unless exactly n timers are armed. A timer
// still pending has not fired.
func mustPend(t *testing.T, c *Clock, n int) {
	t.Helper()
	if got := c.Pending(); got != n {
		t.Fatalf("%d timers pending, want %d", got, n)
	}
}

// firedSet records which timers fired, in the order their functions ran.
type firedSet struct {
	mu    sync.Mutex
	names []string
	at    map[string]time.Duration
}

func (f *firedSet) fn(c *Clock, name string) func() {
	return func() {
		el := c.Elapsed()
		f.mu.Lock()
		defer f.mu.Unlock()
		f.names = append(f.names, name)
		if f.at == nil {
			f.at = map[string]time.Duration{}
		}
		f.at[name] = el
	}
}

func (f *firedSet) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.names)
}

func (f *firedSet) has(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.at[name]
	return ok
}

func TestManualClockStandsStill(t *testing.T) {
	c := NewManual()
	defer c.Close()
	t0, m0 := c.Now(), c.NowMonotonic()
	if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !t0.Equal(want) {
		t.Fatalf("manual clock starts at %v, want %v", t0, want)
	}
	// Real time must pass for the check to mean anything: the manual
	// clock must not follow it.
	time.Sleep(20 * time.Millisecond)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("manual clock moved by itself: %v -> %v", t0, got)
	}
	c.Advance(1500 * time.Millisecond)
	c.Advance(0)
	c.Advance(-time.Second) // ignored
	if got := c.Now().Sub(t0); got != 1500*time.Millisecond {
		t.Fatalf("Now advanced by %v, want 1.5s", got)
	}
	if got := c.NowMonotonic().Sub(m0); got != 1500*time.Millisecond {
		t.Fatalf("NowMonotonic advanced by %v, want 1.5s", got)
	}
	if got := c.Elapsed(); got != 1500*time.Millisecond {
		t.Fatalf("Elapsed = %v, want 1.5s", got)
	}
}

func TestManualAfterFunc(t *testing.T) {
	tests := []struct {
		name     string
		d        time.Duration
		advances []time.Duration
		// wantFire says whether the timer has fired after each advance.
		wantFire []bool
	}{
		{"fires exactly at deadline", time.Second, []time.Duration{time.Second}, []bool{true}},
		{"fires past deadline", time.Second, []time.Duration{3 * time.Second}, []bool{true}},
		{"not before deadline", time.Second, []time.Duration{999 * time.Millisecond, time.Millisecond}, []bool{false, true}},
		{"accumulates small steps", 10 * time.Second, []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second, time.Second}, []bool{false, false, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewManual()
			defer c.Close()
			var n atomic.Int32
			c.AfterFunc(tt.d, func() { n.Add(1) })
			if c.Pending() != 1 || n.Load() != 0 {
				t.Fatal("timer fired before any Advance")
			}
			for i, adv := range tt.advances {
				c.Advance(adv)
				if tt.wantFire[i] {
					emutest.WaitFor(t, fmt.Sprintf("the timer to fire after advance %d (%v)", i, adv), func() bool { return n.Load() == 1 })
				} else {
					idle(t, c)
					if c.Pending() != 1 || n.Load() != 0 {
						t.Fatalf("after advance %d (%v): timer fired early", i, adv)
					}
				}
			}
			c.Advance(time.Hour)
			idle(t, c)
			mustPend(t, c, 0)
			if got := n.Load(); got != 1 {
				t.Fatalf("timer fired %d times, want once", got)
			}
		})
	}
}

func TestManualAfterFuncZeroFiresWithoutAdvance(t *testing.T) {
	c := NewManual()
	defer c.Close()
	var n atomic.Int32
	c.AfterFunc(0, func() { n.Add(1) })
	c.AfterFunc(-time.Second, func() { n.Add(1) })
	emutest.WaitFor(t, "both timers due now to fire", func() bool { return n.Load() == 2 })
}

func TestStop(t *testing.T) {
	tests := []struct {
		name string
		// before runs before Stop; it returns whether the timer fired.
		before   func(c *Clock, tm tcpip.Timer, fired func() bool) bool
		wantStop bool
		wantFire bool
	}{
		{"pending", func(c *Clock, tm tcpip.Timer, fired func() bool) bool { return true }, true, false},
		{"after advance short of deadline", func(c *Clock, tm tcpip.Timer, fired func() bool) bool {
			c.Advance(999 * time.Millisecond)
			return true
		}, true, false},
		{"already fired", func(c *Clock, tm tcpip.Timer, fired func() bool) bool {
			c.Advance(time.Second)
			return emutest.Eventually(fired)
		}, false, true},
		{"already stopped", func(c *Clock, tm tcpip.Timer, fired func() bool) bool {
			return tm.Stop()
		}, false, false},
		{"clock closed", func(c *Clock, tm tcpip.Timer, fired func() bool) bool {
			c.Close()
			return true
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewManual()
			defer c.Close()
			var n atomic.Int32
			tm := c.AfterFunc(time.Second, func() { n.Add(1) })
			if !tt.before(c, tm, func() bool { return n.Load() > 0 }) {
				t.Fatal("setup failed")
			}
			if got := tm.Stop(); got != tt.wantStop {
				t.Fatalf("Stop() = %v, want %v", got, tt.wantStop)
			}
			if tm.Stop() {
				t.Fatal("second Stop() = true, want false")
			}
			c.Advance(time.Hour)
			idle(t, c)
			if got, want := n.Load() > 0, tt.wantFire; got != want {
				t.Fatalf("fired = %v, want %v", got, want)
			}
			if _, ok := c.NextDeadline(); ok {
				t.Fatal("a timer is still pending")
			}
		})
	}
}

func TestReset(t *testing.T) {
	t.Run("later deadline", func(t *testing.T) {
		c := NewManual()
		defer c.Close()
		var n atomic.Int32
		tm := c.AfterFunc(time.Second, func() { n.Add(1) })
		c.Advance(500 * time.Millisecond)
		tm.Reset(time.Second) // now due at 1.5s
		c.Advance(600 * time.Millisecond)
		idle(t, c)
		if c.Pending() != 1 || n.Load() != 0 {
			t.Fatal("timer fired at its old deadline after Reset")
		}
		if d, ok := c.NextDeadline(); !ok || d != 400*time.Millisecond {
			t.Fatalf("NextDeadline = %v, %v; want 400ms, true", d, ok)
		}
		c.Advance(400 * time.Millisecond)
		emutest.WaitFor(t, "the timer to fire at its new deadline", func() bool { return n.Load() == 1 })
	})
	t.Run("earlier deadline", func(t *testing.T) {
		c := NewManual()
		defer c.Close()
		var n atomic.Int32
		tm := c.AfterFunc(time.Hour, func() { n.Add(1) })
		tm.Reset(time.Second)
		c.Advance(time.Second)
		emutest.WaitFor(t, "the timer to fire at its earlier deadline", func() bool { return n.Load() == 1 })
		c.Advance(2 * time.Hour)
		idle(t, c)
		mustPend(t, c, 0)
		if n.Load() != 1 {
			t.Fatalf("timer fired %d times, want once (the old deadline must be gone)", n.Load())
		}
	})
	t.Run("after firing", func(t *testing.T) {
		c := NewManual()
		defer c.Close()
		var n atomic.Int32
		tm := c.AfterFunc(time.Second, func() { n.Add(1) })
		c.Advance(time.Second)
		emutest.WaitFor(t, "the timer to fire", func() bool { return n.Load() == 1 })
		tm.Reset(time.Second)
		c.Advance(999 * time.Millisecond)
		idle(t, c)
		if c.Pending() != 1 || n.Load() != 1 {
			t.Fatal("re-armed timer fired early")
		}
		c.Advance(time.Millisecond)
		emutest.WaitFor(t, "the re-armed timer to fire", func() bool { return n.Load() == 2 })
		if tm.Stop() {
			t.Fatal("Stop after the second firing = true")
		}
	})
	t.Run("after stop", func(t *testing.T) {
		c := NewManual()
		defer c.Close()
		var n atomic.Int32
		tm := c.AfterFunc(time.Second, func() { n.Add(1) })
		tm.Stop()
		tm.Reset(2 * time.Second)
		c.Advance(2 * time.Second)
		emutest.WaitFor(t, "the timer re-armed after Stop to fire", func() bool { return n.Load() == 1 })
	})
	t.Run("after close", func(t *testing.T) {
		c := NewManual()
		tm := c.AfterFunc(time.Second, func() { t.Error("timer fired after Close") })
		c.Close()
		tm.Reset(time.Second) // must not panic or re-arm
		c.Advance(time.Hour)
		if tm.Stop() {
			t.Fatal("Stop after Close = true")
		}
		idle(t, c)
		mustPend(t, c, 0)
	})
}

// Timers that fall due in separate steps fire in deadline order; timers due
// in the same Advance all fire (each in its own goroutine, as with
// time.AfterFunc, so their relative order is not defined).
func TestTimerOrdering(t *testing.T) {
	c := NewManual()
	defer c.Close()
	var f firedSet
	deadlines := map[string]time.Duration{
		"a": 3 * time.Second, "b": 1 * time.Second, "c": 2 * time.Second,
		"d": 5 * time.Second, "e": 5 * time.Second, "stopped": 4 * time.Second,
	}
	timers := map[string]tcpip.Timer{}
	for name, d := range deadlines {
		timers[name] = c.AfterFunc(d, f.fn(c, name))
	}
	timers["stopped"].Stop()

	steps := []struct {
		advance time.Duration
		want    []string // cumulative, in order, for single-timer steps
	}{
		{time.Second, []string{"b"}},
		{time.Second, []string{"b", "c"}},
		{time.Second, []string{"b", "c", "a"}},
		{time.Second, []string{"b", "c", "a"}}, // "stopped" is gone
	}
	for i, st := range steps {
		c.Advance(st.advance)
		emutest.WaitFor(t, fmt.Sprintf("step %d: %d timers to fire", i, len(st.want)), func() bool { return f.count() >= len(st.want) })
		idle(t, c)
		f.mu.Lock()
		got := append([]string(nil), f.names...)
		f.mu.Unlock()
		if len(got) != len(st.want) {
			t.Fatalf("step %d: fired %v, want %v", i, got, st.want)
		}
		for j := range got {
			if got[j] != st.want[j] {
				t.Fatalf("step %d: fired %v, want %v", i, got, st.want)
			}
		}
	}
	if d, ok := c.NextDeadline(); !ok || d != time.Second {
		t.Fatalf("NextDeadline = %v, %v; want 1s, true", d, ok)
	}
	c.Advance(10 * time.Second)
	emutest.WaitFor(t, "the timers due in the same Advance to fire", func() bool { return f.has("d") && f.has("e") })
	idle(t, c)
	if f.has("stopped") {
		t.Fatal("a stopped timer fired")
	}
	if _, ok := c.NextDeadline(); ok {
		t.Fatal("timers still pending")
	}
}

// A timer function may re-arm its own timer (as the bridge's sweep does).
func TestTimerRearmsItself(t *testing.T) {
	c := NewManual()
	defer c.Close()
	var n atomic.Int32
	var tm tcpip.Timer
	ready := make(chan struct{})
	tm = c.AfterFunc(time.Second, func() {
		<-ready
		n.Add(1)
		tm.Reset(time.Second)
	})
	close(ready)
	for i := 1; i <= 3; i++ {
		c.Advance(time.Second)
		emutest.WaitFor(t, fmt.Sprintf("tick %d to fire", i), func() bool { return n.Load() == int32(i) })
		// Wait for the re-arm to land before advancing again.
		emutest.WaitFor(t, fmt.Sprintf("tick %d to re-arm", i), func() bool { d, ok := c.NextDeadline(); return ok && d == time.Second })
	}
	tm.Stop()
}

func TestRealClockFires(t *testing.T) {
	c := New()
	defer c.Close()
	var f firedSet
	c.AfterFunc(20*time.Millisecond, f.fn(c, "t"))
	emutest.WaitFor(t, "the real-time timer to fire", func() bool { return f.has("t") })
	f.mu.Lock()
	at := f.at["t"]
	f.mu.Unlock()
	if at < 20*time.Millisecond {
		t.Fatalf("timer fired at virtual %v, before its 20ms deadline", at)
	}
}

func TestRealClockAdvance(t *testing.T) {
	c := New()
	defer c.Close()
	var n atomic.Int32
	c.AfterFunc(time.Hour, func() { n.Add(1) })
	before := c.Elapsed()
	c.Advance(time.Hour)
	if got := c.Elapsed(); got < before+time.Hour {
		t.Fatalf("Elapsed after Advance(1h) = %v, want >= %v", got, before+time.Hour)
	}
	emutest.WaitFor(t, "Advance to fire a real-time timer that fell due", func() bool { return n.Load() == 1 })
}

func TestPauseResume(t *testing.T) {
	const d = 50 * time.Millisecond
	c := New()
	defer c.Close()
	var f firedSet
	tm := c.AfterFunc(d, f.fn(c, "t"))
	c.Pause()
	frozen := c.Elapsed()
	if frozen >= d {
		// The machine was too slow to pause before the deadline; the
		// timer may rightly have fired.
		tm.Stop()
		t.Skipf("could not pause before the deadline (elapsed %v)", frozen)
	}
	if !c.Paused() {
		t.Fatal("Paused() = false after Pause")
	}
	frozenNow := c.Now()
	frozenMono := c.NowMonotonic()
	c.Pause() // a second Pause changes nothing
	// Sleep well past the deadline in real time: what is tested is that
	// the paused clock does not follow it.
	time.Sleep(2 * d)
	if got := c.Elapsed(); got != frozen {
		t.Fatalf("Elapsed moved while paused: %v -> %v", frozen, got)
	}
	if got := c.Now(); !got.Equal(frozenNow) {
		t.Fatalf("Now moved while paused: %v -> %v", frozenNow, got)
	}
	if got := c.NowMonotonic(); got != frozenMono {
		t.Fatal("NowMonotonic moved while paused")
	}
	if f.has("t") {
		t.Fatal("a timer fired while the clock was paused")
	}
	// A timer armed while paused does not fire either, even if due now.
	c.AfterFunc(0, f.fn(c, "zero"))
	if c.Pending() != 2 || f.has("zero") {
		t.Fatal("a zero timer armed while paused fired")
	}
	if got, ok := c.NextDeadline(); !ok || got != 0 {
		t.Fatalf("NextDeadline while paused = %v, %v; want 0 (the zero timer), true", got, ok)
	}

	start := time.Now()
	c.Resume()
	resumed := c.Elapsed()
	wall := time.Since(start)
	if c.Paused() {
		t.Fatal("Paused() = true after Resume")
	}
	// Time continues from the frozen point: it has not jumped by the time
	// spent paused.
	if resumed < frozen || resumed > frozen+wall {
		t.Fatalf("Elapsed after Resume = %v, want within [%v, %v]", resumed, frozen, frozen+wall)
	}
	emutest.WaitFor(t, "the timers to fire after Resume", func() bool { return f.has("t") && f.has("zero") })
	f.mu.Lock()
	at := f.at["t"]
	f.mu.Unlock()
	if at < d {
		t.Fatalf("timer fired at virtual %v, before its deadline %v", at, d)
	}
	c.Resume() // Resume when running changes nothing
	if c.Paused() {
		t.Fatal("Paused() = true after a second Resume")
	}
}

// Advance works while paused: it moves the frozen time and fires what falls
// due, and virtual time continues from there on Resume.
func TestAdvanceWhilePaused(t *testing.T) {
	tests := []struct {
		name   string
		newClk func() *Clock
	}{
		{"manual", NewManual},
		{"real", New},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.newClk()
			defer c.Close()
			var n atomic.Int32
			c.AfterFunc(time.Hour, func() { n.Add(1) })
			c.Pause()
			frozen := c.Elapsed()
			c.Advance(time.Hour)
			if got := c.Elapsed(); got != frozen+time.Hour {
				t.Fatalf("Elapsed after Advance while paused = %v, want %v", got, frozen+time.Hour)
			}
			if !c.Paused() {
				t.Fatal("Advance unpaused the clock")
			}
			emutest.WaitFor(t, "Advance while paused to fire the due timer", func() bool { return n.Load() == 1 })
			start := time.Now()
			c.Resume()
			got := c.Elapsed()
			wall := time.Since(start)
			if got < frozen+time.Hour || got > frozen+time.Hour+wall {
				t.Fatalf("Elapsed after Resume = %v, want within [%v, %v]", got, frozen+time.Hour, frozen+time.Hour+wall)
			}
		})
	}
}

func TestClose(t *testing.T) {
	for _, tt := range []struct {
		name   string
		newClk func() *Clock
	}{{"manual", NewManual}, {"real", New}} {
		t.Run(tt.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			c := tt.newClk()
			var n atomic.Int32
			pending := c.AfterFunc(time.Hour, func() { n.Add(1) })
			if err := goleak.Find(before); err == nil {
				t.Fatal("no clock goroutine found while the clock runs")
			}
			c.Close()
			// The clock's goroutine is gone.
			if err := goleak.Find(before); err != nil {
				t.Fatalf("goroutines left after Close: %v", err)
			}
			c.Close() // idempotent
			c.Advance(time.Hour)
			late := c.AfterFunc(0, func() { n.Add(1) })
			// The clock's goroutine is gone and Advance fired nothing:
			// once no timer function runs, none can start.
			idle(t, c)
			mustPend(t, c, 0)
			if n.Load() != 0 {
				t.Fatal("a timer fired after Close")
			}
			if pending.Stop() || late.Stop() {
				t.Fatal("Stop after Close reported a pending timer")
			}
			if _, ok := c.NextDeadline(); ok {
				t.Fatal("NextDeadline reports a timer after Close")
			}
		})
	}
}

// TestDrivenFiresOneAtATime: a driven clock fires nothing by itself, nor
// in Advance; FireNext fires the earliest timer alone, moving time to its
// deadline, and timers of one deadline in the order they were armed.
func TestDrivenFiresOneAtATime(t *testing.T) {
	c := NewDriven()
	defer c.Close()
	var fs firedSet
	c.AfterFunc(2*time.Second, fs.fn(c, "b"))
	c.AfterFunc(time.Second, fs.fn(c, "a1"))
	c.AfterFunc(time.Second, fs.fn(c, "a2"))
	c.AfterFunc(0, fs.fn(c, "now"))
	c.Advance(3 * time.Second)
	idle(t, c)
	if n := fs.count(); n != 0 {
		t.Fatalf("a driven clock fired %d timers by itself", n)
	}
	want := []string{"now", "a1", "a2", "b"}
	for i, name := range want {
		if !c.FireNext() {
			t.Fatalf("FireNext %d (%s) = false", i, name)
		}
		emutest.WaitFor(t, "timer "+name+" to fire", func() bool { return fs.count() == i+1 })
	}
	if c.FireNext() {
		t.Fatal("FireNext with no timer = true")
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fmt.Sprint(fs.names) != fmt.Sprint(want) {
		t.Fatalf("fired %v, want %v", fs.names, want)
	}
	// Time stood at 3 s (Advance) when the overdue timers fired.
	if fs.at["b"] != 3*time.Second || fs.at["now"] != 3*time.Second {
		t.Fatalf("fired at %v", fs.at)
	}
}

// TestDrivenFireNextMovesTime: FireNext moves time forward to a timer's
// deadline, and a paused driven clock fires nothing.
func TestDrivenFireNextMovesTime(t *testing.T) {
	c := NewDriven()
	defer c.Close()
	var fs firedSet
	c.AfterFunc(1500*time.Millisecond, fs.fn(c, "x"))
	c.Pause()
	if c.FireNext() {
		t.Fatal("a paused clock fired")
	}
	c.Resume()
	if !c.FireNext() {
		t.Fatal("FireNext = false")
	}
	emutest.WaitFor(t, "the timer to fire", func() bool { return fs.has("x") })
	if got := c.Elapsed(); got != 1500*time.Millisecond {
		t.Fatalf("Elapsed = %v after FireNext, want 1.5s", got)
	}
}
