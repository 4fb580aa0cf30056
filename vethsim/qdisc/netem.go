package qdisc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/vethsim"
)

// NetemParams is a netem request as tc sends it (struct tc_netem_qopt and
// the optional attributes), and netem's state as the kernel dumps it.
// Probabilities are scaled to 2^32-1 (100%), times are psched ticks.
//
// A change replaces the qopt fields (Limit to Duplicate) and the loss
// model, and only those optional attributes it carries: a nil Corr,
// Reorder, Corrupt, Rate or Dist leaves the current values, as in Linux.
// A dump carries Corr, Reorder, Corrupt and Rate always, never Dist.
type NetemParams struct {
	Limit     uint32
	Latency   uint32
	Jitter    uint32
	Loss      uint32
	Gap       uint32
	Duplicate uint32

	Corr    *NetemCorr
	Reorder *NetemProb
	Corrupt *NetemProb
	Rate    *NetemRate
	// LossGI and LossGE choose a Markov loss model (loss state, loss
	// gemodel); with neither, Loss is the probability of a random loss.
	LossGI *NetemLossGI
	LossGE *NetemLossGE
	// Dist is the delay distribution table (DistTable); jitter is uniform
	// until one is given.
	Dist []int16
}

// NetemCorr are the correlations of the delay, loss and duplication draws.
type NetemCorr struct{ Delay, Loss, Dup uint32 }

// NetemProb is a probability and its correlation (reorder, corrupt).
type NetemProb struct{ Probability, Correlation uint32 }

// NetemRate is netem's rate limit: bytes per second, and the framing
// overheads that count toward it.
type NetemRate struct {
	Rate           uint64
	PacketOverhead int32
	CellSize       uint32
	CellOverhead   int32
}

// NetemLossGI is the 4-state Markov loss model's transition probabilities.
type NetemLossGI struct{ P13, P31, P32, P23, P14 uint32 }

// NetemLossGE is the Gilbert-Elliot loss model (the kernel's h is 1-h).
type NetemLossGE struct{ P, R, H, K1 uint32 }

// netemDistMax is NETEM_DIST_MAX.
const netemDistMax = 16384

// Loss models.
const (
	lossRandom = iota
	loss4State
	lossGE
)

// crnd is a correlated random source (struct crndstate).
type crnd struct{ last, rho uint32 }

// netem is sch_netem's state.
type netem struct {
	rng *rand.Rand

	latency, jitter int64 // ns
	limit, loss     uint32
	gap, counter    uint32
	duplicate       uint32
	reorder         uint32
	corrupt         uint32
	rate            NetemRate

	delayCor, lossCor, dupCor, reorderCor, corruptCor crnd

	dist      []int16
	lossModel int
	clg       struct {
		state              uint8
		a1, a2, a3, a4, a5 uint32
	}

	// tq holds frames by their time to send; front holds reordered frames,
	// sent before them, last in first out (they go to the queue's head).
	tq    tfifo
	front []held
}

// NewNetem makes a netem qdisc on link's egress with parameters p
// (netem_init). rng is its own source of random choices.
func NewNetem(link Link, clock tcpip.Clock, rng *rand.Rand, p NetemParams) (*Qdisc, error) {
	n := &netem{rng: rng}
	if err := n.change(p); err != nil {
		return nil, err
	}
	return newQdisc(link, clock, n), nil
}

// ChangeNetem changes a netem qdisc's parameters (netem_change).
func (q *Qdisc) ChangeNetem(p NetemParams) error {
	n, ok := q.disc.(*netem)
	if !ok {
		return ErrInvalid
	}
	return q.change(func() error { return n.change(p) })
}

// Netem returns a netem qdisc's parameters as the kernel dumps them.
func (q *Qdisc) Netem() (NetemParams, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n, ok := q.disc.(*netem)
	if !ok {
		return NetemParams{}, false
	}
	return n.params(), true
}

func (n *netem) kind() string { return "netem" }

func (n *netem) initCrnd(c *crnd, rho uint32) { *c = crnd{rho: rho, last: n.rng.Uint32()} }

// change applies p as netem_change does; it checks first, so a refused
// change changes nothing.
func (n *netem) change(p NetemParams) error {
	if p.Dist != nil && (len(p.Dist) == 0 || len(p.Dist) > netemDistMax) {
		return ErrInvalid
	}
	n.setLossModel(p)
	if p.Dist != nil {
		n.dist = p.Dist
	}
	n.limit, n.latency, n.jitter = p.Limit, TicksToNS(p.Latency), TicksToNS(p.Jitter)
	n.gap, n.counter, n.loss, n.duplicate = p.Gap, 0, p.Loss, p.Duplicate
	if n.gap != 0 {
		// For compatibility with earlier versions: a gap means 100%.
		n.reorder = ^uint32(0)
	}
	if c := p.Corr; c != nil {
		n.initCrnd(&n.delayCor, c.Delay)
		n.initCrnd(&n.lossCor, c.Loss)
		n.initCrnd(&n.dupCor, c.Dup)
	}
	if r := p.Reorder; r != nil {
		n.reorder = r.Probability
		n.initCrnd(&n.reorderCor, r.Correlation)
	}
	if c := p.Corrupt; c != nil {
		n.corrupt = c.Probability
		n.initCrnd(&n.corruptCor, c.Correlation)
	}
	if p.Rate != nil {
		n.rate = *p.Rate
	}
	if n.jitter < 0 {
		n.jitter = -n.jitter
	}
	n.jitter = min(n.jitter, math.MaxInt32)
	return nil
}

func (n *netem) setLossModel(p NetemParams) {
	c := &n.clg
	switch {
	case p.LossGI != nil:
		g := p.LossGI
		n.lossModel = loss4State
		c.state, c.a1, c.a2, c.a3, c.a4, c.a5 = 1, g.P13, g.P31, g.P32, g.P14, g.P23
	case p.LossGE != nil:
		g := p.LossGE
		n.lossModel = lossGE
		c.state, c.a1, c.a2, c.a3, c.a4 = 1, g.P, g.R, g.H, g.K1
	default:
		n.lossModel = lossRandom
	}
}

// params is netem_dump.
func (n *netem) params() NetemParams {
	rate := n.rate
	p := NetemParams{
		Limit: n.limit, Latency: NSToTicks(n.latency), Jitter: NSToTicks(n.jitter),
		Loss: n.loss, Gap: n.gap, Duplicate: n.duplicate,
		Corr:    &NetemCorr{Delay: n.delayCor.rho, Loss: n.lossCor.rho, Dup: n.dupCor.rho},
		Reorder: &NetemProb{Probability: n.reorder, Correlation: n.reorderCor.rho},
		Corrupt: &NetemProb{Probability: n.corrupt, Correlation: n.corruptCor.rho},
		Rate:    &rate,
	}
	c := n.clg
	switch n.lossModel {
	case loss4State:
		p.LossGI = &NetemLossGI{P13: c.a1, P31: c.a2, P32: c.a3, P14: c.a4, P23: c.a5}
	case lossGE:
		p.LossGE = &NetemLossGE{P: c.a1, R: c.a2, H: c.a3, K1: c.a4}
	}
	return p
}

// crandom is get_crandom: a random number correlated with the last one.
func (n *netem) crandom(s *crnd) uint32 {
	if s == nil || s.rho == 0 {
		return n.rng.Uint32()
	}
	value := uint64(n.rng.Uint32())
	rho := uint64(s.rho) + 1
	answer := (value*((1<<32)-rho) + uint64(s.last)*rho) >> 32
	s.last = uint32(answer)
	return uint32(answer)
}

// lossEvent decides whether the next frame is lost (loss_event).
func (n *netem) lossEvent() bool {
	switch n.lossModel {
	case loss4State:
		return n.loss4State()
	case lossGE:
		return n.lossGilbertElliot()
	}
	return n.loss != 0 && n.loss >= n.crandom(&n.lossCor)
}

// loss4State is the GI model's 4-state Markov chain: 1 transmitting in a
// gap, 2 transmitting in a burst, 3 lost in a burst, 4 an isolated loss.
func (n *netem) loss4State() bool {
	c := &n.clg
	rnd := n.rng.Uint32()
	switch c.state {
	case 1:
		switch {
		case rnd < c.a4:
			c.state = 4
			return true
		case rnd < c.a1+c.a4:
			c.state = 3
			return true
		}
	case 2:
		if rnd < c.a5 {
			c.state = 3
			return true
		}
	case 3:
		switch {
		case rnd < c.a3:
			c.state = 2
		case rnd < c.a2+c.a3:
			c.state = 1
		default:
			return true
		}
	case 4:
		c.state = 1
	}
	return false
}

// lossGilbertElliot is the Gilbert-Elliot model: a good (1) and a bad (2)
// state, each with its own loss probability.
func (n *netem) lossGilbertElliot() bool {
	c := &n.clg
	switch c.state {
	case 1:
		if n.rng.Uint32() < c.a1 {
			c.state = 2
		}
		return n.rng.Uint32() < c.a4
	case 2:
		if n.rng.Uint32() < c.a2 {
			c.state = 1
		}
		return n.rng.Uint32() > c.a3
	}
	return false
}

// tabledist draws a delay with mean mu and deviation sigma (ns): uniform
// without a table, else from the distribution table.
func (n *netem) tabledist(mu int64, sigma int32, s *crnd) int64 {
	if sigma == 0 {
		return mu
	}
	rnd := n.crandom(s)
	if n.dist == nil {
		return int64(rnd%(2*uint32(sigma))) + mu - int64(sigma)
	}
	t := int64(n.dist[int(rnd%uint32(len(n.dist)))])
	x := (int64(sigma) % DistScale) * t
	if x >= 0 {
		x += DistScale / 2
	} else {
		x -= DistScale / 2
	}
	return x/DistScale + (int64(sigma)/DistScale)*t + mu
}

// packetTime is how long n bytes take at the rate (packet_time_ns).
func (n *netem) packetTime(size uint64) int64 {
	r := n.rate
	size += uint64(int64(r.PacketOverhead))
	if r.CellSize != 0 {
		cells := size / uint64(r.CellSize)
		if size > cells*uint64(r.CellSize) {
			cells++
		}
		size = cells * uint64(int64(r.CellSize)+int64(r.CellOverhead))
	}
	return int64(size * 1e9 / r.Rate)
}

// enqueue is netem_enqueue: duplicate, lose, corrupt, then queue the frame
// by its time to send.
func (n *netem) enqueue(now int64, pkt *stack.PacketBuffer, st *Stats, drops []dropped) []dropped {
	return n.enqueueOne(now, pkt, false, st, drops)
}

func (n *netem) enqueueOne(now int64, pkt *stack.PacketBuffer, dup bool, st *Stats, drops []dropped) []dropped {
	count := 1
	if n.duplicate != 0 && !dup && n.duplicate >= n.crandom(&n.dupCor) {
		count++
	}
	if n.lossEvent() {
		count--
	}
	if count == 0 {
		st.Drops++
		return append(drops, dropped{pkt, "netem loss"})
	}
	var twin *stack.PacketBuffer
	if count > 1 {
		twin = clonePacket(pkt)
	}
	if n.corrupt != 0 && n.corrupt >= n.crandom(&n.corruptCor) {
		pkt = n.corruptFrame(pkt)
	}
	if st.Qlen >= n.limit {
		st.Drops++
		drops = append(drops, dropped{pkt, fmt.Sprintf("netem queue full (limit %d)", n.limit)})
		if twin != nil {
			drops = append(drops, dropped{twin, "netem duplicate: queue full"})
		}
		return drops
	}
	if twin != nil {
		// Linux queues the duplicate first, at the root qdisc (this one),
		// where it is not duplicated again.
		drops = n.enqueueOne(now, twin, true, st, drops)
	}
	n.queue(now, pkt, st)
	return drops
}

// queue puts a kept frame in the time queue, or at the front to reorder it.
func (n *netem) queue(now int64, pkt *stack.PacketBuffer, st *Stats) {
	size := uint32(pkt.Size())
	st.Backlog += size
	st.Qlen++
	if n.gap != 0 && n.counter >= n.gap-1 && n.reorder >= n.crandom(&n.reorderCor) {
		// Reordered: sent at once, ahead of the delayed frames.
		n.counter = 0
		n.front = append(n.front, held{pkt: pkt, at: now})
		st.Requeues++
		return
	}
	delay := n.tabledist(n.latency, int32(n.jitter), &n.delayCor)
	if n.rate.Rate != 0 {
		if last, ok := n.lastDue(); ok {
			// The link is busy until the last frame leaves: this one's
			// delay counts from then.
			delay = max(delay-(last-now), 0)
			now = last
		}
		delay += n.packetTime(uint64(size))
	}
	n.counter++
	n.tq.push(held{pkt: pkt, at: now + delay})
}

// lastDue is the latest time to send among the held frames.
func (n *netem) lastDue() (int64, bool) {
	last, ok := n.tq.last()
	if len(n.front) > 0 && (!ok || n.front[0].at > last.at) {
		return n.front[0].at, true
	}
	return last.at, ok
}

// corruptFrame flips one random bit of the frame, in a copy of its own.
func (n *netem) corruptFrame(pkt *stack.PacketBuffer) *stack.PacketBuffer {
	v := pkt.ToView()
	b := append([]byte(nil), v.AsSlice()...)
	v.Release()
	pkt.DecRef()
	if len(b) > 0 {
		b[n.rng.Uint32N(uint32(len(b)))] ^= 1 << n.rng.Uint32N(8)
	}
	out := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	// Linux computes a checksum the NIC would have before it flips the
	// bit, so the receiver sees the damage: the receiving stack must check.
	vethsim.MarkUntrustedChecksum(out)
	return out
}

// dequeue is netem_dequeue: reordered frames first, then the frame due
// first if its time has come.
func (n *netem) dequeue(now int64, st *Stats) (*stack.PacketBuffer, int64) {
	var h held
	switch f, ok := n.tq.first(); {
	case len(n.front) > 0:
		h = n.front[len(n.front)-1]
		n.front[len(n.front)-1] = held{}
		n.front = n.front[:len(n.front)-1]
	case !ok:
		return nil, 0
	case f.at > now:
		return nil, f.at
	default:
		h = n.tq.pop()
	}
	st.Backlog -= uint32(h.pkt.Size())
	st.Qlen--
	return h.pkt, 0
}

func (n *netem) reset(_ int64, st *Stats) []*stack.PacketBuffer {
	out := n.tq.takeAll()
	for i := range n.front {
		out = append(out, n.front[i].pkt)
	}
	clear(n.front)
	n.front = n.front[:0]
	st.Backlog, st.Qlen = 0, 0
	return out
}
