package traceroute

import (
	_ "embed"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// usage is what traceroute prints, on standard error with status 0,
// when it has no host.
//
//go:embed usage.txt
var usage string

// run is traceroute: parse, resolve, then probe hop by hop and print each.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if errors.Is(err, errUsage) {
		c.Stderr.Write([]byte(usage))
		return 0
	}
	if err != nil {
		return c.Exit(&shell.ExitError{Status: 2, Msg: err.Error()})
	}
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Host)
	if err != nil {
		return c.Exit(&shell.ExitError{Status: 2, Msg: fmt.Sprintf("%s: %v\nCannot handle \"host\" cmdline arg `%s' on position 1 (argc %d)", r.Host, err, r.Host, len(c.Args)-1)})
	}
	fmt.Fprintf(c.Stdout, "traceroute to %s (%s), %d hops max, %d byte packets\n", r.Host, dst, r.Max, r.PacketLen)
	p, err := newProber(c, r, dst)
	if err != nil {
		return c.Exit(err)
	}
	defer p.close()
	stopWarp := c.World().Warp()
	defer stopWarp()
	return c.Exit(trace(c, r, dst, p))
}

// trace probes each hop from r.First until the destination (or an
// unreachable error) answers, or r.Max.
func trace(c *shell.Cmd, r Request, dst netip.Addr, p prober) error {
	seq := 0
	for ttl := r.First; ttl <= r.Max; ttl++ {
		h := hop{ttl: ttl}
		for i := 0; i < r.Queries; i++ {
			a, err := p.probe(c, uint8(ttl), seq)
			if err != nil {
				return err
			}
			seq++
			h.answers = append(h.answers, a)
		}
		printHop(c.Stdout, h, namer(c, r))
		if h.done(dst) {
			return nil
		}
	}
	return nil
}

// answer is what came back for one probe.
type answer struct {
	from    netip.Addr
	rtt     time.Duration
	timeout bool
	// note is traceroute's annotation: "!H", "!N", "!X"...; "" for none.
	note string
	// final: the probe reached the destination, or an error ends the
	// trace.
	final bool
}

// hop is one line: the TTL and its probes' answers.
type hop struct {
	ttl     int
	answers []answer
}

func (h hop) done(dst netip.Addr) bool {
	for _, a := range h.answers {
		if !a.timeout && (a.from == dst || a.final) {
			return true
		}
	}
	return false
}

// namer returns how an address is printed: "10.0.1.1" with -n, else
// "NAME (10.0.1.1)", the name from /etc/hosts or the address again.
func namer(c *shell.Cmd, r Request) func(netip.Addr) string {
	return func(a netip.Addr) string {
		if r.Numeric {
			return a.String()
		}
		name, ok := libc.HostsName(c.NS, a)
		if !ok {
			name = a.String()
		}
		return fmt.Sprintf("%s (%s)", name, a)
	}
}

// prober sends one probe and waits for its answer.
type prober interface {
	probe(c *shell.Cmd, ttl uint8, seq int) (answer, error)
	close()
}

func newProber(c *shell.Cmd, r Request, dst netip.Addr) (prober, error) {
	if r.TCP {
		port := r.Port
		if port < 0 {
			port = 80
		}
		p, err := c.NS.Stack().NewTCPProber(dst, uint16(port))
		if err != nil {
			return nil, connectError(err)
		}
		p.SetHold(c.World().Hold)
		return &tcpProber{r: r, p: p}, nil
	}
	if r.ICMP {
		if _, err := c.NS.Stack().RouteGet(dst); err != nil {
			return nil, connectError(err)
		}
		return &icmpProber{r: r, dst: dst}, nil
	}
	p, err := c.NS.Stack().NewUDPProber(dst)
	if err != nil {
		return nil, connectError(err)
	}
	p.SetHold(c.World().Hold)
	return &udpProber{r: r, dst: dst, p: p}, nil
}

func connectError(err error) error {
	return fmt.Errorf("connect: %s", libc.ConnError(err))
}

// udpProber is the default method: UDP to port r.Port+seq (33434+seq).
type udpProber struct {
	r   Request
	dst netip.Addr
	p   *stack.UDPProber
}

func (u *udpProber) probe(c *shell.Cmd, ttl uint8, seq int) (answer, error) {
	base := u.r.Port
	if base < 0 {
		base = 33434
	}
	rep, err := u.p.Probe(c.Ctx, ttl, uint16(base+seq), u.r.PacketLen-28, u.r.Wait)
	if err != nil {
		return answer{}, err
	}
	if rep.Timeout {
		return answer{timeout: true}, nil
	}
	return probeAnswer(rep), nil
}

// probeAnswer is the answer a UDP or TCP probe's reply makes: an ICMP
// unreachable ends the trace, annotated but for "port unreachable" (the
// destination's answer to UDP, or a router's REJECT: traceroute prints
// none for either); the destination's TCP answer ends it too.
func probeAnswer(rep stack.ProbeReply) answer {
	a := answer{from: rep.From, rtt: rep.RTT}
	switch {
	case rep.TCP != 0:
		a.final = true
	case rep.Type == header.ICMPv4DstUnreachable:
		a.final = true
		if rep.Code != header.ICMPv4PortUnreachable {
			a.note = unreachNote(rep.Code)
		}
	}
	return a
}

func (u *udpProber) close() { u.p.Close() }

// tcpProber is -T: SYNs to one port, each from its own source port.
type tcpProber struct {
	r Request
	p *stack.TCPProber
}

func (t *tcpProber) probe(c *shell.Cmd, ttl uint8, _ int) (answer, error) {
	rep, err := t.p.Probe(c.Ctx, ttl, t.r.Wait)
	if err != nil {
		return answer{}, err
	}
	if rep.Timeout {
		return answer{timeout: true}, nil
	}
	return probeAnswer(rep), nil
}

func (t *tcpProber) close() { t.p.Close() }

// icmpProber is -I: echo requests, through a pinger made for each TTL.
type icmpProber struct {
	r   Request
	dst netip.Addr
}

func (p *icmpProber) probe(c *shell.Cmd, ttl uint8, seq int) (answer, error) {
	pg, err := c.NS.Stack().NewPinger(p.dst, stack.PingOptions{TTL: ttl, Size: p.r.PacketLen - 28, Timeout: p.r.Wait, Awake: c.World().Awake})
	if err != nil {
		return answer{}, connectError(err)
	}
	defer pg.Close()
	start := max(p.r.Port, 1)
	rep, err := pg.Ping(c.Ctx, uint16(start+seq))
	switch {
	case errors.Is(err, stack.ErrTimeout):
		return answer{timeout: true}, nil
	case err != nil:
		return answer{}, err
	}
	a := answer{from: rep.From, rtt: rep.RTT}
	switch rep.Error {
	case "", "Time to live exceeded":
	default:
		a.final, a.note = true, pingNote(rep.Error)
	}
	return a, nil
}

func (p *icmpProber) close() {}

// unreachNote is traceroute's annotation of an ICMP unreachable code.
func unreachNote(code header.ICMPv4Code) string {
	switch code {
	case header.ICMPv4NetUnreachable:
		return "!N"
	case header.ICMPv4HostUnreachable:
		return "!H"
	case header.ICMPv4ProtoUnreachable:
		return "!P"
	case header.ICMPv4NetProhibited, header.ICMPv4HostProhibited, header.ICMPv4AdminProhibited:
		return "!X"
	}
	return fmt.Sprintf("!<%d>", code)
}

// pingNote is the annotation of the error the pinger reports.
func pingNote(e string) string {
	switch e {
	case "Destination Net Unreachable":
		return "!N"
	case "Destination Host Unreachable":
		return "!H"
	case "Destination Protocol Unreachable":
		return "!P"
	case "Packet filtered":
		return "!X"
	}
	return "!"
}
