package iperf3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"
)

// srvTest is the server's side of one test.
type srvTest struct {
	srv     *srv
	ctrl    net.Conn
	cookie  []byte
	s       *session
	streams chan net.Conn
	pc      net.PacketConn // UDP tests
	doc     *jsonDoc
}

// test runs one test on control connection a, as iperf_run_server does.
func (s *srv) test(ctx context.Context, a arrival) error {
	t := &srvTest{srv: s, ctrl: a.conn, cookie: a.cookie, streams: make(chan net.Conn, maxStreams)}
	// The control connection closes after the server stops refusing
	// others (defers run last first): a client that waits for the close
	// (clientRun.awaitClose) finds the server free.
	defer a.conn.Close()
	done := make(chan struct{})
	defer close(done)
	go s.denyOthers(a.cookie, t.streams, done)
	stopWarp := s.w.Warp()
	defer stopWarp()
	watch := make(chan struct{})
	defer close(watch)
	go func() {
		select {
		case <-ctx.Done():
			a.conn.Close()
		case <-watch:
		}
	}()
	err := t.run(ctx)
	if t.pc != nil {
		t.pc.Close() // ends the demultiplexer finish waits for
	}
	if t.s != nil {
		t.s.finish()
	}
	return err
}

func (t *srvTest) run(ctx context.Context) error {
	remote := addrPort(t.ctrl.RemoteAddr())
	if !t.srv.r.JSON {
		fmt.Fprintf(t.srv.out, fmtAccepted, remote.Addr(), remote.Port())
	}
	var p params
	if err := writeState(t.ctrl, stateParamExchange); err != nil {
		return errors.New("control socket has closed unexpectedly")
	}
	if err := readJSON(t.ctrl, &p); err != nil {
		return errors.New("unable to receive parameters from client")
	}
	if p.Parallel < 1 || p.Parallel > maxStreams || p.Len < 0 || p.Len > maxBlockSize {
		writeState(t.ctrl, stateServerError)
		return errors.New("received bad parameters from client")
	}
	t.s = &session{ns: t.srv.ns, clk: t.srv.w.Clock(), p: p, sending: p.Reverse, stop: make(chan struct{}), unit: t.srv.r.Format}
	if err := t.createStreams(ctx); err != nil {
		return err
	}
	return t.runTest()
}

// createStreams asks for the data streams and takes them as they come.
func (t *srvTest) createStreams(ctx context.Context) error {
	local := addrPort(t.ctrl.LocalAddr())
	if t.s.p.UDP {
		pc, err := t.srv.ns.Stack().OpenUDP(netip.AddrPortFrom(netip.IPv4Unspecified(), local.Port()), netip.AddrPort{}, udpRcvBuf)
		if err != nil {
			return errors.New("unable to start stream listener: Address already in use")
		}
		t.pc = pc
	}
	if err := writeState(t.ctrl, stateCreateStreams); err != nil {
		return errors.New("control socket has closed unexpectedly")
	}
	for i := range t.s.p.Parallel {
		st := &stream{id: streamID(i), fd: 5 + 3*i, local: local}
		if err := t.accept(ctx, st); err != nil {
			return err
		}
		t.s.streams = append(t.s.streams, st)
	}
	return nil
}

// accept takes one stream: a TCP connection with the cookie, or a UDP
// "connect" datagram, answered.
func (t *srvTest) accept(ctx context.Context, st *stream) error {
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	if t.pc == nil {
		select {
		case conn := <-t.streams:
			st.conn, st.remote = conn, addrPort(conn.RemoteAddr())
			return nil
		case <-ctx.Done():
			return errors.New("interrupted")
		case <-timeout.C:
			return errors.New("unable to accept stream connection")
		}
	}
	buf := make([]byte, 64)
	t.pc.SetReadDeadline(time.Now().Add(30 * time.Second))
	defer t.pc.SetReadDeadline(time.Time{})
	_, from, err := t.pc.ReadFrom(buf)
	if err != nil {
		return errors.New("unable to receive UDP stream connection")
	}
	st.remote = addrPort(from)
	pc := t.pc
	st.writeUDP = func(b []byte) error { _, err := pc.WriteTo(b, from); return err }
	return st.writeUDP(udpConnectReply)
}

// runTest starts the test, runs it until the client's TEST_END, then
// exchanges results and prints the server's summary.
func (t *srvTest) runTest() error {
	s := t.s
	out := t.srv.out
	for _, st := range s.streams {
		if !t.srv.r.JSON {
			fmt.Fprintf(out, fmtConnected, st.fd, st.local.Addr(), st.local.Port(), st.remote.Addr(), st.remote.Port())
		}
	}
	if err := writeState(t.ctrl, stateTestStart); err != nil {
		return errors.New("control socket has closed unexpectedly")
	}
	if t.srv.r.JSON {
		t.doc = newJSONDoc(s, t.srv.r, "")
	}
	var w io.Writer = out
	if t.srv.r.JSON {
		w = nil
	}
	s.rep = &reporter{s: s, w: w, interval: t.srv.r.Interval}
	s.run()
	if s.p.UDP && !s.sending {
		s.wg.Add(1)
		go t.demux()
	}
	repDone := make(chan struct{})
	go func() { defer close(repDone); s.rep.loop(time.Time{}) }()
	if err := writeState(t.ctrl, stateTestRunning); err != nil {
		s.halt()
		<-repDone
		return errors.New("control socket has closed unexpectedly")
	}
	st, err := readState(t.ctrl)
	s.halt()
	<-repDone
	if err != nil || st != stateTestEnd {
		return errors.New("the client has terminated")
	}
	return t.end()
}

// demux feeds the UDP datagrams that arrive to their streams.
func (t *srvTest) demux() {
	defer t.s.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, from, err := t.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		src := addrPort(from)
		for _, st := range t.s.streams {
			if st.remote == src {
				st.receiveUDP(buf[:n], t.s.clk.Now())
				break
			}
		}
	}
}

// end is TEST_END's handling: stop, summary, EXCHANGE_RESULTS,
// DISPLAY_RESULTS, then the client's IPERF_DONE.
func (t *srvTest) end() error {
	s := t.s
	if t.pc != nil {
		t.pc.Close() // ends the demultiplexer finish waits for
	}
	s.finish()
	sent, recvd := s.summarySamples()
	if t.doc == nil {
		printSummary(t.srv.out, sent, recvd, s.unit)
	}
	if err := writeState(t.ctrl, stateExchangeResults); err != nil {
		return errors.New("control socket has closed unexpectedly")
	}
	var peer results
	if err := readJSON(t.ctrl, &peer); err != nil {
		return errors.New("unable to receive results")
	}
	if err := writeJSON(t.ctrl, s.results()); err != nil {
		return errors.New("unable to send results")
	}
	if err := writeState(t.ctrl, stateDisplayResults); err != nil {
		return errors.New("control socket has closed unexpectedly")
	}
	if t.doc != nil {
		fmt.Fprint(t.srv.out, t.doc.finish(sent, recvd))
	}
	readState(t.ctrl) // IPERF_DONE, or the client closing
	return nil
}
