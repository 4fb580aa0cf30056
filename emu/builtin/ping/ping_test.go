package ping_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestPing pings from the host (10.0.0.1, lo down) to ns1 (10.0.0.2) of
// builtintest.SetupPair, on purely emulated time: the times ping prints
// are exact there (TestPingWarp checks the warped clock's).
func TestPing(t *testing.T) {
	cases := []struct {
		name, args string
		// pre runs first (lo is down after SetupPair).
		pre    string
		status int
		want   []string // regexps that must match the output
	}{
		{name: "replies", args: "-c 3 10.0.0.2", status: 0, want: []string{
			`^PING 10\.0\.0\.2 \(10\.0\.0\.2\) 56\(84\) bytes of data\.\n`,
			`64 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64 time=\d+\.\d+ ms\n`,
			`64 bytes from 10\.0\.0\.2: icmp_seq=3 ttl=64 time=`,
			`\n--- 10\.0\.0\.2 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 20\d\dms\n`,
			`rtt min/avg/max/mdev = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms\n$`,
		}},
		{name: "size and ttl", args: "-c1 -s 100 -t 5 10.0.0.2", status: 0, want: []string{`100\(128\) bytes`, `108 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64`}},
		// No neighbour answers ARP for 10.0.0.9: after three requests, a
		// second apart, it is FAILED and the probes that waited for it are
		// reported as iputils does on Linux (from the sender's address),
		// through lo.
		{name: "no neighbour", args: "-c 2 10.0.0.9", status: 1, want: []string{
			`^PING 10\.0\.0\.9 \(10\.0\.0\.9\) 56\(84\) bytes of data\.\n` +
				`From 10\.0\.0\.1 icmp_seq=1 Destination Host Unreachable\n` +
				`From 10\.0\.0\.1 icmp_seq=2 Destination Host Unreachable\n\n` +
				`--- 10\.0\.0\.9 ping statistics ---\n` +
				`2 packets transmitted, 0 received, \+2 errors, 100% packet loss, time 1000ms\n` +
				`pipe 2\n`,
		}},
		{name: "no neighbour, lo down", pre: "ip link set lo down", args: "-c 2 10.0.0.9", status: 1, want: []string{
			`bytes of data\.\n\n--- 10\.0\.0\.9 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n`,
		}},
		{name: "no neighbour, four probes", pre: "ip link set lo up", args: "-c 4 10.0.0.9", status: 1, want: []string{
			`icmp_seq=4 Destination Host Unreachable\n\n`,
			`4 packets transmitted, 0 received, \+4 errors, 100% packet loss, time 3000ms\npipe 4\n`,
		}},
		// -W 1 gives up before the third ARP request is unanswered: no
		// error, and iputils' empty last line.
		{name: "no neighbour, short wait", pre: "ip link set lo up", args: "-c 1 -W 1 10.0.0.9", status: 1, want: []string{
			`\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n`,
		}},
		{name: "no reply", pre: "ip link set lo down", args: "-c 2 10.0.0.9", status: 1, want: []string{`2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n`}},
		// iputils' time ends at the last probe sent, not at its timeout.
		{name: "one probe, no reply", args: "-c 1 -W 1 10.0.0.9", status: 1, want: []string{`1 packets transmitted, 0 received, 100% packet loss, time 0ms\n`}},
		{name: "combined flags keep the earlier ones", args: "-c 2 -qn 10.0.0.2", status: 0, want: []string{`^PING [^\n]*\n\n--- 10\.0\.0\.2 ping statistics ---\n2 packets transmitted, 2 received`}},
		{name: "quiet", args: "-q -c 2 10.0.0.2", status: 0, want: []string{`^PING [^\n]*\n\n--- 10\.0\.0\.2 ping statistics`}},
		{name: "default four in scripts", args: "10.0.0.2", status: 0, want: []string{`4 packets transmitted, 4 received`}},
		{name: "deadline", args: "-w 3 10.0.0.9", status: 1, want: []string{`3 packets transmitted, 0 received`}},
		// DF set and too large for the 1500 MTU: iputils counts each probe
		// as sent and as an error, and says why on standard error.
		{name: "too large for DF", args: "-c 2 -M do -s 1473 10.0.0.2", status: 1, want: []string{
			`1473\(1501\) bytes of data\.\n\n--- 10\.0\.0\.2 ping statistics ---\n` +
				`2 packets transmitted, 0 received, \+2 errors, 100% packet loss, time 1000ms\n\n`,
			`ping: local error: message too long, mtu=1500\n`,
		}},
		{name: "fits with DF", args: "-c 1 -M do -s 1472 10.0.0.2", status: 0, want: []string{`1480 bytes from 10\.0\.0\.2`}},
		{name: "unreachable", args: "-c 1 192.0.2.1", status: 2, want: []string{`^ping: connect: Network is unreachable\n$`}},
		{name: "bad count", args: "-c 0 10.0.0.2", status: 2, want: []string{`invalid argument: '0'`}},
		{name: "bad host", args: "-c 1 nosuch.example", status: 2, want: []string{`ping: nosuch.example: Name or service not known`}},
		{name: "no destination", args: "-c 1", status: 2, want: []string{`Destination address required`}},
		{name: "loopback down", pre: "ip link set lo down", args: "-c 1 127.0.0.1", status: 2, want: []string{`Network is unreachable`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.EmulatedWorld(t)
			builtintest.MustRun(t, w, nil, builtintest.SetupPair+c.pre+"\n")
			r := builtintest.Run(t, w, nil, "ping "+c.args+"\n")
			// A failed step's standard error is its error line; on
			// status 1 that line is "exit status 1".
			out := r.Out + r.Err
			if r.Status != c.status {
				t.Errorf("exit status %d, want %d\n%s", r.Status, c.status, out)
			}
			for _, re := range c.want {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("output does not match %q:\n%s", re, out)
				}
			}
		})
	}
}

// TestPingWarp pings on the warped clock, which `nsemu run` uses without
// --seed: time runs with the wall clock and jumps over idle waits. A jump
// must never land between a reply's delivery and ping reading it (the
// reply would read as time=1000 ms), nor make an ARP failure look like a
// reply; the wall time a loaded machine takes shows only as a few
// milliseconds.
func TestPingWarp(t *testing.T) {
	rtt := regexp.MustCompile(`icmp_seq=\d+ ttl=64 time=(\d+(?:\.\d+)?) ms`)
	for i := 0; i < 5; i++ {
		w := builtintest.World(t)
		builtintest.MustRun(t, w, nil, builtintest.SetupPair)
		r := builtintest.Run(t, w, nil, "ping -c 3 10.0.0.2\n")
		if r.Status != 0 || !strings.Contains(r.Out, "3 packets transmitted, 3 received") {
			t.Fatalf("ping: status %d\n%s%s", r.Status, r.Out, r.Err)
		}
		for _, m := range rtt.FindAllStringSubmatch(r.Out, -1) {
			if ms, _ := strconv.ParseFloat(m[1], 64); ms >= 500 {
				t.Errorf("a reply took %s ms of emulated time: the clock jumped while it waited to be read\n%s", m[1], r.Out)
			}
		}
		r = builtintest.Run(t, w, nil, "ping -c 2 10.0.0.9\n")
		if !regexp.MustCompile(`2 packets transmitted, 0 received, \+2 errors, 100% packet loss, time 1\d{3}ms\n`).MatchString(r.Out) {
			t.Errorf("unanswered ARP:\n%s%s", r.Out, r.Err)
		}
	}
}
