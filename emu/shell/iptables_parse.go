package shell

import (
	_ "embed"
	"fmt"
	"math/bits"
	"net/netip"
	"strings"
	"sync"

	"github.com/nsemu/nsemu/stack"
)

// This file is iptables' command-line parser, written to behave as
// iptables v1.8.9 (legacy) does: getopt_long with abbreviations, `!`
// before an option, implicit tcp/udp matches after -p, the same checks in
// the same order, and the same error texts and exit statuses. It is pure:
// ParseIPTables looks at nothing but its arguments, so it can be fuzzed.
//
// What stack.Rule cannot express (other matches such as conntrack, other
// targets such as REDIRECT, address lists, port ranges in NAT, ...) is
// refused with an error that says nsemu does not emulate it, rather than
// accepted and silently ignored.

const iptVersion = "iptables v1.8.9 (legacy)"

const iptTryHelp = "Try `iptables -h' or 'iptables --help' for more information.\n"

// IPTablesError is an iptables failure: the text printed on standard error
// and the exit status (1 for an error the kernel reports, 2 for a bad
// command line, 3 for a missing table).
type IPTablesError struct {
	Status int
	Msg    string
}

func (e *IPTablesError) Error() string { return strings.TrimRight(e.Msg, "\n") }

// iptParamErr is iptables' PARAMETER_PROBLEM: exit 2, the version prefix,
// the hint. A message ending in "\n" leaves a blank line, as in iptables.
func iptParamErr(format string, a ...any) *IPTablesError {
	return &IPTablesError{Status: 2, Msg: iptVersion + ": " + fmt.Sprintf(format, a...) + "\n" + iptTryHelp}
}

func iptBadArgument(arg string) *IPTablesError {
	return &IPTablesError{Status: 2, Msg: "Bad argument `" + arg + "'\n" + iptTryHelp}
}

// iptKernelErr is an error the kernel (libiptc) reports: exit 1.
func iptKernelErr(msg string) *IPTablesError {
	return &IPTablesError{Status: 1, Msg: msg + "\n"}
}

var (
	iptErrInvalid = "iptables: Invalid argument. Run `dmesg' for more information."
	iptErrBadRule = "iptables: Bad rule (does a matching rule exist in that chain?)."
)

// iptNotEmulated refuses what iptables accepts but nsemu cannot model.
func iptNotEmulated(what string) *IPTablesError {
	return &IPTablesError{Status: 2, Msg: iptVersion + ": " + what + " is not emulated by nsemu\n"}
}

// IPTablesCmd is a parsed iptables command line.
type IPTablesCmd struct {
	// Table is the -t table ("filter" by default).
	Table string
	// Cmd is the command letter: A C D I R L S F Z N X E P, 'h' for help
	// and 'V' for the version. A -D with a rule number has Num set.
	Cmd byte
	// Zero is set when -Z comes with -L or -S: zero after listing.
	Zero bool
	// Chain is the chain the command names ("" for all chains).
	Chain string
	// Arg is -P's policy or -E's new name.
	Arg string
	// Num is the rule number of -I, -R, -D, -L, -S or -Z; 0 when none.
	Num int
	// Rule is the rule specification of -A, -I, -R, -D (without Num) and -C.
	Rule    stack.Rule
	HasRule bool
	// Listing and verbosity options.
	Numeric, Verbose, Exact, LineNumbers bool
	// Warnings go to standard error before the command runs, as iptables
	// prints them while parsing.
	Warnings []string
	// Reject is set when the kernel would refuse the rule (a tcp match on a
	// udp rule, tcp-reset without -p tcp): the command fails with it once the
	// table is known to exist.
	Reject *IPTablesError
}

// Command bits, in iptables' order (cmd2char's "IDDRALFZNXPESZC").
const (
	iptCmdInsert = 1 << iota
	iptCmdDelete
	iptCmdDeleteNum
	iptCmdReplace
	iptCmdAppend
	iptCmdList
	iptCmdFlush
	iptCmdZero
	iptCmdNewChain
	iptCmdDeleteChain
	iptCmdSetPolicy
	iptCmdRename
	iptCmdListRules
	iptCmdZeroNum
	iptCmdCheck
)

const iptCmdChars = "IDDRALFZNXPESZC"

func iptCmdChar(cmd int) byte {
	i := 0
	for cmd > 1 {
		cmd >>= 1
		i++
	}
	if i >= len(iptCmdChars) {
		return '?'
	}
	return iptCmdChars[i]
}

// Option bits, in the order of iptables' commands_v_options table.
const (
	iptOptNumeric = 1 << iota
	iptOptSource
	iptOptDest
	iptOptProto
	iptOptJump
	iptOptVerbose
	iptOptExact
	iptOptIn
	iptOptOut
	iptOptLineNumbers
	iptOptCounters
	iptOptFragment
)

const iptOptChars = "nsdpjvxio0cf"

// iptLegal says, per command (by bit index), which options are illegal
// ('x'), in iptOptChars order.
var iptLegal = [...]string{
	"x     x  x  ", // INSERT
	"x     x  xx ", // DELETE
	"xxxxx xxxxxx", // DELETE_NUM
	"x     x  x  ", // REPLACE
	"x     x  x  ", // APPEND
	" xxxx  xx xx", // LIST
	"xxxxx xxxxxx", // FLUSH
	"xxxxx xxxxxx", // ZERO
	"xxxxx xxxxxx", // NEW_CHAIN
	"xxxxx xxxxxx", // DELETE_CHAIN
	"xxxxx xxxx x", // SET_POLICY
	"xxxxx xxxxxx", // RENAME
	"xxxxx xxxxxx", // LIST_RULES
	"xxxxx xxxxxx", // ZERO_NUM
	"x     x  xx ", // CHECK
}

// Options that take `!`.
const iptInvertible = iptOptSource | iptOptDest | iptOptProto | iptOptIn | iptOptOut | iptOptFragment

type iptOpt struct {
	name string
	code string // short letter, or an extension option's own name
	arg  int    // 0 none, 1 required, 2 optional
}

var iptCoreOpts = []iptOpt{
	{"append", "A", 1}, {"delete", "D", 1}, {"check", "C", 1}, {"insert", "I", 1}, {"replace", "R", 1},
	{"list", "L", 2}, {"list-rules", "S", 2}, {"flush", "F", 2}, {"zero", "Z", 2}, {"new-chain", "N", 1},
	{"delete-chain", "X", 2}, {"rename-chain", "E", 1}, {"policy", "P", 1},
	{"source", "s", 1}, {"src", "s", 1}, {"destination", "d", 1}, {"dst", "d", 1},
	{"protocol", "p", 1}, {"in-interface", "i", 1}, {"jump", "j", 1}, {"table", "t", 1},
	{"match", "m", 1}, {"numeric", "n", 0}, {"out-interface", "o", 1}, {"verbose", "v", 0},
	{"wait", "w", 2}, {"wait-interval", "W", 2}, {"exact", "x", 0}, {"fragment", "f", 0},
	{"version", "V", 0}, {"help", "h", 2}, {"line-numbers", "0", 0}, {"modprobe", "M", 1},
	{"set-counters", "c", 1}, {"goto", "g", 1}, {"ipv4", "4", 0}, {"ipv6", "6", 0},
}

// iptShort is getopt's optstring without the leading "-:": letter → arg kind.
var iptShort = map[byte]int{
	'A': 1, 'C': 1, 'D': 1, 'R': 1, 'I': 1, 'L': 2, 'S': 2, 'M': 1, 'F': 2, 'Z': 2, 'N': 1, 'X': 2,
	'E': 1, 'P': 1, 'V': 0, 'h': 2, 'o': 1, 'p': 1, 's': 1, 'd': 1, 'j': 1, 'i': 1, 'f': 0, 'b': 0,
	'v': 0, 'w': 2, 'W': 2, 'n': 0, 't': 1, 'm': 1, 'x': 0, 'c': 1, 'g': 1, '4': 0, '6': 0,
}

// Extension options, active once their match or target is loaded.
var (
	iptTCPOpts = []iptOpt{{"source-port", "sport", 1}, {"sport", "sport", 1}, {"destination-port", "dport", 1},
		{"dport", "dport", 1}, {"syn", "syn", 0}, {"tcp-flags", "tcp-flags", 1}, {"tcp-option", "tcp-option", 1}}
	iptUDPOpts = []iptOpt{{"source-port", "sport", 1}, {"sport", "sport", 1}, {"destination-port", "dport", 1},
		{"dport", "dport", 1}}
	iptICMPOpts  = []iptOpt{{"icmp-type", "icmp-type", 1}}
	iptTargetOpt = map[string][]iptOpt{
		"MASQUERADE": {{"to-ports", "to-ports", 1}, {"random", "random", 0}, {"random-fully", "random-fully", 0}},
		"SNAT":       {{"to-source", "to-source", 1}, {"random", "random", 0}, {"random-fully", "random-fully", 0}, {"persistent", "persistent", 0}},
		"DNAT":       {{"to-destination", "to-destination", 1}, {"random", "random", 0}, {"persistent", "persistent", 0}},
		"REJECT":     {{"reject-with", "reject-with", 1}},
		"LOG": {{"log-level", "log-level", 1}, {"log-prefix", "log-prefix", 1}, {"log-tcp-sequence", "log-tcp-sequence", 0},
			{"log-tcp-options", "log-tcp-options", 0}, {"log-ip-options", "log-ip-options", 0}, {"log-uid", "log-uid", 0},
			{"log-macdecode", "log-macdecode", 0}},
	}
)

// Targets iptables knows (a chain may not take their names); the ones
// nsemu emulates have options above or none.
var (
	iptEmulatedTargets = map[string]bool{"ACCEPT": true, "DROP": true, "RETURN": true, "REJECT": true,
		"LOG": true, "MASQUERADE": true, "SNAT": true, "DNAT": true, "TRACE": true, "NOTRACK": true}
	iptOtherTargets = map[string]bool{"QUEUE": true, "REDIRECT": true, "MARK": true, "CONNMARK": true,
		"CT": true, "TCPMSS": true, "NFLOG": true, "NFQUEUE": true, "ULOG": true,
		"TEE": true, "CLASSIFY": true, "DSCP": true, "TOS": true, "TTL": true, "CHECKSUM": true, "SET": true,
		"AUDIT": true, "NETMAP": true, "CLUSTERIP": true, "ECN": true, "HMARK": true, "IDLETIMER": true,
		"LED": true, "RATEEST": true, "SECMARK": true, "CONNSECMARK": true, "SYNPROXY": true, "TPROXY": true,
		"MIRROR": true, "SAME": true, "TCPOPTSTRIP": true, "JOOL": true}
	iptOtherMatches = map[string]bool{"conntrack": true, "state": true, "addrtype": true, "comment": true,
		"multiport": true, "mark": true, "connmark": true, "limit": true, "icmp": true, "iprange": true,
		"mac": true, "physdev": true, "set": true, "length": true, "ttl": true, "tos": true, "dscp": true,
		"owner": true, "pkttype": true, "recent": true, "string": true, "time": true, "hashlimit": true,
		"connlimit": true, "socket": true, "policy": true, "rpfilter": true, "statistic": true, "u32": true,
		"cgroup": true, "devgroup": true, "helper": true, "realm": true, "quota": true, "sctp": true,
		"udplite": true, "esp": true, "ah": true, "ecn": true, "tcpmss": true, "connbytes": true,
		"cluster": true, "cpu": true, "dccp": true, "hl": true, "ipvs": true, "nfacct": true, "osf": true,
		"bpf": true, "ipcomp": true, "l2tp": true, "connlabel": true, "conntrack2": true, "unclean": true}
)

// Protocol names (from /etc/protocols) and the ones nsemu emulates.
var iptProtoNumbers = map[string]int{
	"ip": 0, "hopopt": 0, "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5, "tcp": 6, "egp": 8,
	"igp": 9, "pup": 12, "udp": 17, "hmp": 20, "xns-idp": 22, "rdp": 27, "iso-tp4": 29, "dccp": 33,
	"xtp": 36, "ddp": 37, "idpr-cmtp": 38, "ipv6": 41, "ipv6-route": 43, "ipv6-frag": 44, "idrp": 45,
	"rsvp": 46, "gre": 47, "esp": 50, "ah": 51, "skip": 57, "ipv6-icmp": 58, "icmpv6": 58,
	"ipv6-nonxt": 59, "ipv6-opts": 60, "rspf": 73, "vmtp": 81, "eigrp": 88, "ospf": 89, "ax.25": 93,
	"ipip": 94, "etherip": 97, "encap": 98, "pim": 103, "ipcomp": 108, "vrrp": 112, "l2tp": 115,
	"isis": 124, "sctp": 132, "fc": 133, "mobility-header": 135, "ipv6-mh": 135, "mh": 135,
	"udplite": 136, "mpls-in-ip": 137, "manet": 138, "hip": 139, "shim6": 140, "wesp": 141, "rohc": 142,
	"ethernet": 143,
}

var iptEmulatedProtos = map[int]string{0: "", 1: "icmp", 6: "tcp", 17: "udp"}

// Services, from netbase's /etc/services: ports by name and names by port.
//
//go:embed iptables_services.txt
var iptServicesText string

var (
	iptServicesOnce  sync.Once
	iptServiceByName map[string]uint16 // "proto/name"
	iptServiceByPort map[string]string // "proto/port"
)

func iptServices() {
	iptServicesOnce.Do(func() {
		iptServiceByName = map[string]uint16{}
		iptServiceByPort = map[string]string{}
		for _, line := range strings.Split(iptServicesText, "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			pp := strings.SplitN(f[1], "/", 2)
			if len(pp) != 2 {
				continue
			}
			port, ok := iptStrtoul(pp[0], 10)
			if !ok || port > 65535 {
				continue
			}
			key := pp[1] + "/" + pp[0]
			if _, dup := iptServiceByPort[key]; !dup {
				iptServiceByPort[key] = f[0]
			}
			for _, n := range append([]string{f[0]}, f[2:]...) {
				if _, dup := iptServiceByName[pp[1]+"/"+n]; !dup {
					iptServiceByName[pp[1]+"/"+n] = uint16(port)
				}
			}
		}
	})
}

func iptServiceName(proto string, port uint16) (string, bool) {
	iptServices()
	n, ok := iptServiceByPort[fmt.Sprintf("%s/%d", proto, port)]
	return n, ok
}

func iptServicePort(proto, name string) (uint16, bool) {
	iptServices()
	p, ok := iptServiceByName[proto+"/"+name]
	return p, ok
}

// iptStrtoul is C's strtoull on a whole string: leading white space, a
// sign, then digits in base (0: 0x hex, 0 octal, else decimal). ok is false
// when no digit is read, something follows the digits, or it overflows.
func iptStrtoul(s string, base int) (uint64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 0 {
		switch {
		case i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && iptDigit(s[i+2], 16) >= 0:
			base, i = 16, i+2
		case i < len(s) && s[i] == '0':
			base = 8
		default:
			base = 10
		}
	}
	start := i
	var v uint64
	for i < len(s) {
		d := iptDigit(s[i], base)
		if d < 0 {
			break
		}
		hi, lo := bits.Mul64(v, uint64(base))
		if hi != 0 {
			return 0, false
		}
		var carry uint64
		v, carry = bits.Add64(lo, uint64(d), 0)
		if carry != 0 {
			return 0, false
		}
		i++
	}
	if i == start || i != len(s) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func iptDigit(c byte, base int) int {
	var d int
	switch {
	case c >= '0' && c <= '9':
		d = int(c - '0')
	case c >= 'a' && c <= 'z':
		d = int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		d = int(c-'A') + 10
	default:
		return -1
	}
	if d >= base {
		return -1
	}
	return d
}

// iptStrtoui is xtables_strtoui: a whole number in [min, max], base 0.
func iptStrtoui(s string, min, max uint64) (uint64, bool) {
	v, ok := iptStrtoul(s, 0)
	if !ok || v < min || v > max {
		return 0, false
	}
	return v, true
}

// iptParseRuleNumber is parse_rulenumber.
func iptParseRuleNumber(s string) (int, *IPTablesError) {
	v, ok := iptStrtoui(s, 1, 1<<31-1)
	if !ok {
		return 0, iptParamErr("Invalid rule number `%s'", s)
	}
	return int(v), nil
}

// iptNumericAddr is xtables_numeric_to_ipaddr: one to four dotted numbers,
// missing trailing bytes are 0 ("10.1" is 10.1.0.0); with mask, exactly four.
func iptNumericAddr(s string, mask bool) (netip.Addr, bool) {
	var b [4]byte
	parts := strings.SplitN(s, ".", 4)
	if mask && len(parts) != 4 {
		return netip.Addr{}, false
	}
	for i, p := range parts {
		v, ok := iptStrtoui(p, 0, 255)
		if !ok {
			return netip.Addr{}, false
		}
		b[i] = byte(v)
	}
	return netip.AddrFrom4(b), true
}

// iptParseAddr parses -s/-d's ADDR[/MASK] into a prefix; the zero Prefix
// means any address.
func iptParseAddr(s string) (netip.Prefix, *IPTablesError) {
	if strings.Contains(s, ",") {
		return netip.Prefix{}, iptNotEmulated("an address list (" + s + ")")
	}
	host, maskStr, hasMask := strings.Cut(s, "/")
	bitsLen := 32
	if hasMask {
		if m, ok := iptNumericAddr(maskStr, true); ok {
			v := uint32(m.As4()[0])<<24 | uint32(m.As4()[1])<<16 | uint32(m.As4()[2])<<8 | uint32(m.As4()[3])
			n := bits.LeadingZeros32(^v)
			if v<<n != 0 {
				return netip.Prefix{}, iptNotEmulated("the non-contiguous mask " + maskStr)
			}
			bitsLen = n
		} else {
			v, ok := iptStrtoui(maskStr, 0, 32)
			if !ok {
				return netip.Prefix{}, iptParamErr("invalid mask `%s' specified", maskStr)
			}
			bitsLen = int(v)
		}
	}
	a, ok := iptNumericAddr(host, false)
	if !ok {
		if host != "localhost" {
			return netip.Prefix{}, iptParamErr("host/network `%s' not found", host)
		}
		a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return netip.PrefixFrom(a, bitsLen).Masked(), nil
}

// iptParsePort is xtables_parse_port for tcp: a service name or a number
// (base 0).
func iptParsePort(s, proto string) (uint16, bool) {
	if p, ok := iptServicePort(proto, s); ok {
		return p, true
	}
	v, ok := iptStrtoui(s, 0, 65535)
	return uint16(v), ok
}

// iptParsePorts parses a --sport/--dport argument: PORT, LO:HI, :HI, LO:.
func iptParsePorts(s, proto, long string) (*stack.PortMatch, *IPTablesError) {
	if proto == "udp" {
		return iptParseUDPPorts(s, long)
	}
	lo, hi, isRange := strings.Cut(s, ":")
	if !isRange {
		p, ok := iptParsePort(s, proto)
		if !ok {
			return nil, iptParamErr("invalid port/service `%s' specified", s)
		}
		return &stack.PortMatch{Lo: p, Hi: p}, nil
	}
	pm := &stack.PortMatch{Lo: 0, Hi: 65535}
	if lo != "" {
		p, ok := iptParsePort(lo, proto)
		if !ok {
			return nil, iptParamErr("invalid port/service `%s' specified", lo)
		}
		pm.Lo = p
	}
	if hi != "" {
		p, ok := iptParsePort(hi, proto)
		if !ok {
			return nil, iptParamErr("invalid port/service `%s' specified", hi)
		}
		pm.Hi = p
	}
	if pm.Lo > pm.Hi {
		return nil, iptParamErr("invalid portrange (min > max)")
	}
	return pm, nil
}

// iptParseUDPPorts follows the udp match, which goes through xtables'
// option framework: decimal numbers or names, at most two components, and
// an empty component is the end of the range. (iptables wraps numbers
// above 65535; nsemu refuses them.)
func iptParseUDPPorts(s, long string) (*stack.PortMatch, *IPTablesError) {
	parts := strings.Split(s, ":")
	if len(parts) > 2 {
		return nil, iptParamErr("udp: Too many components for option \"--%s\" (max: 2)\n", long)
	}
	pm := &stack.PortMatch{Lo: 0, Hi: 65535}
	for i, p := range parts {
		var v uint16
		switch {
		case p == "":
			if i == 1 {
				v = 65535
			}
		default:
			if sp, ok := iptServicePort("udp", p); ok {
				v = sp
				break
			}
			n, ok := iptStrtoul(p, 10)
			if !ok || n > 65535 || p[0] < '0' || p[0] > '9' {
				return nil, iptParamErr("Port \"%s\" does not resolve to anything.\n", p)
			}
			v = uint16(n)
		}
		if i == 0 {
			pm.Lo = v
		} else {
			pm.Hi = v
		}
	}
	if len(parts) == 1 {
		pm.Hi = pm.Lo
	}
	return pm, nil
}

// iptParseInterface is xtables_parse_interface plus iptables' empty check.
func iptParseInterface(s string) (string, string, *IPTablesError) {
	if s == "" {
		return "", "", iptParamErr("Empty interface is likely to be undesired")
	}
	if len(s)+1 > 16 {
		return "", "", iptParamErr("interface name `%s' must be shorter than IFNAMSIZ (15)", s)
	}
	warn := ""
	if !strings.HasSuffix(s, "+") && strings.ContainsAny(s, "/ ") {
		warn = fmt.Sprintf("Warning: weird character in interface `%s' ('/' and ' ' are not allowed by the kernel).", s)
	}
	return s, warn, nil
}

// iptRejectTypes is libipt_REJECT's table, in its order.
var iptRejectTypes = [][2]string{
	{"icmp-net-unreachable", "net-unreach"},
	{"icmp-host-unreachable", "host-unreach"},
	{"icmp-proto-unreachable", "proto-unreach"},
	{"icmp-port-unreachable", "port-unreach"},
	{"icmp-net-prohibited", "net-prohib"},
	{"icmp-host-prohibited", "host-prohib"},
	{"tcp-reset", "tcp-rst"},
	{"icmp-admin-prohibited", "admin-prohib"},
}

func iptParseRejectWith(s string) (string, *IPTablesError) {
	ls := strings.ToLower(s)
	for _, t := range iptRejectTypes {
		if strings.HasPrefix(t[0], ls) || strings.HasPrefix(t[1], ls) {
			return t[0], nil
		}
	}
	return "", iptParamErr("unknown reject type \"%s\"", s)
}

var iptLogLevels = map[string]int{"emerg": 0, "panic": 0, "alert": 1, "crit": 2, "error": 3, "err": 3,
	"warning": 4, "warn": 4, "notice": 5, "info": 6, "debug": 7}

// iptParseNATTo parses SNAT's --to-source and DNAT's --to-destination:
// ADDR[:PORT]. Ranges are not emulated.
func iptParseNATTo(s string, portOK, portProto bool) (netip.Addr, uint16, *IPTablesError) {
	host, port, hasPort := strings.Cut(s, ":")
	var p uint16
	if hasPort {
		if !portOK {
			return netip.Addr{}, 0, iptParamErr("Need TCP, UDP, SCTP or DCCP with port specification")
		}
		if strings.Contains(port, "-") {
			return netip.Addr{}, 0, iptNotEmulated("a NAT port range (" + port + ")")
		}
		v, ok := iptStrtoui(port, 0, 65535)
		if !ok {
			return netip.Addr{}, 0, iptParamErr("Port `%s' not valid", port)
		}
		if v != 0 && !portProto {
			return netip.Addr{}, 0, iptNotEmulated("a NAT port without -p tcp or -p udp")
		}
		p = uint16(v)
	}
	if strings.Contains(host, "-") {
		return netip.Addr{}, 0, iptNotEmulated("a NAT address range (" + host + ")")
	}
	if host == "" && hasPort {
		return netip.Addr{}, 0, iptNotEmulated("a NAT port without an address")
	}
	a, ok := iptNumericAddr(host, false)
	if !ok {
		return netip.Addr{}, 0, iptParamErr("Bad IP address \"%s\"", host)
	}
	return a, p, nil
}

// iptParser is the state of one parse.
type iptParser struct {
	args    []string
	i       int
	out     IPTablesCmd
	command int
	options int
	invert  bool

	src, dst       string
	srcSet, dstSet bool
	proto          int
	protoSet       bool
	protoName      string
	// match is the loaded port match ("tcp" or "udp"); matchExplicit when
	// named with -m.
	match      string
	icmpLoaded bool
	// matchBad is set when -m tcp and -m udp are both loaded.
	matchBad  bool
	sportSet  bool
	dportSet  bool
	target    string
	targetSet bool
	// tOnce records target options given.
	tOnce map[string]bool
	// ext: the conntrack and addrtype matches (iptables_ext.go).
	ext iptExtMatches
}

// ParseIPTables parses an iptables command line (without the program name).
// It never panics; on a bad line it returns an *IPTablesError with
// iptables' words and exit status.
func ParseIPTables(args []string) (*IPTablesCmd, error) {
	p := &iptParser{args: args, tOnce: map[string]bool{}}
	p.out.Table = "filter"
	if err := p.parse(); err != nil {
		return nil, err
	}
	return &p.out, nil
}

func (p *iptParser) hasArg() bool {
	return p.i < len(p.args) && !strings.HasPrefix(p.args[p.i], "-") && !strings.HasPrefix(p.args[p.i], "!")
}

func (p *iptParser) next() string {
	a := p.args[p.i]
	p.i++
	return a
}

// activeLong lists the long options getopt knows now.
func (p *iptParser) activeLong() []iptOpt {
	opts := append([]iptOpt(nil), iptCoreOpts...)
	switch p.match {
	case "tcp":
		opts = append(opts, iptTCPOpts...)
	case "udp":
		opts = append(opts, iptUDPOpts...)
	}
	if p.icmpLoaded {
		opts = append(opts, iptICMPOpts...)
	}
	if p.targetSet {
		opts = append(opts, iptTargetOpt[p.target]...)
	}
	opts = append(opts, p.ext.opts()...)
	return opts
}

// lookupLong finds a long option by exact name or unique abbreviation.
func lookupLong(opts []iptOpt, name string) (iptOpt, bool) {
	var found []iptOpt
	for _, o := range opts {
		if o.name == name {
			return o, true
		}
		if strings.HasPrefix(o.name, name) {
			dup := false
			for _, f := range found {
				if f.code == o.code && f.arg == o.arg {
					dup = true
				}
			}
			if !dup {
				found = append(found, o)
			}
		}
	}
	if len(found) == 1 && name != "" {
		return found[0], true
	}
	return iptOpt{}, false
}

// loadProto loads the match named by -p (iptables does this on the first
// option it does not know).
func (p *iptParser) loadProto() bool {
	if !p.protoSet {
		return false
	}
	switch p.protoName {
	case "tcp", "udp":
		if p.match == "" {
			p.match = p.protoName
			return true
		}
	case "icmp":
		if !p.icmpLoaded {
			p.icmpLoaded = true
			return true
		}
	}
	return false
}

func (p *iptParser) parse() error {
	for p.i < len(p.args) {
		a := p.next()
		switch {
		case a == "--":
			if p.i < len(p.args) {
				return iptParamErr("unknown arguments found on commandline")
			}
			return p.finish()
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			for {
				o, ok := lookupLong(p.activeLong(), name)
				if !ok {
					if p.loadProto() {
						continue
					}
					return iptParamErr("unknown option \"%s\"", a)
				}
				var arg *string
				switch {
				case o.arg == 0 && hasVal:
					return iptParamErr("unknown option \"%s\"", a)
				case hasVal:
					arg = &val
				case o.arg == 1:
					if p.i >= len(p.args) {
						return iptParamErr("option \"%s\" requires an argument", a)
					}
					v := p.next()
					arg = &v
				}
				if err := p.option(o.code, arg, a); err != nil {
					return err
				}
				break
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				c := a[j]
				kind, known := iptShort[c]
				if !known {
					return iptParamErr("unknown option \"%s\"", a)
				}
				var arg *string
				switch kind {
				case 1:
					v := a[j+1:]
					if v == "" {
						if p.i >= len(p.args) {
							return iptParamErr("option \"%s\" requires an argument", a)
						}
						v = p.next()
					}
					arg = &v
					j = len(a)
				case 2:
					if j+1 < len(a) {
						v := a[j+1:]
						arg = &v
						j = len(a)
					}
				}
				if err := p.option(string(c), arg, a); err != nil {
					return err
				}
				p.invert = false
			}
		default:
			if a == "!" {
				if p.invert {
					return iptParamErr("multiple consecutive ! not allowed")
				}
				p.invert = true
				continue
			}
			return iptBadArgument(a)
		}
		p.invert = false
	}
	return p.finish()
}

// addCommand is add_command.
func (p *iptParser) addCommand(cmd, others int) *IPTablesError {
	if p.invert {
		return iptParamErr("unexpected '!' flag")
	}
	if p.command&^others != 0 {
		return iptParamErr("Cannot use -%c with -%c", iptCmdChar(cmd), iptCmdChar(p.command&^others))
	}
	p.command |= cmd
	return nil
}

// setOption is set_option.
func (p *iptParser) setOption(opt int) *IPTablesError {
	c := iptOptChars[bits.TrailingZeros(uint(opt))]
	if p.options&opt != 0 {
		return iptParamErr("multiple -%c flags not allowed", c)
	}
	p.options |= opt
	if p.invert && opt&iptInvertible == 0 {
		return iptParamErr("cannot have ! before -%c", c)
	}
	return nil
}

func iptValidTargetName(name string) *IPTablesError {
	if name == "" {
		return iptParamErr("Invalid target name (too short)")
	}
	if len(name) >= 29 {
		return iptParamErr("Invalid target name `%s' (%d chars max)", name, 28)
	}
	if strings.ContainsAny(name, " \t\n\v\f\r") {
		return iptParamErr("Invalid target name `%s'", name)
	}
	return nil
}

// parseChainName is parse_chain (for -N).
func iptParseChainName(name string) *IPTablesError {
	if len(name) >= 29 {
		return iptParamErr("chain name `%s' too long (must be under 29 chars)", name)
	}
	if strings.HasPrefix(name, "-") || strings.HasPrefix(name, "!") {
		return iptParamErr("chain name not allowed to start with `%c'", name[0])
	}
	if name == "" || iptEmulatedTargets[name] || iptOtherTargets[name] {
		return iptParamErr("chain name may not clash with target name")
	}
	if strings.ContainsAny(name, " \t\n\v\f\r") {
		return iptParamErr("Invalid chain name `%s'", name)
	}
	return nil
}

func (p *iptParser) option(code string, arg *string, raw string) *IPTablesError {
	argv := ""
	if arg != nil {
		argv = *arg
	}
	o := &p.out
	switch code {
	case "A", "C":
		cmd := iptCmdAppend
		if code == "C" {
			cmd = iptCmdCheck
		}
		if err := p.addCommand(cmd, 0); err != nil {
			return err
		}
		o.Chain = argv
	case "D":
		if err := p.addCommand(iptCmdDelete, 0); err != nil {
			return err
		}
		o.Chain = argv
		if p.hasArg() {
			n, err := iptParseRuleNumber(p.next())
			if err != nil {
				return err
			}
			o.Num = n
			p.command = iptCmdDeleteNum
		}
	case "R":
		if err := p.addCommand(iptCmdReplace, 0); err != nil {
			return err
		}
		o.Chain = argv
		if !p.hasArg() {
			return iptParamErr("-%c requires a rule number", 'R')
		}
		n, err := iptParseRuleNumber(p.next())
		if err != nil {
			return err
		}
		o.Num = n
	case "I":
		if err := p.addCommand(iptCmdInsert, 0); err != nil {
			return err
		}
		o.Chain = argv
		o.Num = 1
		if p.hasArg() {
			n, err := iptParseRuleNumber(p.next())
			if err != nil {
				return err
			}
			o.Num = n
		}
	case "L", "S":
		cmd := iptCmdList
		if code == "S" {
			cmd = iptCmdListRules
		}
		if err := p.addCommand(cmd, iptCmdZero|iptCmdZeroNum); err != nil {
			return err
		}
		if arg != nil {
			o.Chain = argv
		} else if p.hasArg() {
			o.Chain = p.next()
		}
		if p.hasArg() {
			n, err := iptParseRuleNumber(p.next())
			if err != nil {
				return err
			}
			o.Num = n
		}
	case "F", "X":
		cmd := iptCmdFlush
		if code == "X" {
			cmd = iptCmdDeleteChain
		}
		if err := p.addCommand(cmd, 0); err != nil {
			return err
		}
		if arg != nil {
			o.Chain = argv
		} else if p.hasArg() {
			o.Chain = p.next()
		}
	case "Z":
		if err := p.addCommand(iptCmdZero, iptCmdList|iptCmdListRules); err != nil {
			return err
		}
		if arg != nil {
			o.Chain = argv
		} else if p.hasArg() {
			o.Chain = p.next()
		}
		if p.hasArg() {
			n, err := iptParseRuleNumber(p.next())
			if err != nil {
				return err
			}
			o.Num = n
			p.command = p.command&^iptCmdZero | iptCmdZeroNum
		}
	case "N":
		if err := iptParseChainName(argv); err != nil {
			return err
		}
		if err := p.addCommand(iptCmdNewChain, 0); err != nil {
			return err
		}
		o.Chain = argv
	case "E":
		if err := p.addCommand(iptCmdRename, 0); err != nil {
			return err
		}
		o.Chain = argv
		if !p.hasArg() {
			return iptParamErr("-%c requires old-chain-name and new-chain-name", 'E')
		}
		o.Arg = p.next()
		if err := iptParseChainName(o.Arg); err != nil {
			return err
		}
	case "P":
		if err := p.addCommand(iptCmdSetPolicy, 0); err != nil {
			return err
		}
		o.Chain = argv
		if !p.hasArg() {
			return iptParamErr("-%c requires a chain and a policy", 'P')
		}
		o.Arg = p.next()
	case "h":
		o.Cmd = 'h'
		p.command = -1
		p.i = len(p.args)
		return nil
	case "V":
		o.Cmd = 'V'
		p.command = -1
		p.i = len(p.args)
		return nil
	case "s", "d":
		opt := iptOptSource
		if code == "d" {
			opt = iptOptDest
		}
		if err := p.setOption(opt); err != nil {
			return err
		}
		if code == "s" {
			p.src, p.srcSet, o.Rule.NotSrc = argv, true, p.invert
		} else {
			p.dst, p.dstSet, o.Rule.NotDst = argv, true, p.invert
		}
	case "p":
		if err := p.setOption(iptOptProto); err != nil {
			return err
		}
		name := strings.ToLower(argv)
		n, ok := iptStrtoui(name, 0, 255)
		num := int(n)
		if !ok {
			num, ok = iptProtoNumbers[name]
			if name == "all" {
				num, ok = 0, true
			}
			if !ok {
				return iptParamErr("unknown protocol \"%s\" specified", argv)
			}
		}
		if num == 0 && p.invert {
			return iptParamErr("rule would never match protocol")
		}
		pn, emulated := iptEmulatedProtos[num]
		if !emulated {
			return iptNotEmulated(fmt.Sprintf("protocol %s", argv))
		}
		p.proto, p.protoSet, p.protoName = num, true, pn
		o.Rule.Proto, o.Rule.NotProto = pn, p.invert
		if num == 0 {
			p.protoSet = false
		}
	case "i", "o":
		opt := iptOptIn
		if code == "o" {
			opt = iptOptOut
		}
		if err := p.setOption(opt); err != nil {
			return err
		}
		name, warn, err := iptParseInterface(argv)
		if err != nil {
			return err
		}
		if warn != "" {
			o.Warnings = append(o.Warnings, warn)
		}
		if name == "+" && !p.invert {
			name = ""
		}
		if code == "i" {
			o.Rule.In, o.Rule.NotIn = name, p.invert
		} else {
			o.Rule.Out, o.Rule.NotOut = name, p.invert
		}
	case "j":
		if err := p.setOption(iptOptJump); err != nil {
			return err
		}
		if err := iptValidTargetName(argv); err != nil {
			return err
		}
		if iptOtherTargets[argv] {
			return iptNotEmulated("the " + argv + " target")
		}
		p.target, p.targetSet = argv, true
		o.Rule.Target = argv
	case "g":
		return iptNotEmulated("-g (goto)")
	case "m":
		if p.invert {
			return iptParamErr("unexpected ! flag before --match")
		}
		switch argv {
		case "tcp", "udp":
			if p.match != "" && p.match != argv {
				p.matchBad = true
			}
			if p.match == "" {
				p.match = argv
			}
		default:
			if p.ext.load(argv) {
				break
			}
			if iptOtherMatches[argv] {
				return iptNotEmulated("the " + argv + " match")
			}
			return iptParamErr("Couldn't load match `%s':No such file or directory\n", argv)
		}
	case "n":
		if err := p.setOption(iptOptNumeric); err != nil {
			return err
		}
		o.Numeric = true
	case "v":
		if !o.Verbose {
			if err := p.setOption(iptOptVerbose); err != nil {
				return err
			}
		}
		o.Verbose = true
	case "x":
		if err := p.setOption(iptOptExact); err != nil {
			return err
		}
		o.Exact = true
	case "0":
		if err := p.setOption(iptOptLineNumbers); err != nil {
			return err
		}
		o.LineNumbers = true
	case "f":
		if err := p.setOption(iptOptFragment); err != nil {
			return err
		}
		return iptNotEmulated("-f (fragments)")
	case "c":
		if err := p.setOption(iptOptCounters); err != nil {
			return err
		}
		return iptNotEmulated("-c (setting counters)")
	case "t":
		if p.invert {
			return iptParamErr("unexpected ! flag before --table")
		}
		o.Table = argv
	case "w", "W":
		v := argv
		if arg == nil && p.hasArg() {
			v = p.next()
			arg = &v
		}
		if arg != nil {
			if _, ok := iptStrtoul(v, 10); !ok {
				if code == "w" {
					return iptParamErr("wait seconds not numeric")
				}
				return iptParamErr("wait interval not numeric")
			}
		}
	case "M", "4":
	case "6":
		return &IPTablesError{Status: 2, Msg: iptTryHelp}
	case "b":
		return iptParamErr("unknown option \"%s\"", raw)
	default:
		return p.extOption(code, argv, raw)
	}
	return nil
}

// extOption handles a tcp/udp/icmp match option or a target option.
func (p *iptParser) extOption(code, arg, raw string) *IPTablesError {
	o := &p.out
	if ok, err := p.ext.option(&o.Rule, code, arg, p.invert); ok {
		return err
	}
	switch code {
	case "sport", "dport":
		long := map[string]string{"sport": "source-port", "dport": "destination-port"}[code]
		set := &p.sportSet
		if code == "dport" {
			set = &p.dportSet
		}
		if *set {
			if p.match == "udp" {
				return iptParamErr("udp: option \"--%s\" can only be used once.\n", long)
			}
			return iptParamErr("Only one `--%s' allowed", long)
		}
		*set = true
		pm, err := iptParsePorts(arg, p.match, long)
		if err != nil {
			return err
		}
		pm.Not = p.invert
		if code == "sport" {
			o.Rule.SPort = pm
		} else {
			o.Rule.DPort = pm
		}
		return nil
	case "syn", "tcp-flags", "tcp-option":
		return iptNotEmulated("--" + code)
	case "icmp-type":
		return iptNotEmulated("--icmp-type")
	}
	// Target options.
	t := p.target
	if p.tOnce[code] {
		return iptParamErr("%s: option \"--%s\" can only be used once.\n", t, code)
	}
	p.tOnce[code] = true
	if p.invert {
		return iptParamErr("%s: option \"--%s\" cannot be inverted.\n", t, code)
	}
	switch code {
	case "to-source", "to-destination":
		portOK := p.protoName == "tcp" || p.protoName == "udp" || p.protoName == "icmp"
		portProto := (p.protoName == "tcp" || p.protoName == "udp") && !o.Rule.NotProto
		a, port, err := iptParseNATTo(arg, portOK, portProto)
		if err != nil {
			return err
		}
		o.Rule.ToAddr, o.Rule.ToPort = a, port
	case "reject-with":
		w, err := iptParseRejectWith(arg)
		if err != nil {
			return err
		}
		o.Rule.RejectWith = w
	case "log-prefix":
		if arg == "" {
			return iptParamErr("Argument must have a minimum length of 1 characters\n")
		}
		if strings.Contains(arg, "\n") {
			return iptParamErr("Newlines not allowed in --log-prefix")
		}
		if i := strings.IndexByte(arg, 0); i >= 0 {
			arg = arg[:i]
		}
		if len(arg) > 29 {
			arg = arg[:29]
		}
		o.Rule.LogPrefix = arg
	case "log-level":
		lv, ok := iptLogLevels[strings.ToLower(arg)]
		if !ok {
			v, okn := iptStrtoui(arg, 0, 7)
			if !okn {
				return iptParamErr("log-level `%s' unknown", arg)
			}
			lv = int(v)
		}
		if lv != 4 {
			return iptNotEmulated("--log-level " + arg)
		}
	default:
		return iptNotEmulated("--" + code)
	}
	return nil
}

// finish runs iptables' checks after the options, in its order.
func (p *iptParser) finish() error {
	o := &p.out
	if p.command == -1 {
		return nil
	}
	if o.Table == "nat" && (o.Arg == "DROP" && p.command&iptCmdSetPolicy != 0 || p.target == "DROP") {
		return iptParamErr("\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n")
	}
	switch p.target {
	case "SNAT":
		if !p.tOnce["to-source"] {
			return iptParamErr("SNAT: option \"--to-source\" must be specified\n")
		}
	case "DNAT":
		if !p.tOnce["to-destination"] {
			return iptParamErr("DNAT: option \"--to-destination\" must be specified\n")
		}
	case "REJECT":
		if o.Rule.RejectWith == "" {
			o.Rule.RejectWith = "icmp-port-unreachable"
		}
	}
	if p.command == 0 {
		return iptParamErr("no command specified")
	}
	if p.invert {
		return iptParamErr("nothing appropriate following !")
	}
	ruleCmd := p.command&(iptCmdReplace|iptCmdInsert|iptCmdDelete|iptCmdAppend|iptCmdCheck) != 0
	if p.srcSet {
		pf, err := iptParseAddr(p.src)
		if err != nil {
			return err
		}
		o.Rule.Src = pf
	}
	if p.dstSet {
		pf, err := iptParseAddr(p.dst)
		if err != nil {
			return err
		}
		o.Rule.Dst = pf
	}
	// generic_opt_check
	for i := 0; i < len(iptOptChars); i++ {
		legal := 0
		for j := 0; j < len(iptLegal); j++ {
			if p.command&(1<<j) == 0 || p.options&(1<<i) == 0 {
				continue
			}
			if iptLegal[j][i] != 'x' {
				legal = 1
			} else if legal == 0 {
				legal = -1
			}
		}
		if legal == -1 {
			return iptParamErr("Illegal option `-%c' with this command", iptOptChars[i])
		}
	}
	if len(o.Chain) >= 29 {
		return iptParamErr("chain name `%s' too long (must be under 29 chars)", o.Chain)
	}
	if ruleCmd || p.command&iptCmdDeleteNum != 0 {
		if (o.Chain == "PREROUTING" || o.Chain == "INPUT") && p.options&iptOptOut != 0 {
			return iptParamErr("Can't use -%c with %s\n", 'o', o.Chain)
		}
		if (o.Chain == "POSTROUTING" || o.Chain == "OUTPUT") && p.options&iptOptIn != 0 {
			return iptParamErr("Can't use -%c with %s\n", 'i', o.Chain)
		}
	}
	switch {
	case p.command&iptCmdList != 0:
		o.Cmd = 'L'
		o.Zero = p.command&(iptCmdZero|iptCmdZeroNum) != 0
	case p.command&iptCmdListRules != 0:
		o.Cmd = 'S'
		o.Zero = p.command&(iptCmdZero|iptCmdZeroNum) != 0
	case p.command&iptCmdZeroNum != 0:
		o.Cmd = 'Z'
	default:
		o.Cmd = iptCmdChar(p.command)
	}
	if !ruleCmd {
		return nil
	}
	o.HasRule = true
	// What the kernel would refuse.
	r := &o.Rule
	if p.match != "" {
		if p.matchBad || r.Proto != p.match || r.NotProto {
			o.Reject = iptKernelErr(iptErrInvalid)
		}
		if r.SPort == nil && r.DPort == nil {
			r.SPort = &stack.PortMatch{Lo: 0, Hi: 65535}
		}
	}
	if r.Target == "REJECT" && r.RejectWith == "tcp-reset" && (r.Proto != "tcp" || r.NotProto) {
		o.Reject = iptKernelErr(iptErrInvalid)
	}
	if o.Reject != nil && p.command&(iptCmdDelete|iptCmdCheck) != 0 {
		o.Reject = iptKernelErr(iptErrBadRule)
	}
	*r = iptCanonRule(*r)
	return nil
}

// iptCanonRule puts a rule in the one form the parser produces, so rules
// compare equal when iptables would call them the same: a full, plain port
// range is no condition (the match itself stays, as SPort 0:65535 when no
// port is given), "any" addresses are the zero Prefix, "+" is any
// interface, REJECT names its ICMP type.
func iptCanonRule(r stack.Rule) stack.Rule {
	effective := func(pm *stack.PortMatch) bool { return pm != nil && (pm.Lo != 0 || pm.Hi != 65535 || pm.Not) }
	if r.SPort != nil || r.DPort != nil {
		s, d := effective(r.SPort), effective(r.DPort)
		if !s && !d {
			r.SPort, r.DPort = &stack.PortMatch{Lo: 0, Hi: 65535}, nil
		}
		if !s && d {
			r.SPort = nil
		}
		if s && !d {
			r.DPort = nil
		}
		if r.SPort != nil {
			c := *r.SPort
			r.SPort = &c
		}
		if r.DPort != nil {
			c := *r.DPort
			r.DPort = &c
		}
	}
	if r.Src.IsValid() && r.Src.Bits() == 0 && !r.NotSrc {
		r.Src = netip.Prefix{}
	}
	if r.Dst.IsValid() && r.Dst.Bits() == 0 && !r.NotDst {
		r.Dst = netip.Prefix{}
	}
	if !r.Src.IsValid() {
		r.NotSrc = false
	}
	if !r.Dst.IsValid() {
		r.NotDst = false
	}
	if r.Proto == "all" {
		r.Proto = ""
	}
	if r.Proto == "" {
		r.NotProto = false
	}
	if r.In == "+" && !r.NotIn || r.In == "" {
		r.In, r.NotIn = "", false
	}
	if r.Out == "+" && !r.NotOut || r.Out == "" {
		r.Out, r.NotOut = "", false
	}
	if r.Target == "REJECT" && r.RejectWith == "" {
		r.RejectWith = "icmp-port-unreachable"
	}
	return r
}
