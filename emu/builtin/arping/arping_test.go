package arping_test

import (
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

const pair = `ip netns add a
ip netns add b
ip link add v0 netns a address 02:00:00:00:00:01 type veth peer name v1 netns b address 02:00:00:00:00:02
ip -n a addr add 10.0.0.1/24 dev v0
ip -n b addr add 10.0.0.2/24 dev v1
ip -n a link set v0 up
ip -n b link set v1 up
`

// TestEmulatedTime: on purely emulated time a reply takes its two hops'
// modelled latency (40 µs), which arping 20221126 prints as 0.540ms, and
// the probes go once a second: -c 3 ends at the third second's tick, -w 2
// at the second's (after a third probe at that same tick), -c with -w at
// the last reply; a script's arping without -c or -w sends 4.
func TestEmulatedTime(t *testing.T) {
	cases := []struct {
		cmd, out string
		took     time.Duration
	}{
		{"ip netns exec a arping -c 3 10.0.0.2", "ARPING 10.0.0.2 from 10.0.0.1 v0\n" +
			"Unicast reply from 10.0.0.2 [02:00:00:00:00:02]  0.540ms\n" +
			"Unicast reply from 10.0.0.2 [02:00:00:00:00:02]  0.540ms\n" +
			"Unicast reply from 10.0.0.2 [02:00:00:00:00:02]  0.540ms\n" +
			"Sent 3 probes (1 broadcast(s))\nReceived 3 response(s)\n", 3 * time.Second},
		{"! ip netns exec a arping -w 2 10.0.0.9", "ARPING 10.0.0.9 from 10.0.0.1 v0\nSent 3 probes (3 broadcast(s))\nReceived 0 response(s)\n", 2 * time.Second},
		{"ip netns exec a arping -q 10.0.0.2", "", 4 * time.Second},
		{"ip netns exec a arping -c 5 -w 9 -i 2 10.0.0.2 | tail -2", "Sent 5 probes (1 broadcast(s))\nReceived 5 response(s)\n", 8*time.Second + 40*time.Microsecond},
		{"ip netns exec a arping -D -c 3 -q 10.0.0.9", "", 3 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.cmd, func(t *testing.T) {
			w := builtintest.EmulatedWorld(t)
			builtintest.MustRun(t, w, nil, pair)
			start := w.Clock().NowMonotonic()
			out := builtintest.MustRun(t, w, nil, c.cmd+"\n")
			if out != c.out {
				t.Errorf("%s:\n%s\nwant\n%s", c.cmd, out, c.out)
			}
			if took := w.Clock().NowMonotonic().Sub(start); took != c.took {
				t.Errorf("%s took %v of emulated time, want %v", c.cmd, took, c.took)
			}
		})
	}
}

// TestFramesOnTheLink: arping's frames are real ARP frames on the link,
// seen by tcpdump on the peer: a broadcast request, then (after the
// reply) a unicast one; -U's gratuitous request says "tell" its own
// address. (The cases' outputs have their MACs written MAC.)
func TestFramesOnTheLink(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "probes", Setup: pair,
			Cmd: "ip netns exec b tcpdump -l -n -e -i v1 -c 3 arp 2>/dev/null | cut -d' ' -f2-4,10- &\nsleep 0.01\nip netns exec a arping -q -c 2 10.0.0.2\nwait",
			Out: "MAC > ff:ff:ff:ff:ff:ff, Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n" +
				"MAC > MAC, Reply 10.0.0.2 is-at MAC, length 28\n" +
				"MAC > MAC, Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n"},
		{Name: "gratuitous", Setup: pair,
			Cmd: "ip netns exec b tcpdump -l -n -e -i v1 -c 2 arp 2>/dev/null | cut -d' ' -f2-4,10- &\nsleep 0.01\nip netns exec a arping -q -c 1 -U -I v0 10.0.0.1\nip netns exec a arping -q -c 1 -A -I v0 10.0.0.1\nwait",
			Out: "MAC > ff:ff:ff:ff:ff:ff, Request who-has 10.0.0.1 tell 10.0.0.1, length 28\n" +
				"MAC > ff:ff:ff:ff:ff:ff, Reply 10.0.0.1 is-at MAC, length 28\n"},
	})
}

// TestDADConflict: during duplicate address detection, another host's
// gratuitous request for the address counts as an answer, printed as
// arping prints a broadcast request (recorded from the real arping: b
// with arp_ignore 8, so that only its announcement speaks), half a second
// after the probe.
func TestDADConflict(t *testing.T) {
	w := builtintest.EmulatedWorld(t)
	builtintest.MustRun(t, w, nil, pair+"ip netns exec b sysctl -qw net.ipv4.conf.all.arp_ignore=8\n")
	out := builtintest.MustRun(t, w, nil, `{ ip netns exec a arping -D -c 3 -I v0 10.0.0.2 || echo rc=$?; } &
sleep 0.5
ip netns exec b arping -U -c 1 -q -I v1 10.0.0.2
wait
`)
	want := "ARPING 10.0.0.2 from 0.0.0.0 v0\n" +
		"Broadcast request from 10.0.0.2 [02:00:00:00:00:02] for 10.0.0.2 [FF:FF:FF:FF:FF:FF] 500.520ms\n" +
		"Sent 1 probes (1 broadcast(s))\n" +
		"Received 1 response(s) (1 request(s), 1 broadcast(s))\n" +
		"rc=1\n"
	if out != want {
		t.Errorf("arping -D while b announces 10.0.0.2:\n%s\nwant\n%s", out, want)
	}
}
