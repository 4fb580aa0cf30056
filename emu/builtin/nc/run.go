package nc

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

// run is nc: parse, then connect or listen, and copy.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if r.Listen {
		return c.Exit(listen(c, r))
	}
	return c.Exit(connect(c, r))
}

// connect connects to r.Host, then reports (-v), stops (-z) or copies.
func connect(c *shell.Cmd, r Request) error {
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Host)
	if err != nil {
		return fmt.Errorf("nc: getaddrinfo for host \"%s\" port %s: %v", r.Host, r.Port, err)
	}
	port, err := ParsePort(r.Port)
	if err != nil {
		return err
	}
	ap := netip.AddrPortFrom(dst, port)
	proto := "tcp"
	var conn net.Conn
	if r.UDP {
		proto = "udp"
		conn, err = c.NS.DialUDP(ap, c.Owns("nc", 3))
	} else {
		conn, err = c.NS.DialTCP(c.Ctx, ap, c.Owns("nc", 3))
	}
	if err != nil {
		// OpenBSD nc says why only with -v.
		if !r.Verbose {
			return &shell.ExitError{Status: 1}
		}
		return fmt.Errorf("nc: connect to %s port %d (%s) failed: %s", dst, port, proto, libc.ConnError(err))
	}
	defer conn.Close()
	if r.Verbose {
		fmt.Fprintf(c.Stderr, "Connection to %s %d port [%s/*] succeeded!\n", dst, port, proto)
	}
	if r.Zero {
		return nil
	}
	copyConn(c, conn, r)
	return nil
}

// listen waits for one connection (TCP) or for datagrams (UDP) on the
// port, and prints what arrives.
func listen(c *shell.Cmd, r Request) error {
	port, err := ParsePort(r.Port)
	if err != nil {
		return err
	}
	ap := netip.AddrPortFrom(netip.IPv4Unspecified(), port)
	if r.UDP {
		return listenUDP(c, r, ap)
	}
	l, err := c.NS.ListenTCP(ap, c.Owns("nc", 3), stack.Backlog(1))
	if err != nil {
		return fmt.Errorf("nc: Address already in use")
	}
	defer l.Close()
	go func() {
		<-c.Ctx.Done()
		l.Close()
	}()
	for {
		conn, err := l.Accept()
		if err != nil {
			if r.Keep && c.Ctx.Err() != nil {
				return nil
			}
			return &shell.ExitError{Status: 1}
		}
		if r.Verbose {
			ra := conn.RemoteAddr().(*net.TCPAddr)
			fmt.Fprintf(c.Stderr, "Connection received on %s %d\n", ra.IP, ra.Port)
		}
		copyConn(c, conn, r)
		conn.Close()
		if !r.Keep {
			return nil
		}
	}
}

// listenUDP prints the datagrams that arrive at ap until -w idles out or
// the command is interrupted.
func listenUDP(c *shell.Cmd, r Request, ap netip.AddrPort) error {
	pc, err := c.NS.ListenUDP(ap, c.Owns("nc", 3))
	if err != nil {
		return fmt.Errorf("nc: Address already in use")
	}
	defer pc.Close()
	buf := make([]byte, 65536)
	for {
		stopDeadline := func() {}
		if r.Wait > 0 {
			stopDeadline = readDeadline(c, pc, r.Wait)
		}
		done := make(chan struct{})
		go func() {
			select {
			case <-c.Ctx.Done():
				pc.Close()
			case <-done:
			}
		}()
		n, _, err := pc.ReadFrom(buf)
		stopDeadline()
		close(done)
		if err != nil {
			return nil
		}
		c.Stdout.Write(buf[:n])
	}
}

// copyConn copies standard input to conn and conn to standard output until
// the peer closes (or -w idles out). As OpenBSD nc does, it ends when the
// peer has closed, even if standard input is still open (a terminal,
// `(sleep 15) | nc ...`): the copy of standard input is not waited for
// then; it ends at its next read, and what it reads is dropped.
func copyConn(c *shell.Cmd, conn net.Conn, r Request) {
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		if c.Stdin != nil {
			io.Copy(lineEnds(conn, r.CRLF), c.Stdin)
		}
		if cw, ok := conn.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
	}()
	stop := make(chan struct{})
	quitAfterInput(c, conn, r, sent, stop)
	go func() {
		select {
		case <-c.Ctx.Done():
			conn.Close()
		case <-stop:
		}
	}()
	receive(c, conn, r)
	// The peer finished sending; ours may still be on its way (echo hi |
	// nc ...): let it go out before closing, as nc does, for a while.
	linger, stopLinger := after(c, 2*time.Second)
	defer stopLinger()
	select {
	case <-sent:
	case <-c.Ctx.Done():
	case <-linger:
	}
	close(stop)
	conn.Close()
}

// quitAfterInput closes conn r.Quit after standard input has ended (-q),
// on the emulated clock, unless the copy ends first (stop).
func quitAfterInput(c *shell.Cmd, conn net.Conn, r Request, sent, stop <-chan struct{}) {
	if r.Quit < 0 {
		return
	}
	go func() {
		select {
		case <-sent:
		case <-stop:
			return
		}
		stopWarp := c.World().Warp()
		defer stopWarp()
		t := c.World().Clock().AfterFunc(r.Quit, func() { conn.Close() })
		<-stop
		t.Stop()
	}()
}

// crlfWriter writes each LF as CR LF (nc -C).
type crlfWriter struct{ w io.Writer }

func (cw crlfWriter) Write(p []byte) (int, error) {
	if _, err := cw.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// lineEnds is w, or w writing CR LF line ends when crlf is set.
func lineEnds(w io.Writer, crlf bool) io.Writer {
	if crlf {
		return crlfWriter{w}
	}
	return w
}

// receive copies conn to w until the peer closes, or, with -w or over
// UDP, until the connection idles (2 s for UDP without -w).
func receive(c *shell.Cmd, conn net.Conn, r Request) {
	buf := make([]byte, 32<<10)
	for {
		stopDeadline := func() {}
		if r.Wait > 0 || r.UDP {
			wait := r.Wait
			if wait == 0 {
				wait = 2 * time.Second
			}
			stopDeadline = readDeadline(c, conn, wait)
		}
		n, err := conn.Read(buf)
		stopDeadline()
		if n > 0 {
			c.Stdout.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// readDeadline makes conn's reads time out d from now, and returns the
// function to call once the read returned. A socket's deadline is on wall
// time; on purely emulated time (nsemu --seed) the wait is on the
// emulator's clock instead, so that it ends at the same moment of the run
// every time: a timer then sets a deadline in the past.
func readDeadline(c *shell.Cmd, conn interface{ SetReadDeadline(time.Time) error }, d time.Duration) (stop func()) {
	if !c.World().EmulatedTime() {
		_ = conn.SetReadDeadline(time.Now().Add(d))
		return func() {}
	}
	_ = conn.SetReadDeadline(time.Time{})
	t := c.World().Clock().AfterFunc(d, func() { _ = conn.SetReadDeadline(time.Unix(1, 0)) })
	return func() { t.Stop() }
}

// after returns a channel closed d from now: on wall time, or on the
// emulator's clock on purely emulated time (see readDeadline).
func after(c *shell.Cmd, d time.Duration) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	if !c.World().EmulatedTime() {
		t := time.AfterFunc(d, func() { close(ch) })
		return ch, func() { t.Stop() }
	}
	t := c.World().Clock().AfterFunc(d, func() { close(ch) })
	return ch, func() { t.Stop() }
}
