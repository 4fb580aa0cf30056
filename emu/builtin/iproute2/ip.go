// Package iproute2 is iproute2's ip and bridge on the emulated world: ip
// netns, link, address, route and neigh; bridge link and fdb.
//
// Parsing follows iproute2 6.1: objects, commands and options may be
// abbreviated to any prefix (`ip a s`, `ip r`), the first match in
// iproute2's table order wins, errors use its words, and exit statuses are
// iproute2's: 255 for a bad command line, 1 for a missing device or a
// failed check in ip itself, 2 when the kernel (here, the emulator) refuses
// the change. Each object has a pure parser (a command line to a request
// value, table-tested and fuzzed) and a runner; print.go holds the output
// shapes.
//
// Every change is checked in full before any of it is applied, so a refused
// command leaves the world as it was.
package iproute2

import (
	"fmt"
	"io"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// Builtins returns ip and bridge.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupIproute2,
			Name:  "ip",
			Usage: "ip [ -o | -s | -br | -4 | -d | -j | -p | -n NS ] { link | address | route | rule | neigh | netns | monitor } COMMAND ...",
			Help: `Shows and changes the emulated namespace's devices, addresses, routes and
neighbours, as iproute2's ip does:

  ip netns add|del|list|exec NS CMD...
  ip link add NAME type veth peer name PEER [netns NS] | ip link add NAME type bridge
  ip link add NAME type vxlan id VNI [dstport P] [local IP] [remote IP | group IP]
      [dev DEV] [learning|nolearning] [ttl N|auto] [ageing S]
  ip link set [dev] NAME up|down|netns NS|master BR|nomaster|name NEW|address MAC|mtu N
  ip link del [dev] NAME | ip link [show [dev NAME] [type veth|bridge] [master BR] [up]]
  ip addr add|del CIDR dev NAME | ip addr flush dev NAME | ip addr [show [dev NAME]]
  ip route [show [table N|NAME|all|local]] [type TYPE]
  ip route add|replace|del [TYPE] PREFIX|default [via GW] [dev NAME] [metric N] [src A] [table T] [onlink]
  ip route get ADDR [from A [iif DEV]] [oif DEV] [mark N] | ip route flush dev NAME|table T
  ip rule [list [SELECTOR]] | ip rule add|del [not] [from P] [to P] [iif D] [oif D]
      [fwmark M[/MASK]] [pref N] [lookup T | goto N | nop | blackhole | unreachable | prohibit]
      [suppress_prefixlength N] | ip rule flush
  ip neigh [show] [dev NAME] | ip neigh add|replace ADDR lladdr MAC dev NAME
  ip neigh del ADDR dev NAME | ip neigh flush dev NAME|all
  ip monitor [all | link | address | route | neigh | rule] [label] [dev NAME]

Options: -o(neline) -s(tatistics) -br(ief) -d(etails) -j(son) -p(retty) -4 -6 -n NS.
Only IPv4 is emulated. Route types: unicast, blackhole, unreachable,
prohibit, throw; table names come from /etc/iproute2/rt_tables.`,
			Run: runIP,
		},
		{
			Group: shell.GroupIproute2,
			Name:  "bridge",
			Usage: "bridge [ -s | -d | -j | -p | -n NS ] { link | fdb } [ show | add | append | replace | del ] ...",
			Help: `Shows the emulated bridges' ports and forwarding databases, as iproute2's
bridge does:

  bridge link [show] [dev PORT]
  bridge fdb [show] [br BRIDGE] [brport|dev PORT]
  bridge fdb add|append|replace|del MAC dev VXLAN [dst IP] [port P] [vni N] [via DEV]
      [self] [permanent|static]   (a VXLAN device's FDB; 00:00:00:00:00:00 floods)

Learned entries show as "MAC dev PORT master BR", the bridge's and its
ports' own addresses add "permanent"; each device's own multicast
addresses show as "MAC dev DEV self permanent". -json prints JSON.`,
			Run: runBridge,
		},
	}
}

// ipCmd is one run of ip (or bridge, which shares the printing code).
type ipCmd struct {
	c    *shell.Cmd
	ns   *emu.Namespace
	opts options
	out  io.Writer
	// errOut takes warnings that do not fail the command.
	errOut io.Writer
	ids    *nsids
	// rt are the routing table names, read from rt_tables by the first
	// command that names or prints a table (tables): most commands do
	// not, and a script building thousands of namespaces runs them in a
	// loop.
	rt *rtTables
}

func newIPCmd(c *shell.Cmd) *ipCmd {
	return &ipCmd{c: c, ns: c.NS, out: c.Stdout, errOut: c.Stderr}
}

// tables returns the routing table names, reading rt_tables the first
// time.
func (ip *ipCmd) tables() rtTables {
	if ip.rt == nil {
		rt := builtinTables()
		if data, err := ip.c.ReadFile(rtTablesPath); err == nil {
			rt = parseRTTables(data)
		}
		ip.rt = &rt
	}
	return *ip.rt
}

func (ip *ipCmd) printf(format string, a ...any) { fmt.Fprintf(ip.out, format, a...) }

// names answers the parsers from the namespace ip acts on.
func (ip *ipCmd) names() names { return world{ns: ip.ns, rt: ip.tables} }

// start parses tool's global options. It returns false when the command
// ends there (-V prints the version).
func (ip *ipCmd) start(a *args, tool string) (bool, error) {
	opts, err := parseOptions(a, tool, ip.names())
	if err != nil {
		return false, err
	}
	if opts.version {
		ip.printf("%s utility, iproute2-6.1.0 (nsemu emulation)\n", tool)
		return false, nil
	}
	ip.opts = *opts
	if opts.netns != nil {
		ip.ns = opts.netns
	}
	return true, nil
}

const ipUsage = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { address | link | monitor | neighbor | netns | route | rule }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -o[neline] |
                    -br[ief] | -j[son] | -p[retty] | -4 | -6 | -n[etns] name }
(nsemu emulates ip link, address, route, rule, neigh, netns and monitor; see "help ip")`

// ipObjects is iproute2's object table, in its order (the first prefix
// match wins); nil handlers are objects nsemu does not emulate.
var ipObjects = []struct {
	name string
	run  func(ip *ipCmd, a *args) error
}{
	{"address", runIPAddr},
	{"addrlabel", nil},
	{"maddress", nil},
	{"route", runIPRoute},
	{"rule", runIPRule},
	{"neighbor", runIPNeigh},
	{"neighbour", runIPNeigh},
	{"ntable", nil},
	{"ntbl", nil},
	{"link", runIPLink},
	{"l2tp", nil},
	{"fou", nil},
	{"ila", nil},
	{"macsec", nil},
	{"tunnel", nil},
	{"tunl", nil},
	{"tuntap", nil},
	{"tap", nil},
	{"token", nil},
	{"tcpmetrics", nil},
	{"tcp_metrics", nil},
	{"monitor", runIPMonitor},
	{"xfrm", nil},
	{"mroute", nil},
	{"mrule", nil},
	{"netns", runIPNetns},
	{"netconf", nil},
	{"vrf", nil},
	{"sr", nil},
	{"nexthop", nil},
	{"mptcp", nil},
	{"ioam", nil},
	{"help", nil},
	{"stats", nil},
}

func runIP(c *shell.Cmd) int {
	return c.Exit(newIPCmd(c).run(c.Args[1:]))
}

func (ip *ipCmd) run(argv []string) error {
	a := &args{a: argv}
	if ok, err := ip.start(a, "ip"); !ok {
		return err
	}
	obj, ok := a.word()
	if !ok {
		return usage(ipUsage)
	}
	for _, o := range ipObjects {
		if !matches(obj, o.name) {
			continue
		}
		if o.name == "help" {
			return usage(ipUsage)
		}
		if o.run == nil {
			return shell.Failf(1, "nsemu: \"ip %s\" is not emulated (supported: link, address, route, rule, neigh, netns, monitor)", o.name)
		}
		return o.run(ip, a)
	}
	return shell.Failf(1, "Object %q is unknown, try \"ip help\".", obj)
}
