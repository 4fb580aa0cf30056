package nettools

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/stack"
)

func routeTo(add bool, dst, gw, dev string, metric int) *routeChange {
	r := stack.Route{Dst: netip.MustParsePrefix(dst), Dev: dev, Metric: metric}
	if gw != "" {
		r.Gateway = netip.MustParseAddr(gw)
	}
	return &routeChange{add: add, route: r}
}

var routeCases = []struct {
	name string
	args []string
	want routeReq
	err  string
	st   int
}{
	{name: "show", want: routeReq{ext: 1}},
	{name: "numeric extended", args: []string{"-nee", "--verbose", "-A", "inet"}, want: routeReq{numeric: true, ext: 3}},
	{name: "long", args: []string{"--numeric", "--extend", "--fib"}, want: routeReq{numeric: true, ext: 2}},
	{name: "help stops", args: []string{"--help", "-z"}, want: routeReq{ext: 1, help: true}},
	{name: "family", args: []string{"-A", "inet6"}, err: "route: inet6: address family not emulated by nsemu", st: 4},
	{name: "A alone", args: []string{"-A"}, err: "route: invalid option -- 'A'\n" + routeUsage, st: 1},
	{name: "cache", args: []string{"-nC"}, err: "route: the routing cache is not emulated by nsemu", st: 1},
	{name: "ipv6", args: []string{"-6"}, err: "route: IPv6 is not emulated by nsemu", st: 1},
	{name: "bad long", args: []string{"--foo"}, err: "route: unrecognized option '--foo'", st: 1},
	{name: "flush", args: []string{"flush"}, err: "route: flush is not emulated by nsemu (use ip route flush)", st: 1},
	{name: "unknown word", args: []string{"-"}, err: routeUsage, st: 1},
	{name: "add net", args: []string{"add", "-net", "198.51.100.0/24", "gw", "192.168.28.5", "metric", "3"},
		want: routeReq{ext: 1, change: routeTo(true, "198.51.100.0/24", "192.168.28.5", "", 3)}},
	{name: "add host dev", args: []string{"add", "-host", "203.0.113.7", "dev", "veth-1"},
		want: routeReq{ext: 1, change: routeTo(true, "203.0.113.7/32", "", "veth-1", 0)}},
	{name: "default bare device", args: []string{"add", "default", "gw", "10.0.0.1", "eth0", "mss", "1400"},
		want: routeReq{ext: 1, change: routeTo(true, "0.0.0.0/0", "10.0.0.1", "eth0", 0)}},
	{name: "classful net", args: []string{"delete", "-net", "10.0.0.0"}, want: routeReq{ext: 1, change: routeTo(false, "10.0.0.0/8", "", "", 0)}},
	{name: "class D net is a host", args: []string{"del", "-net", "224.0.0.1"}, want: routeReq{ext: 1, change: routeTo(false, "224.0.0.1/32", "", "", 0)}},
	{name: "netmask", args: []string{"add", "-net", "10.1.0.0", "netmask", "255.255.0.0", "dev", "eth0"},
		want: routeReq{ext: 1, change: routeTo(true, "10.1.0.0/16", "", "eth0", 0)}},
	{name: "host wins over length", args: []string{"add", "-host", "10.1.0.0/16"}, want: routeReq{ext: 1, change: routeTo(true, "10.1.0.0/32", "", "", 0)}},
	{name: "no target", args: []string{"add", "-net"}, err: inetRouteUsage, st: 4},
	{name: "bogus length", args: []string{"add", "10.0.0.0/33"}, err: "route: bogus netmask 33", st: 4},
	{name: "unknown host", args: []string{"add", "foo", "gw", "bar"}, err: "foo: Unknown host", st: 6},
	{name: "unknown gateway", args: []string{"add", "10.0.0.0/8", "gw", "bar"}, err: "bar: Unknown host", st: 6},
	{name: "bogus netmask", args: []string{"add", "10.0.0.0", "netmask", "255.0.255.0"}, err: "route: bogus netmask 255.0.255.0", st: 4},
	{name: "missing value", args: []string{"add", "10.0.0.0/8", "gw"}, err: inetRouteUsage, st: 4},
	{name: "bad metric", args: []string{"add", "10.0.0.0/8", "metric", "2147483648"}, err: inetRouteUsage, st: 4},
	{name: "not masked", args: []string{"add", "10.1.0.0/8"}, err: "route: netmask doesn't match route address\n" + inetRouteUsage, st: 4},
}

func TestParseRoute(t *testing.T) {
	for _, c := range routeCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parseRoute(c.args)
			if c.err != "" {
				if st, msg := exitErr(err); err == nil || st != c.st || msg != c.err {
					t.Fatalf("parseRoute(%q): error %v, want status %d %q", c.args, err, c.st, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseRoute(%q): %v", c.args, err)
			}
			if !reflect.DeepEqual(r, c.want) {
				t.Errorf("parseRoute(%q) = %+v %+v, want %+v %+v", c.args, r, r.change, c.want, c.want.change)
			}
		})
	}
}

func FuzzParseRoute(f *testing.F) {
	for _, c := range routeCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := fuzzArgs(line)
		r, err := parseRoute(args)
		checkFuzzErr(t, args, err, 1, 4, 6)
		if err == nil && r.change != nil && r.change.route.Dst.Masked() != r.change.route.Dst {
			t.Fatalf("%q: route to %v, not a network address", args, r.change.route.Dst)
		}
	})
}
