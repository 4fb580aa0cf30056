package tracepath

import (
	_ "embed"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// usage is tracepath's usage text, on standard error with status 255.
//
//go:embed usage.txt
var usage string

// version is what -V prints (Debian 12's build).
const version = "tracepath from iputils 20221126\nlibcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n"

// The constants of tracepath.c.
const (
	maxProbes       = 10
	hisSize         = 64
	overhead        = 28
	defaultMTU      = 65535
	defaultBasePort = 44444
	// dataWait is how long a probe is waited for (data_wait's select).
	dataWait = time.Second
)

// run is tracepath: parse, resolve, open the socket, trace.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	var ue *UsageError
	var ee *ExitError
	switch {
	case errors.As(err, &ue):
		if ue.Msg != "" {
			fmt.Fprintln(c.Stderr, ue.Msg)
		}
		fmt.Fprint(c.Stderr, usage)
		return 255
	case errors.As(err, &ee):
		return c.Fail(ee.Status, "%s", ee.Msg)
	case r.Version:
		fmt.Fprint(c.Stdout, version)
		return 0
	}
	t, err := open(c, r)
	if err != nil {
		return c.Exit(err)
	}
	defer t.close()
	return c.Exit(t.trace())
}

// tracer is one run of tracepath: run_state.
type tracer struct {
	c        *shell.Cmd
	r        Request
	dst      netip.Addr
	p        *stack.UDPProber
	clock    tcpip.Clock
	stopWarp func()
	mtu      int
	ttl      int
	basePort int
	hisptr   int
	his      [hisSize]history
	hopsTo   int
	hopsFrom int
}

// history is what was sent on one port: the TTL (hops, 0 once
// answered; sentTTL kept, as the probe's data keeps it) and when.
type history struct {
	hops, sentTTL int
	sent          tcpip.MonotonicTime
}

// open resolves the destination and opens the probing socket.
func open(c *shell.Cmd, r Request) (*tracer, error) {
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Host)
	if err != nil {
		return nil, shell.Failf(1, "tracepath: %s: %v", r.Host, err)
	}
	t := &tracer{c: c, r: r, dst: dst, clock: c.World().Clock(), mtu: r.Len, basePort: r.Port, hopsTo: -1, hopsFrom: -1}
	if t.mtu == 0 {
		t.mtu = defaultMTU
	}
	if t.mtu <= overhead {
		return nil, shell.Failf(1, "tracepath: pktlen must be within: %d < value <= %d", overhead, 1<<31-1)
	}
	if t.basePort == 0 {
		t.basePort = defaultBasePort
	}
	p, err := c.NS.Stack().NewUDPProberAny(dst)
	if err != nil {
		return nil, shell.Failf(1, "tracepath: %v", err)
	}
	p.SetDontFragment(true)
	p.SetHold(c.World().Hold)
	t.p = p
	t.stopWarp = c.World().Warp()
	return t, nil
}

func (t *tracer) close() {
	t.stopWarp()
	t.p.Close()
}

// trace is main's loop: up to three probe rounds per TTL (again from the
// first when the path MTU changed), "no reply" when none answered, until
// a final answer or the last TTL; then the Resume line.
func (t *tracer) trace() error {
	for t.ttl = 1; t.ttl <= t.r.Max; t.ttl++ {
		res := -1
		for i := 0; i < 3; i++ {
			old := t.mtu
			var err error
			res, err = t.probeTTL()
			switch {
			case err != nil:
				return err
			case t.mtu != old:
				i = -1 // restart: the rounds begin again at the new size
			case res == 0:
				t.resume()
				return nil
			case res > 0:
				i = 3
			}
		}
		if res < 0 {
			t.printf("%2d:  no reply\n", t.ttl)
		}
	}
	t.printf("     Too many hops: pmtu %d\n", t.mtu)
	t.resume()
	return nil
}

// probeTTL sends one probe at the current TTL (as probe_ttl: a send the
// namespace refuses is followed by a look at the error queue, up to ten
// times), waits a second for an answer and reads it: 0 ends the trace,
// above 0 is progress, below 0 is silence.
func (t *tracer) probeTTL() (int, error) {
	sent := false
	for i := 0; i < maxProbes && !sent; i++ {
		port := t.basePort + t.hisptr
		t.his[t.hisptr] = history{hops: t.ttl, sentTTL: t.ttl, sent: t.clock.NowMonotonic()}
		if t.p.Send(uint8(t.ttl), uint16(port), t.mtu-overhead) == nil {
			sent = true
			break
		}
		res := t.recverr()
		t.his[t.hisptr].hops = 0
		switch {
		case res == 0:
			return 0, nil
		case res > 0:
			i = -1 // restart at the new size
		}
	}
	t.hisptr = (t.hisptr + 1) % hisSize
	if !sent {
		t.printf("%2d:  send failed\n", t.ttl)
		return 0, nil
	}
	if err := t.p.Wait(t.c.Ctx, t.clock.NowMonotonic().Add(dataWait)); err != nil {
		return 0, err
	}
	if t.p.ReadData() {
		t.printf("%2d?: reply received 8)\n", t.ttl)
		return 0, nil
	}
	return t.recverr(), nil
}

func (t *tracer) printf(format string, a ...any) { fmt.Fprintf(t.c.Stdout, format, a...) }
