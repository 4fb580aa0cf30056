// Package qdisc is the kernel half of `tc qdisc`: the queueing disciplines
// a veth end's egress runs (vethsim.Qdisc), netem (delay, jitter, loss,
// duplication, reordering, corruption, rate) and tbf (a token bucket), with
// the semantics and the statistics of Linux's sch_netem and sch_tbf.
//
// Parameters cross in the kernel's units, as the netlink messages carry
// them (NetemParams, TBFParams): psched ticks of 64 ns, probabilities scaled
// to 2^32-1, rates in bytes per second. A qdisc reports them back the same
// way, so tc can print what Linux would.
//
// Time is the emulated clock's. A frame a qdisc holds waits in the qdisc's
// own bounded queue (its limit), never in a goroutine: one clock timer per
// qdisc, armed for the next frame due, releases it. A held frame costs no
// wall time while the world warps, and is seen by observers (the trace
// events, hence --explain and captures) only when it leaves. A full queue
// drops and counts, as Linux does.
//
// Ownership: Enqueue takes the frame's one reference; every frame is then
// either handed on (Link.Xmit) or dropped (Link.DropFrame) exactly once, or
// released by Reset or Close (the device going down, the qdisc deleted, the
// world closing).
//
// Randomness: each netem draws from its own *rand.Rand, which the caller
// seeds (emu gives each qdisc a seed from the world's source), so a run
// with the same seed makes the same choices.
package qdisc

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/vethsim"
)

// ErrInvalid is the kernel's EINVAL for parameters it refuses (a tbf whose
// peak rate is not above its rate, a burst of zero).
var ErrInvalid = errors.New("invalid argument")

// Link is where a qdisc sends the frames it releases: a veth end.
type Link interface {
	// Xmit sends a frame on now; it takes ownership and never blocks.
	Xmit(pkt *stack.PacketBuffer)
	// DropFrame releases a refused frame and says why.
	DropFrame(pkt *stack.PacketBuffer, reason string)
	// MTU is the size large segments are cut to.
	MTU() uint32
}

var _ Link = (*vethsim.End)(nil)
var _ vethsim.Qdisc = (*Qdisc)(nil)

// Stats are a qdisc's counters, as `tc -s qdisc` prints them: Sent bytes
// and packets (frames that left), drops, overlimits and requeues, and the
// backlog (bytes and frames held now).
type Stats struct {
	Bytes, Packets    uint64
	Drops, Overlimits uint32
	Requeues          uint32
	Backlog, Qlen     uint32
}

// discipline is what differs between netem and tbf: where a frame goes
// and when it may leave. Its methods run with Qdisc.mu held.
type discipline interface {
	kind() string
	// enqueue takes pkt at now (ns) and keeps it, or appends it to drops.
	enqueue(now int64, pkt *stack.PacketBuffer, st *Stats, drops []dropped) []dropped
	// dequeue returns the next frame that may leave at now; when none may,
	// it returns when to look again (0 when it holds nothing).
	dequeue(now int64, st *Stats) (pkt *stack.PacketBuffer, next int64)
	// reset forgets every held frame and returns them.
	reset(now int64, st *Stats) []*stack.PacketBuffer
}

// dropped is a refused frame and the reason, released outside the lock.
type dropped struct {
	pkt    *stack.PacketBuffer
	reason string
}

// Qdisc is one queueing discipline attached to a link's egress.
type Qdisc struct {
	link  Link
	clock tcpip.Clock

	// txMu serialises releases, so frames leave in the order the
	// discipline gives them even when a timer fires while a sender
	// releases. Lock order: txMu, then mu; the clock's lock is a leaf
	// below both. Link.Xmit runs holding txMu only (it never blocks and
	// never comes back here); nothing runs holding mu but the discipline.
	txMu sync.Mutex
	out  []*stack.PacketBuffer // release scratch, under txMu
	// again asks the release under way for another round (release).
	again atomic.Bool

	// mu guards everything below.
	mu       sync.Mutex
	disc     discipline
	stats    Stats
	timer    tcpip.Timer
	armed    bool
	deadline int64
	closed   bool
}

func newQdisc(link Link, clock tcpip.Clock, d discipline) *Qdisc {
	return &Qdisc{link: link, clock: clock, disc: d}
}

// Kind returns "netem" or "tbf".
func (q *Qdisc) Kind() string { return q.disc.kind() }

// Stats returns a snapshot of the counters.
func (q *Qdisc) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stats
}

func (q *Qdisc) now() int64 {
	return int64(q.clock.NowMonotonic().Sub(tcpip.MonotonicTime{}))
}

// Enqueue implements vethsim.Qdisc. A large segment (GSO) is cut into the
// frames a NIC would send, so that losses, delays and rates apply per frame,
// as to the frames that leave a real NIC's queue. It never blocks beyond a
// short critical section; frames due now leave before it returns.
func (q *Qdisc) Enqueue(pkt *stack.PacketBuffer) {
	pkts := []*stack.PacketBuffer{pkt}
	if vethsim.NeedsSegment(pkt) {
		pkts = vethsim.Segment(pkt, q.link.MTU())
		pkt.DecRef()
	}
	var drops []dropped
	q.mu.Lock()
	if q.closed {
		// Detached while the sender held it: the frame leaves as without a
		// qdisc.
		q.mu.Unlock()
		for _, p := range pkts {
			q.link.Xmit(p)
		}
		return
	}
	now := q.now()
	for _, p := range pkts {
		drops = q.disc.enqueue(now, p, &q.stats, drops)
	}
	q.mu.Unlock()
	for _, d := range drops {
		q.link.DropFrame(d.pkt, d.reason)
	}
	q.release()
}

// release hands on every frame due now and arms the timer for the next.
// One release runs at a time (txMu), so frames leave in order; a release
// that finds another under way leaves the work to it (again), rather than
// wait: the one under way may be this very goroutine, when handing a frame
// on delivers it at once and the answer comes back through this qdisc
// (lo's loopback).
func (q *Qdisc) release() {
	q.again.Store(true)
	if !q.txMu.TryLock() {
		return
	}
	for {
		q.again.Store(false)
		q.releaseLocked()
		q.txMu.Unlock()
		if !q.again.Load() || !q.txMu.TryLock() {
			return
		}
	}
}

// releaseLocked is one round of release. q.txMu must be held.
func (q *Qdisc) releaseLocked() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	now := q.now()
	out := q.out[:0]
	for {
		pkt, next := q.disc.dequeue(now, &q.stats)
		if pkt == nil {
			if next > 0 {
				q.armLocked(now, next)
			}
			break
		}
		q.stats.Bytes += uint64(pkt.Size())
		q.stats.Packets++
		out = append(out, pkt)
	}
	q.mu.Unlock()
	for _, p := range out {
		q.link.Xmit(p)
	}
	clear(out)
	q.out = out[:0]
}

// armLocked makes the timer fire at next (ns) unless it fires sooner
// already. q.mu must be held.
func (q *Qdisc) armLocked(now, next int64) {
	if q.armed && q.deadline <= next {
		return
	}
	q.armed, q.deadline = true, next
	d := time.Duration(next - now)
	if q.timer == nil {
		q.timer = q.clock.AfterFunc(d, q.onTimer)
		return
	}
	q.timer.Reset(d)
}

func (q *Qdisc) onTimer() {
	q.mu.Lock()
	q.armed = false
	q.mu.Unlock()
	q.release()
}

// Reset drops every held frame, as Linux resets a device's qdisc when the
// device goes down or loses carrier. The counters stay.
func (q *Qdisc) Reset() {
	q.mu.Lock()
	held := q.disc.reset(q.now(), &q.stats)
	q.stopTimerLocked()
	q.mu.Unlock()
	for _, p := range held {
		p.DecRef()
	}
}

// Close releases every held frame and stops the timer, for good: the
// qdisc was deleted or replaced, or its device is going. A frame a sender
// enqueues afterwards passes straight through. Close waits for a release
// in progress to end.
func (q *Qdisc) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	held := q.disc.reset(q.now(), &q.stats)
	q.stopTimerLocked()
	q.mu.Unlock()
	for _, p := range held {
		p.DecRef()
	}
	q.txMu.Lock()
	q.txMu.Unlock()
}

func (q *Qdisc) stopTimerLocked() {
	if q.timer != nil {
		q.timer.Stop()
	}
	q.armed = false
}

// change runs f on the discipline under the lock, then releases what is
// due (new parameters may let frames leave sooner).
func (q *Qdisc) change(f func() error) error {
	q.mu.Lock()
	err := f()
	q.mu.Unlock()
	if err == nil {
		q.release()
	}
	return err
}

// clonePacket makes an independent wire packet with the same bytes.
func clonePacket(pkt *stack.PacketBuffer) *stack.PacketBuffer {
	b := pkt.ToBuffer()
	c := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: b.DeepClone()})
	b.Release()
	return c
}
