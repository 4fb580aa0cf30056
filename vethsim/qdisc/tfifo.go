package qdisc

import (
	"sort"

	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// held is a frame a qdisc keeps, with the time it may leave (ns on the
// emulated clock's monotonic scale).
type held struct {
	pkt *stack.PacketBuffer
	at  int64
}

// tfifo is netem's time-ordered queue: frames leave in order of their
// time to send, and frames due at the same time in the order they came
// (the kernel's rbtree inserts an equal time to the right). Most frames
// arrive with a later time than the last one, so an insertion is usually
// an append; jitter inserts in the middle, at the cost of a copy of the
// frames behind it (a queue holds at most its limit, 1000 by default).
type tfifo struct {
	items []held
	head  int
}

func (f *tfifo) len() int { return len(f.items) - f.head }

// push inserts h after every frame due at or before h.at.
func (f *tfifo) push(h held) {
	q := f.items[f.head:]
	if len(q) == 0 || q[len(q)-1].at <= h.at {
		f.items = append(f.items, h)
		return
	}
	i := sort.Search(len(q), func(i int) bool { return q[i].at > h.at })
	f.items = append(f.items, held{})
	q = f.items[f.head:]
	copy(q[i+1:], q[i:])
	q[i] = h
}

// first returns the frame due first.
func (f *tfifo) first() (held, bool) {
	if f.len() == 0 {
		return held{}, false
	}
	return f.items[f.head], true
}

// last returns the frame due last.
func (f *tfifo) last() (held, bool) {
	if f.len() == 0 {
		return held{}, false
	}
	return f.items[len(f.items)-1], true
}

// pop removes the frame due first.
func (f *tfifo) pop() held {
	h := f.items[f.head]
	f.items[f.head] = held{}
	f.head++
	if f.head == len(f.items) {
		f.items, f.head = f.items[:0], 0
	} else if f.head > 64 && f.head > len(f.items)/2 {
		n := copy(f.items, f.items[f.head:])
		clear(f.items[n:])
		f.items, f.head = f.items[:n], 0
	}
	return h
}

// takeAll empties the queue and returns its frames.
func (f *tfifo) takeAll() []*stack.PacketBuffer {
	var out []*stack.PacketBuffer
	for _, h := range f.items[f.head:] {
		out = append(out, h.pkt)
	}
	clear(f.items)
	f.items, f.head = f.items[:0], 0
	return out
}
