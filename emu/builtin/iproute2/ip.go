package iproute2

// The `ip` built-in (iproute2): ip netns, ip link, ip addr, ip route and
// ip neigh on the emulated world. Parsing follows iproute2 6.1: objects,
// commands and options may be abbreviated to any prefix (`ip a s`, `ip r`),
// the first match in iproute2's table order wins, errors use its words, and
// exit statuses are iproute2's: 255 for a bad command line, 1 for a missing
// device or a failed check in ip itself, 2 when the kernel (here, the
// emulator) refuses the change.
//
// Every change is checked in full before any of it is applied, so a refused
// command leaves the world as it was.

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// Builtins returns ip and bridge.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupIproute2,
			Name:  "ip",
			Usage: "ip [ -o | -s | -br | -4 | -d | -n NS ] { link | address | route | neigh | netns } COMMAND ...",
			Help: `Shows and changes the emulated namespace's devices, addresses, routes and
neighbours, as iproute2's ip does:

  ip netns add|del|list|exec NS CMD...
  ip link add NAME type veth peer name PEER [netns NS] | ip link add NAME type bridge
  ip link set [dev] NAME up|down|netns NS|master BR|nomaster|name NEW|address MAC|mtu N
  ip link del [dev] NAME | ip link [show [dev NAME] [type veth|bridge] [master BR] [up]]
  ip addr add|del CIDR dev NAME | ip addr flush dev NAME | ip addr [show [dev NAME]]
  ip route [show] | ip route add|replace|del PREFIX|default [via GW] [dev NAME] [metric N]
  ip route get ADDR | ip route flush dev NAME
  ip neigh [show] [dev NAME] | ip neigh add|replace ADDR lladdr MAC dev NAME
  ip neigh del ADDR dev NAME | ip neigh flush dev NAME|all

Options: -o(neline) -s(tatistics) -br(ief) -4 -6 -d(etails, ignored) -n NS.
Only IPv4 and the main routing table are emulated.`,
			Run: runIP,
		},
		{
			Group: shell.GroupIproute2,
			Name:  "bridge",
			Usage: "bridge [ -s | -d | -n NS ] { link | fdb } [ show ] ...",
			Help: `Shows the emulated bridges' ports and forwarding databases, as iproute2's
bridge does:

  bridge link [show] [dev PORT]
  bridge fdb [show] [br BRIDGE] [brport|dev PORT]

Learned entries show as "MAC dev PORT master BR", the bridge's and its
ports' own addresses add "permanent".`,
			Run: runBridge,
		},
	}
}

// iproute2's stock errors.
func invarg(msg, arg string) error {
	return shell.Failf(255, "Error: argument %q is wrong: %s", arg, msg)
}

func duparg2(key, arg string) error {
	return shell.Failf(255, "Error: either %q is duplicate, or %q is a garbage.", key, arg)
}

func duparg(key, arg string) error {
	return shell.Failf(255, "Error: duplicate %q: %q is the second value.", key, arg)
}

func incomplete() error {
	return shell.Failf(255, "Command line is not complete. Try option \"help\"")
}

func nodev(name string) error { return shell.Failf(1, "Cannot find device %q", name) }

func noSuchDevice(name string) error { return shell.Failf(1, "Device %q does not exist.", name) }

// rtnl is a refusal by the kernel: exit status 2.
func rtnl(format string, a ...any) error { return shell.Failf(2, format, a...) }

var (
	errFileExists   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: File exists"}
	errNoSuchProc   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: No such process"}
	errInvalidArg   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: Invalid argument"}
	errNotSupported = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: Operation not supported"}
)

// emuErr turns an error from the emu or stack API into an exit error.
func emuErr(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*shell.ExitError); ok {
		return e
	}
	var dnf *emu.DeviceNotFound
	if asDeviceNotFound(err, &dnf) {
		return nodev(dnf.Name)
	}
	msg := err.Error()
	switch {
	case err == emu.ErrExists:
		return errFileExists
	case strings.HasPrefix(msg, "RTNETLINK answers:"), strings.HasPrefix(msg, "Error:"):
		return shell.Failf(2, "%s", msg)
	}
	return shell.Failf(2, "RTNETLINK answers: %s", msg)
}

func asDeviceNotFound(err error, target **emu.DeviceNotFound) bool {
	for err != nil {
		if d, ok := err.(*emu.DeviceNotFound); ok {
			*target = d
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// matches is iproute2's matches(): arg is a non-empty prefix of word.
func matches(arg, word string) bool {
	return arg != "" && strings.HasPrefix(word, arg)
}

// args walks a command line as iproute2's NEXT_ARG macros do.
type args struct {
	a []string
	i int
}

func (p *args) more() bool     { return p.i < len(p.a) }
func (p *args) cur() string    { return p.a[p.i] }
func (p *args) advance()       { p.i++ }
func (p *args) rest() []string { return p.a[p.i:] }

// next moves to the argument after the current keyword and returns it.
func (p *args) next() (string, error) {
	p.i++
	if p.i >= len(p.a) {
		return "", incomplete()
	}
	return p.a[p.i], nil
}

// nextIPv4 takes the next word as an IPv4 address (`via GW`, `src ADDR`);
// skip is a keyword that may stand before it (`via inet GW`).
func (p *args) nextIPv4(skip string) (netip.Addr, error) {
	s, err := p.next()
	if err == nil && skip != "" && s == skip {
		s, err = p.next()
	}
	if err != nil {
		return netip.Addr{}, err
	}
	a, ok := parseIPv4(s)
	if !ok {
		return netip.Addr{}, errAddress(s)
	}
	return a, nil
}

// ipOpts are ip's global options.
type ipOpts struct {
	oneline bool
	brief   bool
	stats   int
	details bool
	family  int // 0, 4 or 6
}

// ipCmd is one run of ip (or bridge, which shares the printing code).
type ipCmd struct {
	c    *shell.Cmd
	ns   *emu.Namespace
	opts ipOpts
	out  io.Writer
	// errOut takes warnings that do not fail the command.
	errOut io.Writer
	ids    *nsids
}

func (ip *ipCmd) printf(format string, a ...any) { fmt.Fprintf(ip.out, format, a...) }

const ipUsage = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { address | link | neighbor | netns | route }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -o[neline] |
                    -br[ief] | -4 | -6 | -n[etns] name }
(nsemu emulates ip link, address, route, neigh and netns; see "help ip")`

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
	{"rule", nil},
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
	{"monitor", nil},
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
	ip := &ipCmd{c: c, ns: c.NS, out: c.Stdout, errOut: c.Stderr}
	return c.Exit(ip.run(c.Args[1:]))
}

// parseGlobalOpts parses ip's (or bridge's) options before the object.
func (ip *ipCmd) parseGlobalOpts(a *args, tool string) error {
	for a.more() {
		opt := a.cur()
		if opt == "--" {
			a.advance()
			break
		}
		if len(opt) < 2 || opt[0] != '-' {
			break
		}
		if opt[1] == '-' {
			opt = opt[1:]
		}
		switch {
		case opt == "-4":
			ip.opts.family = 4
		case opt == "-6":
			ip.opts.family = 6
		case opt == "-0":
			// link family: only links are shown.
		case matches(opt, "-family"):
			f, err := a.next()
			if err != nil {
				return err
			}
			switch f {
			case "inet":
				ip.opts.family = 4
			case "inet6":
				ip.opts.family = 6
			case "link", "bridge":
			default:
				return invarg("invalid protocol family", f)
			}
		case matches(opt, "-human"), matches(opt, "-human-readable"), matches(opt, "-iec"),
			matches(opt, "-resolve"), matches(opt, "-timestamp"), matches(opt, "-tshort"),
			matches(opt, "-force"), matches(opt, "-pretty"), matches(opt, "-Numeric"),
			matches(opt, "-all"), opt == "-c", matches(opt, "-color"), strings.HasPrefix(opt, "-color="),
			matches(opt, "-compressvlans"):
		case matches(opt, "-stats"), matches(opt, "-statistics"):
			ip.opts.stats++
		case matches(opt, "-details"):
			ip.opts.details = true
		case matches(opt, "-oneline"):
			ip.opts.oneline = true
		case matches(opt, "-Version"):
			ip.printf("%s utility, iproute2-6.1.0 (nsemu emulation)\n", tool)
			return shell.Failf(0, "")
		case matches(opt, "-batch"):
			return shell.Failf(255, "nsemu: %s -batch is not supported; write the commands in the script", tool)
		case matches(opt, "-brief") && tool == "ip":
			ip.opts.brief = true
		case matches(opt, "-json"):
			return shell.Failf(255, "nsemu: %s -json is not supported", tool)
		case matches(opt, "-help"):
			return shell.Failf(255, "%s", usageFor(tool))
		case matches(opt, "-netns"):
			name, err := a.next()
			if err != nil {
				return err
			}
			ns, err := lookupNetns(ip.c.World(), name)
			if err != nil {
				return err
			}
			ip.ns = ns
		case matches(opt, "-rcvbuf"), matches(opt, "-loops"):
			if _, err := a.next(); err != nil {
				return err
			}
		default:
			if tool == "bridge" {
				return shell.Failf(255, "Option %q is unknown, try \"bridge help\".", opt)
			}
			return shell.Failf(255, "Option %q is unknown, try \"ip -help\".", opt)
		}
		a.advance()
	}
	return nil
}

func usageFor(tool string) string {
	if tool == "bridge" {
		return bridgeUsage
	}
	return ipUsage
}

func (ip *ipCmd) run(argv []string) error {
	a := &args{a: argv}
	if err := ip.parseGlobalOpts(a, "ip"); err != nil {
		if e, ok := err.(*shell.ExitError); ok && e.Status == 0 {
			return nil
		}
		return err
	}
	if !a.more() {
		return shell.Failf(255, "%s", ipUsage)
	}
	obj := a.cur()
	a.advance()
	for _, o := range ipObjects {
		if !matches(obj, o.name) {
			continue
		}
		if o.name == "help" {
			return shell.Failf(255, "%s", ipUsage)
		}
		if o.run == nil {
			return shell.Failf(1, "nsemu: \"ip %s\" is not emulated (supported: link, address, route, neigh, netns)", o.name)
		}
		return o.run(ip, a)
	}
	return shell.Failf(1, "Object %q is unknown, try \"ip help\".", obj)
}

// lookupNetns finds a named namespace as `ip netns exec` and `netns NS`
// arguments do.
func lookupNetns(w *emu.World, name string) (*emu.Namespace, error) {
	if invalidNetnsName(name) {
		return nil, shell.Failf(255, "Invalid netns name %q", name)
	}
	ns, err := w.Namespace(name)
	if err != nil {
		return nil, shell.Failf(255, "Cannot open network namespace %q: No such file or directory", name)
	}
	return ns, nil
}

func invalidNetnsName(name string) bool {
	return name == "" || name == "." || name == ".." || len(name) > 255 || strings.ContainsRune(name, '/')
}

// ---- ip netns ----

func runIPNetns(ip *ipCmd, a *args) error {
	w := ip.c.World()
	if !a.more() {
		return netnsList(ip, w)
	}
	cmd := a.cur()
	if a.i+1 < len(a.a) && invalidNetnsName(a.a[a.i+1]) {
		return shell.Failf(255, "Invalid netns name %q", a.a[a.i+1])
	}
	name := ""
	if a.i+1 < len(a.a) {
		name = a.a[a.i+1]
	}
	switch {
	case matches(cmd, "list"), matches(cmd, "show"), matches(cmd, "lst"):
		return netnsList(ip, w)
	case matches(cmd, "list-id"):
		return netnsListID(ip, w)
	case matches(cmd, "help"):
		return shell.Failf(255, "Usage:\tip netns list\n\tip netns add NAME\n\tip netns delete NAME\n\tip netns exec NAME cmd ...")
	case matches(cmd, "add"):
		if name == "" {
			return shell.Failf(1, "No netns name specified")
		}
		if _, err := w.AddNamespace(name); err != nil {
			return shell.Failf(1, "%s", err.Error())
		}
		return nil
	case matches(cmd, "delete"):
		if name == "" {
			return shell.Failf(1, "No netns name specified")
		}
		if err := w.DelNamespace(name); err != nil {
			return shell.Failf(1, "%s", err.Error())
		}
		return nil
	case matches(cmd, "exec"):
		if name == "" {
			return shell.Failf(1, "No netns name specified")
		}
		if a.i+2 >= len(a.a) {
			return shell.Failf(1, "No command specified")
		}
		ns, err := lookupNetns(w, name)
		if err != nil {
			return err
		}
		status := ip.c.Sh.Exec(ip.c.Ctx, ns, a.a[a.i+2:], ip.c.Stdin, ip.out, ip.c.Stderr)
		if status != 0 {
			return &shell.ExitError{Status: status}
		}
		return nil
	case matches(cmd, "set"), matches(cmd, "identify"), matches(cmd, "pids"), matches(cmd, "monitor"), matches(cmd, "attach"):
		return shell.Failf(1, "nsemu: \"ip netns %s\" is not emulated", cmd)
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip netns help\".", cmd)
}

func netnsList(ip *ipCmd, w *emu.World) error {
	for _, n := range w.Namespaces() {
		if id := ip.nsids().of(n); id >= 0 {
			ip.printf("%s (id: %d)\n", n.Name(), id)
		} else {
			ip.printf("%s\n", n.Name())
		}
	}
	return nil
}

func netnsListID(ip *ipCmd, w *emu.World) error {
	for _, n := range creationOrder(w) {
		if id := ip.nsids().of(n); id >= 0 {
			if n.IsHost() || n.Hidden() {
				ip.printf("nsid %d \n", id)
			} else {
				ip.printf("nsid %d (iproute2 netns name: %s)\n", id, n.Name())
			}
		}
	}
	return nil
}

// creationOrder lists every namespace (the host's, the named ones and
// Docker's hidden ones), oldest first.
func creationOrder(w *emu.World) []*emu.Namespace {
	return w.AllNamespaces()
}

// peerNamespace returns the namespace holding the other end of veth d, or
// nil.
func peerNamespace(d *emu.Device) *emu.Namespace {
	if d.Kind != emu.KindVeth || d.End() == nil {
		return nil
	}
	// Fast path: the peer's namespace by the name its end carries.
	peer := d.End().Peer()
	if n, err := d.Namespace().World().Namespace(peer.Namespace()); err == nil {
		if pd, err := n.Link(peer.Name()); err == nil && pd.End() == peer {
			return n
		}
	}
	// A hidden namespace (a Docker container's), or a name taken twice.
	if p := d.Peer(); p != nil {
		return p.Namespace()
	}
	return nil
}

// nsids are the ids a namespace gives the namespaces it shares a veth pair
// with (the N of "ns1 (id: N)" and "link-netnsid N"). Linux allocates one
// when a veth pair first joins the two; nsemu numbers them in creation
// order, which gives the same ids for the usual tutorial (ns1, ns2, ns3
// wired in turn).
type nsids struct {
	view *emu.Namespace
	ids  map[*emu.Namespace]int
}

func newNsids(view *emu.Namespace) *nsids {
	n := &nsids{view: view, ids: map[*emu.Namespace]int{}}
	peers := map[*emu.Namespace]bool{}
	for _, d := range view.Links() {
		if p := peerNamespace(d); p != nil && p != view {
			peers[p] = true
		}
	}
	if len(peers) == 0 {
		return n
	}
	id := 0
	for _, ns := range creationOrder(view.World()) {
		if peers[ns] {
			n.ids[ns] = id
			id++
		}
	}
	return n
}

// of returns the id of ns, or -1.
func (n *nsids) of(ns *emu.Namespace) int {
	if id, ok := n.ids[ns]; ok && ns != nil {
		return id
	}
	return -1
}

// nsids returns the ids the command's namespace gives others, computed once
// per command.
func (ip *ipCmd) nsids() *nsids {
	if ip.ids == nil || ip.ids.view != ip.ns {
		ip.ids = newNsids(ip.ns)
	}
	return ip.ids
}

// ---- addresses and numbers, as iproute2 parses them ----

// parseUint parses a number as C's strtoul with base 0 does on a whole
// string: decimal, 0x hex or 0-prefixed octal, without sign or spaces.
func parseUint(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := uint64(10)
	digits := s
	switch {
	case len(s) > 1 && (s[:2] == "0x" || s[:2] == "0X"):
		base, digits = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, digits = 8, s[1:]
	}
	if digits == "" {
		return 0, false
	}
	var n uint64
	for _, r := range digits {
		var d uint64
		switch {
		case r >= '0' && r <= '9':
			d = uint64(r - '0')
		case r >= 'a' && r <= 'f':
			d = uint64(r-'a') + 10
		case r >= 'A' && r <= 'F':
			d = uint64(r-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		if n > (1<<64-1-d)/base {
			return 0, false
		}
		n = n*base + d
	}
	return n, true
}

// parseInt parses an int as iproute2's get_integer (strtol, base 0).
func parseInt(s string) (int64, bool) {
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	n, ok := parseUint(s)
	if !ok || n > 1<<31 || (!neg && n > 1<<31-1) {
		return 0, false
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

// parseIPv4 parses an address as iproute2's get_addr_ipv4: one to four
// dot-separated numbers up to 255 ("10" is 10.0.0.0).
func parseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var b [4]byte
	for i, p := range parts {
		n, ok := parseUint(p)
		if !ok || n > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), true
}

// parsePrefix parses ADDR[/LEN] (LEN a number or a dotted mask) as
// iproute2's get_prefix. Without /LEN the prefix is a host route (/32).
// allowDefault accepts "default", "any" and "all" as 0.0.0.0/0.
func parsePrefix(s string, allowDefault bool) (netip.Prefix, bool, bool) {
	if allowDefault && (s == "default" || s == "any" || s == "all") {
		return netip.PrefixFrom(netip.IPv4Unspecified(), 0), true, true
	}
	addrPart, lenPart, hasLen := strings.Cut(s, "/")
	a, ok := parseIPv4(addrPart)
	if !ok {
		return netip.Prefix{}, false, false
	}
	bits := 32
	if hasLen {
		n, ok := parseUint(lenPart)
		if ok {
			if n > 32 {
				return netip.Prefix{}, false, false
			}
			bits = int(n)
		} else {
			m, ok := parseIPv4(lenPart)
			if !ok {
				return netip.Prefix{}, false, false
			}
			b := maskBits(m)
			if b < 0 {
				return netip.Prefix{}, false, false
			}
			bits = b
		}
	}
	return netip.PrefixFrom(a, bits), hasLen, true
}

// maskBits returns the length of a contiguous netmask, or -1.
func maskBits(m netip.Addr) int {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for v&0x80000000 != 0 {
		n++
		v <<= 1
	}
	if v != 0 {
		return -1
	}
	return n
}

// errPrefix is iproute2's get_prefix complaint. nsemu emulates IPv4 only,
// so the family is always inet.
func errPrefix(arg string) error {
	return shell.Failf(1, "Error: inet prefix is expected rather than %q.", arg)
}

func errAddress(arg string) error {
	return shell.Failf(1, "Error: inet address is expected rather than %q.", arg)
}

// parseLLAddr parses a hardware address as iproute2's ll_addr_a2n.
func parseLLAddr(s string) (net.HardwareAddr, error) {
	var out net.HardwareAddr
	parts := strings.Split(s, ":")
	for _, p := range parts {
		if len(out) == 32 {
			break
		}
		q := p
		if strings.HasPrefix(q, "0x") || strings.HasPrefix(q, "0X") {
			q = q[2:]
		}
		n, digits := 0, 0
		for digits < len(q) && isHex(q[digits]) {
			if n <= 0xfff {
				n = n*16 + hexVal(q[digits])
			}
			digits++
		}
		if digits == 0 || n > 255 {
			return nil, shell.Failf(1, "%q is invalid lladdr.", p)
		}
		out = append(out, byte(n))
	}
	return out, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// parseMAC6 parses a device address that must be 6 bytes long.
func parseMAC6(s string) (net.HardwareAddr, error) {
	m, err := parseLLAddr(s)
	if err != nil {
		return nil, err
	}
	if len(m) != 6 {
		return nil, shell.Failf(1, "Invalid address length %d - must be 6 bytes", len(m))
	}
	return m, nil
}
