package shell_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// ntSeedAfterPing is ntSeedWorld after ns1 pinged the host's vbridge
// address, so both have a neighbour entry and counters.
func ntSeedAfterPing(t *testing.T) (*emu.World, *emu.Namespace, *emu.Namespace) {
	t.Helper()
	w, ns1, up := ntSeedWorld(t)
	if _, err := ns1.Ping(context.Background(), netip.MustParseAddr("192.168.28.5"), 2*time.Second); err != nil {
		w.Close()
		t.Fatal(err)
	}
	return w, ns1, up
}

// TestNetToolsSeed002 checks the outputs seed 002 shows.
func TestNetToolsSeed002(t *testing.T) {
	w, ns1, _ := ntSeedAfterPing(t)
	defer w.Close()
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
			r := ntRunScript(t, w, c.ns, c.src)
			if r.status != 0 || r.out != c.out {
				t.Errorf("got status %d, stderr %q, stdout:\n%s\nwant:\n%s", r.status, r.err, r.out, c.out)
			}
		})
	}
}

var ntRxRe = regexp.MustCompile(`RX packets (\d+)  bytes (\d+) \((\d+\.\d) (B|KiB)\)`)

func TestIfconfig(t *testing.T) {
	w, ns1, _ := ntSeedAfterPing(t)
	defer w.Close()
	veth1, _ := ns1.Link("veth-1")
	r := ntRunScript(t, w, ns1, "ifconfig\n")
	want := fmt.Sprintf(`veth-1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
        inet 192.168.28.1  netmask 255.255.255.0  broadcast 192.168.28.255
        ether %s  txqueuelen 1000  (Ethernet)
`, veth1.MAC())
	if r.status != 0 || !strings.HasPrefix(r.out, want) {
		t.Fatalf("ifconfig:\n%s\nwant it to start with:\n%s", r.out, want)
	}
	c := veth1.Counters()
	if c.RxPackets == 0 || !strings.Contains(r.out, fmt.Sprintf("RX packets %d  bytes %d (", c.RxPackets, c.RxBytes)) {
		t.Errorf("counters %+v not in\n%s", c, r.out)
	}
	if strings.Contains(r.out, "lo:") {
		t.Errorf("ifconfig without -a shows lo, which is down:\n%s", r.out)
	}
	r = ntRunScript(t, w, ns1, "ifconfig -a | grep flags\n")
	if r.out != "lo: flags=8<LOOPBACK>  mtu 65536\nveth-1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n" {
		t.Errorf("ifconfig -a:\n%s", r.out)
	}
	for _, c := range []struct {
		n    uint64
		want string
	}{{0, "0.0 B"}, {434, "434.0 B"}, {1024, "1024.0 B"}, {1542, "1.5 KiB"}, {8701343, "8.2 MiB"}, {210777, "205.8 KiB"}, {5 << 30, "5.0 GiB"}} {
		if got := shell.NtBytes(c.n); got != c.want {
			t.Errorf("ntBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if !shell.NtNameLess("eth2", "eth10") || shell.NtNameLess("eth10", "eth2") || !shell.NtNameLess("br0", "ens33") || !shell.NtNameLess("veth-1", "veth-1-br") {
		t.Error("ntNameLess does not sort as net-tools does")
	}
}

// ntNetState is what ifconfig, route and arp can change in a namespace.
func ntNetState(ns *emu.Namespace) string {
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
			w, ns1, _ := ntSeedWorld(t)
			defer w.Close()
			before := ntNetState(ns1)
			r := ntRunScript(t, w, ns1, c.src)
			if c.out != "*" && r.out != c.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.out, c.out)
			}
			if c.err != "*" && r.err != c.err {
				t.Errorf("stderr %q, want %q", r.err, c.err)
			}
			if r.status != c.status {
				t.Errorf("status %d, want %d", r.status, c.status)
			}
			if c.status != 0 {
				if after := ntNetState(ns1); after != before {
					t.Errorf("a failed command changed the namespace:\n%s\nwas:\n%s", after, before)
				}
			}
		})
	}
}

func TestCat(t *testing.T) {
	cases := []struct {
		name, src, out, err string
		status              int
	}{
		{name: "stdin", src: "echo hello | cat\n", out: "hello\n"},
		{name: "dash and file", src: "echo a | cat - /proc/sys/net/ipv4/ip_forward -\n", out: "a\n0\n"},
		{name: "host file", src: "cat /etc/shadow\n", err: "cat: /etc/shadow: No such file or directory\n", status: 1},
		{name: "missing then present", src: "cat /etc/passwd /sys/class/net/lo/mtu\n", out: "65536\n", err: "cat: /etc/passwd: No such file or directory\n", status: 1},
		{name: "directory", src: "cat /sys/class/net/lo\n", err: "cat: /sys/class/net/lo: Is a directory\n", status: 1},
		{name: "carrier of a down device", src: "cat /sys/class/net/lo/carrier\n", err: "cat: /sys/class/net/lo/carrier: Invalid argument\n", status: 1},
		{name: "relative and unclean", src: "cd / && cat proc/sys/net//ipv4/../ipv4/ip_forward\n", out: "0\n"},
		{name: "lo", src: "cat /sys/class/net/lo/address /sys/class/net/lo/operstate /sys/class/net/lo/type /sys/class/net/lo/flags\n", out: "00:00:00:00:00:00\ndown\n772\n0x8\n"},
		{name: "number", src: "printf 'a\\n\\nb\\n' | cat -n\n", out: "     1\ta\n     2\t\n     3\tb\n"},
		{name: "show all", src: "printf 'a\\tb\\001\\n' | cat -A\n", out: "a^Ib^A$\n"},
		{name: "bad option", src: "cat -z\n", err: "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n", status: 1},
		{name: "proc dev", src: "cat /proc/net/dev | head -3 | tail -1\n", out: "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"},
		{name: "custom file", src: "cat /etc/nsemu-test\n", out: "hello from host\n"},
	}
	vfs.Register(func(ns *emu.Namespace, p string) (*vfs.File, bool, bool) {
		if p != "/etc/nsemu-test" {
			return nil, false, false
		}
		return vfs.Static("hello from " + ns.Name() + "\n"), false, true
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := emu.New(emu.Options{})
			defer w.Close()
			r := ntRunScript(t, w, w.Host(), c.src)
			if r.out != c.out || r.err != c.err || r.status != c.status {
				t.Errorf("got stdout %q stderr %q status %d, want %q %q %d", r.out, r.err, r.status, c.out, c.err, c.status)
			}
		})
	}
}

// TestOpenHandler runs redirections through Shell.OpenHandler, as shell.go
// will once it installs it: writes to /proc/sys act on the namespace.
func TestOpenHandler(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	sh.NS = ns1
	r, err := interp.New(interp.StdIO(nil, &out, &errb), interp.OpenHandler(sh.OpenHandler))
	if err != nil {
		t.Fatal(err)
	}
	run := func(src string) error {
		f, err := syntax.NewParser().Parse(strings.NewReader(src), "t.sh")
		if err != nil {
			t.Fatal(err)
		}
		return r.Run(context.Background(), f)
	}
	if err := run("echo 1 > /proc/sys/net/ipv4/ip_forward\n"); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	if !ns1.Stack().Forwarding() || w.Host().Stack().Forwarding() {
		t.Fatalf("forwarding: ns1 %v, host %v; want only ns1's on", ns1.Stack().Forwarding(), w.Host().Stack().Forwarding())
	}
	if err := run("read v < /sys/class/net/lo/mtu; echo \"mtu=$v\"; echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; read b < /proc/sys/net/bridge/bridge-nf-call-iptables; echo b=$b; echo quiet > /dev/null\n"); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	if out.String() != "mtu=65536\nb=1\n" {
		t.Errorf("stdout %q", out.String())
	}
	for _, src := range []string{
		"echo 1 > /proc/sys/net/ipv4/nosuch\n",
		"echo 1 > /sys/class/net/lo/mtu\n",
		"echo 1 > /proc/sys/net/ipv4\n",
		"read x < /proc/nsemu-nosuch\n",
	} {
		errb.Reset()
		if err := run(src); err == nil && errb.Len() == 0 {
			t.Errorf("%q: no error", strings.TrimSpace(src))
		}
	}
	if v, _ := ns1.Sysctl("net.ipv4.ip_forward"); v != "1" {
		t.Errorf("ip_forward %q after refused writes", v)
	}
}

func TestInetAton(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{{"0", "0.0.0.0"}, {"10.1", "10.0.0.1"}, {"10.1.2", "10.1.0.2"}, {"192.168.28.1", "192.168.28.1"},
		{"0x7f.1", "127.0.0.1"}, {"010.0.0.1", "8.0.0.1"}, {"300.1.1.1", ""}, {"1.2.3.4.5", ""}, {"1..2", ""},
		{"", ""}, {"-1", ""}, {"4294967295", "255.255.255.255"}, {"4294967296", ""}, {"foo", ""}} {
		a, ok := shell.NtInetAton(c.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != c.want {
			t.Errorf("ntInetAton(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
