package stack

import (
	"slices"

	"gvisor.dev/gvisor/pkg/waiter"
)

// pingFailures is a Pinger's share of link resolution (linkfail.go): the
// probes that wait for a neighbour, and those whose neighbour did not
// answer, to be reported as Linux does ("Destination Host Unreachable",
// from the probe's own source address) once the neighbour is FAILED:
// after three unanswered ARP requests, a second apart, and only while lo is
// up (takeFailed).
type pingFailures struct {
	// queued are the probes waiting for each neighbour; failed those to
	// report, in order. Guarded by the Pinger's mu (a leaf: linkWatch
	// calls neighDone with its own lock held).
	queued map[neighKey][]uint16
	failed []uint16
	// waited counts the probes that ever waited for a neighbour.
	waited int
	// wq tells Recv's wait that failed grew (readable).
	wq   waiter.Queue
	stop func()
}

// watchLinks starts following link resolution for p's probes.
func (p *Pinger) watchLinks() {
	p.fail.stop = p.st.links.listen(p)
}

// close stops following link resolution. It may be called more than once;
// the caller must not hold the Pinger's mu.
func (f *pingFailures) close() {
	if f.stop != nil {
		f.stop()
	}
}

// noteQueued records probe seq, just sent, as waiting for its next hop
// when that is being resolved.
func (p *Pinger) noteQueued(seq uint16) {
	if p.st.links.n.Load() == 0 {
		return // nothing is being resolved: the probe left
	}
	r, err := p.st.RouteGet(p.dst)
	if err != nil {
		return
	}
	hop := r.Gateway
	if !hop.IsValid() {
		hop = p.dst
	}
	n, ok := p.st.LookupNIC(r.Dev)
	if !ok {
		return
	}
	k := neighKey{n.ID, tcpAddr(hop)}
	p.st.links.waiting(k, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.fail.queued == nil {
			p.fail.queued = map[neighKey][]uint16{}
		}
		p.fail.queued[k] = append(p.fail.queued[k], seq)
		p.fail.waited++
	})
}

// neighDone implements neighListener: the probes that waited for k are
// lost if it failed, gone out otherwise.
func (p *Pinger) neighDone(k neighKey, failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	seqs, ok := p.fail.queued[k]
	if !ok {
		return
	}
	delete(p.fail.queued, k)
	if !failed {
		return
	}
	p.fail.failed = append(p.fail.failed, seqs...)
	p.fail.wq.Notify(waiter.ReadableEvents)
}

// takeFailed returns the report of the next probe lost to a failed
// neighbour. Linux delivers it as an ICMP error the namespace sends itself,
// through lo: with lo down, nothing is reported (the probes just go
// unanswered), and so here.
func (p *Pinger) takeFailed() (PingReply, bool) {
	for {
		p.mu.Lock()
		if len(p.fail.failed) == 0 {
			p.mu.Unlock()
			return PingReply{}, false
		}
		seq := p.fail.failed[0]
		p.fail.failed = slices.Delete(p.fail.failed, 0, 1)
		p.mu.Unlock()
		if lo, ok := p.st.LookupNIC("lo"); ok && lo.Up {
			return PingReply{From: p.src, Seq: seq, Error: "Destination Host Unreachable"}, true
		}
	}
}
