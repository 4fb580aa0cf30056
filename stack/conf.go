package stack

import (
	"errors"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
)

// Conf is a device's IPv4 settings that change how the stack treats its
// packets: net.ipv4.conf.DEV.KEY, as sysctl names them. The namespace
// keeps the values as written (emu/sysctl.go); the stack combines each
// device's with "all"'s as the kernel does when a packet is handled.
type Conf struct {
	// AcceptLocal accepts packets whose source is one of the namespace's
	// own addresses (accept_local; the kernel drops them as martians).
	AcceptLocal int32
	// ARPAnnounce picks the sender address of ARP requests: 0 the packet's
	// source, 1 one in the target's subnet, 2 the device's best address.
	ARPAnnounce int32
	// ARPIgnore picks which ARP requests are answered: 0 any local
	// address, 1 the receiving device's, 2 its and the sender in its
	// subnet, 3 not host-scope ones, 8 none.
	ARPIgnore int32
	// ProxyARP answers ARP requests for addresses routed through another
	// device, while forwarding.
	ProxyARP int32
	// RouteLocalnet lets 127.0.0.0/8 be routed to and from this device
	// (a DNAT to 127.0.0.1 of a packet from outside).
	RouteLocalnet int32
	// RPFilter is reverse-path filtering: 0 off, 1 strict (the route back
	// to the source must leave by the receiving device), 2 loose (there
	// must be a route back).
	RPFilter int32
}

// combine is the setting the kernel applies on a device: "all"'s or the
// device's, as IN_DEV_ORCONF (either non-zero) and IN_DEV_MAXCONF (the
// larger) combine them.
func combine(all, dev Conf) Conf {
	or := func(a, b int32) int32 {
		if a != 0 || b != 0 {
			return 1
		}
		return 0
	}
	return Conf{
		AcceptLocal:   or(all.AcceptLocal, dev.AcceptLocal),
		ARPAnnounce:   max(all.ARPAnnounce, dev.ARPAnnounce),
		ARPIgnore:     max(all.ARPIgnore, dev.ARPIgnore),
		ProxyARP:      or(all.ProxyARP, dev.ProxyARP),
		RouteLocalnet: or(all.RouteLocalnet, dev.RouteLocalnet),
		RPFilter:      max(all.RPFilter, dev.RPFilter),
	}
}

// SetAllConf sets the "all" settings. The namespace calls it whenever
// one of them changes.
func (st *Stack) SetAllConf(all Conf) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil
	}
	st.confAll = all
	return st.confChangedLocked()
}

// SetDevConf sets device dev's settings (by name; a NIC never named has
// zero settings); ok false forgets them (the device left or was renamed).
// The namespace calls it for the one device whose settings changed, so a
// namespace of many devices pays for one.
func (st *Stack) SetDevConf(dev string, c Conf, ok bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil
	}
	if st.confDevs == nil {
		st.confDevs = map[string]Conf{}
	}
	if old, had := st.confDevs[dev]; had == ok && old == c {
		return nil // nothing the packet path reads changed
	}
	if ok {
		st.confDevs[dev] = c
	} else {
		delete(st.confDevs, dev)
	}
	if st.nicByNameLocked(dev) == nil {
		// Not a NIC (a bridge port, say): nothing reads it until it
		// becomes one, and AddNIC publishes then.
		return nil
	}
	return st.confChangedLocked()
}

// confChangedLocked applies changed settings: forwarding (route_localnet
// needs gVisor's), the input checks (rp_filter) and the view.
func (st *Stack) confChangedLocked() error {
	if err := st.syncForwardingLocked(); err != nil {
		return err
	}
	st.publishLocked()
	return nil
}

// confLocked is the combined settings of a device.
func (st *Stack) confLocked(dev string) Conf {
	return combine(st.confAll, st.confDevs[dev])
}

// needsInputChecksLocked reports whether the stack's PREROUTING hook has
// work besides the TTL check: reverse-path filtering on some device.
func (st *Stack) needsInputChecksLocked() bool {
	for _, n := range st.nics {
		if !n.Loopback && st.confLocked(n.Name).RPFilter != 0 {
			return true
		}
	}
	return false
}

// needsWeakHostLocked reports whether a setting needs gVisor's forwarding
// path for local delivery: route_localnet (127.0.0.1 reached through
// another device, after a DNAT).
func (st *Stack) needsWeakHostLocked() bool {
	for _, n := range st.nics {
		if !n.Loopback && st.confLocked(n.Name).RouteLocalnet != 0 {
			return true
		}
	}
	return false
}

// SetICMPEchoIgnoreAll sets net.ipv4.icmp_echo_ignore_all: the namespace
// answers no echo request, not even its own to 127.0.0.1.
func (st *Stack) SetICMPEchoIgnoreAll(on bool) { st.echoIgnoreAll.Store(on) }

// ICMPEchoIgnoreAll reports net.ipv4.icmp_echo_ignore_all.
func (st *Stack) ICMPEchoIgnoreAll() bool { return st.echoIgnoreAll.Load() }

// ignoreEcho is gVisor's default ICMP handler: it sees the ICMP packets
// no socket took, echo requests among them, and reports an echo request
// handled (so gVisor does not answer it) while icmp_echo_ignore_all is on.
func (st *Stack) ignoreEcho(_ gstack.TransportEndpointID, pkt *gstack.PacketBuffer) bool {
	if !st.echoIgnoreAll.Load() {
		return false
	}
	h := header.ICMPv4(pkt.TransportHeader().Slice())
	return len(h) >= header.ICMPv4MinimumSize && h.Type() == header.ICMPv4Echo
}

func (st *Stack) installEchoHandler() {
	st.s.SetTransportProtocolHandler(icmp.ProtocolNumber4, st.ignoreEcho)
}

// ErrPortRange is returned for a port range the kernel refuses.
var ErrPortRange = errors.New("Invalid argument")

// SetLocalPortRange sets net.ipv4.ip_local_port_range: the ports TCP and
// UDP pick for an unbound socket, first to last.
func (st *Stack) SetLocalPortRange(first, last uint16) error {
	if first == 0 || last < first {
		return ErrPortRange
	}
	if err := st.s.SetPortRange(first, last); err != nil {
		return ErrPortRange
	}
	return nil
}

// LocalPortRange reports net.ipv4.ip_local_port_range.
func (st *Stack) LocalPortRange() (first, last uint16) { return st.s.PortRange() }
