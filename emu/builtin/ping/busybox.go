package ping

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

// busybox ping (1.35), what a busybox or alpine container's ping is: its
// options, its lines ("seq=0", "2 packets received"), its errors ("ping:
// bad address 'c2'") and exit status (0 when a reply came, else 1).

// bbUsage is busybox's usage text for ping.
const bbUsage = `BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.

Usage: ping [OPTIONS] HOST

Send ICMP ECHO_REQUESTs to HOST

	-4,-6		Force IP or IPv6 name resolution
	-c CNT		Send only CNT pings
	-s SIZE		Send SIZE data bytes in packets (default 56)
	-i SECS		Interval
	-A		Ping as soon as reply is received
	-t TTL		Set TTL
	-I IFACE/IP	Source interface or IP address
	-W SEC		Seconds to wait for the first response (default 10)
			(after all -c CNT packets are sent)
	-w SEC		Seconds until ping exits (default:infinite)
			(can exit earlier with -c CNT)
	-q		Quiet, only display output at start/finish
	-p HEXBYTE	Payload pattern`

func bbInt(field func(*Request) *int) func(*Request, string) error {
	return func(r *Request, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("ping: invalid number '%s'", v)
		}
		*field(r) = n
		return nil
	}
}

func bbSeconds(field func(*Request) *time.Duration) func(*Request, string) error {
	return func(r *Request, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return fmt.Errorf("ping: invalid number '%s'", v)
		}
		*field(r) = time.Duration(f * float64(time.Second))
		return nil
	}
}

// bbParser is busybox ping's grammar.
var bbParser = getopt.Parser[Request]{
	Prog: "ping",
	Options: []getopt.Option[Request]{
		{Letter: 'c', Arg: true, Apply: bbInt(func(r *Request) *int { return &r.Count })},
		{Letter: 's', Arg: true, Apply: bbInt(func(r *Request) *int { return &r.Size })},
		{Letter: 't', Arg: true, Apply: bbInt(func(r *Request) *int { return &r.TTL })},
		{Letter: 'i', Arg: true, Apply: bbSeconds(func(r *Request) *time.Duration { return &r.Interval })},
		{Letter: 'W', Arg: true, Apply: bbSeconds(func(r *Request) *time.Duration { return &r.Timeout })},
		{Letter: 'w', Arg: true, Apply: bbSeconds(func(r *Request) *time.Duration { return &r.Deadline })},
		{Letter: 'I', Arg: true, Apply: func(r *Request, v string) error { r.Dev = v; return nil }},
		{Letter: 'q', Apply: func(r *Request, _ string) error { r.Quiet = true; return nil }},
		{Letter: '4'},
		{Letter: '6', Apply: bbNotEmulated("-6")},
		{Letter: 'A', Apply: bbNotEmulated("-A")},
		{Letter: 'p', Arg: true, Apply: bbNotEmulated("-p")},
	},
	Operand: func(r *Request, a string) error {
		if r.Dst != "" {
			return errBBUsage
		}
		r.Dst = a
		return nil
	},
}

func bbNotEmulated(opt string) func(*Request, string) error {
	return func(*Request, string) error { return fmt.Errorf("nsemu: busybox ping %s: not emulated", opt) }
}

var errBBUsage = &shell.ExitError{Status: 1, Msg: bbUsage, Cause: "Usage: ping [OPTIONS] HOST"}

// ParseBusybox turns busybox ping's arguments into a Request.
func ParseBusybox(args []string) (Request, error) {
	r := Request{Count: -1, Interval: time.Second, Timeout: 10 * time.Second, Size: 56}
	if err := bbParser.Parse(&r, args); err != nil {
		var ge *getopt.Error
		if errors.As(err, &ge) {
			return r, &shell.ExitError{Status: 1, Msg: err.Error() + "\n" + bbUsage, Cause: err.Error()}
		}
		return r, err
	}
	if r.Dst == "" {
		return r, errBBUsage
	}
	if r.Count == 0 {
		r.Count = -1 // busybox: -c 0 is no count
	}
	return r, nil
}

// runBusybox is busybox ping: parse, probe, print busybox's summary.
func runBusybox(c *shell.Cmd) int {
	r, err := ParseBusybox(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if r.Count < 0 && r.Deadline == 0 && c.Sh.Interactive == nil {
		r.Count = 4 // as iputils' ping in a script
	}
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Dst)
	if err != nil {
		return c.Fail(1, "ping: bad address '%s'", r.Dst)
	}
	// busybox prints its first line before its first sendto fails.
	fmt.Fprintf(c.Stdout, "PING %s (%s): %d data bytes\n", r.Dst, dst, r.Size)
	p, err := c.NS.Stack().NewPinger(dst, stack.PingOptions{Size: r.Size, TTL: uint8(r.TTL), Dev: r.Dev, Awake: c.World().Awake})
	if err != nil {
		return c.Fail(1, "ping: sendto: Network is unreachable")
	}
	defer p.Close()
	stopWarp := c.World().Warp()
	defer stopWarp()
	b := &bbSession{c: c, r: r, p: p}
	if err := b.probes(); err != nil {
		return c.Exit(err)
	}
	b.summary(c.Stdout)
	if b.received == 0 {
		return 1
	}
	return 0
}

// bbSession is one run of busybox ping.
type bbSession struct {
	c                    *shell.Cmd
	r                    Request
	p                    *stack.Pinger
	sent, received, dups int
	rtts                 []time.Duration
	start                time.Time
}

// probes sends a probe per interval, seq from 0, taking the echo replies
// (busybox ignores ICMP errors); after the last it waits -W for the rest.
func (b *bbSession) probes() error {
	clock := b.c.World().Clock()
	b.start = clock.Now()
	for seq := 0; b.r.Count < 0 || seq < b.r.Count; seq++ {
		if b.r.Deadline > 0 && clock.Now().Sub(b.start) >= b.r.Deadline {
			return nil
		}
		if err := b.p.Send(uint16(seq)); err != nil {
			return shell.Failf(1, "ping: sendto: Network is unreachable")
		}
		b.sent++
		last := b.r.Count > 0 && seq == b.r.Count-1
		wait := b.r.Interval
		if last {
			wait = b.r.Timeout
		}
		if b.await(wait, last) || last {
			return nil
		}
	}
	return nil
}

// await takes replies for wait (less when -w ends first); it reports
// whether the run was interrupted.
func (b *bbSession) await(wait time.Duration, last bool) bool {
	clock := b.c.World().Clock()
	until := clock.Now().Add(wait)
	if b.r.Deadline > 0 {
		until = minTime(until, b.start.Add(b.r.Deadline))
	}
	for {
		left := until.Sub(clock.Now())
		if left <= 0 || (last && b.received >= b.sent) {
			return false
		}
		rep, err := b.p.Recv(b.c.Ctx, left)
		switch {
		case err != nil && b.c.Ctx.Err() != nil:
			return true
		case err != nil:
			return false
		case rep.Error != "":
			continue
		}
		b.take(rep)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// take counts and prints one echo reply.
func (b *bbSession) take(rep stack.PingReply) {
	dup := ""
	if rep.Dup {
		b.dups++
		dup = " (DUP!)"
	} else {
		b.received++
	}
	b.rtts = append(b.rtts, rep.RTT)
	if !b.r.Quiet {
		fmt.Fprintf(b.c.Stdout, "%d bytes from %s: seq=%d ttl=%d time=%s ms%s\n", rep.Bytes, rep.From, rep.Seq, rep.TTL, bbMs(rep.RTT), dup)
	}
}

// summary prints busybox's statistics.
func (b *bbSession) summary(w io.Writer) {
	fmt.Fprintf(w, "\n--- %s ping statistics ---\n", b.r.Dst)
	fmt.Fprintf(w, "%d packets transmitted, %d packets received, ", b.sent, b.received)
	if b.dups > 0 {
		fmt.Fprintf(w, "+%d duplicates, ", b.dups)
	}
	loss := 0
	if b.sent > 0 {
		loss = (b.sent - b.received) * 100 / b.sent
	}
	fmt.Fprintf(w, "%d%% packet loss\n", loss)
	if len(b.rtts) == 0 {
		return
	}
	lo, hi, sum := b.rtts[0], b.rtts[0], time.Duration(0)
	for _, d := range b.rtts {
		lo, hi, sum = min(lo, d), max(hi, d), sum+d
	}
	avg := sum / time.Duration(len(b.rtts))
	fmt.Fprintf(w, "round-trip min/avg/max = %s/%s/%s ms\n", bbMs(lo), bbMs(avg), bbMs(hi))
}

// bbMs is busybox's "%u.%03u" milliseconds.
func bbMs(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%03d", us/1000, us%1000)
}
