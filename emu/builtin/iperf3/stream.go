package iperf3

import (
	"encoding/binary"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/clock"
)

// stream is one data connection of a test. Its counters are written by
// the goroutine that moves its data and read by the reporter: atomics,
// and mu for the UDP receive statistics.
type stream struct {
	id, fd        int // iperf3's stream id (1, 3, 4, …) and the printed number
	local, remote netip.AddrPort
	conn          net.Conn // TCP, or the client's connected UDP socket
	// writeUDP sends a datagram (the server's streams share one socket).
	writeUDP func([]byte) error

	bytes   atomic.Uint64
	packets atomic.Int64 // UDP: sent, or the highest sequence received

	mu          sync.Mutex
	jitter      float64 // seconds, RFC 1889's running estimate
	lost        int64
	outOfOrder  int64
	prevTransit float64
	haveTransit bool

	// end is when the stream stopped (emulated), set by the test's end.
	end time.Time

	// Reporter's own: the last interval's snapshot.
	lastBytes   uint64
	lastPackets int64
	lastLost    int64
	lastRetr    uint64
	// retr and cwnd are the last TCP_INFO figures read (by the reporter
	// while the test runs, by the control goroutine after).
	retr, cwnd uint64
}

// udpRcvBuf is the receive buffer of the UDP test sockets: 4 MiB (the
// stack's largest), where Linux gives 208 KiB. A paced sender whose timer
// wakes it late on a busy host catches up with a burst; the emulated
// network carries it at once, and a reader that the host has not
// scheduled yet would lose it to a small buffer, a loss of the host's
// CPU, not of the emulated network.
const udpRcvBuf = 4 << 20

// udpHeader is the 12 bytes iperf3 puts at the head of each datagram: the
// send time (seconds, microseconds) and a 32-bit sequence number.
func udpHeader(b []byte, now time.Time, seq int64) {
	binary.BigEndian.PutUint32(b[0:], uint32(now.Unix()))
	binary.BigEndian.PutUint32(b[4:], uint32(now.Nanosecond()/1000))
	binary.BigEndian.PutUint32(b[8:], uint32(seq))
}

// receiveUDP accounts one datagram that arrived at now, as iperf_udp_recv
// does: lost datagrams from gaps in the sequence, late ones as out of
// order, and the jitter from the change in transit time.
func (s *stream) receiveUDP(d []byte, now time.Time) {
	s.bytes.Add(uint64(len(d)))
	if len(d) < 12 {
		return
	}
	sent := time.Unix(int64(binary.BigEndian.Uint32(d[0:])), int64(binary.BigEndian.Uint32(d[4:]))*1000)
	seq := int64(binary.BigEndian.Uint32(d[8:]))
	s.mu.Lock()
	defer s.mu.Unlock()
	if last := s.packets.Load(); seq >= last+1 {
		if seq > last+1 {
			s.lost += seq - 1 - last
		}
		s.packets.Store(seq)
	} else {
		s.outOfOrder++
		if s.lost > 0 {
			s.lost--
		}
	}
	transit := now.Sub(sent).Seconds()
	if !s.haveTransit {
		s.prevTransit, s.haveTransit = transit, true
	}
	d2 := transit - s.prevTransit
	if d2 < 0 {
		d2 = -d2
	}
	s.prevTransit = transit
	s.jitter += (d2 - s.jitter) / 16
}

// udpStats reads the receive statistics.
func (s *stream) udpStats() (jitter float64, lost, ooo int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jitter, s.lost, s.outOfOrder
}

// pacer paces a sender at rate bits per second on the emulated clock:
// before each block it waits until the stream is no longer ahead of the
// rate, sleeping on a clock timer (so a warped world skips the wait).
//
// The sender holds the world (emu.World.Hold) whenever it is not asleep
// on its timer: otherwise, between its timer firing and its next timer
// being armed, the world could look idle and the warp would jump the clock
// to some later timer, and the sender would find itself behind and send a
// burst. The hold passes from the sender to the timer's function (which
// takes a new one before waking the sender) and back, so there is no gap.
type pacer struct {
	w     *emu.World
	clk   *clock.Clock
	rate  float64
	start time.Time
	stop  <-chan struct{}
	// release ends the hold the sender has now.
	release func()
}

func newPacer(w *emu.World, rate float64, start time.Time, stop <-chan struct{}) *pacer {
	return &pacer{w: w, clk: w.Clock(), rate: rate, start: start, stop: stop, release: w.Hold()}
}

// done ends the sender's hold.
func (p *pacer) done() { p.release() }

// wait blocks until sent bytes are within the rate; false when stopped.
func (p *pacer) wait(sent uint64) bool {
	var d time.Duration
	if p.rate > 0 {
		due := p.start.Add(time.Duration(float64(sent) * 8 / p.rate * float64(time.Second)))
		d = due.Sub(p.clk.Now())
	}
	if d <= 0 {
		select {
		case <-p.stop:
			return false
		default:
			return true
		}
	}
	// A timer per millisecond at most: faster rates send in bursts.
	d = max(d, time.Millisecond)
	fired := make(chan struct{})
	var next func()
	t := p.clk.AfterFunc(d, func() { next = p.w.Hold(); close(fired) })
	p.release()
	select {
	case <-fired:
		p.release = next
		return true
	case <-p.stop:
		if !t.Stop() {
			<-fired
			next()
		}
		p.release = func() {}
		return false
	}
}
