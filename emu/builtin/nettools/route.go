package nettools

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
	"github.com/nsemu/nsemu/stack"
)

// route: show the routing table, or add or delete a route.

const routeUsage = "Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF."

const inetRouteUsage = `Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]
       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]
                              [netmask N] [mss Mss] [window W] [irtt I]
                              [mod] [dyn] [reinstate] [[dev] If]
       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject
       inet_route [-FC] flush      NOT supported`

// routeReq is a parsed route command line.
type routeReq struct {
	help    bool
	numeric bool
	// ext counts -e, from 1: route's columns, then netstat's, then both.
	ext    int
	change *routeChange // add or del; nil shows the table
}

// routeChange is route add or route del.
type routeChange struct {
	add   bool
	route stack.Route
}

func routeSet(f func(r *routeReq)) func(*routeReq) error {
	return func(r *routeReq) error { f(r); return nil }
}

func routeFail(status int, format string, a ...any) func(*routeReq) error {
	return func(*routeReq) error { return shell.Failf(status, format, a...) }
}

// routeOptions are route's options: long ones by name, short ones by
// letter ("n"), which combine (-ne).
var routeOptions = []struct {
	names []string
	apply func(r *routeReq) error
}{
	{[]string{"--numeric", "n"}, routeSet(func(r *routeReq) { r.numeric = true })},
	{[]string{"--extend", "e"}, routeSet(func(r *routeReq) { r.ext++ })},
	{[]string{"--help"}, routeSet(func(r *routeReq) { r.help = true })},
	{[]string{"--inet", "--fib", "--verbose", "v", "F", "4", "N"}, routeSet(func(*routeReq) {})},
	{[]string{"C"}, routeFail(1, "route: the routing cache is not emulated by nsemu")},
	{[]string{"6"}, routeFail(1, "route: IPv6 is not emulated by nsemu")},
}

// parseRoute parses route's arguments (without the command name).
func parseRoute(args []string) (routeReq, error) {
	r := routeReq{ext: 1}
	args, err := parseRouteOptions(&r, args)
	if err != nil || r.help || len(args) == 0 {
		return r, err
	}
	switch args[0] {
	case "add", "del", "delete":
		r.change, err = parseRouteChange(args[0] == "add", args[1:])
		return r, err
	case "flush":
		return r, shell.Failf(1, "route: flush is not emulated by nsemu (use ip route flush)")
	}
	return r, shell.Failf(1, "%s", routeUsage)
}

// parseRouteOptions applies the options args starts with and returns the
// arguments after them.
func parseRouteOptions(r *routeReq, args []string) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 && !r.help {
		a := args[0]
		if a == "-A" && len(args) > 1 {
			if args[1] != "inet" {
				return nil, shell.Failf(4, "route: %s: address family not emulated by nsemu", args[1])
			}
			args = args[2:]
			continue
		}
		if err := routeOption(r, a); err != nil {
			return nil, err
		}
		args = args[1:]
	}
	return args, nil
}

// routeOption applies one option: a long one, or a cluster of letters.
func routeOption(r *routeReq, a string) error {
	if strings.HasPrefix(a, "--") {
		if o, ok := routeOptionNamed(a); ok {
			return o(r)
		}
		return shell.Failf(1, "route: unrecognized option '%s'", a)
	}
	for _, l := range a[1:] {
		o, ok := routeOptionNamed(string(l))
		if !ok {
			return shell.Failf(1, "route: invalid option -- '%c'\n%s", l, routeUsage)
		}
		if err := o(r); err != nil {
			return err
		}
	}
	return nil
}

func routeOptionNamed(name string) (func(*routeReq) error, bool) {
	for _, o := range routeOptions {
		for _, n := range o.names {
			if n == name {
				return o.apply, true
			}
		}
	}
	return nil, false
}

// routeTarget is what route add's words say so far: the route, the
// prefix length (-1 until a /LEN or netmask gives one) and -net or -host.
type routeTarget struct {
	route stack.Route
	addr  netip.Addr
	bits  int
	kind  string
}

// routeKeywords are the words after route add TARGET that take a value;
// any other word names the device.
var routeKeywords = []struct {
	name  string
	apply func(t *routeTarget, v string) error
}{
	{"dev", func(t *routeTarget, v string) error { t.route.Dev = v; return nil }},
	{"gw", func(t *routeTarget, v string) error {
		g, err := parseHost(v)
		if err != nil {
			return shell.Failf(6, "%v", err)
		}
		t.route.Gateway = g
		return nil
	}},
	{"netmask", func(t *routeTarget, v string) error {
		m, err := parseHost(v)
		if err != nil {
			return shell.Failf(6, "%v", err)
		}
		n, ok := maskBits(m)
		if !ok {
			return shell.Failf(4, "route: bogus netmask %s", v)
		}
		t.bits = n
		return nil
	}},
	{"metric", func(t *routeTarget, v string) error {
		n, ok := strtoul(v, 10)
		if !ok || n > 1<<31-1 {
			return shell.Failf(4, "%s", inetRouteUsage)
		}
		t.route.Metric = int(n)
		return nil
	}},
	{"mss", func(*routeTarget, string) error { return nil }},
	{"window", func(*routeTarget, string) error { return nil }},
	{"irtt", func(*routeTarget, string) error { return nil }},
}

// parseRouteChange parses the arguments of route add or del:
// [-net|-host] TARGET[/LEN] then keywords.
func parseRouteChange(add bool, args []string) (*routeChange, error) {
	var t routeTarget
	if len(args) > 0 && (args[0] == "-net" || args[0] == "-host") {
		t.kind, args = args[0], args[1:]
	}
	if len(args) == 0 {
		return nil, shell.Failf(4, "%s", inetRouteUsage)
	}
	if err := t.parseTarget(args[0]); err != nil {
		return nil, err
	}
	if err := t.parseWords(args[1:]); err != nil {
		return nil, err
	}
	t.route.Dst = netip.PrefixFrom(t.addr, t.prefixLen())
	if t.route.Dst.Masked() != t.route.Dst {
		return nil, shell.Failf(4, "route: netmask doesn't match route address\n%s", inetRouteUsage)
	}
	return &routeChange{add: add, route: t.route}, nil
}

// parseTarget parses TARGET[/LEN] or default.
func (t *routeTarget) parseTarget(s string) error {
	host := s
	t.bits = -1
	if s == "default" {
		host, t.bits = "0.0.0.0", 0
	} else if h, l, ok := strings.Cut(s, "/"); ok {
		n, ok := strtoul(l, 10)
		if !ok || n > 32 {
			return shell.Failf(4, "route: bogus netmask %s", l)
		}
		host, t.bits = h, int(n)
	}
	a, err := parseHost(host)
	if err != nil {
		return shell.Failf(6, "%v", err)
	}
	t.addr = a
	return nil
}

// parseWords parses the keywords after the target.
func (t *routeTarget) parseWords(args []string) error {
next:
	for len(args) > 0 {
		for _, k := range routeKeywords {
			if k.name != args[0] {
				continue
			}
			if len(args) < 2 {
				return shell.Failf(4, "%s", inetRouteUsage)
			}
			if err := k.apply(t, args[1]); err != nil {
				return err
			}
			args = args[2:]
			continue next
		}
		// A bare word is the device.
		t.route.Dev, args = args[0], args[1:]
	}
	return nil
}

// prefixLen is the route's prefix length: the one given, else 32, or the
// address's class for -net; -host is always 32.
func (t *routeTarget) prefixLen() int {
	switch {
	case t.kind == "-host":
		return 32
	case t.bits >= 0:
		return t.bits
	case t.kind == "-net" && classfulBits(t.addr) >= 0:
		return classfulBits(t.addr)
	}
	return 32
}

// runRoute is the route command.
func runRoute(c *shell.Cmd) int {
	r, err := parseRoute(c.Args[1:])
	switch {
	case err != nil:
		return c.Exit(err)
	case r.help:
		c.Printf("%s\n", routeUsage)
		return 0
	case r.change != nil:
		return c.Exit(changeRoute(c.NS.Stack(), r.change))
	}
	c.Printf("%s", routeTable(c.NS.Stack(), r.numeric, min(r.ext, 3)))
	if !vfs.FIBExists(c.NS) {
		return 1
	}
	return 0
}

// changeRoute adds or deletes a route, failing in SIOCADDRT's words.
func changeRoute(st *stack.Stack, ch *routeChange) error {
	op, err := "SIOCADDRT", error(nil)
	if ch.add {
		err = st.AddRoute(ch.route)
	} else {
		op, err = "SIOCDELRT", st.DelRoute(ch.route)
	}
	var de *stack.DeviceError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, stack.ErrExists):
		return shell.Failf(7, "%s: File exists", op)
	case errors.Is(err, stack.ErrInvalidGateway), errors.Is(err, stack.ErrNetworkUnreachable):
		return shell.Failf(7, "%s: Network is unreachable", op)
	case errors.Is(err, stack.ErrNoSuchProcess):
		return shell.Failf(7, "%s: No such process", op)
	case errors.As(err, &de) && errors.Is(err, stack.ErrNoSuchDevice):
		return shell.Failf(7, "%s: No such device", op)
	}
	return shell.Failf(7, "%s: %v", op, err)
}

// Routing table styles: route's columns, netstat -r's, or both (route
// -ee, netstat -ree).
const (
	styleRoute = 1 + iota
	styleNetstat
	styleBoth
)

// routeTable prints the IPv4 routing table in style.
func routeTable(st *stack.Stack, numeric bool, style int) string {
	var b strings.Builder
	b.WriteString("Kernel IP routing table\n")
	switch style {
	case styleRoute:
		b.WriteString("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n")
	case styleNetstat:
		b.WriteString("Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n")
	default:
		b.WriteString("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   Window irtt\n")
	}
	for _, r := range st.Routes() {
		if r.Dst.Addr().Is4() {
			b.WriteString(routeLine(r, numeric, style))
		}
	}
	return b.String()
}

// routeLine is one row of the table.
func routeLine(r stack.Route, numeric bool, style int) string {
	dst := r.Dst.Addr().String()
	if !numeric && r.Dst.Bits() == 0 {
		dst = "default"
	}
	gw := "0.0.0.0"
	if r.Gateway.IsValid() {
		gw = r.Gateway.String()
	}
	m := mask(r.Dst.Bits()).String()
	flags, _ := vfs.RouteFlags(r)
	switch style {
	case styleRoute:
		return fmt.Sprintf("%-15s %-15s %-15s %-5s %-6d %-2d %7d %s\n", dst, gw, m, flags, r.Metric, 0, 0, r.Dev)
	case styleNetstat:
		return fmt.Sprintf("%-15s %-15s %-15s %-5s %5d %-5d %6d %s\n", dst, gw, m, flags, 0, 0, 0, r.Dev)
	}
	return fmt.Sprintf("%-15s %-15s %-15s %-5s %-6d %-3d %6d %-6.6s   %-5d %-6d %d\n", dst, gw, m, flags, r.Metric, 0, 0, r.Dev, 0, 0, 0)
}
