package nettools_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// seedAfterPing is seedWorld after ns1 pinged the host's vbridge
// address, so both have a neighbour entry and counters.
func seedAfterPing(t *testing.T) (*emu.World, *emu.Namespace, *emu.Namespace) {
	t.Helper()
	w, ns1, up := seedWorld(t)
	if _, err := ns1.Ping(context.Background(), netip.MustParseAddr("192.168.28.5"), 2*time.Second); err != nil {
		t.Fatalf("ns1.Ping(192.168.28.5): %v", err)
	}
	return w, ns1, up
}

// TestNetToolsSeed002 checks the outputs seed 002 shows.
func TestNetToolsSeed002(t *testing.T) {
	w, ns1, _ := seedAfterPing(t)
	fresh, err := w.AddNamespace("fresh")
	if err != nil {
		t.Fatal(err)
	}
	br, _ := w.Host().Link("vbridge")
	veth1, _ := ns1.Link("veth-1")
	peer, _ := w.Host().Link("veth-1-br")
	cases := []struct {
		name string
		ns   *emu.Namespace
		src  string
		out  string
	}{
		// No IPv4 table until an address exists: route says so with status 1.
		{"route in a new namespace", fresh, "route -n || echo status $?\n", "Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\nstatus 1\n"},
		{"arp in a new namespace", fresh, "arp\n", ""},
		{"ifconfig in a new namespace", fresh, "ifconfig\n", ""},
		{"route in ns1", ns1, "route -n\n", `Kernel IP routing table
Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
0.0.0.0         192.168.28.5    0.0.0.0         UG    0      0        0 veth-1
192.168.28.0    0.0.0.0         255.255.255.0   U     0      0        0 veth-1
`},
		{"route names", ns1, "route\n", `Kernel IP routing table
Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
default         192.168.28.5    0.0.0.0         UG    0      0        0 veth-1
192.168.28.0    0.0.0.0         255.255.255.0   U     0      0        0 veth-1
`},
		{"route on the host", w.Host(), "route -n | tail -n +3\n", `0.0.0.0         192.168.17.2    0.0.0.0         UG    100    0        0 ens33
192.168.17.0    0.0.0.0         255.255.255.0   U     0      0        0 ens33
192.168.28.0    0.0.0.0         255.255.255.0   U     0      0        0 vbridge
`},
		{"netstat", ns1, "netstat -rn\n", `Kernel IP routing table
Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface
0.0.0.0         192.168.28.5    0.0.0.0         UG        0 0          0 veth-1
192.168.28.0    0.0.0.0         255.255.255.0   U         0 0          0 veth-1
`},
		{"arp in ns1", ns1, "arp -n\n", fmt.Sprintf(`Address                  HWtype  HWaddress           Flags Mask            Iface
192.168.28.5             ether   %s   C                     veth-1
`, br.MAC())},
		{"arp bsd", ns1, "arp -a\n", fmt.Sprintf("? (192.168.28.5) at %s [ether] on veth-1\n", br.MAC())},
		{"proc arp", ns1, "cat /proc/net/arp\n", fmt.Sprintf(`IP address       HW type     Flags       HW address            Mask     Device
192.168.28.5     0x1         0x2         %s     *        veth-1
`, br.MAC())},
		{"proc route", ns1, "cat /proc/net/route | tr -d ' '\n", "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
			"veth-1\t00000000\t051CA8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
			"veth-1\t001CA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"},
		{"proc route width", ns1, "cat /proc/net/route | awk '{ print length($0) }' | sort -u\n", "127\n"},
		{"sys class net", ns1, "cat /sys/class/net/veth-1/address /sys/class/net/veth-1/mtu /sys/class/net/veth-1/ifindex /sys/class/net/veth-1/iflink /sys/class/net/veth-1/operstate /sys/class/net/veth-1/carrier\n",
			fmt.Sprintf("%s\n1500\n%d\n%d\nup\n1\n", veth1.MAC(), veth1.Index(), peer.Index())},
		{"sys class net of the host", w.Host(), "cat /sys/class/net/veth-1-br/iflink /sys/class/net/vbridge/iflink\n", fmt.Sprintf("%d\n%d\n", veth1.Index(), br.Index())},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := builtintest.Run(t, w, c.ns, c.src)
			if r.Status != 0 || r.Out != c.out {
				t.Errorf("got status %d, stderr %q, stdout:\n%s\nwant:\n%s", r.Status, r.Err, r.Out, c.out)
			}
		})
	}
}

func TestIfconfig(t *testing.T) {
	w, ns1, _ := seedAfterPing(t)
	veth1, _ := ns1.Link("veth-1")
	r := builtintest.Run(t, w, ns1, "ifconfig\n")
	want := fmt.Sprintf(`veth-1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
        inet 192.168.28.1  netmask 255.255.255.0  broadcast 192.168.28.255
        ether %s  txqueuelen 1000  (Ethernet)
`, veth1.MAC())
	if r.Status != 0 || !strings.HasPrefix(r.Out, want) {
		t.Fatalf("ifconfig:\n%s\nwant it to start with:\n%s", r.Out, want)
	}
	c := veth1.Counters()
	if c.RxPackets == 0 || !strings.Contains(r.Out, fmt.Sprintf("RX packets %d  bytes %d (", c.RxPackets, c.RxBytes)) {
		t.Errorf("counters %+v not in\n%s", c, r.Out)
	}
	if strings.Contains(r.Out, "lo:") {
		t.Errorf("ifconfig without -a shows lo, which is down:\n%s", r.Out)
	}
	r = builtintest.Run(t, w, ns1, "ifconfig -a | grep flags\n")
	if r.Out != "lo: flags=8<LOOPBACK>  mtu 65536\nveth-1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n" {
		t.Errorf("ifconfig -a:\n%s", r.Out)
	}
}

// netState is what ifconfig, route and arp can change in a namespace.
func netState(ns *emu.Namespace) string {
	var b strings.Builder
	for _, d := range ns.Links() {
		fmt.Fprintf(&b, "%s up=%v mtu=%d mac=%s addrs=%v\n", d.Name(), d.IsUp(), d.MTU(), d.MAC(), d.Addrs())
	}
	for _, r := range ns.Stack().Routes() {
		fmt.Fprintf(&b, "route %+v\n", r)
	}
	for _, n := range ns.Stack().Neighbors() {
		if n.State == "PERMANENT" {
			fmt.Fprintf(&b, "neigh %+v\n", n)
		}
	}
	return b.String()
}

func TestNetToolsChanges(t *testing.T) {
	cases := []struct {
		name, src string
		out, err  string // "*": not checked
		status    int
	}{
		{name: "ifconfig address", src: "ifconfig veth-1 10.1.2.3/16\nifconfig veth-1 | grep inet\n",
			out: "        inet 10.1.2.3  netmask 255.255.0.0  broadcast 10.1.255.255\n"},
		{name: "ifconfig classful and netmask", src: "ifconfig veth-1 10.1.2.3\nifconfig veth-1 | grep inet\nifconfig veth-1 netmask 255.255.255.0\nifconfig veth-1 | grep inet\n",
			out: "        inet 10.1.2.3  netmask 255.0.0.0  broadcast 10.255.255.255\n        inet 10.1.2.3  netmask 255.255.255.0  broadcast 10.1.2.255\n"},
		{name: "ifconfig down mtu up", src: "ifconfig veth-1 down\nifconfig | grep -c veth || true\nifconfig veth-1 mtu 1400 up\nifconfig veth-1 | head -1\n",
			out: "0\nveth-1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1400\n"},
		{name: "ifconfig remove address", src: "ifconfig veth-1 0\nifconfig veth-1 | grep -c inet || true\n", out: "0\n"},
		{name: "ifconfig no device", src: "ifconfig eth9\n", err: "eth9: error fetching interface information: Device not found\n", status: 1},
		{name: "ifconfig set no device", src: "ifconfig eth9 up\n", err: "eth9: ERROR while getting interface flags: No such device\n", status: 255},
		{name: "ifconfig bad address", src: "ifconfig veth-1 300.1.1.1\n", err: "300.1.1.1: Unknown host\nifconfig: `--help' gives usage information.\n", status: 1},
		{name: "ifconfig bad mtu", src: "ifconfig veth-1 mtu 20\n", err: "SIOCSIFMTU: Invalid argument\n", status: 1},
		{name: "ifconfig bad option", src: "ifconfig -x\n", err: "ifconfig: option `-x' not recognised.\nifconfig: `--help' gives usage information.\n", status: 1},
		{name: "route add del", src: "route add -net 198.51.100.0/24 gw 192.168.28.5 metric 3\nroute -n | grep 198\nroute del -net 198.51.100.0/24\nroute -n | grep -c 198 || true\n",
			out: "198.51.100.0    192.168.28.5    255.255.255.0   UG    3      0        0 veth-1\n0\n"},
		{name: "route host", src: "route add -host 203.0.113.7 dev veth-1\nroute -n | grep 203\n",
			out: "203.0.113.7     0.0.0.0         255.255.255.255 UH    0      0        0 veth-1\n"},
		{name: "route exists", src: "route add default gw 192.168.28.5\n", err: "SIOCADDRT: File exists\n", status: 7},
		{name: "route unreachable gateway", src: "route add -net 198.51.100.0/24 gw 172.16.0.1\n", err: "SIOCADDRT: Network is unreachable\n", status: 7},
		{name: "route no such route", src: "route del -net 198.51.100.0/24\n", err: "SIOCDELRT: No such process\n", status: 7},
		{name: "route unknown host", src: "route add foo\n", err: "foo: Unknown host\n", status: 6},
		{name: "route no device", src: "route add -net 198.51.100.0/24 dev eth9\n", err: "SIOCADDRT: No such device\n", status: 7},
		{name: "arp set and delete", src: "arp -s 192.168.28.9 02:00:00:00:00:09\narp -n 192.168.28.9\narp -d 192.168.28.9\narp -n 192.168.28.9\n",
			out: "Address                  HWtype  HWaddress           Flags Mask            Iface\n192.168.28.9             ether   02:00:00:00:00:09   CM                    veth-1\n192.168.28.9 (192.168.28.9) -- no entry\n"},
		{name: "arp bad mac", src: "arp -s 192.168.28.9 zz:00:00:00:00:09\n", err: "arp: invalid hardware address\n", status: 255},
		{name: "arp no entry", src: "arp -d 192.168.28.9\n", err: "No ARP entry for 192.168.28.9\n", status: 255},
		{name: "arp no match", src: "arp -n -i eth9\n", out: "arp: in 0 entries no match found.\n"},
		{name: "arp pub", src: "arp -s 192.168.28.9 02:00:00:00:00:09 pub\n", err: "arp: proxy ARP (pub) is not emulated by nsemu\n", status: 255},
		{name: "netstat sockets", src: "netstat -tlnp\n", err: "netstat: only the routing table (netstat -r) is emulated by nsemu\n", status: 1},
		{name: "netstat extended", src: "netstat -rne | head -2\n", out: "Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, ns1, _ := seedWorld(t)
			before := netState(ns1)
			r := builtintest.Run(t, w, ns1, c.src)
			if c.out != "*" && r.Out != c.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.Out, c.out)
			}
			if c.err != "*" && r.Err != c.err {
				t.Errorf("stderr %q, want %q", r.Err, c.err)
			}
			if r.Status != c.status {
				t.Errorf("status %d, want %d", r.Status, c.status)
			}
			if c.status != 0 {
				if after := netState(ns1); after != before {
					t.Errorf("a failed command changed the namespace:\n%s\nwas:\n%s", after, before)
				}
			}
		})
	}
}

// seedSetup is seed 002 with an uplink: ns1 (192.168.28.1) on the host's
// vbridge (192.168.28.5), default route through it; the host's ens33
// (192.168.17.10, default via 192.168.17.2) goes to "upstream", which also
// owns 203.0.113.8.
const seedSetup = `ip netns add ns1
ip link add vbridge type bridge
ip link set vbridge up
ip link add veth-1 type veth peer name veth-1-br
ip link set veth-1 netns ns1
ip link set veth-1-br master vbridge
ip -n ns1 addr add 192.168.28.1/24 dev veth-1
ip -n ns1 link set veth-1 up
ip link set veth-1-br up
ip addr add 192.168.28.5/24 dev vbridge
ip -n ns1 route add default via 192.168.28.5
ip netns add upstream
ip link add ens33 type veth peer name eth0 netns upstream
ip addr add 192.168.17.10/24 dev ens33
ip link set ens33 up
ip route add default via 192.168.17.2 metric 100
ip -n upstream addr add 192.168.17.2/24 dev eth0
ip -n upstream addr add 203.0.113.8/24 dev eth0
ip -n upstream link set eth0 up
ip -n upstream link set lo up
`

// seedWorld builds seedSetup in a fresh world (closed when the test
// ends) and returns it with ns1 and upstream.
func seedWorld(t *testing.T) (w *emu.World, ns1, up *emu.Namespace) {
	t.Helper()
	w = builtintest.World(t)
	builtintest.MustRun(t, w, nil, seedSetup)
	ns1, err1 := w.Namespace("ns1")
	up, err2 := w.Namespace("upstream")
	if err1 != nil || err2 != nil {
		t.Fatalf("w.Namespace: %v, %v", err1, err2)
	}
	return w, ns1, up
}
