package iproute2

import (
	"errors"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

// The parsers, table-tested on a fake world: the host holds lo, br0 (a
// bridge) and veth0 (its port); namespace ns1 exists.

var (
	fakeHost = &emu.Namespace{}
	fakeNS1  = &emu.Namespace{}
)

type fakeNames struct{}

func (fakeNames) link(name string) (emu.Kind, bool) {
	k, ok := map[string]emu.Kind{"lo": emu.KindLoopback, "br0": emu.KindBridge, "veth0": emu.KindVeth}[name]
	return k, ok
}

func (fakeNames) namespace(name string) (*emu.Namespace, bool) {
	if name == "ns1" {
		return fakeNS1, true
	}
	return nil, false
}

func (fakeNames) host() *emu.Namespace { return fakeHost }

func (fakeNames) tables() rtTables {
	return parseRTTables([]byte("100 isp2\n0x65 isp3 # comment\nbad line\n"))
}

func words(s string) *args { return &args{a: strings.Fields(s)} }

// parseCase is one parser case: a command line and the request it gives,
// or the error (status and message) it fails with.
type parseCase struct {
	in     string
	want   any
	status int
	err    string
}

// checkParse compares what a parser returned with a case.
func checkParse(t *testing.T, c parseCase, got any, err error) {
	t.Helper()
	if c.err != "" {
		var e *shell.ExitError
		if !errors.As(err, &e) || e.Status != c.status || e.Msg != c.err {
			t.Errorf("%q: error %v, want status %d %q", c.in, err, c.status, c.err)
		}
		return
	}
	if err != nil {
		t.Errorf("%q: %v", c.in, err)
		return
	}
	if !reflect.DeepEqual(got, c.want) {
		t.Errorf("%q:\n got %+v\nwant %+v", c.in, got, c.want)
	}
}

var linkCases = []parseCase{
	{in: "veth0 up", want: &linkReq{dev: "veth0", change: change{up: ptr(true)}}},
	{in: "dev veth0 down name eth0 mtu 1400 address 02:00:00:00:00:01 netns ns1 master br0",
		want: &linkReq{dev: "veth0", name: "eth0", netns: fakeNS1, change: change{up: ptr(false), mtu: ptr(int64(1400)),
			mac: net.HardwareAddr{2, 0, 0, 0, 0, 1}, master: ptr("br0")}}},
	{in: "veth0 netns 1 nomaster", want: &linkReq{dev: "veth0", netns: fakeHost, change: change{master: ptr("")}}},
	{in: "v0 mtu 9000 up type veth peer name v1 mtu 1400",
		want: &linkReq{dev: "v0", typ: "veth", typArgs: []string{"peer", "name", "v1", "mtu", "1400"},
			change: change{up: ptr(true), mtu: ptr(int64(9000))}}},
	{in: "name br1 ty bridge", want: &linkReq{name: "br1", typ: "bridge", typArgs: []string{}}},
	{in: "veth0 txqueuelen 1000 t 5 alias x numtxq 2 link-netnsid 0 li eth9", want: &linkReq{dev: "veth0"}},
	{in: "veth0 nom", want: &linkReq{dev: "veth0", change: change{master: ptr("")}}},
	{in: "a type veth peer name b", status: 1, err: `"type" is invalid lladdr.`},
	{in: "veth0 address 02:00:00:00:01", status: 1, err: "Invalid address length 5 - must be 6 bytes"},
	{in: "veth0 veth1", status: 255, err: `Error: either "dev" is duplicate, or "veth1" is a garbage.`},
	{in: "veth0 name a name b", status: 255, err: `Error: duplicate "name": "b" is the second value.`},
	{in: "veth0 mtu 1 mtu 2", status: 255, err: `Error: duplicate "mtu": "2" is the second value.`},
	{in: "veth0 mtu x", status: 255, err: "Error: argument \"x\" is wrong: Invalid \"mtu\" value\n"},
	{in: "name toolongname12345", status: 255, err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`},
	{in: "a/b", status: 255, err: `Error: argument "a/b" is wrong: "dev" not a valid ifname`},
	{in: "veth0 netns nosuch", status: 255, err: "Error: argument \"nosuch\" is wrong: Invalid \"netns\" value\n"},
	{in: "veth0 netns 42", status: 2, err: "RTNETLINK answers: No such process"},
	{in: "veth0 master br9", status: 255, err: "Error: argument \"br9\" is wrong: Device does not exist\n"},
	{in: "veth0 xdp off", status: 2, err: `nsemu: "ip link ... xdp" is not emulated`},
	{in: "veth0 mtu", status: 255, err: `Command line is not complete. Try option "help"`},
	{in: "he", status: 255, err: "Usage: ip link add [ name ] NAME type TYPE [ ARGS ]"},
	{in: "dev help", want: &linkReq{dev: "help"}},
}

func TestParseLinkReq(t *testing.T) {
	for _, c := range linkCases {
		r, err := parseLinkReq(words(c.in), fakeNames{})
		checkParse(t, c, r, err)
	}
}

var linkFilterCases = []parseCase{
	{in: "", want: &linkFilter{}},
	{in: "dev veth0 up type veth master br0", want: &linkFilter{dev: "veth0", up: true, kind: "veth", master: "br0"}},
	{in: "nomaster scope global secondary lo", want: &linkFilter{dev: "lo", master: "-"}},
	// ip link show has no "to": it is a device name.
	{in: "to 10.0.0.0/8", status: 255, err: `Error: either "dev" is duplicate, or "10.0.0.0/8" is a garbage.`},
	{in: "master nosuch", status: 255, err: "Error: argument \"nosuch\" is wrong: Device does not exist\n"},
	{in: "lo veth0", status: 255, err: `Error: either "dev" is duplicate, or "veth0" is a garbage.`},
	{in: "h", status: 255, err: ipUsage},
}

var addrFilterCases = []parseCase{
	{in: "to 10.0.0.0/8 dev br0", want: &linkFilter{dev: "br0", to: netip.MustParsePrefix("10.0.0.0/8"), hasTo: true}},
	{in: "to x", status: 1, err: `Error: inet prefix is expected rather than "x".`},
}

func TestParseLinkFilter(t *testing.T) {
	for _, c := range linkFilterCases {
		f, err := parseLinkFilter(words(c.in), fakeNames{}, false)
		checkParse(t, c, f, err)
	}
	for _, c := range addrFilterCases {
		f, err := parseLinkFilter(words(c.in), fakeNames{}, true)
		checkParse(t, c, f, err)
	}
}

var bridgeOptCases = []parseCase{
	{in: "", want: (*time.Duration)(nil)},
	{in: "ageing_time 1000 stp_state 0 fdb_flush forward_delay 4", want: ptr(10 * time.Second)},
	{in: "foo", status: 1, err: `bridge: unknown command "foo"?`},
	{in: "ageing_time", status: 255, err: `Command line is not complete. Try option "help"`},
	{in: "ageing_time -1", status: 255, err: `Error: argument "-1" is wrong: invalid ageing_time`},
	{in: "stp_state 1", status: 2, err: "nsemu: STP is not emulated (stp_state 1)"},
}

func TestParseBridgeOpts(t *testing.T) {
	for _, c := range bridgeOptCases {
		d, err := parseBridgeOpts(strings.Fields(c.in))
		checkParse(t, c, d, err)
	}
}

var addrCases = []parseCase{
	{in: "10.0.0.3/24 dev br0", want: &addrReq{dev: "br0", local: netip.MustParsePrefix("10.0.0.3/24"), hasLen: true, set: true}},
	{in: "local 10.1.0.1/255.255.0.0 brd + dev br0 label br0:1 scope link metric 5 nodad",
		want: &addrReq{dev: "br0", local: netip.MustParsePrefix("10.1.0.1/16"), hasLen: true, set: true}},
	{in: "10.0.0.3 dev br0 p 5 pri 7", want: &addrReq{dev: "br0", local: netip.MustParsePrefix("10.0.0.3/32"), set: true}},
	{in: "dev br0", want: &addrReq{dev: "br0"}},
	{in: "10.0.0.3/24", status: 1, err: `Not enough information: "dev" argument is required.`},
	{in: "300.1.1.1/24 dev br0", status: 1, err: `Error: inet prefix is expected rather than "300.1.1.1/24".`},
	{in: "10.0.0.1 10.0.0.2 dev br0", status: 255, err: `Error: either "local" is duplicate, or "10.0.0.2" is a garbage.`},
	{in: "10.0.0.1 brd x dev br0", status: 1, err: `Error: inet address is expected rather than "x".`},
	{in: "10.0.0.1 scope x dev br0", status: 255, err: `Error: argument "x" is wrong: invalid scope value.`},
	{in: "10.0.0.1 metric -1 dev br0", status: 255, err: "Error: argument \"-1\" is wrong: \"metric\" value is invalid\n"},
	{in: "10.0.0.1 peer 10.0.0.2 dev br0", status: 2, err: "nsemu: point-to-point addresses (peer) are not emulated"},
	{in: "local help", status: 255, err: "Usage: ip address {add|change|replace|del} IFADDR dev IFNAME"},
}

func TestParseAddrReq(t *testing.T) {
	for _, c := range addrCases {
		r, err := parseAddrReq(words(c.in))
		checkParse(t, c, r, err)
	}
}

var routeCases = []parseCase{
	{in: "10.8.0.0/16 via 10.0.0.2 metric 7 src 10.0.0.1 dev br0",
		want: &routeReq{dst: netip.MustParsePrefix("10.8.0.0/16"), dstSet: true, gw: netip.MustParseAddr("10.0.0.2"),
			metric: 7, hasMetric: true, src: netip.MustParseAddr("10.0.0.1"), dev: "br0", table: 254}},
	{in: "default via inet 10.0.0.1 table main proto static onlink mtu lock 1400",
		want: &routeReq{dst: netip.MustParsePrefix("0.0.0.0/0"), dstSet: true, gw: netip.MustParseAddr("10.0.0.1"), table: 254, onlink: true}},
	{in: "to unicast 10/8 oif br0 p 3", want: &routeReq{dst: netip.MustParsePrefix("10.0.0.0/8"), dstSet: true,
		dev: "br0", metric: 3, hasMetric: true, table: 254}},
	{in: "dev br0", status: 255, err: routeUsage},
	{in: "blackhole 10.0.0.0/8 table isp2", want: &routeReq{dst: netip.MustParsePrefix("10.0.0.0/8"), dstSet: true, typ: "blackhole", table: 100}},
	{in: "throw 10.0.0.0/8 table 0x65", want: &routeReq{dst: netip.MustParsePrefix("10.0.0.0/8"), dstSet: true, typ: "throw", table: 101}},
	{in: "10/8 table isp3 dev br0", want: &routeReq{dst: netip.MustParsePrefix("10.0.0.0/8"), dstSet: true, dev: "br0", table: 101}},
	{in: "nat 10.0.0.0/8", status: 2, err: `nsemu: route type "nat" is not emulated`},
	{in: "10/8 table nosuch", status: 255, err: "Error: argument \"nosuch\" is wrong: \"table\" value is invalid\n"},
	{in: "10/8 table 4294967296", status: 255, err: "Error: argument \"4294967296\" is wrong: \"table\" value is invalid\n"},
	{in: "10/8 dev br0 table local", status: 2, err: "nsemu: routes of the local table are the kernel's (they come with the addresses)"},
	{in: "10/8 nexthop via 10.0.0.1", status: 2, err: `nsemu: route attribute "nexthop" is not emulated`},
	{in: "10/8 via x", status: 1, err: `Error: inet address is expected rather than "x".`},
	{in: "10/8 20/8", status: 255, err: `Error: either "to" is duplicate, or "20/8" is a garbage.`},
	{in: "10/33", status: 1, err: `Error: inet prefix is expected rather than "10/33".`},
	{in: "10/8 metric x", status: 255, err: "Error: argument \"x\" is wrong: \"metric\" value is invalid\n"},
	{in: "10/8 scope x", status: 255, err: "Error: argument \"x\" is wrong: invalid \"scope\" value\n"},
	{in: "10/8 mtu lock", status: 255, err: `Command line is not complete. Try option "help"`},
	{in: "help", status: 255, err: routeUsage},
}

func TestParseRouteReq(t *testing.T) {
	for _, c := range routeCases {
		r, err := parseRouteReq(words(c.in), fakeNames{})
		checkParse(t, c, r, err)
	}
}

var routeFilterCases = []parseCase{
	{in: "", want: &routeFilter{table: 254}},
	{in: "root 10/8 dev br0 proto kernel scope link", want: &routeFilter{prefix: netip.MustParsePrefix("10.0.0.0/8"), mode: "root",
		dev: "br0", proto: "kernel", scope: "link", anything: true, table: 254}},
	{in: "10.1.2.3/8 t 100", want: &routeFilter{prefix: netip.MustParsePrefix("10.0.0.0/8"), mode: "exact", anything: true, table: 100}},
	{in: "via 10.0.0.1 type unicast cache", want: &routeFilter{via: netip.MustParseAddr("10.0.0.1"), cache: true, anything: true, table: 254, hasType: true}},
	{in: "table all type 7", want: &routeFilter{anything: true, hasType: true, typ: "unreachable"}},
	{in: "table local type multicast", want: &routeFilter{anything: true, table: 255, hasType: true, typ: "multicast", none: true}},
	{in: "table isp2", want: &routeFilter{anything: true, table: 100}},
	{in: "dev nosuch", status: 1, err: `Cannot find device "nosuch"`},
	{in: "table nosuch", status: 255, err: "Error: argument \"nosuch\" is wrong: table id value is invalid\n"},
	{in: "type nosuch", status: 255, err: "Error: argument \"nosuch\" is wrong: node type value is invalid\n"},
	{in: "match 10/8 to 20/8", status: 255, err: `Error: either "to" is duplicate, or "20/8" is a garbage.`},
}

func TestParseRouteFilter(t *testing.T) {
	for _, c := range routeFilterCases {
		f, err := parseRouteFilter(words(c.in), fakeNames{})
		checkParse(t, c, f, err)
	}
}

var routeGetCases = []parseCase{
	{in: "10.0.0.2 from 10.0.0.1 connected", want: &routeGetReq{dst: netip.MustParsePrefix("10.0.0.2/32"), from: netip.MustParseAddr("10.0.0.1")}},
	{in: "to 10.0.0.2/24 iif br0 mark 0x10", want: &routeGetReq{dst: netip.MustParsePrefix("10.0.0.2/24"), iif: "br0", mark: 16}},
	{in: "10.0.0.2 oif veth0 mark x", want: &routeGetReq{dst: netip.MustParsePrefix("10.0.0.2/32"), oif: "veth0"}},
	{in: "10.0.0.2 dev veth0", want: &routeGetReq{dst: netip.MustParsePrefix("10.0.0.2/32"), oif: "veth0"}},
	{in: "from 10.0.0.1", status: 1, err: "need at least a destination address"},
	{in: "1.2.3.4 from 1.2.3.300", status: 1, err: `Error: inet prefix is expected rather than "1.2.3.300".`},
	{in: "1.2.3.4 5.6.7.8", status: 255, err: `Error: either "to" is duplicate, or "5.6.7.8" is a garbage.`},
	{in: "1.2.3.4 iif", status: 255, err: `Command line is not complete. Try option "help"`},
}

func TestParseRouteGet(t *testing.T) {
	for _, c := range routeGetCases {
		a, err := parseRouteGet(words(c.in))
		checkParse(t, c, a, err)
	}
}

var neighListCases = []parseCase{
	{in: "", want: &neighReq{list: true}},
	{in: "dev br0 nud permanent nud stale to 10/8", want: &neighReq{list: true, dev: "br0", nud: "stale",
		states: map[string]bool{"PERMANENT": true, "STALE": true}, to: netip.MustParsePrefix("10.0.0.0/8"), hasTo: true}},
	{in: "proxy dev nosuch", want: &neighReq{list: true, proxy: true}},
	{in: "dev nosuch", status: 1, err: `Cannot find device "nosuch"`},
	{in: "nud bad", status: 255, err: `Error: argument "bad" is wrong: nud state is bad`},
	{in: "lladdr 02:00:00:00:00:01", status: 1, err: `Error: inet prefix is expected rather than "lladdr".`},
	{in: "help", status: 255, err: neighListUsage},
}

var neighModifyCases = []parseCase{
	{in: "10.0.0.7 lladdr 02:00:00:00:00:07 dev br0 nud noarp router", want: &neighReq{dev: "br0", nud: "noarp",
		to: netip.MustParsePrefix("10.0.0.7/32"), hasTo: true, mac: net.HardwareAddr{2, 0, 0, 0, 0, 7}}},
	{in: "to 10.0.0.7 dev nosuch", want: &neighReq{dev: "nosuch", nud: "permanent", to: netip.MustParsePrefix("10.0.0.7/32"), hasTo: true}},
	{in: "10.0.0.7 lladdr 02:00:00:00:00:07", status: 255, err: "Device and destination are required arguments."},
	{in: "10.0.0.7 dev br0 nud all", status: 255, err: `Error: argument "all" is wrong: nud state is bad`},
	{in: "10.0.0.7 dev br0 proxy", status: 2, err: "nsemu: proxy neighbour entries are not emulated"},
	{in: "10.0.0.0/8 dev br0", status: 1, err: `Error: inet address is expected rather than "10.0.0.0/8".`},
	{in: "10.0.0.7 lladdr zz dev br0", status: 1, err: `"zz" is invalid lladdr.`},
	{in: "help", status: 255, err: neighModifyUsage},
}

func TestParseNeigh(t *testing.T) {
	for _, c := range neighListCases {
		r, err := parseNeigh(words(c.in), fakeNames{}, true)
		checkParse(t, c, r, err)
	}
	for _, c := range neighModifyCases {
		r, err := parseNeigh(words(c.in), fakeNames{}, false)
		checkParse(t, c, r, err)
	}
}

var netnsCases = []parseCase{
	{in: "", want: &netnsReq{cmd: "list"}},
	{in: "l", want: &netnsReq{cmd: "list"}},
	{in: "list-", want: &netnsReq{cmd: "list-id"}},
	{in: "add ns3", want: &netnsReq{cmd: "add", name: "ns3"}},
	{in: "del ns3", want: &netnsReq{cmd: "delete", name: "ns3"}},
	{in: "exec ns1 ip link", want: &netnsReq{cmd: "exec", name: "ns1", argv: []string{"ip", "link"}}},
	{in: "add a/b", status: 255, err: `Invalid netns name "a/b"`},
	{in: "add", status: 1, err: "No netns name specified"},
	{in: "exec", status: 1, err: "No netns name specified"},
	{in: "exec ns1", status: 1, err: "No command specified"},
	{in: "pids ns1", status: 1, err: `nsemu: "ip netns pids" is not emulated`},
	{in: "foo", status: 255, err: `Command "foo" is unknown, try "ip netns help".`},
}

func TestParseNetns(t *testing.T) {
	for _, c := range netnsCases {
		r, err := parseNetns(words(c.in))
		checkParse(t, c, r, err)
	}
}

var optionCases = []parseCase{
	{in: "", want: &options{}},
	{in: "-o -s -s -br -4 -d link", want: &options{oneline: true, stats: 2, brief: true, family: 4, details: true}},
	{in: "--oneline -f inet6 -n ns1 -color=never -rc 5", want: &options{oneline: true, family: 6, netns: fakeNS1}},
	{in: "-V -x", want: &options{version: true}},
	{in: "-- -x", want: &options{}},
	{in: "-x", status: 255, err: `Option "-x" is unknown, try "ip -help".`},
	{in: "-f foo", status: 255, err: `Error: argument "foo" is wrong: invalid protocol family`},
	{in: "-n nosuch", status: 255, err: `Cannot open network namespace "nosuch": No such file or directory`},
	{in: "-j -p", want: &options{json: true, pretty: true}},
	{in: "-json -pretty", want: &options{json: true, pretty: true}},
	{in: "-b", status: 255, err: "nsemu: ip -batch is not supported; write the commands in the script"},
	{in: "-h", want: &options{}}, // -human
	{in: "-he", status: 255, err: ipUsage},
	{in: "-n", status: 255, err: `Command line is not complete. Try option "help"`},
}

var bridgeOptionCases = []parseCase{
	{in: "-s -d fdb", want: &options{stats: 1, details: true}},
	{in: "-br", status: 255, err: `Option "-br" is unknown, try "bridge help".`},
	{in: "-help", status: 255, err: bridgeUsage},
}

func TestParseOptions(t *testing.T) {
	for _, c := range optionCases {
		o, err := parseOptions(words(c.in), "ip", fakeNames{})
		checkParse(t, c, o, err)
	}
	for _, c := range bridgeOptionCases {
		o, err := parseOptions(words(c.in), "bridge", fakeNames{})
		checkParse(t, c, o, err)
	}
}

var bridgeLinkCases = []parseCase{
	{in: "dev veth0 master br0", want: &bridgeReq{port: "veth0"}},
	{in: "veth0 lo", status: 255, err: `Error: either "dev" is duplicate, or "lo" is a garbage.`},
	{in: "nosuch", status: 255, err: `Cannot find device "nosuch"`},
}

var fdbCases = []parseCase{
	{in: "br br0 brport veth0 dev lo vlan 1 dynamic", want: &bridgeReq{br: "br0", port: "lo", dynamic: true}},
	{in: "br veth0", status: 255, err: `Cannot find bridge device "veth0"`},
	{in: "dev veth0 lo", status: 255, err: `Error: either "dev" is duplicate, or "lo" is a garbage.`},
}

func TestParseBridge(t *testing.T) {
	for _, c := range bridgeLinkCases {
		r, err := parseBridgeLink(words(c.in), fakeNames{})
		checkParse(t, c, r, err)
	}
	for _, c := range fdbCases {
		r, err := parseFDB(words(c.in), fakeNames{})
		checkParse(t, c, r, err)
	}
}

func TestParseNumbers(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    uint64
		fail bool
	}{{"0", 0, false}, {"10", 10, false}, {"0x1f", 31, false}, {"010", 8, false}, {"08", 0, true}, {"0x", 0, true},
		{"", 0, true}, {"-1", 0, true}, {"18446744073709551615", 1<<64 - 1, false}, {"18446744073709551616", 0, true}} {
		if n, ok := parseUint(c.s); ok == c.fail || n != c.n {
			t.Errorf("parseUint(%q) = %d, %v", c.s, n, ok)
		}
	}
	for s, want := range map[string]string{"10": "10.0.0.0", "10.1": "10.1.0.0", "0x0a.0.0.010": "10.0.0.8", "1.2.3.4.5": "", "256.1": ""} {
		a, ok := parseIPv4(s)
		if (want == "") == ok || (ok && a.String() != want) {
			t.Errorf("parseIPv4(%q) = %v, %v; want %q", s, a, ok, want)
		}
	}
	for s, want := range map[string]string{"10/8": "10.0.0.0/8", "10.1.2.3/255.255.0.0": "10.1.2.3/16", "1.2.3.4": "1.2.3.4/32",
		"default": "0.0.0.0/0", "10/255.0.255.0": "", "10/33": ""} {
		p, _, ok := parsePrefix(s, true)
		if (want == "") == ok || (ok && p.String() != want) {
			t.Errorf("parsePrefix(%q) = %v, %v; want %q", s, p, ok, want)
		}
	}
	for s, want := range map[string]string{"02:00:00:00:00:01": "02:00:00:00:00:01", "0x2:1": "02:01", "2g:1": "02:01", "zz": "", "100": ""} {
		m, err := parseLLAddr(s)
		if (want == "") != (err != nil) || (err == nil && m.String() != want) {
			t.Errorf("parseLLAddr(%q) = %v, %v; want %q", s, m, err, want)
		}
	}
}

var ruleCases = []parseCase{
	{in: "from 10.2.2.0/24 table isp2", want: &ruleReq{rule: stack.Rule{From: netip.MustParsePrefix("10.2.2.0/24"), Table: 100, SuppressPrefixLength: -1}, hasTable: true}},
	{in: "not to 10/8 iif br0 oif veth0 fwmark 0x10/0xf0 pref 7 blackhole",
		want: &ruleReq{rule: stack.Rule{Not: true, To: netip.MustParsePrefix("10.0.0.0/8"), IIF: "br0", OIF: "veth0", Mark: 16, Mask: 0xf0, HasMark: true,
			Priority: 7, Action: stack.RuleBlackhole, SuppressPrefixLength: -1}, hasPriority: true, hasAction: true}},
	{in: "from all lookup main suppress_prefixlength 0 type goto 40", want: &ruleReq{rule: stack.Rule{From: netip.MustParsePrefix("0.0.0.0/0"),
		Table: 254, SuppressPrefixLength: 0, Action: stack.RuleGoto, Goto: 40}, hasTable: true, hasAction: true}},
	{in: "dev nosuch nop", want: &ruleReq{rule: stack.Rule{IIF: "nosuch", Action: stack.RuleNop, SuppressPrefixLength: -1}, hasAction: true}},
	{in: "from 1.2.3.300", status: 1, err: `Error: any valid prefix is expected rather than "1.2.3.300".`},
	{in: "pref x", status: 255, err: "Error: argument \"x\" is wrong: preference value is invalid\n"},
	{in: "fwmark 1/y", status: 255, err: "Error: argument \"y\" is wrong: fwmask value is invalid\n"},
	{in: "table x1", status: 255, err: "Error: argument \"x1\" is wrong: invalid table ID\n"},
	{in: "throw", status: 2, err: `nsemu: rule type "throw" is not emulated`},
	{in: "sport 80", status: 2, err: `nsemu: the rule selector or action "sport" is not emulated`},
	{in: "goto", status: 255, err: `Command line is not complete. Try option "help"`},
}

func TestParseRule(t *testing.T) {
	for _, c := range ruleCases {
		r, err := parseRuleReq(words(c.in), fakeNames{})
		checkParse(t, c, r, err)
	}
}

var monitorCases = []parseCase{
	{in: "link addr", want: &monitorReq{objects: map[string]bool{"link": true, "address": true}}},
	{in: "all dev br0", want: &monitorReq{objects: map[string]bool{"link": true, "address": true, "route": true, "mroute": false,
		"prefix": false, "neigh": true, "netconf": false, "rule": true, "nsid": false, "nexthop": false, "stats": false}, label: true, dev: "br0"}},
	{in: "neighbour label", want: &monitorReq{objects: map[string]bool{"neigh": true}, label: true}},
	{in: "nexthop", status: 1, err: `nsemu: "ip monitor nexthop" is not emulated`},
	{in: "dev", status: 255, err: `Command line is not complete. Try option "help"`},
	{in: "bogus", status: 255, err: `Argument "bogus" is unknown, try "ip monitor help".`},
}

func TestParseMonitor(t *testing.T) {
	for _, c := range monitorCases {
		r, err := parseMonitor(words(c.in), fakeNames{})
		checkParse(t, c, r, err)
	}
}
