package iperf3

import (
	"fmt"
	"io"
	"time"
)

// reporter prints (or, with -J, collects) the interval reports of one
// side. Its loop is the side's timekeeper: it wakes on the emulated clock
// at each interval and, on the client, at the end of -t.
type reporter struct {
	s        *session
	w        io.Writer // text output; nil with -J
	interval time.Duration
	lastEnd  time.Time
	printed  bool
	// intervals are the -J records, in order.
	intervals []jsonValue
}

// loop reports every interval until the session stops, and stops it at
// deadline when deadline is not zero. It returns after the last, partial
// interval is reported.
func (r *reporter) loop(deadline time.Time) {
	s := r.s
	r.lastEnd = s.start
	atDeadline := false
	for {
		next := time.Time{}
		if r.interval > 0 {
			next = r.lastEnd.Add(r.interval)
		}
		wake := earliest(next, deadline)
		if !r.sleepUntil(wake) {
			break
		}
		if !next.IsZero() && !s.clk.Now().Before(next) {
			r.report(next)
		}
		if !deadline.IsZero() && !s.clk.Now().Before(deadline) {
			if r.interval > 0 && deadline.After(r.lastEnd) {
				r.report(deadline)
			}
			s.halt()
			atDeadline = true
			break
		}
	}
	if now := s.clk.Now(); r.interval > 0 && now.After(r.lastEnd) && !atDeadline {
		r.report(now)
	}
}

func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// sleepUntil waits on the clock until t (forever when t is zero); false
// when the session stopped first.
func (r *reporter) sleepUntil(t time.Time) bool {
	if t.IsZero() {
		<-r.s.stop
		return false
	}
	d := t.Sub(r.s.clk.Now())
	if d <= 0 {
		return true
	}
	fired := make(chan struct{})
	tm := r.s.clk.AfterFunc(d, func() { close(fired) })
	defer tm.Stop()
	select {
	case <-fired:
		return true
	case <-r.s.stop:
		return false
	}
}

// sample is one stream's figures over one interval (or the whole test).
type sample struct {
	fd          int
	start, end  float64
	bytes       uint64
	retr        uint64
	cwnd        uint64
	packets     int64
	lost        int64
	jitter      float64
	retrValid   bool
	sender, udp bool
}

func (x sample) seconds() float64 { return x.end - x.start }

func (x sample) rate() float64 {
	if x.seconds() <= 0 {
		return 0
	}
	return float64(x.bytes) / x.seconds()
}

// report takes the interval ending at end from every stream.
func (r *reporter) report(end time.Time) {
	s := r.s
	start, stop := r.lastEnd.Sub(s.start).Seconds(), end.Sub(s.start).Seconds()
	r.lastEnd = end
	var xs []sample
	for _, st := range s.streams {
		x := sample{fd: st.fd, start: start, end: stop, sender: s.sending, udp: s.p.UDP}
		b := st.bytes.Load()
		x.bytes, st.lastBytes = b-st.lastBytes, b
		if s.p.UDP {
			jit, lost, _ := st.udpStats()
			p := st.packets.Load()
			x.packets, st.lastPackets = p-st.lastPackets, p
			x.lost, st.lastLost = lost-st.lastLost, lost
			x.jitter = jit
		} else if s.sending {
			s.retransmits(st)
			x.retr, st.lastRetr = st.retr-st.lastRetr, st.retr
			x.cwnd, x.retrValid = st.cwnd, true
		}
		xs = append(xs, x)
	}
	if r.w == nil {
		r.intervals = append(r.intervals, jsonInterval(xs, len(s.streams) > 1 || true))
		return
	}
	r.printInterval(xs)
}

// printInterval prints one interval's lines, with the header before the
// first and, with several streams, the [SUM] line and a separator.
func (r *reporter) printInterval(xs []sample) {
	if !r.printed {
		fmt.Fprint(r.w, intervalHeader(xs[0]))
		r.printed = true
	} else if len(xs) > 1 {
		fmt.Fprint(r.w, separator)
	}
	f := r.s.format()
	for _, x := range xs {
		fmt.Fprint(r.w, intervalLine(x, f))
	}
	if len(xs) > 1 {
		fmt.Fprint(r.w, sumLine(sum(xs), f, ""))
	}
}
