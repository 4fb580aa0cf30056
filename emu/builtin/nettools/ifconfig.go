package nettools

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// ifconfig: show the devices, or change one, one ioctl per argument.

const ifconfigHint = "ifconfig: `--help' gives usage information."

// ifconfigReq is a parsed ifconfig command line.
type ifconfigReq struct {
	help bool
	all  bool   // -a: the devices that are down too
	dev  string // "": every device
	// change: arguments follow the device. ifconfig makes one ioctl per
	// argument as it reads them, so the steps parsed before a bad argument
	// still take effect; stop is that argument's error.
	change bool
	steps  []ifStep
	stop   error
}

// ifOp is what an ifStep does.
type ifOp int

const (
	ifUp ifOp = iota
	ifDown
	ifMTU
	ifMAC
	ifNetmask // prefix's length on the primary address
	ifAddr    // prefix replaces the primary address
	ifNoAddr  // removes the primary address (ifconfig DEV 0)
)

// ifStep is one change ifconfig makes.
type ifStep struct {
	op     ifOp
	mtu    uint64
	mac    net.HardwareAddr
	prefix netip.Prefix
}

// ifOptions are ifconfig's options, before the device.
var ifOptions = []struct {
	names []string
	apply func(r *ifconfigReq, opt string) error
}{
	{[]string{"-a"}, func(r *ifconfigReq, _ string) error { r.all = true; return nil }},
	{[]string{"-s", "-v"}, func(_ *ifconfigReq, opt string) error {
		return shell.Failf(1, "ifconfig: option `%s' is not emulated by nsemu.", opt)
	}},
	{[]string{"--help", "-h"}, func(r *ifconfigReq, _ string) error { r.help = true; return nil }},
}

// ifKeywords are the arguments after the device that ifconfig knows; any
// other word is an address. parse gets the keyword's args values, and
// returns nil for a keyword nsemu accepts without effect.
var ifKeywords = []struct {
	name  string
	args  int
	parse func(v []string) (*ifStep, error)
}{
	{"up", 0, func([]string) (*ifStep, error) { return &ifStep{op: ifUp}, nil }},
	{"down", 0, func([]string) (*ifStep, error) { return &ifStep{op: ifDown}, nil }},
	{"mtu", 1, parseIfMTU},
	{"hw", 2, parseIfHW},
	{"netmask", 1, parseIfNetmask},
	{"broadcast", 1, ignoreIf},
	{"pointopoint", 1, ignoreIf},
	{"dstaddr", 1, ignoreIf},
	{"metric", 1, ignoreIf},
	{"txqueuelen", 1, ignoreIf},
	{"-broadcast", 0, ignoreIf},
	{"arp", 0, ignoreIf},
	{"-arp", 0, ignoreIf},
	{"promisc", 0, ignoreIf},
	{"-promisc", 0, ignoreIf},
	{"allmulti", 0, ignoreIf},
	{"-allmulti", 0, ignoreIf},
	{"multicast", 0, ignoreIf},
	{"-multicast", 0, ignoreIf},
}

func ignoreIf([]string) (*ifStep, error) { return nil, nil }

// parseIfconfig parses ifconfig's arguments (without the command name).
func parseIfconfig(args []string) (ifconfigReq, error) {
	var r ifconfigReq
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && !r.help {
		if err := ifOption(&r, args[0]); err != nil {
			return ifconfigReq{}, err
		}
		args = args[1:]
	}
	if r.help || len(args) == 0 {
		return r, nil
	}
	r.dev, r.change = args[0], len(args) > 1
	r.steps, r.stop = parseIfSteps(args[1:])
	return r, nil
}

func ifOption(r *ifconfigReq, opt string) error {
	for _, o := range ifOptions {
		for _, n := range o.names {
			if n == opt {
				return o.apply(r, opt)
			}
		}
	}
	return shell.Failf(1, "ifconfig: option `%s' not recognised.\n%s", opt, ifconfigHint)
}

// parseIfSteps parses the arguments after the device into steps, up to
// the first bad one, whose error it returns.
func parseIfSteps(args []string) ([]ifStep, error) {
	var steps []ifStep
	for len(args) > 0 {
		n, s, err := parseIfStep(args)
		if err != nil {
			return steps, err
		}
		if s != nil {
			steps = append(steps, *s)
		}
		args = args[n:]
	}
	return steps, nil
}

// parseIfStep parses the step args starts with; n is the number of
// arguments it took.
func parseIfStep(args []string) (n int, s *ifStep, err error) {
	for _, k := range ifKeywords {
		if k.name != args[0] {
			continue
		}
		if len(args) <= k.args {
			return 0, nil, shell.Failf(1, "%s", ifconfigHint)
		}
		s, err := k.parse(args[1 : 1+k.args])
		return 1 + k.args, s, err
	}
	s, err = parseIfAddr(args[0])
	return 1, s, err
}

func parseIfMTU(v []string) (*ifStep, error) {
	n, ok := strtoul(v[0], 10)
	if !ok {
		return nil, shell.Failf(1, "%s", ifconfigHint)
	}
	return &ifStep{op: ifMTU, mtu: n}, nil
}

func parseIfHW(v []string) (*ifStep, error) {
	if v[0] != "ether" {
		return nil, shell.Failf(1, "%s", ifconfigHint)
	}
	hw, err := net.ParseMAC(v[1])
	if err != nil || len(hw) != 6 {
		return nil, shell.Failf(1, "%s: invalid ether address.", v[1])
	}
	return &ifStep{op: ifMAC, mac: hw}, nil
}

func parseIfNetmask(v []string) (*ifStep, error) {
	m, err := parseHost(v[0])
	if err != nil {
		return nil, shell.Failf(1, "%v\n%s", err, ifconfigHint)
	}
	bits, ok := maskBits(m)
	if !ok {
		return nil, shell.Failf(1, "SIOCSIFNETMASK: Invalid argument")
	}
	return &ifStep{op: ifNetmask, prefix: netip.PrefixFrom(netip.IPv4Unspecified(), bits)}, nil
}

// parseIfAddr parses ADDR[/LEN]; without a length the address's class
// gives it, and 0 removes the address.
func parseIfAddr(a string) (*ifStep, error) {
	host, lenStr, hasLen := strings.Cut(a, "/")
	addr, err := parseHost(host)
	if err != nil {
		return nil, shell.Failf(1, "%v\n%s", err, ifconfigHint)
	}
	bits := classfulBits(addr)
	if hasLen {
		n, ok := strtoul(lenStr, 10)
		if !ok || n > 32 {
			return nil, shell.Failf(1, "%s: Unknown host\n%s", a, ifconfigHint)
		}
		bits = int(n)
	}
	switch {
	case addr.IsUnspecified():
		return &ifStep{op: ifNoAddr}, nil
	case bits < 0:
		return nil, shell.Failf(1, "SIOCSIFADDR: Invalid argument")
	}
	return &ifStep{op: ifAddr, prefix: netip.PrefixFrom(addr, bits)}, nil
}

// runIfconfig is the ifconfig command.
func runIfconfig(c *shell.Cmd) int {
	r, err := parseIfconfig(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	switch {
	case r.help:
		c.Printf("Usage:\n  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n")
	case r.dev == "":
		devs := c.NS.Links()
		sort.SliceStable(devs, func(i, j int) bool { return nameLess(devs[i].Name(), devs[j].Name()) })
		for _, d := range devs {
			if r.all || d.IsUp() {
				c.Printf("%s", ifconfigBlock(d))
			}
		}
	case !r.change:
		d, err := c.NS.Link(r.dev)
		if err != nil {
			return c.Exit(shell.Failf(1, "%s: error fetching interface information: Device not found", r.dev))
		}
		c.Printf("%s", ifconfigBlock(d))
	default:
		return c.Exit(ifconfigSet(c.NS, r))
	}
	return 0
}

// ifconfigSet applies r's steps in order, then reports the argument that
// stopped parsing, if any.
func ifconfigSet(ns *emu.Namespace, r ifconfigReq) error {
	d, err := ns.Link(r.dev)
	if err != nil {
		return shell.Failf(255, "%s: ERROR while getting interface flags: No such device", r.dev)
	}
	for _, s := range r.steps {
		if err := s.apply(ns, d); err != nil {
			return err
		}
	}
	return r.stop
}

// apply makes the change on d, failing as the ioctl would.
func (s ifStep) apply(ns *emu.Namespace, d *emu.Device) error {
	name := d.Name()
	switch s.op {
	case ifUp, ifDown:
		if err := ns.SetLinkUp(name, s.op == ifUp); err != nil {
			return shell.Failf(1, "SIOCSIFFLAGS: %v", err)
		}
	case ifMTU:
		if err := ns.SetMTU(name, uint32(min(s.mtu, 1<<32-1))); err != nil {
			return shell.Failf(1, "SIOCSIFMTU: Invalid argument")
		}
	case ifMAC:
		if err := ns.SetMAC(name, s.mac); err != nil {
			return shell.Failf(1, "SIOCSIFHWADDR: %v", err)
		}
	case ifNetmask:
		p, ok := primary4(d)
		if !ok {
			return shell.Failf(1, "SIOCSIFNETMASK: Cannot assign requested address")
		}
		if err := replaceAddr(ns, d, netip.PrefixFrom(p.Addr(), s.prefix.Bits())); err != nil {
			return shell.Failf(1, "SIOCSIFNETMASK: %v", err)
		}
	case ifAddr:
		if err := replaceAddr(ns, d, s.prefix); err != nil {
			return shell.Failf(1, "SIOCSIFADDR: %v", err)
		}
	case ifNoAddr:
		if p, ok := primary4(d); ok {
			if err := ns.DelAddr(name, p); err != nil {
				return shell.Failf(1, "SIOCSIFADDR: %v", err)
			}
		}
	}
	return nil
}

// primary4 is the address ifconfig shows: the device's first IPv4
// address (lo has none while down, as in a new namespace).
func primary4(d *emu.Device) (netip.Prefix, bool) {
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

// replaceAddr makes p the device's primary address, as SIOCSIFADDR and
// SIOCSIFNETMASK do; on failure the old address is put back.
func replaceAddr(ns *emu.Namespace, d *emu.Device, p netip.Prefix) error {
	old, had := primary4(d)
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
		// net-tools reports the ioctl's error, without RTNETLINK's words.
		return errors.New(strings.TrimPrefix(err.Error(), "RTNETLINK answers: "))
	}
	return nil
}

// ifFlagNames are the IFF_ flags ifconfig names, in its order.
var ifFlagNames = []struct {
	bit  int
	name string
}{{0x1, "UP"}, {0x2, "BROADCAST"}, {0x4, "DEBUG"}, {0x8, "LOOPBACK"}, {0x10, "POINTOPOINT"},
	{0x20, "NOTRAILERS"}, {0x40, "RUNNING"}, {0x80, "NOARP"}, {0x100, "PROMISC"}, {0x200, "ALLMULTI"},
	{0x400, "MASTER"}, {0x800, "SLAVE"}, {0x1000, "MULTICAST"}, {0x8000, "DYNAMIC"}}

// ifconfigBlock renders one device as ifconfig does.
func ifconfigBlock(d *emu.Device) string {
	var b strings.Builder
	flags := d.Flags()
	var names []string
	for _, f := range ifFlagNames {
		if flags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	fmt.Fprintf(&b, "%s: flags=%d<%s>  mtu %d\n", d.Name(), flags, strings.Join(names, ","), d.MTU())
	if p, ok := primary4(d); ok {
		fmt.Fprintf(&b, "        inet %s  netmask %s", p.Addr(), mask(p.Bits()))
		if flags&emu.IffBroadcast != 0 {
			fmt.Fprintf(&b, "  broadcast %s", broadcast(p))
		}
		b.WriteString("\n")
	}
	if d.Kind == emu.KindLoopback {
		b.WriteString("        loop  txqueuelen 1000  (Local Loopback)\n")
	} else {
		fmt.Fprintf(&b, "        ether %s  txqueuelen 1000  (Ethernet)\n", d.MAC())
	}
	c := d.Counters()
	fmt.Fprintf(&b, "        RX packets %d  bytes %d (%s)\n", c.RxPackets, c.RxBytes, humanBytes(c.RxBytes))
	fmt.Fprintf(&b, "        RX errors 0  dropped %d  overruns 0  frame 0\n", c.RxDropped)
	fmt.Fprintf(&b, "        TX packets %d  bytes %d (%s)\n", c.TxPackets, c.TxBytes, humanBytes(c.TxBytes))
	fmt.Fprintf(&b, "        TX errors 0  dropped %d overruns 0  carrier 0  collisions 0\n\n", c.TxDropped)
	return b.String()
}

// byteUnits are ifconfig's units, largest first.
var byteUnits = []struct {
	size uint64
	name string
}{{1 << 50, "PiB"}, {1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}}

// humanBytes is ifconfig's "(1.5 KiB)": a unit only above 1024 of it.
func humanBytes(n uint64) string {
	short, ext := n*10, "B"
	for _, u := range byteUnits {
		if n > u.size {
			short, ext = short/u.size, u.name
			break
		}
	}
	return fmt.Sprintf("%d.%d %s", short/10, short%10, ext)
}

// nameLess is net-tools' nstrcmp: names compare as text, but a run of
// digits compares as a number (eth2 before eth10).
func nameLess(a, b string) bool {
	for a != "" && b != "" {
		if !isDigit(a[0]) || !isDigit(b[0]) {
			if a[0] != b[0] {
				return a[0] < b[0]
			}
			a, b = a[1:], b[1:]
			continue
		}
		i, j := digits(a), digits(b)
		na, nb := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
		if len(na) != len(nb) {
			return len(na) < len(nb)
		}
		if na != nb {
			return na < nb
		}
		a, b = a[i:], b[j:]
	}
	return len(a) < len(b)
}

// digits is the length of the run of digits s starts with.
func digits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
