package iproute2

import (
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// What the parsers share: the names they may look up, ip's and bridge's
// global options, and numbers and addresses as iproute2 reads them. The
// parsers change nothing; each turns a command line into a request value
// for its runner.

// names is what a parser may ask of the world. iproute2 resolves a device
// or namespace name as soon as it reads it, so an unknown name is reported
// before a later bad word; the parsers ask through this interface, which
// the tests fake.
type names interface {
	// link returns the kind of the device called name in the namespace
	// ip acts on.
	link(name string) (kind emu.Kind, ok bool)
	// namespace returns the namespace called name.
	namespace(name string) (*emu.Namespace, bool)
	// host returns the host's namespace, process 1's.
	host() *emu.Namespace
	// tables returns the routing table names (rt_tables).
	tables() rtTables
}

// world answers names from the emulated world, for namespace ns, with the
// table names rt gives.
type world struct {
	ns *emu.Namespace
	rt func() rtTables
}

func (w world) link(name string) (emu.Kind, bool) {
	d, err := w.ns.Link(name)
	if err != nil {
		return 0, false
	}
	return d.Kind, true
}

func (w world) namespace(name string) (*emu.Namespace, bool) {
	ns, err := w.ns.World().Namespace(name)
	return ns, err == nil
}

func (w world) host() *emu.Namespace { return w.ns.World().Host() }

func (w world) tables() rtTables { return w.rt() }

// ---- global options ----

// options are ip's (or bridge's) options before the object.
type options struct {
	oneline bool
	brief   bool
	stats   int
	details bool
	family  int // 0, 4 or 6
	// version: -V was given; the tool prints its version and stops.
	version bool
	// json and pretty are -json and -pretty.
	json, pretty bool
	// netns is the namespace -n names, nil without -n.
	netns *emu.Namespace
}

// optParser is the state of parseOptions.
type optParser struct {
	opts options
	tool string
	env  names
}

// ipOptions is ip's option table, in iproute2's order (the first prefix
// match wins); bridge's is the same without -brief.
var ipOptions = slices.Concat(
	[]keyword[*optParser]{
		{name: "-4", apply: family(4)},
		{name: "-6", apply: family(6)},
		{name: "-0"}, // link family: only links are shown
		{name: "-family", abbrev: true, args: 1, apply: (*optParser).setFamily},
	},
	ignored[*optParser](0, "-human*", "-human-readable*", "-iec*", "-resolve*", "-timestamp*", "-tshort*",
		"-force*", "-Numeric*", "-all*", "-c", "-color*", "-compressvlans*"),
	[]keyword[*optParser]{
		{name: "-pretty", abbrev: true, apply: func(p *optParser, _ []string) error { p.opts.pretty = true; return nil }},
	},
	[]keyword[*optParser]{
		{name: "-stats", abbrev: true, apply: (*optParser).countStats},
		{name: "-statistics", abbrev: true, apply: (*optParser).countStats},
		{name: "-details", abbrev: true, apply: func(p *optParser, _ []string) error { p.opts.details = true; return nil }},
		{name: "-oneline", abbrev: true, apply: func(p *optParser, _ []string) error { p.opts.oneline = true; return nil }},
		{name: "-Version", abbrev: true, apply: func(p *optParser, _ []string) error { p.opts.version = true; return nil }},
		{name: "-batch", abbrev: true, apply: func(p *optParser, _ []string) error {
			return shell.Failf(255, "nsemu: %s -batch is not supported; write the commands in the script", p.tool)
		}},
		{name: "-brief", abbrev: true, apply: func(p *optParser, _ []string) error { p.opts.brief = true; return nil }},
		{name: "-json", abbrev: true, apply: func(p *optParser, _ []string) error { p.opts.json = true; return nil }},
		{name: "-help", abbrev: true, apply: func(p *optParser, _ []string) error { return usage(usageFor(p.tool)) }},
		{name: "-netns", abbrev: true, args: 1, apply: (*optParser).setNetns},
	},
	ignored[*optParser](1, "-rcvbuf*", "-loops*"),
)

var bridgeOptions = slices.DeleteFunc(slices.Clone(ipOptions), func(k keyword[*optParser]) bool { return k.name == "-brief" })

func family(f int) func(*optParser, []string) error {
	return func(p *optParser, _ []string) error { p.opts.family = f; return nil }
}

func (p *optParser) setFamily(v []string) error {
	switch v[0] {
	case "inet":
		p.opts.family = 4
	case "inet6":
		p.opts.family = 6
	case "link", "bridge":
	default:
		return invarg("invalid protocol family", v[0])
	}
	return nil
}

func (p *optParser) countStats([]string) error { p.opts.stats++; return nil }

func (p *optParser) setNetns(v []string) error {
	ns, err := lookupNetns(p.env, v[0])
	p.opts.netns = ns
	return err
}

// parseOptions parses tool's ("ip" or "bridge") options before the
// object; it stops at -V, which ends the command.
func parseOptions(a *args, tool string, env names) (*options, error) {
	p := &optParser{tool: tool, env: env}
	table := ipOptions
	if tool == "bridge" {
		table = bridgeOptions
	}
	for ; a.more() && !p.opts.version; a.advance() {
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
		if strings.HasPrefix(opt, "-color=") {
			continue
		}
		k := find(table, opt)
		if k == nil {
			return nil, unknownOption(tool, opt)
		}
		v, err := k.take(a)
		if err == nil && k.apply != nil {
			err = k.apply(p, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return &p.opts, nil
}

func unknownOption(tool, opt string) error {
	if tool == "bridge" {
		return shell.Failf(255, "Option %q is unknown, try \"bridge help\".", opt)
	}
	return shell.Failf(255, "Option %q is unknown, try \"ip -help\".", opt)
}

func usageFor(tool string) string {
	if tool == "bridge" {
		return bridgeUsage
	}
	return ipUsage
}

// ---- namespaces ----

// lookupNetns finds a named namespace as `ip -n` and `ip netns exec` do.
func lookupNetns(env names, name string) (*emu.Namespace, error) {
	if invalidNetnsName(name) {
		return nil, shell.Failf(255, "Invalid netns name %q", name)
	}
	ns, ok := env.namespace(name)
	if !ok {
		return nil, shell.Failf(255, "Cannot open network namespace %q: No such file or directory", name)
	}
	return ns, nil
}

func invalidNetnsName(name string) bool {
	return name == "" || name == "." || name == ".." || len(name) > 255 || strings.ContainsRune(name, '/')
}

// resolveNetnsArg resolves `netns NS`: a namespace name, or a process id
// (only 1, the host's init, exists in nsemu).
func resolveNetnsArg(env names, s string) (*emu.Namespace, error) {
	if !invalidNetnsName(s) {
		if ns, ok := env.namespace(s); ok {
			return ns, nil
		}
	}
	if pid, ok := parseInt(s); ok {
		if pid == 1 {
			return env.host(), nil
		}
		return nil, errNoSuchProc
	}
	return nil, invarg("Invalid \"netns\" value\n", s)
}

// ---- numbers and addresses ----

// parseUint parses a number as C's strtoul with base 0 does on a whole
// string: decimal, 0x hex or 0-prefixed octal, without sign or spaces.
func parseUint(s string) (uint64, bool) {
	base, digits := uint64(10), s
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
	for i := 0; i < len(digits); i++ {
		d, ok := hexVal(digits[i])
		if !ok || d >= base || n > (1<<64-1-d)/base {
			return 0, false
		}
		n = n*base + d
	}
	return n, true
}

// parseUint32 parses a 32-bit unsigned number (a metric, a time).
func parseUint32(s string) (uint64, bool) {
	n, ok := parseUint(s)
	return n, ok && n <= 1<<32-1
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
// iproute2's get_prefix. Without /LEN the prefix is a host route (/32);
// hasLen says whether /LEN was given. allowDefault accepts "default",
// "any" and "all" as 0.0.0.0/0.
func parsePrefix(s string, allowDefault bool) (p netip.Prefix, hasLen, ok bool) {
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
		if bits, ok = parsePrefixLen(lenPart); !ok {
			return netip.Prefix{}, false, false
		}
	}
	return netip.PrefixFrom(a, bits), hasLen, true
}

// parsePrefixLen parses the LEN of ADDR/LEN: a number up to 32 or a
// contiguous dotted mask.
func parsePrefixLen(s string) (int, bool) {
	if n, ok := parseUint(s); ok {
		return int(n), n <= 32
	}
	m, ok := parseIPv4(s)
	if !ok {
		return 0, false
	}
	b := maskBits(m)
	return b, b >= 0
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

// parseLLAddr parses a hardware address as iproute2's ll_addr_a2n: up to
// 32 colon-separated hex bytes, each may start with 0x; digits after the
// first non-hex one are ignored.
func parseLLAddr(s string) (net.HardwareAddr, error) {
	var out net.HardwareAddr
	for _, p := range strings.Split(s, ":") {
		if len(out) == 32 {
			break
		}
		q := p
		if strings.HasPrefix(q, "0x") || strings.HasPrefix(q, "0X") {
			q = q[2:]
		}
		n, digits := uint64(0), 0
		for ; digits < len(q); digits++ {
			d, ok := hexVal(q[digits])
			if !ok {
				break
			}
			if n <= 0xfff {
				n = n*16 + d
			}
		}
		if digits == 0 || n > 255 {
			return nil, shell.Failf(1, "%q is invalid lladdr.", p)
		}
		out = append(out, byte(n))
	}
	return out, nil
}

// hexVal is the value of a hex digit.
func hexVal(c byte) (uint64, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
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

// validScope reports whether s names a route or address scope.
func validScope(s string) bool {
	switch s {
	case "host", "link", "global", "site", "nowhere", "universe":
		return true
	}
	n, ok := parseUint(s)
	return ok && n < 256
}
