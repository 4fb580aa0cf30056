package vfs

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// kernelLogFiles serves /var/log/syslog, kern.log and messages: the
// namespace's kernel log in syslog format.
func kernelLogFiles(ns *emu.Namespace, p string) (*File, bool, bool) {
	switch p {
	case "/var/log/syslog", "/var/log/kern.log", "/var/log/messages":
	default:
		return nil, false, false
	}
	return &File{Read: func() ([]byte, error) {
		clock := ns.World().Clock()
		var b strings.Builder
		for _, l := range ns.Stack().KernelLog() {
			since := l.Time.Sub(tcpip.MonotonicTime{})
			fmt.Fprintf(&b, "%s nsemu kernel: [%5d.%06d] %s\n", WallTime(clock.Now(), clock.NowMonotonic(), l.Time).Format("Jan _2 15:04:05"),
				since/time.Second, (since%time.Second)/time.Microsecond, l.Text)
		}
		return []byte(b.String()), nil
	}}, false, true
}

// procSysFiles serves /proc/sys: every sysctl key is a file, writable.
func procSysFiles(ns *emu.Namespace, p string) (*File, bool, bool) {
	if p != "/proc/sys" && !strings.HasPrefix(p, "/proc/sys/") {
		if p == "/proc" {
			return Dir("net", "sys"), true, true
		}
		return nil, false, false
	}
	key := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(p, "/proc/sys"), "/"), "/", ".")
	for _, k := range ns.SysctlKeys() {
		if k == key {
			return &File{
				Read: func() ([]byte, error) {
					v, err := ns.Sysctl(key)
					if err != nil {
						return nil, ErrNoEnt
					}
					return []byte(v + "\n"), nil
				},
				Write: func(data []byte) error {
					if err := ns.SetSysctl(key, string(data)); err != nil {
						if errors.Is(err, emu.ErrSysctlValue) {
							return ErrInval
						}
						return err
					}
					return nil
				},
			}, false, true
		}
		if key == "" || strings.HasPrefix(k, key+".") {
			return &File{Names: func() []string { return sysctlNames(ns, key) }}, true, true
		}
	}
	return nil, false, true
}

// procNetFiles serves /proc/net/{arp,route,dev}.
func procNetFiles(ns *emu.Namespace, p string) (*File, bool, bool) {
	switch p {
	case "/proc/net":
		return Dir("arp", "dev", "route"), true, true
	case "/proc/net/arp":
		return &File{Read: func() ([]byte, error) { return []byte(ProcNetARP(ns)), nil }}, false, true
	case "/proc/net/route":
		return &File{Read: func() ([]byte, error) { return []byte(ProcNetRoute(ns)), nil }}, false, true
	case "/proc/net/dev":
		return &File{Read: func() ([]byte, error) { return []byte(ProcNetDev(ns)), nil }}, false, true
	}
	if strings.HasPrefix(p, "/proc/net/") {
		return nil, false, true
	}
	return nil, false, false
}

// WallTime turns a monotonic reading into wall time, on the emulator clock.
func WallTime(now time.Time, nowMono, t tcpip.MonotonicTime) time.Time {
	return now.Add(-nowMono.Sub(t))
}

// ntHex is an IPv4 address as /proc/net/route prints it: the network-order
// word read as a little-endian integer.
func ntHex(a netip.Addr) string {
	b := a.As4()
	return fmt.Sprintf("%02X%02X%02X%02X", b[3], b[2], b[1], b[0])
}

// FIBExists reports whether the kernel would have created the namespace's
// IPv4 routing table yet: once an address is configured (lo's 127.0.0.1
// counts while lo is up). Until then /proc/net/route is empty and route(8)
// exits 1, as on Linux.
func FIBExists(ns *emu.Namespace) bool {
	for _, n := range ns.Stack().NICs() {
		if n.Loopback && !n.Up {
			continue
		}
		for _, a := range n.Addrs {
			if a.Addr().Is4() {
				return true
			}
		}
	}
	return false
}

func ProcNetRoute(ns *emu.Namespace) string {
	if !FIBExists(ns) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT")
	for _, r := range ns.Stack().Routes() {
		if !r.Dst.Addr().Is4() {
			continue
		}
		gw := netip.AddrFrom4([4]byte{})
		if r.Gateway.IsValid() {
			gw = r.Gateway
		}
		_, flags := RouteFlags(r)
		line := fmt.Sprintf("%s\t%s\t%s\t%04X\t%d\t%d\t%d\t%s\t%d\t%d\t%d",
			r.Dev, ntHex(r.Dst.Addr()), ntHex(gw), flags, 0, 0, r.Metric, ntHex(mask4(r.Dst.Bits())), 0, 0, 0)
		fmt.Fprintf(&b, "%-127s\n", line)
	}
	return b.String()
}

// ARPEntry is a row of /proc/net/arp.
type ARPEntry struct {
	Addr  netip.Addr
	MAC   tcpip.LinkAddress
	Dev   string
	Flags int // ATF_COM 0x2, ATF_PERM 0x4
}

func ARPEntries(ns *emu.Namespace) []ARPEntry {
	var out []ARPEntry
	for _, n := range ns.Stack().Neighbors() {
		e := ARPEntry{Addr: n.Addr, MAC: n.MAC, Dev: n.Dev}
		switch n.State {
		case "PERMANENT":
			e.Flags = 0x6
		case "REACHABLE", "STALE", "DELAY", "PROBE":
			e.Flags = 0x2
		case "INCOMPLETE", "FAILED":
			e.MAC = ""
		default:
			continue
		}
		out = append(out, e)
	}
	return out
}

func ProcNetARP(ns *emu.Namespace) string {
	var b strings.Builder
	b.WriteString("IP address       HW type     Flags       HW address            Mask     Device\n")
	for _, e := range ARPEntries(ns) {
		fmt.Fprintf(&b, "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n", e.Addr, 1, e.Flags, MACString(e.MAC), "*", e.Dev)
	}
	return b.String()
}

func ProcNetDev(ns *emu.Namespace) string {
	var b strings.Builder
	b.WriteString("Inter-|   Receive                                                |  Transmit\n")
	b.WriteString(" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
	for _, d := range ns.Links() {
		c := d.Counters()
		fmt.Fprintf(&b, "%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n",
			d.Name(), c.RxBytes, c.RxPackets, 0, c.RxDropped, 0, 0, 0, 0,
			c.TxBytes, c.TxPackets, 0, c.TxDropped, 0, 0, 0, 0)
	}
	return b.String()
}

func RouteFlags(r stack.Route) (string, int) {
	s, v := "U", 1
	if r.Gateway.IsValid() {
		s, v = s+"G", v|2
	}
	if r.Dst.Bits() == 32 {
		s, v = s+"H", v|4
	}
	return s, v
}

func MACString(m tcpip.LinkAddress) string {
	if len(m) != 6 {
		return "00:00:00:00:00:00"
	}
	return net.HardwareAddr(m).String()
}

// mask4 is the IPv4 netmask of a prefix length.
func mask4(bits int) netip.Addr {
	return netip.AddrFrom4([4]byte(net.CIDRMask(bits, 32)))
}

// sysctlNames lists the entries of the /proc/sys directory of a key prefix
// ("" for /proc/sys itself, "net.ipv4" for /proc/sys/net/ipv4).
func sysctlNames(ns *emu.Namespace, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range ns.SysctlKeys() {
		rest := k
		if prefix != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(k, prefix+"."); !ok {
				continue
			}
		}
		name, _, _ := strings.Cut(rest, ".")
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
