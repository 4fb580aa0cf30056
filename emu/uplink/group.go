package uplink

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// group tracks the sockets and goroutines of one part of the uplink (a
// published port, the gateway's flows), so that close ends them all and
// waits for them. Its lock is a leaf.
type group struct {
	mu     sync.Mutex
	conns  map[io.Closer]struct{}
	closed bool
	wg     sync.WaitGroup
}

// add tracks c; false (and c closed) when the group is closing.
func (g *group) add(c io.Closer) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		c.Close()
		return false
	}
	if g.conns == nil {
		g.conns = map[io.Closer]struct{}{}
	}
	g.conns[c] = struct{}{}
	return true
}

// drop closes c and stops tracking it.
func (g *group) drop(c io.Closer) {
	c.Close()
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
}

// spawn runs f in a goroutine that close waits for; false when the group
// is closing (f does not run).
func (g *group) spawn(f func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
	return true
}

// enter counts a goroutine the group did not start (one of gVisor's
// forwarder) until it calls leave, so that close waits for it too; false
// when the group is closing.
func (g *group) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

func (g *group) leave() { g.wg.Done() }

// close closes every tracked socket and waits for the goroutines.
func (g *group) close() {
	g.mu.Lock()
	g.closed = true
	conns := g.conns
	g.conns = nil
	g.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	g.wg.Wait()
}

// closeWriter is a connection that can half-close (TCP's shutdown(SHUT_WR)).
type closeWriter interface{ CloseWrite() error }

// splice copies a to b and b to a until both directions end, passing a
// half-close on (a FIN one way leaves the other open, as a TCP proxy
// should). It closes neither connection: the caller does.
func splice(a, b net.Conn) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		pipe(b, a)
	}()
	pipe(a, b)
	<-done
}

// pipe copies from src to dst, then half-closes dst (or closes it when it
// cannot half-close).
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	if cw, ok := dst.(closeWriter); ok {
		_ = cw.CloseWrite()
		return
	}
	dst.Close()
}

// idleTimeout ends a UDP flow (a relayed datagram exchange) that has been
// quiet this long, as conntrack forgets one.
const idleTimeout = 60 * time.Second

// isTimeout reports whether err is a deadline that passed.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// relayDatagrams copies datagrams between two connected sockets, both
// ways, until one fails or neither has carried a datagram for idle. It
// closes neither.
func relayDatagrams(a, b net.Conn, idle time.Duration) {
	r := &datagramRelay{idle: idle}
	r.touch()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.copy(b, a)
		r.stop(a, b)
	}()
	r.copy(a, b)
	r.stop(a, b)
	<-done
}

// datagramRelay is relayDatagrams' shared state.
type datagramRelay struct {
	idle    time.Duration
	last    atomic.Int64 // when a datagram last passed, in Unix nanoseconds
	stopped atomic.Bool
}

func (r *datagramRelay) touch() { r.last.Store(time.Now().UnixNano()) }

func (r *datagramRelay) quiet() bool {
	return time.Since(time.Unix(0, r.last.Load())) >= r.idle
}

// stop ends the other direction: its read returns at once.
func (r *datagramRelay) stop(a, b net.Conn) {
	r.stopped.Store(true)
	_ = a.SetReadDeadline(time.Now())
	_ = b.SetReadDeadline(time.Now())
}

func (r *datagramRelay) copy(dst, src net.Conn) {
	buf := make([]byte, 65535)
	for !r.stopped.Load() {
		_ = src.SetReadDeadline(time.Now().Add(r.idle))
		n, err := src.Read(buf)
		switch {
		case err == nil:
		case isTimeout(err) && !r.stopped.Load() && !r.quiet():
			continue // the other direction is busy
		case errors.Is(err, syscall.ECONNREFUSED):
			continue // an ICMP port unreachable: the flow goes on
		default:
			return
		}
		r.touch()
		if _, err := dst.Write(buf[:n]); err != nil && !errors.Is(err, syscall.ECONNREFUSED) {
			return
		}
	}
}
