package arping

import (
	"time"

	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// loop is arping's event loop on the emulated clock: a probe now, one at
// each tick of the interval until the count is spent, the answers as
// they come, until -w's timeout, a final answer or an interrupt. A tick
// and the timeout at the same moment send the probe first, as arping's
// poll loop takes its timers in that order.
func (s *session) loop() {
	clock := s.c.World().Clock()
	start := clock.NowMonotonic()
	var tick, timeout tcpip.MonotonicTime
	interval := time.Duration(s.r.Interval) * time.Second
	if interval > 0 {
		tick = start.Add(interval)
	}
	if s.r.Timeout > 0 {
		timeout = start.Add(time.Duration(s.r.Timeout) * time.Second)
	}
	s.send()
	expires := 1
	for {
		f, ok, err := s.sock.Recv(s.c.Ctx, earliest(tick, timeout))
		switch {
		case err != nil:
			return // interrupted: the tally as it stands
		case ok:
			if s.take(f) {
				return
			}
			continue
		}
		now := clock.NowMonotonic()
		if tick != (tcpip.MonotonicTime{}) && !now.Before(tick) {
			expires++
			if s.r.Count > 0 && s.r.Count < expires {
				return
			}
			s.send()
			tick = tick.Add(interval)
		}
		if timeout != (tcpip.MonotonicTime{}) && !now.Before(timeout) {
			return
		}
	}
}

// earliest is the sooner of two moments, a zero one standing for none.
func earliest(a, b tcpip.MonotonicTime) tcpip.MonotonicTime {
	switch {
	case a == (tcpip.MonotonicTime{}):
		return b
	case b == (tcpip.MonotonicTime{}) || a.Before(b):
		return a
	}
	return b
}

// send sends one probe (send_pack): a request, or with -A a reply, from
// the device's MAC and the source address, for the target, to the
// broadcast address or the MAC learnt from a reply.
func (s *session) send() {
	me := s.sock.MAC()
	f := stack.ARPFrame{Op: header.ARPRequest, SHA: me, SIP: s.src, THA: s.he, TIP: s.dst}
	if s.r.Advert {
		f.Op, f.THA = header.ARPReply, me
	}
	now := s.c.World().Clock().NowMonotonic()
	if err := s.sock.Send(f, s.he); err != nil {
		return
	}
	s.last, s.sentOnce = now, true
	s.sent++
	if !s.unicast {
		s.brdSent++
	}
}

// take looks at a received frame as recv_pack does, prints it when it
// answers, and reports whether the loop ends.
func (s *session) take(f stack.ARPFrame) (final bool) {
	if !s.answers(f) {
		return false
	}
	if !s.r.Quiet {
		s.printAnswer(f)
	}
	s.received++
	if s.r.Timeout > 0 && s.received == s.r.Count {
		return true
	}
	if !f.Unicast {
		s.brdRecv++
	}
	if f.Op == header.ARPRequest {
		s.reqRecv++
	}
	if s.r.QuitOnReply {
		return true
	}
	if !s.r.BroadcastOnly {
		s.he, s.unicast = f.SHA, true
	}
	return false
}

// answers is recv_pack's filter: a reply (or request) from the target to
// this device and source; with -D, any frame from the target's address
// sent by another MAC.
func (s *session) answers(f stack.ARPFrame) bool {
	if f.Op != header.ARPRequest && f.Op != header.ARPReply || f.SIP != s.dst {
		return false
	}
	me := s.sock.MAC()
	if !s.r.DAD {
		return f.TIP == s.src && f.THA == me
	}
	return f.SHA != me && (s.src.IsUnspecified() || f.TIP == s.src)
}

// finish prints the tally (unless -q) and returns the exit status: finish
// and event_loop's ending together.
func (s *session) finish() int {
	if !s.r.Quiet {
		printTally(s.c.Stdout, s.tally)
	}
	rc := 0
	switch {
	case s.r.DAD:
		rc = b2i(s.received > 0)
	case !s.r.Unsolicited:
		rc = b2i(s.received == 0)
	}
	switch {
	case s.r.Unsolicited:
	case s.r.DAD && s.r.QuitOnReply:
		rc |= b2i(s.brdSent == s.received)
	case s.r.Timeout > 0 && s.r.Count <= 0:
		rc |= b2i(s.received == 0)
	default:
		rc |= b2i(s.sent != s.received)
	}
	return rc
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
