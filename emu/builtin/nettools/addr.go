package nettools

import (
	"fmt"
	"math/bits"
	"net"
	"net/netip"
	"strings"
)

// Addresses and numbers as net-tools reads and writes them: inet_aton,
// strtoul, classful prefixes, netmasks.

// parseHost parses an IPv4 address as net-tools does (inet_aton: "0",
// "10.1" and 0x forms too); nsemu has no name service, so any other name is
// an "Unknown host".
func parseHost(s string) (netip.Addr, error) {
	if a, ok := inetAton(s); ok {
		return a, nil
	}
	if s == "localhost" {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), nil
	}
	return netip.Addr{}, fmt.Errorf("%s: Unknown host", s)
}

// inetAton is inet_aton: one to four numbers (C bases); the last fills
// the bytes that remain.
func inetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v [4]uint64
	for i, p := range parts {
		if p == "" || p[0] == '+' || p[0] == '-' || p[0] == ' ' {
			return netip.Addr{}, false
		}
		n, ok := strtoul(p, 0)
		if !ok {
			return netip.Addr{}, false
		}
		v[i] = n
	}
	last := len(parts) - 1
	if v[last] > uint64(1)<<(8*(4-last))-1 {
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

// strtoul is C's strtoul on a whole string: leading white space, a sign,
// then digits in base (0: 0x hex, 0 octal, else decimal). ok is false when
// no digit is read, something follows the digits, or it overflows.
func strtoul(s string, base int) (uint64, bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if base == 0 {
		base = 10
		switch {
		case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") && digit(s[2], 16) >= 0:
			base, s = 16, s[2:]
		case strings.HasPrefix(s, "0"):
			base = 8
		}
	}
	if s == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		d := digit(s[i], base)
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(v, uint64(base))
		var carry uint64
		v, carry = bits.Add64(lo, uint64(d), 0)
		if hi != 0 || carry != 0 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

// digit is the value of c as a digit in base, or -1.
func digit(c byte, base int) int {
	d := base
	switch {
	case c >= '0' && c <= '9':
		d = int(c - '0')
	case c >= 'a' && c <= 'z':
		d = int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		d = int(c-'A') + 10
	}
	if d >= base {
		return -1
	}
	return d
}

// classfulBits is inet_abc_len: the prefix SIOCSIFADDR gives an address
// (-1 for class D and E).
func classfulBits(a netip.Addr) int {
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

// maskBits is the prefix length of a netmask; ok is false when its ones
// are not contiguous.
func maskBits(m netip.Addr) (n int, ok bool) {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n = bits.LeadingZeros32(^v)
	if n < 32 && v<<n != 0 {
		return 0, false
	}
	return n, true
}

// mask is the netmask of a prefix length (0 to 32).
func mask(bits int) netip.Addr {
	return netip.AddrFrom4([4]byte(net.CIDRMask(bits, 32)))
}

// broadcast is the broadcast address of p's subnet.
func broadcast(p netip.Prefix) netip.Addr {
	a, m := p.Addr().As4(), mask(p.Bits()).As4()
	for i := range a {
		a[i] |= ^m[i]
	}
	return netip.AddrFrom4(a)
}
