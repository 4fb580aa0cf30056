package vethsim

import (
	"errors"
	"sync"
)

// Queue is a bounded, multi-producer, single-consumer queue that the
// consumer empties in batches: it is how frames cross from the goroutine
// that sends them (often inside gVisor) to the goroutine that handles them
// (an end's receive loop, a bridge).
//
// Producers Put one item at a time under a short mutex and never wait for
// the consumer: a full or closed queue refuses the item, and the caller
// drops (and releases) it. The consumer waits on Ready, then Takes every
// waiting item at once by swapping slices, so a busy consumer pays one lock
// and no channel operation per batch instead of one channel receive per
// frame, and an idle queue holds no buffer at all (a channel of
// DefaultQueueLen pointers costs 8 KiB per end, used or not).
//
// The queue's lock is a leaf: nothing is called with it held, so Put may
// be called under any lock (an end's Attach closes its queue under the
// end's lock; gVisor sends holding its own).
//
// The limit bounds the items waiting in the queue. A batch the consumer has
// taken no longer counts: like a NIC's ring, which the driver empties into
// its own backlog, up to twice the limit may be in flight at once.
type Queue[T any] struct {
	mu     sync.Mutex
	items  []T
	limit  int
	closed bool
	ready  chan struct{}
}

// Reasons Put refuses an item.
var (
	ErrQueueFull   = errors.New("queue full")
	ErrQueueClosed = errors.New("queue closed")
)

// NewQueue makes an empty queue that holds up to limit waiting items.
func NewQueue[T any](limit int) *Queue[T] {
	if limit <= 0 {
		limit = 1
	}
	return &Queue[T]{limit: limit, ready: make(chan struct{}, 1)}
}

// Put appends x. It returns ErrQueueFull or ErrQueueClosed, without
// keeping x, when the queue is full or closed: the caller still owns x. It
// never blocks beyond a short critical section.
func (q *Queue[T]) Put(x T) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrQueueClosed
	}
	n := len(q.items)
	if n >= q.limit {
		q.mu.Unlock()
		return ErrQueueFull
	}
	q.items = append(q.items, x)
	q.mu.Unlock()
	if n == 0 {
		// The queue was empty: the consumer may be waiting. It takes
		// everything on each wake-up, so later items of the same batch need
		// no signal. The token channel has room for one, so this never
		// blocks.
		select {
		case q.ready <- struct{}{}:
		default:
		}
	}
	return nil
}

// Ready returns a channel that receives a value when items may be waiting
// (it may also fire with the queue already emptied by an earlier Take).
func (q *Queue[T]) Ready() <-chan struct{} { return q.ready }

// Take returns every waiting item, in the order they were put, and leaves
// the queue empty. buf must have length 0; its storage becomes the queue's
// next buffer, so the caller must not use buf afterwards, and should clear
// the returned batch when done (so it does not pin what it pointed to) and
// pass it back as the next buf. Only the consumer calls Take.
func (q *Queue[T]) Take(buf []T) []T {
	q.mu.Lock()
	batch := q.items
	q.items = buf[:0]
	q.mu.Unlock()
	return batch
}

// Len returns the number of waiting items.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Close makes every later Put fail with ErrQueueClosed. Items already
// waiting stay until Taken: the consumer drains them.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
}
