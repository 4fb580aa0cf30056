package shell

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/stack"
)

func init() {
	Register(&Builtin{
		Name:  "ping",
		Usage: "ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE] [-s SIZE] [-t TTL] [-M do|dont] [-I DEV] [-q] ADDR",
		Help: `Sends ICMP echo requests from the current namespace and prints iputils' output.
Exit status: 0 when a reply came, 1 when none did, 2 on an error such as
"ping: connect: Network is unreachable". Waits cost no wall time while nothing
is in flight. Without -c or -w, a script's ping sends 4 probes (where the
tutorial's reader would press Ctrl-C); in nsemu shell it runs until Ctrl-C.`,
		Run: runPing,
	})
}

type pingFlags struct {
	count    int
	interval time.Duration
	timeout  time.Duration
	deadline time.Duration
	size     int
	ttl      int
	pmtu     string
	dev      string
	quiet    bool
	dst      string
}

func parsePing(args []string) (pingFlags, error) {
	return parsePingFrom(pingFlags{count: -1, interval: time.Second, timeout: 10 * time.Second, size: 56}, args)
}

// parsePingFrom parses args on top of the flags already parsed in f.
func parsePingFrom(f pingFlags, args []string) (pingFlags, error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			if f.dst != "" {
				return f, fmt.Errorf("ping: usage error: only one destination, got %q and %q", f.dst, a)
			}
			f.dst = a
			continue
		}
		opt, val := a[1:2], a[2:]
		needsVal := strings.Contains("ciWwstMI", opt)
		if needsVal && val == "" {
			i++
			if i >= len(args) {
				return f, fmt.Errorf("ping: option requires an argument -- '%s'", opt)
			}
			val = args[i]
		}
		var err error
		switch opt {
		case "c":
			f.count, err = strconv.Atoi(val)
			if err == nil && f.count <= 0 {
				err = fmt.Errorf("out of range")
			}
			if err != nil {
				return f, fmt.Errorf("ping: invalid argument: '%s': out of range: 1 <= value <= 9223372036854775807", val)
			}
		case "i":
			f.interval, err = ParseSeconds(val)
			if err != nil {
				return f, fmt.Errorf("ping: bad timing interval: %s", val)
			}
		case "W":
			f.timeout, err = ParseSeconds(val)
			if err != nil {
				return f, fmt.Errorf("ping: bad linger time: %s", val)
			}
		case "w":
			f.deadline, err = ParseSeconds(val)
			if err != nil {
				return f, fmt.Errorf("ping: bad wait time: %s", val)
			}
		case "s":
			f.size, err = strconv.Atoi(val)
			if err != nil || f.size < 0 || f.size > 65507 {
				return f, fmt.Errorf("ping: invalid argument: '%s': out of range: 0 <= value <= 65507", val)
			}
		case "t":
			f.ttl, err = strconv.Atoi(val)
			if err != nil || f.ttl < 1 || f.ttl > 255 {
				return f, fmt.Errorf("ping: invalid argument: '%s': out of range: 1 <= value <= 255", val)
			}
		case "M":
			if val != "do" && val != "dont" && val != "want" && val != "probe" {
				return f, fmt.Errorf("ping: invalid -M argument: %s", val)
			}
			f.pmtu = val
		case "I":
			f.dev = val
		case "q":
			f.quiet = true
			if len(a) > 2 {
				return parsePingRest(f, "-"+a[2:], args[i+1:])
			}
		case "n", "4":
			if len(a) > 2 {
				return parsePingRest(f, "-"+a[2:], args[i+1:])
			}
		default:
			return f, fmt.Errorf("ping: invalid option -- '%s'", opt)
		}
	}
	if f.dst == "" {
		return f, errors.New("ping: usage error: Destination address required")
	}
	return f, nil
}

// parsePingRest continues parsing after combined flags such as -qn,
// keeping the flags parsed before them.
func parsePingRest(f pingFlags, first string, rest []string) (pingFlags, error) {
	return parsePingFrom(f, append([]string{first}, rest...))
}

func runPing(c *Cmd) int {
	f, err := parsePing(c.Args[1:])
	if err != nil {
		return c.Fail(2, "%v", err)
	}
	dst, err := libc.LookupHost(c.Ctx, c.NS, f.dst)
	if err != nil {
		return c.Fail(2, "ping: %s: %v", f.dst, err)
	}
	if f.count < 0 && f.deadline == 0 && c.Sh.Interactive == nil {
		f.count = 4
	}
	opts := stack.PingOptions{Size: f.size, TTL: uint8(f.ttl), Dev: f.dev, DontFragment: f.pmtu == "do" || f.pmtu == "probe"}
	p, err := c.NS.Stack().NewPinger(dst, opts)
	if err != nil {
		if errors.Is(err, stack.ErrNetworkUnreachable) {
			return c.Fail(2, "ping: connect: Network is unreachable")
		}
		return c.Fail(2, "%v", err)
	}
	defer p.Close()
	stop := c.World().Warp()
	defer stop()
	clock := c.World().Clock()

	c.Printf("PING %s (%s) %d(%d) bytes of data.\n", f.dst, dst, f.size, f.size+28)
	start := clock.NowMonotonic()
	var sent, received, errs int
	var rtts []time.Duration
	outstanding := map[uint16]bool{}
	interrupted := false
	// take handles one answer, whichever probe it is for (a late reply
	// counts, as in iputils).
	take := func(r stack.PingReply) {
		if r.Error != "" {
			errs++
			delete(outstanding, r.Seq)
			if !f.quiet {
				c.Printf("From %s icmp_seq=%d %s\n", r.From, r.Seq, r.Error)
			}
			return
		}
		received++
		delete(outstanding, r.Seq)
		rtts = append(rtts, r.RTT)
		if !f.quiet {
			c.Printf("%d bytes from %s: icmp_seq=%d ttl=%d time=%s ms\n", r.Bytes, r.From, r.Seq, r.TTL, fmtMs(r.RTT))
		}
	}
	for seq := 1; f.count < 0 || seq <= f.count; seq++ {
		if f.deadline > 0 && clock.NowMonotonic().Sub(start) >= f.deadline {
			break
		}
		last := f.count > 0 && seq == f.count
		probeStart := clock.NowMonotonic()
		if err := p.Send(uint16(seq)); err != nil {
			if errors.Is(err, stack.ErrNetworkUnreachable) {
				return c.Fail(2, "ping: connect: Network is unreachable")
			}
			return c.Fail(2, "%v", err)
		}
		sent++
		outstanding[uint16(seq)] = true
		// Take answers until the next probe is due; after the last one,
		// until every probe is answered or -W passes.
		until := f.interval
		if last {
			until = f.timeout
		}
		for {
			left := until - clock.NowMonotonic().Sub(probeStart)
			if f.deadline > 0 {
				left = min(left, f.deadline-clock.NowMonotonic().Sub(start))
			}
			if left <= 0 || (last && len(outstanding) == 0) {
				break
			}
			r, err := p.Recv(c.Ctx, left)
			if err != nil {
				if c.Ctx.Err() != nil {
					interrupted = true
				} else if !errors.Is(err, stack.ErrTimeout) {
					return c.Fail(2, "%v", err)
				}
				break
			}
			if r.Seq == 0 {
				r.Seq = uint16(seq)
			}
			take(r)
		}
		if interrupted || last {
			break
		}
	}
	total := clock.NowMonotonic().Sub(start)
	c.Printf("\n--- %s ping statistics ---\n", f.dst)
	line := fmt.Sprintf("%d packets transmitted, %d received", sent, received)
	if errs > 0 {
		line += fmt.Sprintf(", +%d errors", errs)
	}
	loss := 0
	if sent > 0 {
		loss = (sent - received) * 100 / sent
	}
	c.Printf("%s, %d%% packet loss, time %dms\n", line, loss, total.Milliseconds())
	if received > 0 {
		c.Printf("rtt min/avg/max/mdev = %s ms\n", rttStats(rtts))
		return 0
	}
	return 1
}

func fmtMs(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0f", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f", ms)
	}
	return fmt.Sprintf("%.3f", ms)
}

func rttStats(rtts []time.Duration) string {
	min, max := rtts[0], rtts[0]
	var sum, sum2 float64
	for _, r := range rtts {
		if r < min {
			min = r
		}
		if r > max {
			max = r
		}
		ms := float64(r) / float64(time.Millisecond)
		sum += ms
		sum2 += ms * ms
	}
	n := float64(len(rtts))
	avg := sum / n
	mdev := math.Sqrt(math.Max(0, sum2/n-avg*avg))
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return fmt.Sprintf("%.3f/%.3f/%.3f/%.3f", ms(min), avg, ms(max), mdev)
}

// resolveHost turns a ping/nc argument into an address: a literal IPv4
// address, or a name from the namespace's /etc/hosts or its name servers
// (resolve.go). The error says "Name or service not known" or "Temporary
// failure in name resolution".
