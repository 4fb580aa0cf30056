package qdisc

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/leakcheck"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }

// sent is a frame the fake link sent on: when (since the test's start)
// and its bytes.
type sent struct {
	at    time.Duration
	frame []byte
}

// fakeLink records what a qdisc hands on and drops, and releases it.
type fakeLink struct {
	clk   *clock.Clock
	start time.Duration
	mtu   uint32

	mu    sync.Mutex
	out   []sent
	drops []string
}

func newFakeLink(t *testing.T) (*fakeLink, *clock.Clock) {
	c := clock.NewManual()
	t.Cleanup(c.Close)
	return &fakeLink{clk: c, start: c.Elapsed(), mtu: 1500}, c
}

func (l *fakeLink) Xmit(pkt *stack.PacketBuffer) {
	v := pkt.ToView()
	b := append([]byte(nil), v.AsSlice()...)
	v.Release()
	pkt.DecRef()
	l.mu.Lock()
	l.out = append(l.out, sent{at: l.clk.Elapsed() - l.start, frame: b})
	l.mu.Unlock()
}

func (l *fakeLink) DropFrame(pkt *stack.PacketBuffer, reason string) {
	pkt.DecRef()
	l.mu.Lock()
	l.drops = append(l.drops, reason)
	l.mu.Unlock()
}

func (l *fakeLink) MTU() uint32 { return l.mtu }

func (l *fakeLink) sent() []sent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sent(nil), l.out...)
}

func (l *fakeLink) dropped() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.drops...)
}

// frame returns a frame of size bytes whose first byte is id.
func frame(id byte, size int) *stack.PacketBuffer {
	b := make([]byte, size)
	b[0] = id
	return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
}

// advance moves the clock and waits for the timers it fired.
func advance(t *testing.T, c *clock.Clock, d time.Duration) {
	t.Helper()
	c.Advance(d)
	emutest.WaitFor(t, "timers to run", func() bool { return c.Running() == 0 })
}

func seeded() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// ms is a time in psched ticks.
func ms(n float64) uint32 { return uint32(n * 1e6 / 64) }

// pct is a probability scaled as the kernel keeps it.
func pct(p float64) uint32 { return uint32(p / 100 * (1<<32 - 1)) }

func mustNetem(t *testing.T, l *fakeLink, c *clock.Clock, p NetemParams) *Qdisc {
	t.Helper()
	if p.Limit == 0 {
		p.Limit = 1000
	}
	q, err := NewNetem(l, c, seeded(), p)
	if err != nil {
		t.Fatalf("NewNetem(%+v): %v", p, err)
	}
	t.Cleanup(q.Close)
	return q
}

func TestNetemDelayHoldsFramesUntilTheirTime(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Latency: ms(100)})
	for i := range 3 {
		q.Enqueue(frame(byte(i), 98))
	}
	if st := q.Stats(); st.Qlen != 3 || st.Backlog != 3*98 || st.Packets != 0 {
		t.Fatalf("after 3 frames: %+v, want 3 held (294 bytes), none sent", st)
	}
	advance(t, c, 99*time.Millisecond)
	if n := len(l.sent()); n != 0 {
		t.Fatalf("%d frames left before 100 ms", n)
	}
	advance(t, c, time.Millisecond)
	emutest.WaitFor(t, "3 frames", func() bool { return len(l.sent()) == 3 })
	for i, s := range l.sent() {
		if s.at != 100*time.Millisecond || s.frame[0] != byte(i) {
			t.Errorf("frame %d: left at %v with id %d, want 100ms in order", i, s.at, s.frame[0])
		}
	}
	if st := q.Stats(); st.Packets != 3 || st.Bytes != 294 || st.Qlen != 0 || st.Backlog != 0 {
		t.Errorf("stats %+v, want 3 pkt 294 bytes sent, nothing held", st)
	}
}

func TestNetemWithoutDelayPassesFramesAtOnce(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{})
	q.Enqueue(frame(1, 60))
	if got := l.sent(); len(got) != 1 || got[0].at != 0 {
		t.Fatalf("sent %v, want the frame at once", got)
	}
	if c.Pending() != 0 {
		t.Errorf("%d timers armed for a qdisc that holds nothing", c.Pending())
	}
}

func TestNetemLoss100DropsEverythingAndCountsIt(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Loss: ^uint32(0)})
	for i := range 10 {
		q.Enqueue(frame(byte(i), 98))
	}
	if n := len(l.sent()); n != 0 {
		t.Fatalf("%d frames left with loss 100%%", n)
	}
	if d := l.dropped(); len(d) != 10 || d[0] != "netem loss" {
		t.Fatalf("drops %q, want 10 netem losses", d)
	}
	if st := q.Stats(); st.Drops != 10 || st.Packets != 0 {
		t.Errorf("stats %+v, want 10 drops", st)
	}
}

// TestNetemLossRateIsWithinBounds checks loss 10%, 20% and 50% over 20 000
// frames against the binomial distribution: within 4 standard deviations
// (a false alarm less than once in 15 000 runs, for any seed).
func TestNetemLossRateIsWithinBounds(t *testing.T) {
	for _, p := range []float64{10, 20, 50} {
		l, c := newFakeLink(t)
		q := mustNetem(t, l, c, NetemParams{Loss: pct(p)})
		const n = 20000
		for range n {
			q.Enqueue(frame(0, 60))
		}
		drops := float64(q.Stats().Drops)
		mean, sd := n*p/100, sqrt(n*p/100*(1-p/100))
		if drops < mean-4*sd || drops > mean+4*sd {
			t.Errorf("loss %v%%: %v of %d frames dropped, want %v ± %.0f", p, drops, n, mean, 4*sd)
		}
		if int(drops)+len(l.sent()) != n {
			t.Errorf("loss %v%%: %v dropped + %d sent != %d", p, drops, len(l.sent()), n)
		}
	}
}

func sqrt(x float64) float64 {
	r := x
	for range 50 {
		r = (r + x/r) / 2
	}
	return r
}

func TestNetemDuplicateSendsTwoCopies(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Duplicate: ^uint32(0)})
	q.Enqueue(frame(7, 98))
	got := l.sent()
	if len(got) != 2 || got[0].frame[0] != 7 || got[1].frame[0] != 7 {
		t.Fatalf("sent %d frames, want the frame and its duplicate", len(got))
	}
	if st := q.Stats(); st.Packets != 2 {
		t.Errorf("stats %+v, want 2 sent", st)
	}
}

func TestNetemLimitDropsWhenFull(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Limit: 2, Latency: ms(10)})
	for i := range 3 {
		q.Enqueue(frame(byte(i), 98))
	}
	if d := l.dropped(); len(d) != 1 || d[0] != "netem queue full (limit 2)" {
		t.Fatalf("drops %q, want the third frame", d)
	}
	if st := q.Stats(); st.Drops != 1 || st.Qlen != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestNetemReorderSendsEveryGapthFrameAtOnce(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Latency: ms(10), Gap: 5, Reorder: &NetemProb{Probability: ^uint32(0)}})
	for i := 1; i <= 10; i++ {
		q.Enqueue(frame(byte(i), 98))
	}
	var first []byte
	for _, s := range l.sent() {
		first = append(first, s.frame[0])
	}
	if string(first) != "\x05\x0a" {
		t.Fatalf("sent at once %v, want frames 5 and 10", first)
	}
	advance(t, c, 10*time.Millisecond)
	emutest.WaitFor(t, "10 frames", func() bool { return len(l.sent()) == 10 })
	if st := q.Stats(); st.Requeues != 2 {
		t.Errorf("requeues %d, want 2", st.Requeues)
	}
}

func TestNetemRateSpacesFrames(t *testing.T) {
	l, c := newFakeLink(t)
	// 1 Mbit/s: a 1000-byte frame takes 8 ms.
	q := mustNetem(t, l, c, NetemParams{Rate: &NetemRate{Rate: 125000}})
	for i := range 3 {
		q.Enqueue(frame(byte(i), 1000))
	}
	for i := 1; i <= 3; i++ {
		advance(t, c, 8*time.Millisecond)
		emutest.WaitFor(t, "a frame per 8 ms", func() bool { return len(l.sent()) == i })
	}
	for i, s := range l.sent() {
		if want := time.Duration(i+1) * 8 * time.Millisecond; s.at != want {
			t.Errorf("frame %d left at %v, want %v", i, s.at, want)
		}
	}
}

func TestNetemJitterStaysInRange(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Latency: ms(50), Jitter: ms(10)})
	for i := range 200 {
		q.Enqueue(frame(byte(i), 60))
	}
	for range 25 {
		advance(t, c, 4*time.Millisecond)
	}
	emutest.WaitFor(t, "200 frames", func() bool { return len(l.sent()) == 200 })
	lo, hi := time.Hour, time.Duration(0)
	for _, s := range l.sent() {
		lo, hi = min(lo, s.at), max(hi, s.at)
	}
	// Sent on 4 ms ticks: the first between 40 and 44 ms, the last at 60 ms.
	if lo < 40*time.Millisecond || hi > 60*time.Millisecond || hi-lo < 12*time.Millisecond {
		t.Errorf("frames left between %v and %v, want spread over 40-60 ms", lo, hi)
	}
}

func TestNetemCorruptFlipsOneBit(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Corrupt: &NetemProb{Probability: ^uint32(0)}})
	q.Enqueue(frame(0, 100))
	got := l.sent()
	if len(got) != 1 {
		t.Fatalf("sent %d frames", len(got))
	}
	bits := 0
	for _, b := range got[0].frame {
		for ; b != 0; b &= b - 1 {
			bits++
		}
	}
	if bits != 1 {
		t.Errorf("%d bits set in a corrupted all-zero frame, want 1", bits)
	}
}

func TestNetemChangeKeepsAttributesItDoesNotCarry(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Rate: &NetemRate{Rate: 125000}, Corrupt: &NetemProb{Probability: 5}})
	if err := q.ChangeNetem(NetemParams{Limit: 10, Latency: ms(20)}); err != nil {
		t.Fatal(err)
	}
	p, _ := q.Netem()
	if p.Rate.Rate != 125000 || p.Corrupt.Probability != 5 || p.Latency != ms(20) || p.Limit != 10 {
		t.Errorf("after change: %+v rate %+v corrupt %+v", p, p.Rate, p.Corrupt)
	}
}

func TestCloseReleasesHeldFramesAndLaterFramesPass(t *testing.T) {
	l, c := newFakeLink(t)
	q, err := NewNetem(l, c, seeded(), NetemParams{Limit: 1000, Latency: ms(1000)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		q.Enqueue(frame(byte(i), 98))
	}
	q.Close()
	if c.Pending() != 0 {
		t.Errorf("%d timers left armed after Close", c.Pending())
	}
	q.Enqueue(frame(9, 98))
	if got := l.sent(); len(got) != 1 || got[0].frame[0] != 9 {
		t.Errorf("after Close, sent %d frames, want the new one only", len(got))
	}
}

func TestResetDropsHeldFramesAndKeepsCounters(t *testing.T) {
	l, c := newFakeLink(t)
	q := mustNetem(t, l, c, NetemParams{Latency: ms(10)})
	q.Enqueue(frame(1, 98))
	q.Enqueue(frame(2, 98))
	q.Reset()
	advance(t, c, 20*time.Millisecond)
	if n := len(l.sent()); n != 0 {
		t.Errorf("%d frames left after Reset", n)
	}
	q.Enqueue(frame(3, 98))
	advance(t, c, 10*time.Millisecond)
	emutest.WaitFor(t, "the frame after Reset", func() bool { return len(l.sent()) == 1 })
	if st := q.Stats(); st.Qlen != 0 || st.Packets != 1 {
		t.Errorf("stats %+v", st)
	}
}
