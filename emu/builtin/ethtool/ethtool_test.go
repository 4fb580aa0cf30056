package ethtool_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// session is a learner's walk through ethtool on a veth, a bridge and lo,
// in the formats recorded from the real tool (testdata/real-*.txt).
const session = `ip netns add ns1
ip link add veth0 type veth peer name eth0 netns ns1
ip link set veth0 up
ip link add br0 type bridge
ethtool veth0
ethtool -i veth0
ethtool -k veth0
ethtool -S veth0
ip netns exec ns1 ip link set eth0 up
ethtool veth0
ethtool -K veth0 tso off
ethtool -k veth0 | grep -e segmentation-offload -e tx-tcp-segmentation
ethtool -K veth0 tx off
ethtool -K veth0 tso on
ethtool -k veth0 | grep -e tx-checksumming -e tcp-segmentation
ethtool -K veth0 tx on
ethtool -K veth0 gso off rx off
ethtool -k veth0 | head -3
ethtool -K veth0 gro on
ethtool -K veth0 lro on
ethtool -K veth0 tso on
ethtool -K veth0
ethtool br0
ethtool -i br0
ethtool -k br0 | head -12
ethtool -S br0
ethtool -K br0 tso off
ethtool lo
ethtool -i lo
ethtool -k lo | head -4
ethtool -S lo
ethtool --version
`

// TestGolden replays the session and compares it with the golden file.
func TestGolden(t *testing.T) {
	emutest.Golden(t, "testdata/session.golden", builtintest.Transcript(t, session))
}

// TestErrors: bad input in ethtool 6.1's words and statuses; nothing
// changes.
func TestErrors(t *testing.T) {
	const setup = "ip link add veth0 type veth peer name veth1\n"
	nl := "netlink error: No such device"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "no args", Cmd: "ethtool", Err: "ethtool: bad command line argument(s)", Status: 1, Stderr: "For more information run ethtool -h\n"},
		{Name: "-k no dev", Cmd: "ethtool -k", Err: "ethtool: bad command line argument(s)", Status: 1},
		{Name: "-K no dev", Cmd: "ethtool -K", Err: "ethtool: bad command line argument(s)", Status: 1},
		{Name: "extra", Setup: setup, Cmd: "ethtool -k veth0 extra", Err: "ethtool: unexpected parameter 'extra'", Status: 1},
		{Name: "missing value", Setup: setup, Cmd: "ethtool -K veth0 tso", Err: "ethtool (-K): flag '(null)' for parameter '(null)' is not followed by 'on' or 'off'", Status: 1},
		{Name: "bad value", Setup: setup, Cmd: "ethtool -K veth0 tso maybe", Err: "ethtool (-K): flag 'maybe' for parameter '(null)' is not followed by 'on' or 'off'", Status: 1},
		{Name: "unknown feature", Setup: setup, Cmd: "ethtool -K veth0 bogus on", Err: "netlink error: Operation not supported", Status: 92, Stderr: "netlink error: bit name not found (offset 52)\n"},
		{Name: "-k nosuch", Cmd: "ethtool -k nosuch", Err: nl, Status: 1, Stderr: "netlink error: no device matches name (offset 24)\n"},
		{Name: "-K nosuch", Cmd: "ethtool -K nosuch tso off", Err: nl, Status: 92},
		{Name: "-i nosuch", Cmd: "ethtool -i nosuch", Err: "Cannot get driver information: No such device", Status: 71},
		{Name: "-S nosuch", Cmd: "ethtool -S nosuch", Err: "Cannot get stats strings information: No such device", Status: 96},
		{Name: "nosuch", Cmd: "ethtool nosuch", Err: "No data available", Status: 75},
		{Name: "not emulated", Setup: setup, Cmd: "ethtool -x veth0", Err: "nsemu: ethtool -x: not emulated", Status: 1},
	})
}

// txPackets is a device's TX packet count from ip -s link.
func txPackets(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`TX:.*\n\s+\d+\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no TX counters in\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestSegmentationChangesTheWire sends 4 MB over a veth pair with the
// offloads on, then off: with tso on, large segments cross whole (few
// packets); with tso and gso off, every frame is at most the MTU.
func TestSegmentationChangesTheWire(t *testing.T) {
	const bytes = 4 << 20
	for _, c := range []struct {
		name, setup string
		small       bool
	}{
		{"offloads on", "", false},
		{"tso off", "ethtool -K veth0 tso off\n", true},
		{"tso and gso off", "ethtool -K veth0 tso off gso off\n", true},
		{"tx off", "ethtool -K veth0 tx off\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			builtintest.MustRun(t, w, nil, builtintest.SetupPair+c.setup)
			out := builtintest.MustRun(t, w, nil, `ip netns exec ns1 iperf3 -s -1 > /dev/null &
sleep 0.1
iperf3 -c 10.0.0.2 -n 4M > /dev/null
wait
ip -s link show veth0
`)
			n := txPackets(t, out)
			// MTU frames: about 2900 data frames (less what the test's end
			// cut short); whole 64 KB segments: under a few hundred.
			if small := n >= bytes/4000; small != c.small {
				t.Errorf("%d packets sent for %d bytes: small frames %v, want %v", n, bytes, small, c.small)
			}
		})
	}
}

// TestRxOff: with rx checksumming off on the receiving side the transfer
// still completes (every checksum verified, large segments cut first).
func TestRxOff(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair+"ip netns exec ns1 ethtool -K eth0 rx off\n")
	out := builtintest.MustRun(t, w, nil, `ip netns exec ns1 iperf3 -s -1 > /dev/null &
sleep 0.1
iperf3 -c 10.0.0.2 -n 2M
wait
`)
	if !strings.Contains(out, "iperf Done.") {
		t.Errorf("transfer with rx off:\n%s", out)
	}
}
