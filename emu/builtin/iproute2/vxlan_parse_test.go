package iproute2

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/stack/vxlan"
)

// vxlanParsed is what parseVxlan returns, for the cases.
type vxlanParsed struct {
	cfg  vxlan.Config
	warn bool
}

var vxlanCases = []parseCase{
	{in: "id 42 dstport 4789 dev veth0", want: vxlanParsed{cfg: vxlan.Config{VNI: 42, Port: 4789, Dev: "veth0", Learning: true}}},
	{in: "vni 7 remote 192.0.2.2 local 192.0.2.1 nolearning ttl 10 ageing 60 dstport 8472",
		want: vxlanParsed{cfg: vxlan.Config{VNI: 7, Port: 8472, Remote: netip.MustParseAddr("192.0.2.2"),
			Local: netip.MustParseAddr("192.0.2.1"), TTL: 10, Ageing: time.Minute}}},
	{in: "id 1 group 239.1.1.1 dev veth0", want: vxlanParsed{warn: true, cfg: vxlan.Config{VNI: 1, Port: vxlan.KernelPort,
		Group: netip.MustParseAddr("239.1.1.1"), Dev: "veth0", Learning: true}}},
	{in: "id 1 dstport 0", want: vxlanParsed{cfg: vxlan.Config{VNI: 1, Port: vxlan.KernelPort, Learning: true}}},
	{in: "id 1 dstport 4789 remote any local any ttl auto", want: vxlanParsed{cfg: vxlan.Config{VNI: 1, Port: 4789, Learning: true}}},
	{in: "", status: 2, err: "Error: Required attributes not provided to perform the operation."},
	{in: "dstport 4789", status: 1, err: "vxlan: missing virtual network identifier"},
	{in: "id 16777216", status: 255, err: `Error: argument "16777216" is wrong: invalid id`},
	{in: "id -1", status: 255, err: `Error: argument "-1" is wrong: invalid id`},
	{in: "id", status: 255, err: `Command line is not complete. Try option "help"`},
	{in: "id 5 dstport 70000", status: 255, err: `Error: argument "70000" is wrong: dst port`},
	{in: "id 5 dev nosuch", status: 255, err: `Cannot find device "nosuch"`},
	{in: "id 5 remote 192.0.2.1 group 239.1.1.1 dev veth0", status: 1, err: "vxlan: both group and remote cannot be specified"},
	{in: "id 5 group 239.1.1.1", status: 1, err: "vxlan: 'group' requires 'dev' to be specified"},
	{in: "id 5 group 192.0.2.1", status: 255, err: `Error: argument "192.0.2.1" is wrong: invalid group address`},
	{in: "id 5 remote 239.1.1.1", status: 255, err: `Error: argument "239.1.1.1" is wrong: invalid remote address`},
	{in: "id 5 local 239.1.1.1", status: 255, err: `Error: argument "239.1.1.1" is wrong: invalid local address`},
	{in: "id 5 remote nonsense", status: 1, err: `Error: any valid address is expected rather than "nonsense".`},
	{in: "id 5 ttl 300", status: 255, err: `Error: argument "300" is wrong: TTL must be <= 255`},
	{in: "id 5 ttl abc", status: 255, err: `Error: argument "abc" is wrong: invalid TTL`},
	{in: "id 5 learning nolearning", status: 255, err: `Error: either "nolearning" is duplicate, or "nolearning" is a garbage.`},
	{in: "id 5 proxy", status: 2, err: `nsemu: vxlan "proxy" is not emulated`},
	{in: "id 5 foo", status: 1, err: "vxlan: unknown command \"foo\"?\n" + vxlanUsage},
}

func TestParseVxlan(t *testing.T) {
	for _, c := range vxlanCases {
		cfg, warn, err := parseVxlan(strings.Fields(c.in), fakeNames{})
		checkParse(t, c, vxlanParsed{cfg: cfg, warn: warn != ""}, err)
	}
}

var fdbModCases = []parseCase{
	{in: "00:00:00:00:00:00 dev veth0 dst 192.0.2.2", want: &fdbMod{mac: net.HardwareAddr{0, 0, 0, 0, 0, 0},
		macArg: "00:00:00:00:00:00", dev: "veth0", dstSet: true, state: "permanent",
		remote: vxlan.Remote{IP: netip.MustParseAddr("192.0.2.2")}}},
	{in: "to 02:00:00:00:00:01 dev veth0 dst 192.0.2.2 port 5000 vni 9 via veth0 self static",
		want: &fdbMod{mac: net.HardwareAddr{2, 0, 0, 0, 0, 1}, macArg: "02:00:00:00:00:01", dev: "veth0", dstSet: true,
			state: "static", remote: vxlan.Remote{IP: netip.MustParseAddr("192.0.2.2"), Port: 5000, VNI: 9, Via: "veth0"}}},
	{in: "dev veth0", status: 255, err: "Device and address are required arguments."},
	{in: "nonsense dev veth0", status: 255, err: "Invalid mac address nonsense"},
	{in: "02:00:00:00:00:01 dev veth0 dst nonsense", status: 1, err: `Error: any valid address is expected rather than "nonsense".`},
	{in: "02:00:00:00:00:01 dev veth0 vni 16777216", status: 255, err: "Error: argument \"16777216\" is wrong: invalid VNI\n"},
	{in: "02:00:00:00:00:01 dev veth0 via nosuch", status: 255, err: `Cannot find device "nosuch"`},
	{in: "02:00:00:00:00:01 02:00:00:00:00:02", status: 255, err: `Error: either "to" is duplicate, or "02:00:00:00:00:02" is a garbage.`},
	{in: "02:00:00:00:00:01 dev veth0 vlan 5", status: 1, err: `nsemu: "bridge fdb ... vlan" is not emulated`},
}

func TestParseFDBMod(t *testing.T) {
	for _, c := range fdbModCases {
		m, err := parseFDBMod(&args{a: strings.Fields(c.in)}, fakeNames{})
		if m != nil {
			m.env = nil
		}
		checkParse(t, c, m, err)
	}
}

func FuzzParseVxlan(f *testing.F) {
	fuzzParsers(f, [][]parseCase{vxlanCases, fdbModCases},
		func(a *args) (any, error) {
			cfg, warn, err := parseVxlan(a.rest(), fakeNames{})
			return vxlanParsed{cfg: cfg, warn: warn != ""}, err
		},
		func(a *args) (any, error) { return parseFDBMod(a, fakeNames{}) })
}
