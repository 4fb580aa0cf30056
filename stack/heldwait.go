package stack

import (
	"context"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/waiter"
)

// heldWait is the probers' wait (traceroute's, tracepath's): until look
// finds an answer in the sockets, timeout passes on clock, or ctx ends.
// The program counts as running (h, wakeHold) except while it blocks: a
// frame made readable on one of wqs, or the timer, takes the hold again
// before the program runs, so the warp cannot jump the clock between an
// answer's delivery and its reading (a 0.04 ms hop read as 5000 ms, or as
// a timeout). A last look follows the timeout, for an answer that came
// with it. look runs on the caller's goroutine only.
func heldWait(ctx context.Context, clock tcpip.Clock, h *wakeHold, timeout time.Duration, look func() bool, wqs ...*waiter.Queue) (bool, error) {
	gen := h.arm()
	defer h.resume()
	ch := make(chan struct{}, 1)
	wake := func(waiter.EventMask) {
		h.wake(gen)
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	for _, wq := range wqs {
		e := waiter.NewFunctionEntry(waiter.ReadableEvents, wake)
		wq.EventRegister(&e)
		defer wq.EventUnregister(&e)
	}
	expired := make(chan struct{})
	t := clock.AfterFunc(max(timeout, 0), func() {
		h.wake(gen)
		close(expired)
	})
	defer t.Stop()
	for {
		if look() {
			return true, nil
		}
		h.park()
		if look() {
			return true, nil
		}
		select {
		case <-ch:
		case <-expired:
			return look(), nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}
