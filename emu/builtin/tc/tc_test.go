package tc_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/shell"
)

// pair is two namespaces' worth of link, as the tests want it: va
// (10.9.0.1) in the host, vb (10.9.0.2) in namespace b.
const pair = `ip link add va type veth peer name vb
ip netns add b
ip link set vb netns b
ip addr add 10.9.0.1/24 dev va
ip link set va up
ip -n b addr add 10.9.0.2/24 dev vb
ip -n b link set vb up
ip -n b link set lo up
`

func TestTCCases(t *testing.T) {
	withNetem := pair + "tc qdisc add dev va root netem delay 10ms\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "show one", Setup: withNetem, Cmd: "tc qdisc show dev va",
			Out: "qdisc netem 8001: root refcnt 2 limit 1000 delay 10ms\n"},
		{Name: "show all", Setup: withNetem, Cmd: "tc qdisc",
			Out: "qdisc noqueue 0: dev lo root refcnt 2 \nqdisc netem 8001: dev va root refcnt 2 limit 1000 delay 10ms\n"},
		{Name: "show in another namespace", Setup: withNetem, Cmd: "tc -n b qdisc show",
			Out: "qdisc noqueue 0: dev lo root refcnt 2 \nqdisc noqueue 0: dev vb root refcnt 2 \n"},
		{Name: "ip link shows it", Setup: withNetem, Cmd: "ip link show va",
			OutRe: `qdisc netem state UP`},
		{Name: "add again", Setup: withNetem, Cmd: "tc qdisc add dev va root netem delay 20ms",
			Err: "Error: Exclusivity flag on, cannot modify.", Status: 2},
		{Name: "no such device", Setup: withNetem, Cmd: "tc qdisc add dev nosuch root netem delay 20ms",
			Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "no such namespace", Setup: withNetem, Cmd: "tc -n nosuch qdisc",
			Err: `Cannot open network namespace "nosuch": No such file or directory`, Status: 255},
		{Name: "unknown kind", Setup: withNetem, Cmd: "tc qdisc replace dev va root foo",
			Err: "Error: Specified qdisc kind is unknown.", Status: 2},
		{Name: "unknown option", Setup: withNetem, Cmd: "tc qdisc change dev va root netem bogus 1",
			Err: `What is "bogus"?`, Status: 1},
		{Name: "negative delay", Setup: withNetem, Cmd: "tc qdisc change dev va root netem delay -5ms",
			Err: `Illegal "latency"`, Status: 1},
		{Name: "loss over 100%", Setup: withNetem, Cmd: "tc qdisc change dev va root netem loss 120%",
			Err: `Illegal "loss percent"`, Status: 1},
		{Name: "peakrate not above rate", Setup: withNetem,
			Cmd: "tc qdisc replace dev va root tbf rate 1mbit burst 10k latency 10ms peakrate 1mbit mtu 1500",
			Err: "RTNETLINK answers: Invalid argument", Status: 2},
		{Name: "lo", Setup: withNetem, Cmd: "ip link set lo up; tc qdisc add dev lo root netem delay 1ms; tc qdisc show dev lo",
			Out: "qdisc netem 8002: root refcnt 2 limit 1000 delay 1ms\n"},
		{Name: "corrupt on lo", Setup: withNetem, Cmd: "tc qdisc add dev lo root netem corrupt 1%",
			Err: `nsemu: tc netem corrupt on "lo": not emulated`, Status: 2},
		{Name: "del", Setup: withNetem, Cmd: "tc qdisc del dev va root; tc qdisc show dev va",
			Out: "qdisc noqueue 0: root refcnt 2 \n"},
		{Name: "on a bridge port", Setup: "ip link add br0 type bridge\nip link add v1 type veth peer name v1-br\nip link set v1-br master br0\n",
			Cmd: "tc qdisc add dev v1-br root tbf rate 1mbit burst 10k latency 10ms; tc qdisc show dev v1-br",
			Out: "qdisc tbf 8001: root refcnt 2 rate 1Mbit burst 10Kb lat 10ms \n"},
	})
}

// run runs src in a fresh world seeded with seed and returns standard
// output and the world (closed at the test's end).
func run(t *testing.T, seed uint64, src string) (string, *emu.World) {
	t.Helper()
	w := emu.New(emu.Options{Seed: seed})
	t.Cleanup(w.Close)
	var out, errb bytes.Buffer
	if err := shell.New(w, nil, &out, &errb).RunScript(context.Background(), "t.sh", strings.NewReader(src), nil); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	return out.String(), w
}

var rttRe = regexp.MustCompile(`icmp_seq=(\d+) ttl=64 time=([0-9.]+) ms`)

// TestNetemDelayAddsUpOnTheEmulatedClock: delay 50ms on one end and 30ms
// on the other make pings of 80 ms, and ten seconds of delays cost no
// wall time.
func TestNetemDelayAddsUpOnTheEmulatedClock(t *testing.T) {
	start := time.Now()
	out, w := run(t, 1, pair+`tc qdisc add dev va root netem delay 50ms
ip netns exec b tc qdisc add dev vb root netem delay 30ms
ping -c 1 10.9.0.2 >/dev/null
ping -c 5 10.9.0.2
tc qdisc change dev va root netem delay 1s
ping -c 5 -q 10.9.0.2
`)
	ms := rttRe.FindAllStringSubmatch(out, -1)
	if len(ms) != 5 {
		t.Fatalf("%d replies, want 5:\n%s", len(ms), out)
	}
	for _, m := range ms {
		if rtt, _ := strconv.ParseFloat(m[2], 64); rtt < 80 || rtt >= 150 { // the emulated clock runs with wall time too: under load, a hop can take milliseconds
			t.Errorf("icmp_seq=%s: %s ms, want 80 ms (50 + 30)", m[1], m[2])
		}
	}
	if !regexp.MustCompile(`rtt min/avg/max/mdev = 10[3-9][0-9]\.`).MatchString(out) {
		t.Errorf("with 1 s one way, want rtts of 1030 ms:\n%s", out)
	}
	el := w.Clock().Elapsed()
	if el < 9*time.Second {
		t.Errorf("emulated time %v, want over 9 s of pings", el)
	}
	t.Logf("%v of emulated time in %v of wall time", el.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

var statsRe = regexp.MustCompile(`Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+) requeues (\d+)\)`)

// netemStats returns the counters tc -s prints for va.
func netemStats(t *testing.T, out string) (sent, dropped int) {
	t.Helper()
	m := statsRe.FindAllStringSubmatch(out, -1)
	if m == nil {
		t.Fatalf("no statistics in:\n%s", out)
	}
	last := m[len(m)-1]
	sent, _ = strconv.Atoi(last[2])
	dropped, _ = strconv.Atoi(last[3])
	return sent, dropped
}

// TestNetemLoss100DropsEveryProbe: the probes are all lost, and tc -s
// counts them.
func TestNetemLoss100DropsEveryProbe(t *testing.T) {
	out, _ := run(t, 1, pair+`ping -c 1 10.9.0.2 >/dev/null
tc qdisc add dev va root netem loss 100%
! ping -c 5 -W 1 10.9.0.2
tc -s qdisc show dev va
`)
	if !strings.Contains(out, "5 packets transmitted, 0 received, 100% packet loss") {
		t.Errorf("ping through loss 100%%:\n%s", out)
	}
	if sent, dropped := netemStats(t, out); sent != 0 || dropped < 5 {
		t.Errorf("tc -s: %d sent, %d dropped; want 0 and the 5 probes (and any ARP)", sent, dropped)
	}
}

// staticPair is pair with fixed MACs and permanent neighbours: no ARP
// crosses the link, only what the test sends.
const staticPair = pair + `ip link set va address 02:00:00:00:00:01
ip -n b link set vb address 02:00:00:00:00:02
ip neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev va
ip -n b neigh add 10.9.0.1 lladdr 02:00:00:00:00:01 dev vb
`

// TestNetemLossIsWithinStatisticalBounds: loss 10%, 25% and 50% over 2000
// probes (a fixed seed: the run repeats), within 4 standard deviations
// of the binomial mean; every probe is either sent or dropped. (ping
// floods with -i 0: the replies overflow its socket, as they would
// Linux's; the qdisc's counters are what count.)
func TestNetemLossIsWithinStatisticalBounds(t *testing.T) {
	const n = 2000
	for _, p := range []float64{10, 25, 50} {
		out, _ := run(t, 42, staticPair+fmt.Sprintf(`tc qdisc add dev va root netem loss %v%%
ping -q -c %d -i 0 -W 1 10.9.0.2 || true
tc -s qdisc show dev va
`, p, n))
		sent, dropped := netemStats(t, out)
		mean, sd := n*p/100, math.Sqrt(n*p/100*(1-p/100))
		if f := float64(dropped); f < mean-4*sd || f > mean+4*sd {
			t.Errorf("loss %v%%: %d of %d frames dropped, want %.0f ± %.0f", p, dropped, sent+dropped, mean, 4*sd)
		}
		if sent+dropped != n {
			t.Errorf("loss %v%%: %d sent and %d dropped of %d probes:\n%s", p, sent, dropped, n, out)
		}
	}
}

// TestNetemDuplicateShowsInPing: each probe goes twice, each answered.
func TestNetemDuplicateShowsInPing(t *testing.T) {
	out, _ := run(t, 1, pair+`tc qdisc add dev va root netem duplicate 100%
ping -c 3 10.9.0.2
`)
	if !strings.Contains(out, "(DUP!)") || !strings.Contains(out, "duplicates") {
		t.Errorf("no duplicate in:\n%s", out)
	}
}

// TestTBFRateShapesPings: 1000-byte pings at 64 kbit/s, with a burst of
// one frame, leave one per 128 ms: a flood of ten takes over a second.
func TestTBFRateShapesPings(t *testing.T) {
	out, w := run(t, 1, pair+`ping -c 1 10.9.0.2 >/dev/null
tc qdisc add dev va root tbf rate 64kbit burst 1100 limit 20000
ping -q -c 10 -i 0.001 -s 1000 10.9.0.2
tc -s qdisc show dev va
`)
	if !strings.Contains(out, "10 packets transmitted, 10 received") {
		t.Errorf("ping through tbf:\n%s", out)
	}
	if sent, dropped := netemStats(t, out); sent != 10 || dropped != 0 {
		t.Errorf("tc -s: %d sent, %d dropped", sent, dropped)
	}
	if m := statsRe.FindStringSubmatch(out); m == nil || m[4] == "0" {
		t.Errorf("no overlimits counted:\n%s", out)
	}
	if el := w.Clock().Elapsed(); el < time.Second {
		t.Errorf("10 frames of 1042 bytes at 64 kbit/s took %v, want over 1 s", el)
	}
}
