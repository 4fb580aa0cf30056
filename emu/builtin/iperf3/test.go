package iperf3

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/clock"
)

// session is one side's run of a test: its streams, whether it sends, the
// clock it measures on, and the reports it prints or collects.
type session struct {
	ns      *emu.Namespace
	clk     *clock.Clock
	p       params
	client  bool
	sending bool
	streams []*stream
	rep     *reporter
	unit    byte // -f
	// peer is the other side's results (EXCHANGE_RESULTS), nil on the
	// server, which prints its own side only.
	peer *results

	start time.Time
	// stop closes when this side must stop moving data (the duration is
	// up, -n is reached, or the peer said TEST_END).
	stop     chan struct{}
	stopOnce sync.Once
	// stoppedAt is when stop closed: the streams' end.
	stoppedAt time.Time
	// ended closes when every data goroutine has returned.
	wg    sync.WaitGroup
	total atomic.Uint64 // bytes moved by every stream (for -n)
}

func (s *session) halt() {
	s.stopOnce.Do(func() {
		s.stoppedAt = s.clk.Now()
		close(s.stop)
	})
}

func (s *session) blockLen() int {
	if s.p.Len > 0 {
		return s.p.Len
	}
	if s.p.UDP {
		return 1448
	}
	return defaultTCPLen
}

// run starts the data goroutines: senders when this side sends, receivers
// otherwise (the server's UDP receivers are fed by its demultiplexer).
//
// A sender holds the world busy while it is not waiting on its pacing
// timer (see pacer): an unpaced one all the time. Between two of its
// writes the world may look idle for a moment (the window full, the
// receiver's stack at work), and the warp would then jump the clock to the
// next timer, counting time nothing waited for; held, the clock follows
// the wall clock, so a rate is what really moved over the time it took. A
// paced sender (-b) is idle between its blocks, and the warp skips those
// waits.
func (s *session) run() {
	s.start = s.clk.Now()
	for _, st := range s.streams {
		switch {
		case s.sending:
			s.wg.Add(1)
			// The pacer takes its hold here, before the goroutine runs.
			go s.send(st, newPacer(s.ns.World(), float64(s.p.Bandwidth), s.start, s.stop))
		case st.conn != nil:
			s.wg.Add(1)
			go s.receive(st)
		}
	}
}

// send writes blocks on st until stopped, paced when a rate is set, and
// stops the test when -n is reached.
func (s *session) send(st *stream, pc *pacer) {
	defer s.wg.Done()
	defer pc.done()
	buf := make([]byte, s.blockLen())
	for pc.wait(st.bytes.Load()) {
		if s.p.Num > 0 && s.total.Load() >= s.p.Num {
			s.halt()
			return
		}
		n, err := s.write(st, buf)
		st.bytes.Add(uint64(n))
		s.total.Add(uint64(n))
		if err != nil {
			return
		}
	}
}

func (s *session) write(st *stream, buf []byte) (int, error) {
	if !s.p.UDP {
		return st.conn.Write(buf)
	}
	seq := st.packets.Add(1)
	udpHeader(buf, s.clk.Now(), seq)
	if err := st.writeUDP(buf); err != nil {
		return 0, err
	}
	return len(buf), nil
}

// receive reads st until the peer closes or the test stops.
func (s *session) receive(st *stream) {
	defer s.wg.Done()
	buf := make([]byte, max(s.blockLen(), 65536))
	for {
		n, err := st.conn.Read(buf)
		if n > 0 {
			if s.p.UDP {
				st.receiveUDP(buf[:n], s.clk.Now())
			} else {
				st.bytes.Add(uint64(n))
			}
			s.total.Add(uint64(n))
			if s.client && s.p.Num > 0 && s.total.Load() >= s.p.Num {
				s.halt()
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !isClosed(err) {
				return
			}
			return
		}
	}
}

func isClosed(err error) bool { return errors.Is(err, net.ErrClosed) }

// finish stops the data, closes the streams and waits for their
// goroutines; it records each stream's end.
func (s *session) finish() {
	s.halt()
	for _, st := range s.streams {
		st.end = s.stoppedAt
		if st.conn != nil {
			st.conn.Close()
		}
	}
	s.wg.Wait()
}

// results are this side's figures for the peer (send_results).
func (s *session) results() results {
	r := results{SenderHasRetransmits: -1, Streams: []streamResult{}}
	if s.sending {
		r.SenderHasRetransmits = 0
		if !s.p.UDP {
			r.SenderHasRetransmits = 1
			r.CongestionUsed = "reno"
		}
	}
	for _, st := range s.streams {
		jit, lost, _ := st.udpStats()
		sr := streamResult{ID: st.id, Bytes: st.bytes.Load(), Retransmits: -1, Jitter: jit, Errors: lost,
			Packets: st.packets.Load(), EndTime: st.end.Sub(s.start).Seconds()}
		if s.sending && !s.p.UDP {
			sr.Retransmits = int64(s.retransmits(st))
		}
		r.Streams = append(r.Streams, sr)
	}
	return r
}

// retransmits reads st's retransmission count from its TCP endpoint (the
// last value seen once the connection is gone).
func (s *session) retransmits(st *stream) uint64 {
	if info, ok := s.ns.Stack().TCPInfo(st.local, st.remote); ok {
		st.retr = max(st.retr, info.Retransmits)
		st.cwnd = info.Cwnd
	}
	return st.retr
}

// local is this side's whole-test sample of st.
func (s *session) local(st *stream) sample {
	x := sample{fd: st.fd, end: st.end.Sub(s.start).Seconds(), bytes: st.bytes.Load(), sender: s.sending, udp: s.p.UDP}
	switch {
	case s.p.UDP && !s.sending:
		x.jitter, x.lost, _ = st.udpStats()
		x.packets = st.packets.Load()
	case s.p.UDP:
		x.packets = st.packets.Load()
	default:
		x.retr, x.retrValid = s.retransmits(st), s.sending
	}
	return x
}

// remote is the peer's sample of stream i, from its results.
func (s *session) remote(i int) (sample, bool) {
	if s.peer == nil {
		return sample{}, false
	}
	st := s.streams[i]
	for _, r := range s.peer.Streams {
		if r.ID != st.id {
			continue
		}
		x := sample{fd: st.fd, end: r.EndTime, bytes: r.Bytes, sender: !s.sending, udp: s.p.UDP,
			packets: r.Packets, lost: r.Errors, jitter: r.Jitter}
		if !s.p.UDP && !s.sending && r.Retransmits >= 0 {
			x.retr, x.retrValid = uint64(r.Retransmits), true
		}
		return x, true
	}
	return sample{}, false
}

// summarySamples are the sender's and the receiver's samples of every
// stream, as far as this side knows them.
func (s *session) summarySamples() (sent, recvd []sample) {
	for i, st := range s.streams {
		l := s.local(st)
		r, ok := s.remote(i)
		if s.sending {
			sent = append(sent, l)
			if ok {
				if s.p.UDP { // the receiver's line counts what the sender sent
					r.packets = max(r.packets, 0)
				}
				recvd = append(recvd, r)
			}
			continue
		}
		if ok {
			sent = append(sent, r)
		}
		recvd = append(recvd, l)
	}
	if s.p.UDP {
		for i := range sent {
			sent[i].jitter, sent[i].lost = 0, 0
		}
	}
	return sent, recvd
}
