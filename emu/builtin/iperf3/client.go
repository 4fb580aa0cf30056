package iperf3

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
)

// clientError is iperf3's "iperf3: error - …" (status 1).
func clientError(format string, a ...any) error {
	return shell.Failf(1, "iperf3: error - "+format, a...)
}

// streamID is iperf_add_stream's numbering: 1, then 3, 4, 5, …
func streamID(i int) int {
	if i == 0 {
		return 1
	}
	return i + 2
}

// addrPort is a net.Addr's address and port.
func addrPort(a net.Addr) netip.AddrPort {
	ap, _ := netip.ParseAddrPort(a.String())
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// client runs one test against HOST: the control connection, then the
// states the server sends, until DISPLAY_RESULTS.
func client(c *shell.Cmd, r Request) error {
	if c.World().Clock().Driven() && r.Rate == 0 {
		// Under --seed time moves only by timers and modelled latency,
		// when the world is idle; an unpaced sender never lets it be, so
		// its test would have no duration and no rate.
		return shell.Failf(1, "nsemu: iperf3: an unpaced test (no -b RATE) cannot run under --seed: the emulated clock models no transmission time, so there is no rate to measure; give -b RATE, or run without --seed")
	}
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Host)
	if err != nil {
		return clientError("unable to resolve host %s", r.Host)
	}
	out := c.Stdout
	if r.JSON {
		out = io.Discard
	}
	ap := netip.AddrPortFrom(dst, uint16(r.Port))
	ctrl, err := c.NS.DialTCP(c.Ctx, ap, c.Owns("iperf3", 4))
	if err != nil {
		return clientError("unable to connect to server: %s", libc.ConnError(err))
	}
	// iperf3 says it once the control connection is up (on_connect).
	fmt.Fprintf(out, fmtConnecting, r.Host, r.Port)
	if r.Reverse {
		fmt.Fprintf(out, fmtReverse, r.Host)
	}
	defer ctrl.Close()
	// From here on the client holds the world while it talks to the
	// server (see clientRun.hold); the senders' holds cover the test.
	stopWatch := closeOnDone(c, ctrl)
	defer stopWatch()
	cl := &clientRun{c: c, r: r, ctrl: ctrl, dst: ap, cookie: newCookie(c.World()), out: out, hold: holdWorld(c.World())}
	if _, err := ctrl.Write(cl.cookie); err != nil {
		return clientError("control socket has closed unexpectedly")
	}
	stopWarp := c.World().Warp()
	defer stopWarp()
	err = cl.loop()
	if cl.s != nil {
		cl.s.finish()
	}
	if cl.repDone != nil {
		<-cl.repDone
	}
	cl.hold()
	return err
}

// closeOnDone closes conn when the command is interrupted.
func closeOnDone(c *shell.Cmd, conn io.Closer) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-c.Ctx.Done():
			conn.Close()
		case <-done:
		}
	}()
	return func() { close(done) }
}

// clientRun is a client's test in progress.
type clientRun struct {
	c      *shell.Cmd
	r      Request
	ctrl   net.Conn
	dst    netip.AddrPort
	cookie []byte
	out    io.Writer
	s      *session
	// hold keeps the world from warping while the control connection
	// carries the test's setup and end: a message delivered to a stack
	// whose reader has not woken yet leaves the world idle for a moment,
	// and the warp would jump the clock a whole interval ahead. It is let
	// go while the test runs and taken again at its end.
	hold func()
	// repDone closes when the reporter has stopped (and TEST_END is sent).
	repDone chan struct{}
	doc     *jsonDoc
}

// loop answers the server's states.
func (cl *clientRun) loop() error {
	for {
		st, err := readState(cl.ctrl)
		if err != nil {
			if cl.c.Ctx.Err() != nil {
				return shell.Failf(1, "iperf3: interrupt - the client has terminated")
			}
			return clientError("control socket has closed unexpectedly")
		}
		done, err := cl.handle(st)
		if err != nil || done {
			return err
		}
	}
}

func (cl *clientRun) handle(st int8) (done bool, err error) {
	switch st {
	case stateParamExchange:
		return false, writeJSON(cl.ctrl, cl.params())
	case stateCreateStreams:
		return false, cl.createStreams()
	case stateTestStart:
		cl.testStart()
	case stateTestRunning:
		cl.testRunning()
	case stateExchangeResults:
		return false, cl.exchangeResults()
	case stateDisplayResults:
		cl.display()
		if err := writeState(cl.ctrl, stateIperfDone); err != nil {
			return true, nil
		}
		cl.awaitClose()
		return true, nil
	case stateAccessDenied:
		return true, clientError("the server is busy running a test. try again later")
	case stateServerError, stateServerTerminate:
		return true, clientError("the server has terminated")
	default:
		return true, clientError("received an unknown control message (ensure other side is iperf3 and not iperf)")
	}
	return false, nil
}

// awaitClose waits (a little) for the server to close the control
// connection after IPERF_DONE. iperf3 just exits; waiting here means the
// server has finished with this test before a script's next client
// connects, which otherwise could find it busy for the moment it takes to
// read IPERF_DONE.
func (cl *clientRun) awaitClose() {
	cl.ctrl.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, cl.ctrl)
}

// params is what the client asks for (send_parameters).
func (cl *clientRun) params() params {
	r := cl.r
	p := params{TCP: !r.UDP, UDP: r.UDP, Time: r.Duration, Num: r.Bytes, Parallel: r.Parallel,
		Reverse: r.Reverse, Len: r.Len, Bandwidth: r.Rate, PacingTimer: 1000, ClientVersion: "3.12"}
	if p.UDP && p.Len == 0 {
		p.Len = 1448 // the control connection's MSS, as iperf3 picks it
	}
	return p
}

// createStreams connects -P data streams, each announcing the cookie.
func (cl *clientRun) createStreams() error {
	p := cl.params()
	cl.s = &session{ns: cl.c.NS, clk: cl.c.World().Clock(), p: p, client: true, sending: !p.Reverse,
		stop: make(chan struct{}), unit: cl.r.Format}
	for i := range p.Parallel {
		st, err := cl.connect(i)
		if err != nil {
			return clientError("unable to connect stream: %s", libc.ConnError(err))
		}
		cl.s.streams = append(cl.s.streams, st)
	}
	return nil
}

func (cl *clientRun) connect(i int) (*stream, error) {
	st := &stream{id: streamID(i), fd: 5 + 2*i, remote: cl.dst}
	var conn net.Conn
	var err error
	if cl.r.UDP {
		conn, err = cl.c.NS.Stack().OpenUDP(netip.AddrPort{}, cl.dst, udpRcvBuf)
	} else {
		conn, err = cl.c.NS.DialTCP(cl.c.Ctx, cl.dst, cl.c.Owns("iperf3", st.fd))
	}
	if err != nil {
		return nil, err
	}
	st.conn, st.local = conn, addrPort(conn.LocalAddr())
	if !cl.r.UDP {
		_, err = conn.Write(cl.cookie)
		return st, err
	}
	st.writeUDP = func(b []byte) error { _, err := conn.Write(b); return err }
	return st, udpHello(conn)
}

// udpHello is the UDP stream's "connect": a datagram to the server, which
// answers with another.
func udpHello(conn net.Conn) error {
	if _, err := conn.Write(udpConnectMsg); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	defer conn.SetReadDeadline(time.Time{})
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil {
		return err
	}
	if n != 4 || (string(buf[:4]) != string(udpConnectReply) && string(buf[:4]) != string(udpLegacyReplyLE)) {
		return errors.New("unexpected reply")
	}
	return nil
}

func (cl *clientRun) testStart() {
	for _, st := range cl.s.streams {
		fmt.Fprintf(cl.out, fmtConnected, st.fd, st.local.Addr(), st.local.Port(), st.remote.Addr(), st.remote.Port())
	}
	if cl.r.JSON {
		cl.doc = newJSONDoc(cl.s, cl.r, string(cl.cookie[:cookieSize-1]))
	}
}

// testRunning starts the data and the reporter; when the reporter ends the
// test (time up, -n reached), the client tells the server TEST_END.
func (cl *clientRun) testRunning() {
	var w io.Writer = cl.out
	if cl.r.JSON {
		w = nil
	}
	cl.s.rep = &reporter{s: cl.s, w: w, interval: cl.r.Interval}
	cl.s.run()
	cl.hold()
	var deadline time.Time
	if cl.r.Duration > 0 {
		deadline = cl.s.start.Add(time.Duration(cl.r.Duration) * time.Second)
	}
	cl.repDone = make(chan struct{})
	go func() {
		defer close(cl.repDone)
		cl.s.rep.loop(deadline)
		cl.hold = holdWorld(cl.c.World())
		writeState(cl.ctrl, stateTestEnd)
	}()
}

// exchangeResults sends the client's figures and reads the server's.
func (cl *clientRun) exchangeResults() error {
	if cl.repDone != nil {
		<-cl.repDone
	}
	cl.s.finish()
	if err := writeJSON(cl.ctrl, cl.s.results()); err != nil {
		return clientError("unable to send results")
	}
	var peer results
	if err := readJSON(cl.ctrl, &peer); err != nil {
		return clientError("unable to receive results")
	}
	cl.s.peer = &peer
	return nil
}

// display prints the summary (or the JSON document) and "iperf Done.".
func (cl *clientRun) display() {
	sent, recvd := cl.s.summarySamples()
	if cl.doc != nil {
		fmt.Fprint(cl.c.Stdout, cl.doc.finish(sent, recvd))
		return
	}
	printSummary(cl.out, sent, recvd, cl.s.unit)
	fmt.Fprintf(cl.out, "\n%s", reportDone)
}
