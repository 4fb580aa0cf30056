package netfilter

import (
	_ "embed"
	"fmt"
	"math/bits"
	"net/netip"
	"strings"
	"sync"
)

// The values of iptables' options, parsed as iptables v1.8.9 and its
// xtables library do: numbers as C's strtoul reads them, addresses and
// masks, ports and services, interface names, REJECT types, NAT
// destinations.

// Protocol names (from /etc/protocols) and the ones nsemu emulates.
var protoNumbers = map[string]int{
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

var emulatedProtos = map[int]string{0: "", 1: "icmp", 6: "tcp", 17: "udp"}

// Services, from netbase's /etc/services: ports by name and names by port.
//
//go:embed services.txt
var servicesText string

var (
	servicesOnce  sync.Once
	serviceByName map[string]uint16 // "proto/name"
	serviceByPort map[string]string // "proto/port"
)

func loadServices() {
	servicesOnce.Do(func() {
		serviceByName = map[string]uint16{}
		serviceByPort = map[string]string{}
		for _, line := range strings.Split(servicesText, "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			pp := strings.SplitN(f[1], "/", 2)
			if len(pp) != 2 {
				continue
			}
			port, ok := Strtoul(pp[0], 10)
			if !ok || port > 65535 {
				continue
			}
			key := pp[1] + "/" + pp[0]
			if _, dup := serviceByPort[key]; !dup {
				serviceByPort[key] = f[0]
			}
			for _, n := range append([]string{f[0]}, f[2:]...) {
				if _, dup := serviceByName[pp[1]+"/"+n]; !dup {
					serviceByName[pp[1]+"/"+n] = uint16(port)
				}
			}
		}
	})
}

func serviceName(proto string, port uint16) (string, bool) {
	loadServices()
	n, ok := serviceByPort[fmt.Sprintf("%s/%d", proto, port)]
	return n, ok
}

func servicePort(proto, name string) (uint16, bool) {
	loadServices()
	p, ok := serviceByName[proto+"/"+name]
	return p, ok
}

// Strtoul is C's strtoull on a whole string: leading white space, a
// sign, then digits in base (0: 0x hex, 0 octal, else decimal). ok is false
// when no digit is read, something follows the digits, or it overflows.
func Strtoul(s string, base int) (uint64, bool) {
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
		case i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && digit(s[i+2], 16) >= 0:
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
		d := digit(s[i], base)
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

func digit(c byte, base int) int {
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

// strtoui is xtables_strtoui: a whole number in [min, max], base 0.
func strtoui(s string, min, max uint64) (uint64, bool) {
	v, ok := Strtoul(s, 0)
	if !ok || v < min || v > max {
		return 0, false
	}
	return v, true
}

// parseRuleNumber is parse_rulenumber.
func parseRuleNumber(s string) (int, *Error) {
	v, ok := strtoui(s, 1, 1<<31-1)
	if !ok {
		return 0, paramErr("Invalid rule number `%s'", s)
	}
	return int(v), nil
}

// numericAddr is xtables_numeric_to_ipaddr: one to four dotted numbers,
// missing trailing bytes are 0 ("10.1" is 10.1.0.0); with mask, exactly four.
func numericAddr(s string, mask bool) (netip.Addr, bool) {
	var b [4]byte
	parts := strings.SplitN(s, ".", 4)
	if mask && len(parts) != 4 {
		return netip.Addr{}, false
	}
	for i, p := range parts {
		v, ok := strtoui(p, 0, 255)
		if !ok {
			return netip.Addr{}, false
		}
		b[i] = byte(v)
	}
	return netip.AddrFrom4(b), true
}

// parseAddr parses -s/-d's ADDR[/MASK] into a prefix; the zero Prefix
// means any address.
func parseAddr(s string) (netip.Prefix, *Error) {
	if strings.Contains(s, ",") {
		return netip.Prefix{}, notEmulated("an address list (" + s + ")")
	}
	host, maskStr, hasMask := strings.Cut(s, "/")
	bitsLen := 32
	if hasMask {
		if m, ok := numericAddr(maskStr, true); ok {
			v := uint32(m.As4()[0])<<24 | uint32(m.As4()[1])<<16 | uint32(m.As4()[2])<<8 | uint32(m.As4()[3])
			n := bits.LeadingZeros32(^v)
			if v<<n != 0 {
				return netip.Prefix{}, notEmulated("the non-contiguous mask " + maskStr)
			}
			bitsLen = n
		} else {
			v, ok := strtoui(maskStr, 0, 32)
			if !ok {
				return netip.Prefix{}, paramErr("invalid mask `%s' specified", maskStr)
			}
			bitsLen = int(v)
		}
	}
	a, ok := numericAddr(host, false)
	if !ok {
		if host != "localhost" {
			return netip.Prefix{}, paramErr("host/network `%s' not found", host)
		}
		a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return netip.PrefixFrom(a, bitsLen).Masked(), nil
}

// parsePort is xtables_parse_port for tcp: a service name or a number
// (base 0).
func parsePort(s, proto string) (uint16, bool) {
	if p, ok := servicePort(proto, s); ok {
		return p, true
	}
	v, ok := strtoui(s, 0, 65535)
	return uint16(v), ok
}

// parsePorts parses a --sport/--dport argument: PORT, LO:HI, :HI, LO:.
func parsePorts(s, proto, long string) (*PortMatch, *Error) {
	if proto == "udp" {
		return parseUDPPorts(s, long)
	}
	lo, hi, isRange := strings.Cut(s, ":")
	if !isRange {
		p, ok := parsePort(s, proto)
		if !ok {
			return nil, paramErr("invalid port/service `%s' specified", s)
		}
		return &PortMatch{Lo: p, Hi: p}, nil
	}
	pm := &PortMatch{Lo: 0, Hi: 65535}
	if lo != "" {
		p, ok := parsePort(lo, proto)
		if !ok {
			return nil, paramErr("invalid port/service `%s' specified", lo)
		}
		pm.Lo = p
	}
	if hi != "" {
		p, ok := parsePort(hi, proto)
		if !ok {
			return nil, paramErr("invalid port/service `%s' specified", hi)
		}
		pm.Hi = p
	}
	if pm.Lo > pm.Hi {
		return nil, paramErr("invalid portrange (min > max)")
	}
	return pm, nil
}

// parseUDPPorts follows the udp match, which goes through xtables'
// option framework: decimal numbers or names, at most two components, and
// an empty component is the end of the range. (iptables wraps numbers
// above 65535; nsemu refuses them.)
func parseUDPPorts(s, long string) (*PortMatch, *Error) {
	parts := strings.Split(s, ":")
	if len(parts) > 2 {
		return nil, paramErr("udp: Too many components for option \"--%s\" (max: 2)\n", long)
	}
	pm := &PortMatch{Lo: 0, Hi: 65535}
	for i, p := range parts {
		var v uint16
		switch {
		case p == "":
			if i == 1 {
				v = 65535
			}
		default:
			if sp, ok := servicePort("udp", p); ok {
				v = sp
				break
			}
			n, ok := Strtoul(p, 10)
			if !ok || n > 65535 || p[0] < '0' || p[0] > '9' {
				return nil, paramErr("Port \"%s\" does not resolve to anything.\n", p)
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

// parseInterface is xtables_parse_interface plus iptables' empty check.
func parseInterface(s string) (string, string, *Error) {
	if s == "" {
		return "", "", paramErr("Empty interface is likely to be undesired")
	}
	if len(s)+1 > 16 {
		return "", "", paramErr("interface name `%s' must be shorter than IFNAMSIZ (15)", s)
	}
	warn := ""
	if !strings.HasSuffix(s, "+") && strings.ContainsAny(s, "/ ") {
		warn = fmt.Sprintf("Warning: weird character in interface `%s' ('/' and ' ' are not allowed by the kernel).", s)
	}
	return s, warn, nil
}

// rejectTypes is libipt_REJECT's table, in its order.
var rejectTypes = [][2]string{
	{"icmp-net-unreachable", "net-unreach"},
	{"icmp-host-unreachable", "host-unreach"},
	{"icmp-proto-unreachable", "proto-unreach"},
	{"icmp-port-unreachable", "port-unreach"},
	{"icmp-net-prohibited", "net-prohib"},
	{"icmp-host-prohibited", "host-prohib"},
	{"tcp-reset", "tcp-rst"},
	{"icmp-admin-prohibited", "admin-prohib"},
}

func parseRejectWith(s string) (string, *Error) {
	ls := strings.ToLower(s)
	for _, t := range rejectTypes {
		if strings.HasPrefix(t[0], ls) || strings.HasPrefix(t[1], ls) {
			return t[0], nil
		}
	}
	return "", paramErr("unknown reject type \"%s\"", s)
}

var logLevels = map[string]int{"emerg": 0, "panic": 0, "alert": 1, "crit": 2, "error": 3, "err": 3,
	"warning": 4, "warn": 4, "notice": 5, "info": 6, "debug": 7}

// parseNATTo parses SNAT's --to-source and DNAT's --to-destination:
// ADDR[:PORT]. Ranges are not emulated.
func parseNATTo(s string, portOK, portProto bool) (netip.Addr, uint16, *Error) {
	host, port, hasPort := strings.Cut(s, ":")
	var p uint16
	if hasPort {
		if !portOK {
			return netip.Addr{}, 0, paramErr("Need TCP, UDP, SCTP or DCCP with port specification")
		}
		if strings.Contains(port, "-") {
			return netip.Addr{}, 0, notEmulated("a NAT port range (" + port + ")")
		}
		v, ok := strtoui(port, 0, 65535)
		if !ok {
			return netip.Addr{}, 0, paramErr("Port `%s' not valid", port)
		}
		if v != 0 && !portProto {
			return netip.Addr{}, 0, notEmulated("a NAT port without -p tcp or -p udp")
		}
		p = uint16(v)
	}
	if strings.Contains(host, "-") {
		return netip.Addr{}, 0, notEmulated("a NAT address range (" + host + ")")
	}
	if host == "" && hasPort {
		return netip.Addr{}, 0, notEmulated("a NAT port without an address")
	}
	a, ok := numericAddr(host, false)
	if !ok {
		return netip.Addr{}, 0, paramErr("Bad IP address \"%s\"", host)
	}
	return a, p, nil
}

// parser is the state of one parse.
