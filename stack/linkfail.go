package stack

import (
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/tcpip"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// linkWatch follows link resolution (ARP) from gVisor's neighbour events,
// for what gVisor leaves out. When a neighbour does not answer, Linux marks
// it FAILED and reports the failure to the senders of the packets that
// waited for it (EHOSTUNREACH in the socket's error queue: ping's "From
// 192.168.28.1 icmp_seq=1 Destination Host Unreachable"); gVisor drops them
// silently. A sender asks, right after it sent, whether its packet waits for
// a neighbour (waiting), and hears of the outcome (neighListener).
//
// Lock order: mu is taken inside gVisor's neighbour-entry lock (the events
// come from there), and is ordered above the listeners' own locks: a
// listener is called with mu held and must take only a leaf lock.
type linkWatch struct {
	mu sync.Mutex
	// resolving are the neighbours being resolved (INCOMPLETE): packets
	// sent to them wait in their queue.
	resolving map[neighKey]bool
	listeners map[neighListener]bool
	// n counts resolving, so that a sender asks at the cost of an atomic
	// load when nothing is being resolved.
	n atomic.Int32
}

// neighKey names a neighbour: a device and an address.
type neighKey struct {
	nic  tcpip.NICID
	addr tcpip.Address
}

// neighListener hears the outcome of a resolution it waited for: failed
// (no answer: its packets were dropped) or not (resolved, or the entry
// removed). It runs inside gVisor with linkWatch.mu held: it must not block.
type neighListener interface {
	neighDone(k neighKey, failed bool)
}

// update follows one neighbour event: the entry's new state, or its
// removal.
func (lw *linkWatch) update(id tcpip.NICID, e gstack.NeighborEntry, removed bool) {
	k := neighKey{id, e.Addr}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	was := lw.resolving[k]
	now := !removed && e.State == gstack.Incomplete
	switch {
	case now && !was:
		if lw.resolving == nil {
			lw.resolving = map[neighKey]bool{}
		}
		lw.resolving[k] = true
		lw.n.Add(1)
	case was && !now:
		delete(lw.resolving, k)
		lw.n.Add(-1)
		failed := !removed && e.State == gstack.Unreachable
		for l := range lw.listeners {
			l.neighDone(k, failed)
		}
	}
}

// waiting runs wait, with mu held, if neighbour k is being resolved: the
// packet just sent to it waits in its queue. It reports whether it did.
func (lw *linkWatch) waiting(k neighKey, wait func()) bool {
	if lw.n.Load() == 0 {
		return false
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if !lw.resolving[k] {
		return false
	}
	wait()
	return true
}

// listen adds l; the returned function removes it.
func (lw *linkWatch) listen(l neighListener) (stop func()) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.listeners == nil {
		lw.listeners = map[neighListener]bool{}
	}
	lw.listeners[l] = true
	return func() {
		lw.mu.Lock()
		defer lw.mu.Unlock()
		delete(lw.listeners, l)
	}
}
