package uplink

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/vethsim"
)

// Mode is the kind of uplink.
type Mode int

// The uplinks.
const (
	// TAP carries eth0's frames to and from a real TAP device.
	TAP Mode = iota + 1
	// Host terminates eth0's flows in an emulated gateway and re-originates
	// them from sockets of the nsemu process (rootless).
	Host
)

func (m Mode) String() string {
	switch m {
	case TAP:
		return "tap"
	case Host:
		return "host"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Spec is an --uplink value: tap:NAME or host[,loopback].
type Spec struct {
	Mode Mode
	// Device is the real TAP device's name (TAP).
	Device string
	// Loopback lets 10.0.2.2 reach the real machine's loopback (Host).
	Loopback bool
}

func (s Spec) String() string {
	switch {
	case s.Mode == TAP:
		return "tap:" + s.Device
	case s.Loopback:
		return "host,loopback"
	}
	return s.Mode.String()
}

// ParseSpec parses an --uplink value.
func ParseSpec(v string) (Spec, error) {
	if name, ok := strings.CutPrefix(v, "tap:"); ok {
		if err := vethsim.ValidName(name); err != nil {
			return Spec{}, fmt.Errorf("--uplink %s: %v", v, err)
		}
		return Spec{Mode: TAP, Device: name}, nil
	}
	words := strings.Split(v, ",")
	if words[0] != "host" {
		return Spec{}, fmt.Errorf("--uplink %q: want tap:NAME or host[,loopback]", v)
	}
	s := Spec{Mode: Host}
	for _, w := range words[1:] {
		if w != "loopback" {
			return Spec{}, fmt.Errorf("--uplink %s: unknown option %q (host takes loopback)", v, w)
		}
		s.Loopback = true
	}
	return s, nil
}

// Publish is a --publish value, [ADDR:]HOST:PORT[/udp]: the real
// machine's ADDR:HOST (127.0.0.1 unless ADDR is given; 0.0.0.0 means every
// address) reaches port PORT of the emulated host.
type Publish struct {
	Proto string // "tcp" or "udp"
	// Real is ADDR; invalid when not given.
	Real netip.Addr
	// RealPort is HOST, Port is PORT.
	RealPort, Port uint16
}

func (p Publish) String() string {
	s := fmt.Sprintf("%d:%d", p.RealPort, p.Port)
	if p.Real.IsValid() {
		s = p.Real.String() + ":" + s
	}
	if p.Proto == "udp" {
		s += "/udp"
	}
	return s
}

// ParsePublish parses a --publish value.
func ParsePublish(v string) (Publish, error) {
	p := Publish{Proto: "tcp"}
	rest := v
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		p.Proto = rest[i+1:]
		rest = rest[:i]
		if p.Proto != "tcp" && p.Proto != "udp" {
			return p, fmt.Errorf("--publish %s: unknown protocol %q (tcp or udp)", v, p.Proto)
		}
	}
	parts := strings.Split(rest, ":")
	if len(parts) == 3 {
		a, err := netip.ParseAddr(parts[0])
		if err != nil || !a.Is4() {
			return p, fmt.Errorf("--publish %s: %q is not an IPv4 address", v, parts[0])
		}
		p.Real = a
		parts = parts[1:]
	}
	if len(parts) != 2 {
		return p, fmt.Errorf("--publish %s: want [ADDR:]HOST:PORT[/udp]", v)
	}
	var err error
	if p.RealPort, err = parsePort(parts[0]); err != nil {
		return p, fmt.Errorf("--publish %s: %v", v, err)
	}
	if p.Port, err = parsePort(parts[1]); err != nil {
		return p, fmt.Errorf("--publish %s: %v", v, err)
	}
	return p, nil
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("invalid port %q", s)
	}
	return uint16(n), nil
}
