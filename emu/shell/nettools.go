package shell

// net-tools: ifconfig, route, arp and netstat -r, in net-tools 2.10's
// formats, and the kernel's /proc/net/{arp,route,dev}.

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/vfs"
	"github.com/nsemu/nsemu/stack"
)

func init() {
	Register(&Builtin{
		Name:  "ifconfig",
		Usage: "ifconfig [-a] [DEV] | ifconfig DEV [ADDR[/LEN]] [netmask MASK] [mtu N] [hw ether MAC] [up|down]",
		Help: `Shows the current namespace's devices in net-tools' format (up ones, or all
with -a), or configures one: address (replacing the primary one), netmask, MTU,
MAC, up or down. IPv6 addresses are not emulated, so no inet6 lines.`,
		Run: runIfconfig,
	})
	Register(&Builtin{
		Name:  "route",
		Usage: "route [-n] [-e] | route add|del [-net|-host] TARGET[/LEN] [netmask MASK] [gw GW] [metric N] [dev] DEV",
		Help:  "Shows (\"Kernel IP routing table\") or changes the current namespace's routes, as net-tools' route does.",
		Run:   runRoute,
	})
	Register(&Builtin{
		Name:  "arp",
		Usage: "arp [-n] [-a|-e] [-v] [-i DEV] [HOST] | arp -s HOST MAC [-i DEV] | arp -d HOST [-i DEV]",
		Help:  "Shows or edits the current namespace's neighbour (ARP) table in net-tools' format.",
		Run:   runArp,
	})
	Register(&Builtin{
		Name:  "netstat",
		Usage: "netstat -r [-n] [-e]",
		Help:  "Shows the routing table as netstat -r does. Other netstat views (sockets, interfaces) are not emulated.",
		Run:   runNetstat,
	})
}

var ntFlagNames = []struct {
	bit  int
	name string
}{{0x1, "UP"}, {0x2, "BROADCAST"}, {0x4, "DEBUG"}, {0x8, "LOOPBACK"}, {0x10, "POINTOPOINT"},
	{0x20, "NOTRAILERS"}, {0x40, "RUNNING"}, {0x80, "NOARP"}, {0x100, "PROMISC"}, {0x200, "ALLMULTI"},
	{0x400, "MASTER"}, {0x800, "SLAVE"}, {0x1000, "MULTICAST"}, {0x8000, "DYNAMIC"}}

// ntPrimary4 is the address ifconfig shows: the device's first IPv4
// address (lo has none while down, as in a new namespace).
func ntPrimary4(d *emu.Device) (netip.Prefix, bool) {
	if d.Kind == emu.KindLoopback && !d.IsUp() {
		return netip.Prefix{}, false
	}
	for _, p := range d.Addrs() {
		if p.Addr().Is4() {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

func ntMask(bits int) netip.Addr {
	var b [4]byte
	for i := 0; i < 4; i++ {
		switch {
		case bits >= 8:
			b[i] = 0xff
			bits -= 8
		case bits > 0:
			b[i] = byte(0xff << (8 - bits))
			bits = 0
		}
	}
	return netip.AddrFrom4(b)
}

func ntBroadcast(p netip.Prefix) netip.Addr {
	a, m := p.Addr().As4(), ntMask(p.Bits()).As4()
	for i := range a {
		a[i] |= ^m[i]
	}
	return netip.AddrFrom4(a)
}

// ntBytes is ifconfig's "(1.5 KiB)".
func ntBytes(n uint64) string {
	short, ext := n*10, "B"
	switch {
	case n > 1125899906842624:
		short, ext = short/1125899906842624, "PiB"
	case n > 1099511627776:
		short, ext = short/1099511627776, "TiB"
	case n > 1073741824:
		short, ext = short/1073741824, "GiB"
	case n > 1048576:
		short, ext = short/1048576, "MiB"
	case n > 1024:
		short, ext = short/1024, "KiB"
	}
	return fmt.Sprintf("%d.%d %s", short/10, short%10, ext)
}

// ntIfconfigBlock renders one device as ifconfig does.
func ntIfconfigBlock(ns *emu.Namespace, d *emu.Device) string {
	var b strings.Builder
	flags := d.Flags()
	var names []string
	for _, f := range ntFlagNames {
		if flags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	fmt.Fprintf(&b, "%s: flags=%d<%s>  mtu %d\n", d.Name(), flags, strings.Join(names, ","), d.MTU())
	if p, ok := ntPrimary4(d); ok {
		fmt.Fprintf(&b, "        inet %s  netmask %s", p.Addr(), ntMask(p.Bits()))
		if flags&emu.IffBroadcast != 0 {
			fmt.Fprintf(&b, "  broadcast %s", ntBroadcast(p))
		}
		b.WriteString("\n")
	}
	if d.Kind == emu.KindLoopback {
		b.WriteString("        loop  txqueuelen 1000  (Local Loopback)\n")
	} else {
		fmt.Fprintf(&b, "        ether %s  txqueuelen 1000  (Ethernet)\n", d.MAC())
	}
	c := d.Counters()
	fmt.Fprintf(&b, "        RX packets %d  bytes %d (%s)\n", c.RxPackets, c.RxBytes, ntBytes(c.RxBytes))
	fmt.Fprintf(&b, "        RX errors 0  dropped %d  overruns 0  frame 0\n", c.RxDropped)
	fmt.Fprintf(&b, "        TX packets %d  bytes %d (%s)\n", c.TxPackets, c.TxBytes, ntBytes(c.TxBytes))
	fmt.Fprintf(&b, "        TX errors 0  dropped %d overruns 0  carrier 0  collisions 0\n\n", c.TxDropped)
	return b.String()
}

// ntNameLess is net-tools' nstrcmp: names compare as text, but a run of
// digits compares as a number (eth2 before eth10).
func ntNameLess(a, b string) bool {
	for a != "" && b != "" {
		if ntIsDigit(a[0]) && ntIsDigit(b[0]) {
			i, j := 0, 0
			for i < len(a) && ntIsDigit(a[i]) {
				i++
			}
			for j < len(b) && ntIsDigit(b[j]) {
				j++
			}
			na, nb := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func ntIsDigit(c byte) bool { return c >= '0' && c <= '9' }

func runIfconfig(c *Cmd) int {
	args := c.Args[1:]
	all := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-a":
			all = true
		case "-s", "-v":
			return c.Fail(1, "ifconfig: option `%s' is not emulated by nsemu.", args[0])
		case "--help", "-h":
			c.Printf("Usage:\n  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n")
			return 0
		default:
			return c.Fail(1, "ifconfig: option `%s' not recognised.\nifconfig: `--help' gives usage information.", args[0])
		}
		args = args[1:]
	}
	if len(args) == 0 {
		devs := c.NS.Links()
		sort.SliceStable(devs, func(i, j int) bool { return ntNameLess(devs[i].Name(), devs[j].Name()) })
		for _, d := range devs {
			if all || d.IsUp() {
				c.Printf("%s", ntIfconfigBlock(c.NS, d))
			}
		}
		return 0
	}
	name := args[0]
	d, err := c.NS.Link(name)
	if len(args) == 1 {
		if err != nil {
			return c.Fail(1, "%s: error fetching interface information: Device not found", name)
		}
		c.Printf("%s", ntIfconfigBlock(c.NS, d))
		return 0
	}
	if err != nil {
		return c.Fail(255, "%s: ERROR while getting interface flags: No such device", name)
	}
	return ifconfigSet(c, d, args[1:])
}

// ntParseHost parses an IPv4 address as net-tools does (inet_aton: "0",
// "10.1" and 0x forms too); nsemu has no name service, so any other name is
// an "Unknown host".
func ntParseHost(s string) (netip.Addr, error) {
	if a, ok := ntInetAton(s); ok {
		return a, nil
	}
	if s == "localhost" {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), nil
	}
	return netip.Addr{}, fmt.Errorf("%s: Unknown host", s)
}

// ntInetAton is inet_aton: one to four numbers (C bases); the last fills
// the bytes that remain.
func ntInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v [4]uint64
	for i, p := range parts {
		if p == "" || p[0] == '+' || p[0] == '-' || p[0] == ' ' {
			return netip.Addr{}, false
		}
		n, ok := iptStrtoul(p, 0)
		if !ok {
			return netip.Addr{}, false
		}
		v[i] = n
	}
	last := len(parts) - 1
	limit := uint64(1)<<(8*(4-last)) - 1
	if v[last] > limit {
		return netip.Addr{}, false
	}
	var b [4]byte
	for i := 0; i < last; i++ {
		if v[i] > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(v[i])
	}
	for i := 3; i >= last; i-- {
		b[i] = byte(v[last])
		v[last] >>= 8
	}
	return netip.AddrFrom4(b), true
}

// ntClassfulBits is inet_abc_len: the prefix SIOCSIFADDR gives an address.
func ntClassfulBits(a netip.Addr) int {
	b := a.As4()[0]
	switch {
	case a.IsUnspecified():
		return 0
	case b < 128:
		return 8
	case b < 192:
		return 16
	case b < 224:
		return 24
	}
	return -1
}

func ifconfigSet(c *Cmd, d *emu.Device, args []string) int {
	ns := c.NS
	name := d.Name()
	usage := "ifconfig: `--help' gives usage information."
	for i := 0; i < len(args); i++ {
		a := args[i]
		arg := func() (string, bool) {
			if i+1 >= len(args) {
				return "", false
			}
			i++
			return args[i], true
		}
		switch a {
		case "up":
			if err := ns.SetLinkUp(name, true); err != nil {
				return c.Fail(1, "SIOCSIFFLAGS: %v", err)
			}
		case "down":
			if err := ns.SetLinkUp(name, false); err != nil {
				return c.Fail(1, "SIOCSIFFLAGS: %v", err)
			}
		case "mtu":
			v, ok := arg()
			n, okn := iptStrtoul(v, 10)
			if !ok || !okn {
				return c.Fail(1, "%s", usage)
			}
			if err := ns.SetMTU(name, uint32(min(n, 1<<32-1))); err != nil {
				return c.Fail(1, "SIOCSIFMTU: Invalid argument")
			}
		case "hw":
			class, ok1 := arg()
			mac, ok2 := arg()
			if !ok1 || !ok2 || class != "ether" {
				return c.Fail(1, "%s", usage)
			}
			hw, err := net.ParseMAC(mac)
			if err != nil || len(hw) != 6 {
				return c.Fail(1, "%s: invalid ether address.", mac)
			}
			if err := ns.SetMAC(name, hw); err != nil {
				return c.Fail(1, "SIOCSIFHWADDR: %v", err)
			}
		case "netmask":
			v, ok := arg()
			if !ok {
				return c.Fail(1, "%s", usage)
			}
			m, err := ntParseHost(v)
			if err != nil {
				return c.Fail(1, "%v\n%s", err, usage)
			}
			bits, okm := ntMaskBits(m)
			if !okm {
				return c.Fail(1, "SIOCSIFNETMASK: Invalid argument")
			}
			p, has := ntPrimary4(d)
			if !has {
				return c.Fail(1, "SIOCSIFNETMASK: Cannot assign requested address")
			}
			if err := ntReplaceAddr(ns, d, netip.PrefixFrom(p.Addr(), bits)); err != nil {
				return c.Fail(1, "SIOCSIFNETMASK: %v", err)
			}
		case "broadcast", "pointopoint", "dstaddr", "metric", "txqueuelen":
			if _, ok := arg(); !ok {
				return c.Fail(1, "%s", usage)
			}
		case "-broadcast", "arp", "-arp", "promisc", "-promisc", "allmulti", "-allmulti", "multicast", "-multicast":
		default:
			host, lenStr, hasLen := strings.Cut(a, "/")
			addr, err := ntParseHost(host)
			if err != nil {
				return c.Fail(1, "%v\n%s", err, usage)
			}
			bits := ntClassfulBits(addr)
			if hasLen {
				n, ok := iptStrtoul(lenStr, 10)
				if !ok || n > 32 {
					return c.Fail(1, "%s: Unknown host\n%s", a, usage)
				}
				bits = int(n)
			}
			if addr.IsUnspecified() {
				if p, has := ntPrimary4(d); has {
					if err := ns.DelAddr(name, p); err != nil {
						return c.Fail(1, "SIOCSIFADDR: %v", err)
					}
				}
				continue
			}
			if bits < 0 {
				return c.Fail(1, "SIOCSIFADDR: Invalid argument")
			}
			if err := ntReplaceAddr(ns, d, netip.PrefixFrom(addr, bits)); err != nil {
				return c.Fail(1, "SIOCSIFADDR: %v", err)
			}
		}
	}
	return 0
}

func ntMaskBits(m netip.Addr) (int, bool) {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for n < 32 && v&(1<<(31-n)) != 0 {
		n++
	}
	if n < 32 && v<<n != 0 {
		return 0, false
	}
	return n, true
}

// ntReplaceAddr makes p the device's primary address, as SIOCSIFADDR and
// SIOCSIFNETMASK do; on failure the old address is put back.
func ntReplaceAddr(ns *emu.Namespace, d *emu.Device, p netip.Prefix) error {
	old, had := ntPrimary4(d)
	if had {
		if old == p {
			return nil
		}
		if err := ns.DelAddr(d.Name(), old); err != nil {
			return err
		}
	}
	if err := ns.AddAddr(d.Name(), p); err != nil {
		if had {
			_ = ns.AddAddr(d.Name(), old)
		}
		return ntErrText(err)
	}
	return nil
}

// ntErrText strips RTNETLINK's prefix: net-tools reports ioctl errors.
func ntErrText(err error) error {
	s := strings.TrimPrefix(err.Error(), "RTNETLINK answers: ")
	return errors.New(s)
}

// ---- routes ----

// ntRouteTable prints the routing table: ext 1 is route's default
// columns, 2 netstat's (MSS Window irtt), 3 both.
func ntRouteTable(st *stack.Stack, numeric bool, ext int) string {
	var b strings.Builder
	b.WriteString("Kernel IP routing table\n")
	switch ext {
	case 1:
		b.WriteString("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n")
	case 2:
		b.WriteString("Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n")
	default:
		b.WriteString("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   Window irtt\n")
	}
	for _, r := range st.Routes() {
		if !r.Dst.Addr().Is4() {
			continue
		}
		dst := r.Dst.Addr().String()
		if !numeric && r.Dst.Bits() == 0 {
			dst = "default"
		}
		gw := "0.0.0.0"
		if r.Gateway.IsValid() {
			gw = r.Gateway.String()
		}
		mask := ntMask(r.Dst.Bits()).String()
		flags, _ := vfs.RouteFlags(r)
		switch ext {
		case 1:
			fmt.Fprintf(&b, "%-15s %-15s %-15s %-5s %-6d %-2d %7d %s\n", dst, gw, mask, flags, r.Metric, 0, 0, r.Dev)
		case 2:
			fmt.Fprintf(&b, "%-15s %-15s %-15s %-5s %5d %-5d %6d %s\n", dst, gw, mask, flags, 0, 0, 0, r.Dev)
		default:
			fmt.Fprintf(&b, "%-15s %-15s %-15s %-5s %-6d %-3d %6d %-6.6s   %-5d %-6d %d\n", dst, gw, mask, flags, r.Metric, 0, 0, r.Dev, 0, 0, 0)
		}
	}
	return b.String()
}

func runRoute(c *Cmd) int {
	numeric, ext := false, 1
	args := c.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		if a == "-A" && len(args) > 1 {
			if args[1] != "inet" {
				return c.Fail(4, "route: %s: address family not emulated by nsemu", args[1])
			}
			args = args[2:]
			continue
		}
		switch a {
		case "--numeric":
			numeric = true
		case "--extend":
			ext++
		case "--inet", "--fib", "--verbose":
		case "--help":
			c.Printf("Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.\n")
			return 0
		default:
			if strings.HasPrefix(a, "--") {
				return c.Fail(1, "route: unrecognized option '%s'", a)
			}
			for _, o := range a[1:] {
				switch o {
				case 'n':
					numeric = true
				case 'e':
					ext++
				case 'v', 'F', '4', 'N':
				case 'C':
					return c.Fail(1, "route: the routing cache is not emulated by nsemu")
				case '6':
					return c.Fail(1, "route: IPv6 is not emulated by nsemu")
				default:
					return c.Fail(1, "route: invalid option -- '%c'\nUsage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.", o)
				}
			}
		}
		args = args[1:]
	}
	if len(args) == 0 {
		c.Printf("%s", ntRouteTable(c.NS.Stack(), numeric, min(ext, 3)))
		if !vfs.FIBExists(c.NS) {
			return 1
		}
		return 0
	}
	switch args[0] {
	case "add", "del", "delete":
		return routeModify(c, args[0] == "add", args[1:])
	case "flush":
		return c.Fail(1, "route: flush is not emulated by nsemu (use ip route flush)")
	}
	return c.Fail(1, "Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.")
}

func routeModify(c *Cmd, add bool, args []string) int {
	op := "SIOCADDRT"
	if !add {
		op = "SIOCDELRT"
	}
	usage := "Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]\n       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]\n                              [netmask N] [mss Mss] [window W] [irtt I]\n                              [mod] [dyn] [reinstate] [[dev] If]\n       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject\n       inet_route [-FC] flush      NOT supported"
	kind := ""
	if len(args) > 0 && (args[0] == "-net" || args[0] == "-host") {
		kind, args = args[0], args[1:]
	}
	if len(args) == 0 {
		return c.Fail(4, "%s", usage)
	}
	target := args[0]
	args = args[1:]
	var r stack.Route
	bits := -1
	host := target
	if target == "default" {
		host, bits = "0.0.0.0", 0
	} else if h, l, ok := strings.Cut(target, "/"); ok {
		n, okn := iptStrtoul(l, 10)
		if !okn || n > 32 {
			return c.Fail(4, "route: bogus netmask %s", l)
		}
		host, bits = h, int(n)
	}
	a, err := ntParseHost(host)
	if err != nil {
		return c.Fail(6, "%v", err)
	}
	for len(args) > 0 {
		w := args[0]
		val := ""
		if w != "dev" && w != "gw" && w != "netmask" && w != "metric" && w != "mss" && w != "window" && w != "irtt" {
			// A bare word is the device.
			r.Dev = w
			args = args[1:]
			continue
		}
		if len(args) < 2 {
			return c.Fail(4, "%s", usage)
		}
		val, args = args[1], args[2:]
		switch w {
		case "dev":
			r.Dev = val
		case "gw":
			g, err := ntParseHost(val)
			if err != nil {
				return c.Fail(6, "%v", err)
			}
			r.Gateway = g
		case "netmask":
			m, err := ntParseHost(val)
			if err != nil {
				return c.Fail(6, "%v", err)
			}
			n, ok := ntMaskBits(m)
			if !ok {
				return c.Fail(4, "route: bogus netmask %s", val)
			}
			bits = n
		case "metric":
			n, ok := iptStrtoul(val, 10)
			if !ok || n > 1<<31-1 {
				return c.Fail(4, "%s", usage)
			}
			r.Metric = int(n)
		}
	}
	if bits < 0 {
		bits = 32
		if kind == "-net" {
			bits = ntClassfulBits(a)
			if bits < 0 {
				bits = 32
			}
		}
	}
	if kind == "-host" {
		bits = 32
	}
	r.Dst = netip.PrefixFrom(a, bits)
	if r.Dst.Masked() != r.Dst {
		return c.Fail(4, "route: netmask doesn't match route address\n%s", usage)
	}
	st := c.NS.Stack()
	if add {
		err = st.AddRoute(r)
	} else {
		err = st.DelRoute(r)
	}
	if err != nil {
		var de *stack.DeviceError
		switch {
		case errors.Is(err, stack.ErrExists):
			return c.Fail(7, "%s: File exists", op)
		case errors.Is(err, stack.ErrInvalidGateway), errors.Is(err, stack.ErrNetworkUnreachable):
			return c.Fail(7, "%s: Network is unreachable", op)
		case errors.Is(err, stack.ErrNoSuchProcess):
			return c.Fail(7, "%s: No such process", op)
		case errors.As(err, &de) && errors.Is(err, stack.ErrNoSuchDevice):
			return c.Fail(7, "%s: No such device", op)
		}
		return c.Fail(7, "%s: %v", op, err)
	}
	return 0
}

func runNetstat(c *Cmd) int {
	route, numeric, ext := false, false, 0
	for _, a := range c.Args[1:] {
		switch {
		case a == "--route":
			route = true
		case a == "--numeric":
			numeric = true
		case a == "--extend":
			ext++
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(a) > 1:
			for _, o := range a[1:] {
				switch o {
				case 'r':
					route = true
				case 'n':
					numeric = true
				case 'e':
					ext++
				case 'v', 'A':
				default:
					return c.Fail(1, "netstat: only the routing table (netstat -r) is emulated by nsemu")
				}
			}
		default:
			return c.Fail(1, "netstat: only the routing table (netstat -r) is emulated by nsemu")
		}
	}
	if !route {
		return c.Fail(1, "netstat: only the routing table (netstat -r) is emulated by nsemu")
	}
	// netstat -r shows MSS/Window/irtt; -e swaps in route's columns; -ee
	// shows both.
	style := 2
	switch {
	case ext == 1:
		style = 1
	case ext >= 2:
		style = 3
	}
	c.Printf("%s", ntRouteTable(c.NS.Stack(), numeric, style))
	return 0
}

// ---- neighbours ----

const ntArpUsage = `Usage:
  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache
  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry
  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file
  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry
  arp [-v]   [<HW>] [-i <if>] -Ds <host> <if> [netmask <nm>] pub          <-''-

        -a                       display (all) hosts in alternative (BSD) style
        -e                       display (all) hosts in default (Linux) style
        -s, --set                set a new ARP entry
        -d, --delete             delete a specified entry
        -v, --verbose            be verbose
        -n, --numeric            don't resolve names
        -i, --device             specify network interface (e.g. eth0)
        -D, --use-device         read <hwaddr> from given device
        -A, -p, --protocol       specify protocol family
        -f, --file               read new entries from file or from /etc/ethers

  <HW>=Use '-H <hw>' to specify hardware address type. Default: ether
`

func runArp(c *Cmd) int {
	var (
		bsd, verbose, set, del bool
		dev                    string
		rest                   []string
	)
	args := c.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			rest = append(rest, a)
			continue
		}
		long := map[string]byte{"--set": 's', "--delete": 'd', "--verbose": 'v', "--numeric": 'n',
			"--device": 'i', "--all": 'a', "--help": 'h'}
		opts := a[1:]
		if strings.HasPrefix(a, "--") {
			o, ok := long[a]
			if !ok {
				return c.Fail(3, "arp: unrecognized option '%s'\n%s", a, ntArpUsage)
			}
			opts = string(o)
		}
		for j := 0; j < len(opts); j++ {
			switch opts[j] {
			case 'a':
				bsd = true
			case 'e':
				bsd = false
			case 'n':
			case 'v':
				verbose = true
			case 's':
				set = true
			case 'd':
				del = true
			case 'H', 'A', 'p', 't':
				// -H ether / -A inet: the only kinds there are.
				v := opts[j+1:]
				if v == "" {
					if i+1 >= len(args) {
						return c.Fail(3, "arp: option requires an argument -- '%c'\n%s", opts[j], ntArpUsage)
					}
					i++
					v = args[i]
				}
				j = len(opts)
				if v != "ether" && v != "inet" {
					return c.Fail(3, "arp: %s: unknown hardware type.", v)
				}
			case 'i':
				v := opts[j+1:]
				if v == "" {
					if i+1 >= len(args) {
						return c.Fail(3, "arp: option requires an argument -- 'i'\n%s", ntArpUsage)
					}
					i++
					v = args[i]
				}
				dev = v
				j = len(opts)
			case 'h':
				c.Printf("%s", ntArpUsage)
				return 0
			case 'D', 'f':
				return c.Fail(3, "arp: -%c is not emulated by nsemu", opts[j])
			default:
				return c.Fail(3, "arp: invalid option -- '%c'\n%s", opts[j], ntArpUsage)
			}
		}
	}
	switch {
	case set:
		return arpSet(c, dev, rest)
	case del:
		return arpDel(c, dev, rest)
	}
	host := ""
	if len(rest) > 0 {
		host = rest[0]
	}
	var want netip.Addr
	if host != "" {
		a, err := ntParseHost(host)
		if err != nil {
			return c.Fail(255, "%v", err)
		}
		want = a
	}
	entries := vfs.ARPEntries(c.NS)
	shown := 0
	for _, e := range entries {
		if (dev != "" && e.Dev != dev) || (want.IsValid() && e.Addr != want) {
			continue
		}
		if bsd {
			c.Printf("? (%s) at ", e.Addr)
			if e.Flags&0x2 == 0 {
				c.Printf("<incomplete> ")
			} else {
				c.Printf("%s [ether] ", vfs.MACString(e.MAC))
			}
			if e.Flags&0x4 != 0 {
				c.Printf("PERM ")
			}
			c.Printf("on %s\n", e.Dev)
		} else {
			if shown == 0 {
				c.Printf("Address                  HWtype  HWaddress           Flags Mask            Iface\n")
			}
			flags := ""
			if e.Flags&0x2 != 0 {
				flags += "C"
			}
			if e.Flags&0x4 != 0 {
				flags += "M"
			}
			c.Printf("%-23.23s  ", e.Addr.String())
			if e.Flags&0x2 == 0 {
				c.Printf("%-8.8s%-20.20s", "", "(incomplete)")
			} else {
				c.Printf("%-8.8s%-20.20s", "ether", vfs.MACString(e.MAC))
			}
			c.Printf("%-6.6s%-15.15s %s\n", flags, "", e.Dev)
		}
		shown++
	}
	if verbose {
		c.Printf("Entries: %d\tSkipped: %d\tFound: %d\n", len(entries), len(entries)-shown, shown)
	}
	if shown == 0 {
		switch {
		case host != "" && !bsd:
			c.Printf("%s (%s) -- no entry\n", host, want)
		case host != "" || dev != "":
			c.Printf("arp: in %d entries no match found.\n", len(entries))
		}
	}
	return 0
}

func arpSet(c *Cmd, dev string, rest []string) int {
	if len(rest) == 0 {
		return c.Fail(255, "arp: need host name")
	}
	a, err := ntParseHost(rest[0])
	if err != nil {
		return c.Fail(255, "%v", err)
	}
	if len(rest) < 2 {
		return c.Fail(255, "arp: need hardware address")
	}
	mac, err := net.ParseMAC(rest[1])
	if err != nil || len(mac) != 6 {
		return c.Fail(255, "arp: invalid hardware address")
	}
	for _, w := range rest[2:] {
		switch w {
		case "temp":
			// Entries nsemu adds are permanent; temp is accepted as that.
		case "pub", "netmask":
			return c.Fail(255, "arp: proxy ARP (pub) is not emulated by nsemu")
		default:
			return c.Fail(255, "arp: unknown flag %s", w)
		}
	}
	st := c.NS.Stack()
	if dev == "" {
		r, err := st.RouteGet(a)
		if err != nil {
			return c.Fail(255, "SIOCSARP: Network is unreachable")
		}
		dev = r.Dev
	}
	if err := st.AddNeighbor(dev, a, tcpip.LinkAddress(mac)); err != nil {
		if errors.Is(err, stack.ErrNoSuchDevice) {
			return c.Fail(255, "SIOCSARP: No such device")
		}
		return c.Fail(255, "SIOCSARP: %v", err)
	}
	return 0
}

func arpDel(c *Cmd, dev string, rest []string) int {
	if len(rest) == 0 {
		return c.Fail(255, "arp: need host name")
	}
	a, err := ntParseHost(rest[0])
	if err != nil {
		return c.Fail(255, "%v", err)
	}
	st := c.NS.Stack()
	for _, n := range st.Neighbors() {
		if n.Addr == a && (dev == "" || n.Dev == dev) {
			if err := st.DelNeighbor(n.Dev, a); err != nil {
				return c.Fail(255, "SIOCDARP(dontpub): %v", err)
			}
			return 0
		}
	}
	return c.Fail(255, "No ARP entry for %s", rest[0])
}
