package sysctl_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestSysctl runs sysctl in ns1 and checks its output, its error, its
// status and ns1's forwarding; the host's keys must not change.
func TestSysctl(t *testing.T) {
	cases := []struct {
		name, src, out, err string
		status              int
		fwd                 bool // ns1's ip_forward afterwards
	}{
		{name: "read", src: "sysctl net.ipv4.ip_forward\n", out: "net.ipv4.ip_forward = 0\n"},
		{name: "write", src: "sysctl -w net.ipv4.ip_forward=1\n", out: "net.ipv4.ip_forward = 1\n", fwd: true},
		{name: "write without -w", src: "sysctl net.ipv4.ip_forward=1\nsysctl -n net.ipv4.ip_forward\n", out: "net.ipv4.ip_forward = 1\n1\n", fwd: true},
		{name: "slashes and alias", src: "sysctl -q net/ipv4/conf/all/forwarding=1\nsysctl net.ipv4.ip_forward\n", out: "net.ipv4.ip_forward = 1\n", fwd: true},
		{name: "cat", src: "sysctl -w net.ipv4.ip_forward=1 >/dev/null\ncat /proc/sys/net/ipv4/ip_forward\n", out: "1\n", fwd: true},
		{name: "non-zero is on", src: "sysctl -w net.ipv4.ip_forward=7\nsysctl -n net.ipv4.ip_forward\n", out: "net.ipv4.ip_forward = 7\n1\n", fwd: true},
		{name: "unknown key", src: "sysctl net.ipv4.foo\n", err: "sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n", status: 255},
		{name: "unknown key write", src: "sysctl -w net.ipv4.foo=1\n", err: "sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n", status: 255},
		{name: "ignore unknown", src: "sysctl -e net.ipv4.foo net.ipv4.ip_forward\n", out: "net.ipv4.ip_forward = 0\n"},
		{name: "bad value", src: "sysctl -w net.ipv4.ip_forward=abc\n", err: "sysctl: setting key \"net.ipv4.ip_forward\": Invalid argument\n", status: 255},
		{name: "write needs a value", src: "sysctl -w net.ipv4.ip_forward\n", err: "sysctl: \"net.ipv4.ip_forward\" must be of the form name=value\n", status: 255},
		{name: "bridge key", src: "sysctl -w net.bridge.bridge-nf-call-iptables=1\nsysctl net.bridge.bridge-nf-call-iptables\ncat /proc/sys/net/bridge/bridge-nf-call-iptables\n",
			out: "net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-iptables = 1\n1\n"},
		{name: "all", src: "sysctl -a\n", out: `net.bridge.bridge-nf-call-arptables = 0
net.bridge.bridge-nf-call-ip6tables = 0
net.bridge.bridge-nf-call-iptables = 0
net.ipv4.conf.all.accept_local = 0
net.ipv4.conf.all.arp_announce = 0
net.ipv4.conf.all.arp_ignore = 0
net.ipv4.conf.all.forwarding = 0
net.ipv4.conf.all.proxy_arp = 0
net.ipv4.conf.all.route_localnet = 0
net.ipv4.conf.all.rp_filter = 0
net.ipv4.conf.default.accept_local = 0
net.ipv4.conf.default.arp_announce = 0
net.ipv4.conf.default.arp_ignore = 0
net.ipv4.conf.default.forwarding = 0
net.ipv4.conf.default.proxy_arp = 0
net.ipv4.conf.default.route_localnet = 0
net.ipv4.conf.default.rp_filter = 0
net.ipv4.conf.lo.accept_local = 0
net.ipv4.conf.lo.arp_announce = 0
net.ipv4.conf.lo.arp_ignore = 0
net.ipv4.conf.lo.proxy_arp = 0
net.ipv4.conf.lo.route_localnet = 0
net.ipv4.conf.lo.rp_filter = 0
net.ipv4.icmp_echo_ignore_all = 0
net.ipv4.ip_forward = 0
net.ipv4.ip_local_port_range = 32768	60999
`},
		{name: "device keys", src: "ip link add va type veth peer name vb\nsysctl -w net.ipv4.conf.default.rp_filter=2 net.ipv4.conf.va.arp_ignore=1\n" +
			"ip link add vc type veth peer name vd\nsysctl net.ipv4.conf.vc.rp_filter net.ipv4.conf.va.rp_filter net.ipv4.conf.va.arp_ignore\n" +
			"cat /proc/sys/net/ipv4/conf/vb/arp_ignore\n",
			out: "net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.va.arp_ignore = 1\nnet.ipv4.conf.vc.rp_filter = 2\nnet.ipv4.conf.va.rp_filter = 2\nnet.ipv4.conf.va.arp_ignore = 1\n0\n"},
		{name: "device directory", src: "sysctl net.ipv4.conf.lo\n", out: "net.ipv4.conf.lo.accept_local = 0\nnet.ipv4.conf.lo.arp_announce = 0\nnet.ipv4.conf.lo.arp_ignore = 0\n" +
			"net.ipv4.conf.lo.proxy_arp = 0\nnet.ipv4.conf.lo.route_localnet = 0\nnet.ipv4.conf.lo.rp_filter = 0\n"},
		{name: "no such device", src: "sysctl -w net.ipv4.conf.nosuch.rp_filter=1\n", err: "sysctl: cannot stat /proc/sys/net/ipv4/conf/nosuch/rp_filter: No such file or directory\n", status: 255},
		{name: "out of range", src: "sysctl -w net.ipv4.icmp_echo_ignore_all=2\n", err: "sysctl: setting key \"net.ipv4.icmp_echo_ignore_all\": Invalid argument\n", status: 255},
		{name: "port range", src: "sysctl -w net.ipv4.ip_local_port_range='1024 65535'\nsysctl net.ipv4.ip_local_port_range\n! sysctl -w net.ipv4.ip_local_port_range='1000 2000'\n",
			out: "net.ipv4.ip_local_port_range = 1024 65535\nnet.ipv4.ip_local_port_range = 1024\t65535\n", err: "sysctl: setting key \"net.ipv4.ip_local_port_range\": Invalid argument\n"},
		{name: "proc write", src: "echo 1 > /proc/sys/net/ipv4/conf/all/proxy_arp\ncat /proc/sys/net/ipv4/conf/all/proxy_arp\n", out: "1\n"},
		{name: "pattern", src: "sysctl -a -r 'ip_forward$'\n", out: "net.ipv4.ip_forward = 0\n"},
		{name: "names", src: "sysctl -aN | head -1\n", out: "net.bridge.bridge-nf-call-arptables\n"},
		{name: "directory", src: "sysctl net.bridge\n", out: "net.bridge.bridge-nf-call-arptables = 0\nnet.bridge.bridge-nf-call-ip6tables = 0\nnet.bridge.bridge-nf-call-iptables = 0\n"},
		{name: "no variables", src: "sysctl -n\n", err: "sysctl: no variables specified\nTry `sysctl --help' for more information.\n", status: 255},
		{name: "bad option", src: "sysctl -z\n", err: "sysctl: invalid option -- 'z'\nTry `sysctl --help' for more information.\n", status: 255},
		{name: "load", src: "sysctl -p\n"},
		{name: "load a file", src: "sysctl -p /etc/foo.conf\n", err: "sysctl: cannot open \"/etc/foo.conf\": No such file or directory\n", status: 255},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			ns1, err := w.AddNamespace("ns1")
			if err != nil {
				t.Fatal(err)
			}
			r := builtintest.Run(t, w, ns1, c.src)
			if r.Out != c.out || r.Err != c.err || r.Status != c.status {
				t.Errorf("got stdout %q stderr %q status %d\nwant %q %q %d", r.Out, r.Err, r.Status, c.out, c.err, c.status)
			}
			if got := ns1.Stack().Forwarding(); got != c.fwd {
				t.Errorf("ns1 ip_forward %v, want %v", got, c.fwd)
			}
			// Each namespace has its own keys.
			if w.Host().Stack().Forwarding() {
				t.Error("the host's ip_forward changed")
			}
			if v, _ := w.Host().Sysctl("net.bridge.bridge-nf-call-iptables"); v != "0" {
				t.Errorf("the host's bridge-nf-call-iptables is %q", v)
			}
		})
	}
}
