package nettools

import (
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

var ifconfigCases = []struct {
	name string
	args []string
	want ifconfigReq // without stop
	stop string      // the stopping argument's message
	err  string
	st   int
}{
	{name: "list", want: ifconfigReq{}},
	{name: "all", args: []string{"-a"}, want: ifconfigReq{all: true}},
	{name: "one device", args: []string{"-a", "eth0"}, want: ifconfigReq{all: true, dev: "eth0"}},
	{name: "help stops", args: []string{"-h", "-x"}, want: ifconfigReq{help: true}},
	{name: "bad option", args: []string{"-x", "eth0"}, err: "ifconfig: option `-x' not recognised.\nifconfig: `--help' gives usage information.", st: 1},
	{name: "dash", args: []string{"-"}, err: "ifconfig: option `-' not recognised.\nifconfig: `--help' gives usage information.", st: 1},
	{name: "not emulated", args: []string{"-s"}, err: "ifconfig: option `-s' is not emulated by nsemu.", st: 1},
	{name: "up mtu", args: []string{"eth0", "up", "mtu", "1400"},
		want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifUp}, {op: ifMTU, mtu: 1400}}}},
	{name: "address", args: []string{"eth0", "10.1.2.3/16"},
		want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifAddr, prefix: netip.MustParsePrefix("10.1.2.3/16")}}}},
	{name: "classful", args: []string{"eth0", "172.16.1.1", "down"},
		want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifAddr, prefix: netip.MustParsePrefix("172.16.1.1/16")}, {op: ifDown}}}},
	{name: "no address", args: []string{"eth0", "0"}, want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifNoAddr}}}},
	{name: "hw", args: []string{"eth0", "hw", "ether", "02:00:00:00:00:01"},
		want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifMAC, mac: net.HardwareAddr{2, 0, 0, 0, 0, 1}}}}},
	{name: "netmask", args: []string{"eth0", "netmask", "255.255.0.0"},
		want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifNetmask, prefix: netip.PrefixFrom(netip.IPv4Unspecified(), 16)}}}},
	{name: "accepted without effect", args: []string{"eth0", "promisc", "txqueuelen", "5", "-arp"}, want: ifconfigReq{dev: "eth0", change: true}},
	{name: "steps before a missing value", args: []string{"eth0", "down", "mtu"},
		want: ifconfigReq{dev: "eth0", change: true, steps: []ifStep{{op: ifDown}}}, stop: "ifconfig: `--help' gives usage information."},
	{name: "bad mtu", args: []string{"eth0", "mtu", "x", "up"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "ifconfig: `--help' gives usage information."},
	{name: "hw class", args: []string{"eth0", "hw", "ax25", "x"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "ifconfig: `--help' gives usage information."},
	{name: "bad mac", args: []string{"eth0", "hw", "ether", "zz"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "zz: invalid ether address."},
	{name: "bad netmask", args: []string{"eth0", "netmask", "255.0.255.0"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "SIOCSIFNETMASK: Invalid argument"},
	{name: "netmask host", args: []string{"eth0", "netmask", "foo"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "foo: Unknown host\nifconfig: `--help' gives usage information."},
	{name: "class D", args: []string{"eth0", "224.0.0.1"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "SIOCSIFADDR: Invalid argument"},
	{name: "bad length", args: []string{"eth0", "10.0.0.1/33"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "10.0.0.1/33: Unknown host\nifconfig: `--help' gives usage information."},
	{name: "bad address", args: []string{"eth0", "300.1.1.1"}, want: ifconfigReq{dev: "eth0", change: true}, stop: "300.1.1.1: Unknown host\nifconfig: `--help' gives usage information."},
}

func TestParseIfconfig(t *testing.T) {
	for _, c := range ifconfigCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parseIfconfig(c.args)
			if c.err != "" {
				if st, msg := exitErr(err); err == nil || st != c.st || msg != c.err {
					t.Fatalf("parseIfconfig(%q): error %v, want status %d %q", c.args, err, c.st, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseIfconfig(%q): %v", c.args, err)
			}
			stop := ""
			if r.stop != nil {
				if st, msg := exitErr(r.stop); st == 1 {
					stop = msg
				} else {
					t.Errorf("parseIfconfig(%q): stop %v, status %d, want 1", c.args, r.stop, st)
				}
			}
			r.stop = nil
			if stop != c.stop || !reflect.DeepEqual(r, c.want) {
				t.Errorf("parseIfconfig(%q) =\n%+v, stop %q\nwant\n%+v, stop %q", c.args, r, stop, c.want, c.stop)
			}
		})
	}
}

func FuzzParseIfconfig(f *testing.F) {
	for _, c := range ifconfigCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := fuzzArgs(line)
		r, err := parseIfconfig(args)
		checkFuzzErr(t, args, err, 1)
		checkFuzzErr(t, args, r.stop, 1)
	})
}

func TestHumanBytes(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{{0, "0.0 B"}, {434, "434.0 B"}, {1024, "1024.0 B"}, {1542, "1.5 KiB"}, {8701343, "8.2 MiB"}, {210777, "205.8 KiB"}, {5 << 30, "5.0 GiB"}} {
		if got := humanBytes(c.n); got != c.want {
			t.Errorf("humanBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestNameLess(t *testing.T) {
	if !nameLess("eth2", "eth10") || nameLess("eth10", "eth2") || !nameLess("br0", "ens33") || !nameLess("veth-1", "veth-1-br") {
		t.Error("nameLess does not sort as net-tools does")
	}
	if nameLess("eth01", "eth1") || nameLess("eth1", "eth01") || !nameLess("eth", "eth0") {
		t.Error("nameLess: leading zeros or a prefix sort wrong")
	}
}
