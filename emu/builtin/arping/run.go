package arping

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// run is arping: parse, find the device and the addresses, probe once per
// interval on the emulated clock, print the tally. Its status is
// iputils': 0 when every probe was answered (-D: when none was; -U, -A:
// always), 1 otherwise, 2 for a device or address it cannot use.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	var ue *UsageError
	switch {
	case errors.As(err, &ue):
		if ue.Msg != "" {
			fmt.Fprintln(c.Stderr, ue.Msg)
		}
		fmt.Fprint(c.Stderr, usage)
		return 2
	case err != nil:
		return c.Fail(1, "%v", err)
	case r.Version:
		fmt.Fprint(c.Stdout, version)
		return 0
	}
	if r.Count < 0 && r.Timeout == 0 && c.Sh.Interactive == nil {
		r.Count = 4 // where the tutorial's reader would press Ctrl-C
	}
	s, err := open(c, r)
	if err != nil {
		return c.Exit(err)
	}
	defer s.close()
	if !r.Quiet {
		fmt.Fprintf(c.Stdout, "ARPING %s from %s %s\n", s.dst, s.src, s.dev)
	}
	s.loop()
	return s.finish()
}

// session is one run of arping: its socket, addresses and tally.
type session struct {
	c    *shell.Cmd
	r    Request
	dev  string
	dst  netip.Addr
	src  netip.Addr // 0.0.0.0 for -D without -s
	sock *stack.ARPSocket
	// he is where probes go: the broadcast address, then (without -b)
	// the MAC of the first reply.
	he       tcpip.LinkAddress
	unicast  bool
	last     tcpip.MonotonicTime
	sentOnce bool
	stopWarp func()
	tally
}

// tally is what the summary and the exit status count.
type tally struct {
	sent, brdSent, received, brdRecv, reqRecv int
}

// open resolves the target, the device and the source address, as arping
// does before its first probe, and opens the ARP socket.
func open(c *shell.Cmd, r Request) (*session, error) {
	dst, err := libc.LookupHost(c.Ctx, c.NS, r.Target)
	if err != nil {
		return nil, shell.Failf(2, "arping: %s: %v", r.Target, err)
	}
	st := c.NS.Stack()
	dev, err := device(c, st, r, dst)
	if err != nil {
		return nil, err
	}
	src, err := source(st, r, dev, dst)
	if err != nil {
		return nil, err
	}
	sock, err := st.OpenARP(dev, c.World().Hold)
	if err != nil {
		return nil, shell.Failf(2, "arping: %v", err)
	}
	s := &session{c: c, r: r, dev: dev, dst: dst, src: src, sock: sock, he: header.EthernetBroadcastAddress}
	s.stopWarp = c.World().Warp()
	return s, nil
}

func (s *session) close() {
	s.stopWarp()
	s.sock.Close()
}

// device is -I's device, or the one the route to dst leaves by (arping
// asks the kernel with RTM_GETROUTE), checked as check_device checks it:
// it must exist, be up, and do ARP (not lo). Those two refusals are
// printed on standard output, as arping prints them.
func device(c *shell.Cmd, st *stack.Stack, r Request, dst netip.Addr) (string, error) {
	dev := r.Dev
	if dev == "" {
		rt, err := st.RouteGet(dst)
		if err != nil || rt.Dev == "" {
			return "", shell.Failf(1, "arping: NETLINK_ROUTE unexpected iov element")
		}
		dev = rt.Dev
	}
	n, ok := st.LookupNIC(dev)
	switch {
	case !ok:
		return "", shell.Failf(2, "arping: Device %s not available.", dev)
	case !n.Up:
		return "", refuse(c, r, fmt.Sprintf("Interface %q is down", dev), 2)
	case n.Loopback:
		status := 2
		if r.DAD {
			status = 0
		}
		return "", refuse(c, r, fmt.Sprintf("Interface %q is not ARPable", dev), status)
	}
	return dev, nil
}

// refuse prints msg on standard output (unless -q) and ends with status.
func refuse(c *shell.Cmd, r Request, msg string, status int) error {
	if !r.Quiet {
		fmt.Fprintln(c.Stdout, msg)
	}
	return &shell.ExitError{Status: status}
}

// source is the probes' sender address: -s's, which must be the
// namespace's; the target itself for -U and -A; 0.0.0.0 for -D; else
// the address a socket connected to dst through dev would have.
func source(st *stack.Stack, r Request, dev string, dst netip.Addr) (netip.Addr, error) {
	zero := netip.IPv4Unspecified()
	src := zero
	if r.Source != "" {
		a, err := netip.ParseAddr(r.Source)
		if err != nil || !a.Is4() {
			return src, shell.Failf(2, "arping: invalid source %s", r.Source)
		}
		src = a
	} else if r.Unsolicited && !r.DAD {
		src = dst
	}
	switch {
	case r.DAD && r.Source == "":
		return zero, nil
	case src != zero:
		if rt, err := st.RouteGet(src); err != nil || rt.Type != "local" {
			return src, shell.Failf(2, "arping: bind: Cannot assign requested address")
		}
		return src, nil
	}
	rt, err := st.Lookup(stack.Flow{Dst: dst, OIF: dev})
	if err != nil || !rt.Src.IsValid() {
		return src, shell.Failf(2, "arping: connect: Network is unreachable")
	}
	return rt.Src, nil
}
