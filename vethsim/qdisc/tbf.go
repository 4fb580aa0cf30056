package qdisc

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// TBFParams is a tbf request as tc sends it (struct tc_tbf_qopt with the
// burst attributes), and tbf's state as the kernel dumps it (without
// Burst and PBurst, which a dump does not carry).
type TBFParams struct {
	Rate     RateSpec
	PeakRate RateSpec
	// Limit is the queue's size in bytes.
	Limit uint32
	// Buffer and MTU are the bucket sizes as times at the rate and the
	// peak rate, in ticks.
	Buffer, MTU uint32
	// Rate64 and PeakRate64 carry rates of 2^32 bytes/s and more; 0 when
	// the 32-bit fields hold the rate.
	Rate64, PeakRate64 uint64
	// Burst and PBurst are the bucket sizes in bytes (TCA_TBF_BURST,
	// TCA_TBF_PBURST); 0 when not sent.
	Burst, PBurst uint32
}

// tbf is sch_tbf's state: a token bucket of buffer ns at the rate, and an
// optional second one of mtu ns at the peak rate, in front of a byte FIFO
// of limit bytes.
type tbf struct {
	limit    uint32
	maxSize  uint32
	buffer   int64
	mtu      int64
	rate     rateCfg
	peak     rateCfg
	tokens   int64
	ptokens  int64
	tc       int64 // when tokens were last counted
	fifo     []*stack.PacketBuffer
	fifoHead int
}

// NewTBF makes a tbf qdisc on link's egress with parameters p (tbf_init).
func NewTBF(link Link, clock tcpip.Clock, p TBFParams) (*Qdisc, error) {
	t := &tbf{}
	q := newQdisc(link, clock, t)
	t.tc = q.now()
	if err := t.change(p); err != nil {
		return nil, err
	}
	return q, nil
}

// ChangeTBF changes a tbf qdisc's parameters (tbf_change).
func (q *Qdisc) ChangeTBF(p TBFParams) error {
	t, ok := q.disc.(*tbf)
	if !ok {
		return ErrInvalid
	}
	return q.change(func() error { return t.change(p) })
}

// TBF returns a tbf qdisc's parameters as the kernel dumps them.
func (q *Qdisc) TBF() (TBFParams, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	t, ok := q.disc.(*tbf)
	if !ok {
		return TBFParams{}, false
	}
	return t.params(), true
}

func (t *tbf) kind() string { return "tbf" }

// change is tbf_change: it checks everything before it changes anything.
// Frames queued stay, whatever the new limit (Linux's FIFO keeps them too).
func (t *tbf) change(p TBFParams) error {
	buffer := min(TicksToNS(p.Buffer), 1<<32-1)
	mtu := min(TicksToNS(p.MTU), 1<<32-1)
	rate := newRateCfg(p.Rate, p.Rate64)
	maxSize := uint64(p.Burst)
	if p.Burst != 0 {
		buffer = rate.l2t(p.Burst)
	} else {
		maxSize = min(t2l(rate, buffer), 1<<32-1)
	}
	var peak rateCfg
	if p.PeakRate.Rate != 0 {
		peak = newRateCfg(p.PeakRate, p.PeakRate64)
		if peak.bytesPS <= rate.bytesPS {
			return ErrInvalid
		}
		if p.PBurst != 0 {
			maxSize = min(maxSize, uint64(p.PBurst))
			mtu = peak.l2t(p.PBurst)
		} else {
			maxSize = min(maxSize, t2l(peak, mtu))
		}
	}
	if maxSize == 0 {
		return ErrInvalid
	}
	t.limit, t.maxSize, t.buffer, t.mtu = p.Limit, uint32(maxSize), buffer, mtu
	t.tokens, t.ptokens = buffer, mtu
	t.rate, t.peak = rate, peak
	return nil
}

// t2l is psched_ns_t2l: how many bytes the rate sends in ns.
func t2l(r rateCfg, ns int64) uint64 {
	if r.mult == 0 {
		return 0
	}
	l := (uint64(ns) << r.shift) / uint64(r.mult)
	if r.linkLayer == LinkLayerATM {
		l = l / 53 * 48
	}
	if l > uint64(r.overhead) {
		l -= uint64(r.overhead)
	} else {
		l = 0
	}
	return l
}

// params is tbf_dump.
func (t *tbf) params() TBFParams {
	p := TBFParams{Limit: t.limit, Rate: t.rate.spec(), Buffer: NSToTicks(t.buffer), MTU: NSToTicks(t.mtu)}
	if t.rate.bytesPS >= 1<<32 {
		p.Rate64 = t.rate.bytesPS
	}
	if t.peak.bytesPS != 0 {
		p.PeakRate = t.peak.spec()
		if t.peak.bytesPS >= 1<<32 {
			p.PeakRate64 = t.peak.bytesPS
		}
	}
	return p
}

// enqueue is tbf_enqueue: a frame larger than the bucket can never leave,
// and the byte FIFO holds at most limit bytes.
func (t *tbf) enqueue(_ int64, pkt *stack.PacketBuffer, st *Stats, drops []dropped) []dropped {
	size := uint32(pkt.Size())
	if size > t.maxSize {
		st.Drops++
		return append(drops, dropped{pkt, fmt.Sprintf("tbf: frame of %d bytes is larger than the burst", size)})
	}
	if uint64(st.Backlog)+uint64(size) > uint64(t.limit) {
		st.Drops++
		return append(drops, dropped{pkt, fmt.Sprintf("tbf queue full (limit %d bytes)", t.limit)})
	}
	t.fifo = append(t.fifo, pkt)
	st.Backlog += size
	st.Qlen++
	return drops
}

// dequeue is tbf_dequeue: the head frame leaves when both buckets hold
// the tokens it costs; otherwise it counts an overlimit and says when
// they will.
func (t *tbf) dequeue(now int64, st *Stats) (*stack.PacketBuffer, int64) {
	if t.fifoHead == len(t.fifo) {
		return nil, 0
	}
	pkt := t.fifo[t.fifoHead]
	size := uint32(pkt.Size())
	toks := min(now-t.tc, t.buffer)
	var ptoks int64
	if t.peak.bytesPS != 0 {
		ptoks = min(toks+t.ptokens, t.mtu) - t.peak.l2t(size)
	}
	toks = min(toks+t.tokens, t.buffer) - t.rate.l2t(size)
	if toks|ptoks < 0 {
		st.Overlimits++
		return nil, now + max(-toks, -ptoks)
	}
	t.pop()
	t.tc, t.tokens, t.ptokens = now, toks, ptoks
	st.Backlog -= size
	st.Qlen--
	return pkt, 0
}

// pop removes the head frame, keeping the FIFO's storage compact.
func (t *tbf) pop() {
	t.fifo[t.fifoHead] = nil
	t.fifoHead++
	switch {
	case t.fifoHead == len(t.fifo):
		t.fifo, t.fifoHead = t.fifo[:0], 0
	case t.fifoHead > 64 && t.fifoHead > len(t.fifo)/2:
		n := copy(t.fifo, t.fifo[t.fifoHead:])
		clear(t.fifo[n:])
		t.fifo, t.fifoHead = t.fifo[:n], 0
	}
}

// reset is tbf_reset: the queue empties and the buckets fill.
func (t *tbf) reset(now int64, st *Stats) []*stack.PacketBuffer {
	out := append([]*stack.PacketBuffer(nil), t.fifo[t.fifoHead:]...)
	clear(t.fifo)
	t.fifo, t.fifoHead = t.fifo[:0], 0
	t.tc, t.tokens, t.ptokens = now, t.buffer, t.mtu
	st.Backlog, st.Qlen = 0, 0
	return out
}
