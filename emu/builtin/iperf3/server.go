package iperf3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// arrival is a TCP connection that announced its cookie.
type arrival struct {
	conn   net.Conn
	cookie []byte
}

// srv is a listening server: its listener, and the connections that
// arrive (the acceptor reads each one's cookie before handing it on).
type srv struct {
	ns       *emu.Namespace
	w        *emu.World
	r        Request
	out      io.Writer
	l        net.Listener
	incoming chan arrival
	// next holds a control connection that arrived as a test ended (see
	// denyOthers); the serve loop takes it before the others.
	next chan arrival
}

// server listens and runs tests one after the other (one with -1); with
// -D it runs in the background until the namespace goes.
func server(c *shell.Cmd, r Request) error {
	addr := netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(r.Port))
	if r.Bind != "" {
		a, err := netip.ParseAddr(r.Bind)
		if err != nil {
			return shell.Failf(1, "iperf3: error - unable to start listener for connections: Cannot assign requested address")
		}
		addr = netip.AddrPortFrom(a, uint16(r.Port))
	}
	l, err := c.NS.ListenTCP(addr, c.Owns("iperf3", 3))
	if err != nil {
		return shell.Failf(1, "iperf3: error - unable to start listener for connections: Address already in use")
	}
	s := &srv{ns: c.NS, w: c.World(), r: r, out: c.Stdout, l: l, incoming: make(chan arrival), next: make(chan arrival, 1)}
	if r.Daemon {
		ctx, cancel := context.WithCancel(context.Background())
		c.NS.OnDestroy(func() { cancel(); l.Close() })
		s.out = io.Discard // a daemon's output goes nowhere, as to /dev/null
		go s.serve(ctx)
		return nil
	}
	stop := closeOnDone(c, l)
	defer stop()
	return s.serve(c.Ctx)
}

// serve accepts and runs tests until the listener closes (or after one
// test with -1).
func (s *srv) serve(ctx context.Context) error {
	defer s.l.Close()
	go s.accept(ctx)
	for n := 1; ; n++ {
		if !s.r.JSON {
			fmt.Fprintf(s.out, "%s"+fmtServerListening+"%s", serverSeparator, s.r.Port, n, serverSeparator)
		}
		var a arrival
		select {
		case a = <-s.next:
		case a = <-s.incoming:
		case <-ctx.Done():
			return nil
		}
		if err := s.test(ctx, a); err != nil {
			fmt.Fprintf(s.out, "iperf3: error - %v\n", err)
		}
		if s.r.OneOff {
			return nil
		}
	}
}

// accept reads each new connection's cookie and hands it on.
func (s *srv) accept(ctx context.Context) {
	for {
		conn, err := s.l.Accept()
		if err != nil {
			return
		}
		go func() {
			cookie := make([]byte, cookieSize)
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadFull(conn, cookie); err != nil {
				conn.Close()
				return
			}
			conn.SetReadDeadline(time.Time{})
			select {
			case s.incoming <- arrival{conn, cookie}:
			case <-ctx.Done():
				conn.Close()
			}
		}()
	}
}

// denyOthers answers ACCESS_DENIED to every new control connection while
// a test runs, and passes the test's own data streams to streams.
func (s *srv) denyOthers(cookie []byte, streams chan<- net.Conn, done <-chan struct{}) {
	for {
		select {
		case a := <-s.incoming:
			select {
			case <-done: // the test is over: this one is the next test's
				s.next <- a
				return
			default:
			}
			if bytes.Equal(a.cookie, cookie) {
				select {
				case streams <- a.conn:
					continue
				default:
				}
			}
			writeState(a.conn, stateAccessDenied)
			a.conn.Close()
		case <-done:
			return
		}
	}
}
