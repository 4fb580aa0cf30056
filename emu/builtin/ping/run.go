package ping

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// run is ping: parse, probe, print the statistics. Its status is 0 when a
// reply came, 1 when none did, 2 on an error.
func run(c *shell.Cmd) int {
	if docker.Busybox(c.NS) {
		return runBusybox(c)
	}
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Fail(2, "%v", err)
	}
	if r.Count < 0 && r.Deadline == 0 && c.Sh.Interactive == nil {
		r.Count = 4 // where the tutorial's reader would press Ctrl-C
	}
	s, err := open(c, r)
	if err != nil {
		return c.Exit(err)
	}
	defer s.close()
	printHeader(c.Stdout, r, s.dst)
	if err := s.probes(); err != nil {
		return c.Exit(err)
	}
	// iputils' "time" runs from the first probe to the last one sent: a
	// single probe's summary says 0ms, answered or not.
	printSummary(c.Stdout, r.Dst, &s.stats, s.lastSent.Sub(s.start))
	if s.received == 0 {
		return 1
	}
	return 0
}

// session is one run of ping: its socket, the emulator clock it waits
// on, and the tally.
type session struct {
	c        *shell.Cmd
	r        Request
	dst      netip.Addr
	p        *stack.Pinger
	clock    tcpip.Clock
	start    tcpip.MonotonicTime
	lastSent tcpip.MonotonicTime
	stopWarp func()
	stats
}

// stats is the tally the summary prints.
type stats struct {
	sent, received, errs, dups int
	rtts                       []time.Duration
	// pipe is the most probes ever outstanding when one was answered
	// (iputils' "pipe N", printed when above 1).
	pipe int
	// outstanding are the probes not answered yet.
	outstanding map[uint16]bool
}

// open resolves the destination and opens the ICMP socket. While the
// session is open, the clock jumps ahead when the world is idle.
func open(c *shell.Cmd, r Request) (*session, error) {
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Dst)
	if err != nil {
		return nil, shell.Failf(2, "ping: %s: %v", r.Dst, err)
	}
	opts := stack.PingOptions{Size: r.Size, TTL: uint8(r.TTL), Dev: r.Dev, DontFragment: r.PMTU == "do" || r.PMTU == "probe", Awake: c.World().Awake}
	p, err := c.NS.Stack().NewPinger(dst, opts)
	if err != nil {
		return nil, connectError(err)
	}
	s := &session{c: c, r: r, dst: dst, p: p, clock: c.World().Clock(), stats: stats{outstanding: map[uint16]bool{}}}
	s.stopWarp = c.World().Warp()
	return s, nil
}

func (s *session) close() {
	s.stopWarp()
	s.p.Close()
}

// since is the emulated time since t.
func (s *session) since(t tcpip.MonotonicTime) time.Duration {
	return s.clock.NowMonotonic().Sub(t)
}

// connectError is a failed socket operation in ping's words.
func connectError(err error) error {
	if errors.Is(err, stack.ErrNetworkUnreachable) {
		return shell.Failf(2, "ping: connect: Network is unreachable")
	}
	return shell.Failf(2, "%v", err)
}

// probes sends the probes, one per interval, and takes the answers, until
// the count, the deadline (-w) or an interrupt ends them.
func (s *session) probes() error {
	s.start = s.clock.NowMonotonic()
	s.lastSent = s.start
	for seq := 1; s.r.Count < 0 || seq <= s.r.Count; seq++ {
		if s.r.Deadline > 0 && s.since(s.start) >= s.r.Deadline {
			return nil
		}
		last := s.r.Count > 0 && seq == s.r.Count
		sentAt := s.clock.NowMonotonic()
		var local *stack.LocalError
		switch err := s.p.Send(uint16(seq)); {
		case errors.As(err, &local):
			// iputils: the probe counts as sent, and as an error.
			fmt.Fprintln(s.c.Stderr, local)
			s.errs++
		case err != nil:
			return connectError(err)
		default:
			s.outstanding[uint16(seq)] = true
		}
		s.lastSent = sentAt
		s.sent++
		// Take answers until the next probe is due; after the last one,
		// until every probe is answered or -W passes.
		until := s.r.Interval
		if last {
			until = s.r.Timeout
		}
		interrupted, err := s.await(uint16(seq), sentAt, until, last)
		if err != nil || interrupted || last {
			return err
		}
	}
	return nil
}

// await takes answers for until after from, or until the deadline. An
// answer without a sequence number is for probe seq. interrupted is true
// when the command's context ended the wait.
func (s *session) await(seq uint16, from tcpip.MonotonicTime, until time.Duration, last bool) (interrupted bool, err error) {
	for {
		left := until - s.since(from)
		if s.r.Deadline > 0 {
			left = min(left, s.r.Deadline-s.since(s.start))
		}
		if left <= 0 || (last && len(s.outstanding) == 0) {
			return false, nil
		}
		if s.r.Deadline > 0 && s.errs > 0 {
			// iputils: with -w, an error ends the run.
			return true, nil
		}
		reply, err := s.p.Recv(s.c.Ctx, left)
		switch {
		case err != nil && s.c.Ctx.Err() != nil:
			return true, nil
		case errors.Is(err, stack.ErrTimeout):
			return false, nil
		case err != nil:
			return false, shell.Failf(2, "%v", err)
		}
		if reply.Seq == 0 {
			reply.Seq = seq
		}
		s.take(reply)
	}
}

// take counts one answer, whichever probe it is for (a late reply counts,
// as in iputils), and prints it unless -q.
func (s *session) take(reply stack.PingReply) {
	delete(s.outstanding, reply.Seq)
	if d := s.sent - int(reply.Seq) + 1; d > s.pipe && d <= s.sent {
		s.pipe = d
	}
	switch {
	case reply.Error != "":
		s.errs++
	case reply.Dup:
		// iputils counts a duplicate apart, and its time in the rtt line.
		s.dups++
		s.rtts = append(s.rtts, reply.RTT)
	default:
		s.received++
		s.rtts = append(s.rtts, reply.RTT)
	}
	if !s.r.Quiet {
		printReply(s.c.Stdout, reply)
	}
}
